#include "burst.h"

iotfp_burst *iotfp_burst_new(guint32 id, guint32 conv_id)
{
    iotfp_burst *burst = g_new0(iotfp_burst, 1);
    burst->id = id;
    burst->conv_id = conv_id;
    burst->shape = g_array_sized_new(FALSE, FALSE, sizeof(gint32), 8);
    return burst;
}

void iotfp_burst_free(iotfp_burst *burst)
{
    if (!burst)
        return;
    g_array_free(burst->shape, TRUE);
    if (burst->messages)
        g_array_free(burst->messages, TRUE);
    g_free(burst);
}

void iotfp_burst_add(iotfp_burst *burst, guint32 frame, gint64 time_ns, gint32 signed_len)
{
    if (burst->pkts == 0) {
        burst->first_frame = frame;
        burst->start_ns = burst->end_ns = time_ns;
    }
    burst->last_frame = frame;
    burst->start_ns = MIN(burst->start_ns, time_ns);
    burst->end_ns = MAX(burst->end_ns, time_ns);
    burst->pkts++;
    burst->bytes += (guint64)ABS((gint64)signed_len);
    if (burst->shape->len < IOTFP_SHAPE_MAX)
        g_array_append_val(burst->shape, signed_len);
}

void iotfp_burst_add_messages(iotfp_burst *burst, const guint16 *lengths, guint n, gboolean from_device)
{
    if (n && !burst->messages)
        burst->messages = g_array_sized_new(FALSE, FALSE, sizeof(gint32), 4);
    for (guint i = 0; i < n && burst->messages->len < IOTFP_SHAPE_MAX; i++) {
        gint32 signed_len = from_device ? lengths[i] : -(gint32)lengths[i];
        g_array_append_val(burst->messages, signed_len);
    }
}

/* Digits by hand: shapes are formatted for every packet a tree shows, and a
 * printf per length was most of the plugin's cost in tshark -T fields. */
static void append_number(GString *out, char sign, guint32 magnitude)
{
    char digits[10];
    guint n = 0;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    g_string_append_c(out, sign);
    while (n)
        g_string_append_c(out, digits[--n]);
}

static void append_signed(const GArray *lengths, guint from, GString *out)
{
    for (guint i = from; i < lengths->len; i++) {
        gint32 length = g_array_index(lengths, gint32, i);
        if (i)
            g_string_append_c(out, ' ');
        append_number(out, length < 0 ? '-' : '+', length < 0 ? 0u - (guint32)length : (guint32)length);
    }
}

void iotfp_burst_append_lengths(const iotfp_burst *burst, guint from, GString *out)
{
    append_signed(burst->shape, from, out);
}

void iotfp_burst_append_messages_text(const iotfp_burst *burst, guint from, GString *out)
{
    if (burst->messages)
        append_signed(burst->messages, from, out);
}

void iotfp_burst_append_more(const iotfp_burst *burst, GString *out)
{
    if (burst->pkts <= burst->shape->len)
        return;
    g_string_append(out, " ... (");
    append_number(out, '+', burst->pkts - burst->shape->len);
    g_string_append(out, " more)");
}

void iotfp_burst_format_shape(const iotfp_burst *burst, GString *out)
{
    iotfp_burst_append_lengths(burst, 0, out);
    iotfp_burst_append_more(burst, out);
}
