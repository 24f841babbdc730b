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

void iotfp_burst_format_shape(const iotfp_burst *burst, GString *out)
{
    for (guint i = 0; i < burst->shape->len; i++)
        g_string_append_printf(out, "%s%+d", i ? " " : "", g_array_index(burst->shape, gint32, i));
    if (burst->pkts > burst->shape->len)
        g_string_append_printf(out, " ... (+%u more)", burst->pkts - burst->shape->len);
}
