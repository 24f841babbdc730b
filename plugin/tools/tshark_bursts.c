/* tshark_bursts.c - runs tshark with the plugin and gathers its bursts; only
 * a burst's first row is needed in full. */
#include "tshark_bursts.h"

#include <string.h>

#include "addr.h"
#include "burst.h"

/* Columns of the -T fields output, in the order of the -e options. */
enum {
    COL_FRAME,
    COL_TIME,
    COL_DEVICE,
    COL_SCOPE,
    COL_CONV,
    COL_BURST,
    COL_BURST_START,
    COL_SHAPE,
    COL_MESSAGES,
    COL_CLOUD,
    COL_IP_SRC,
    COL_IPV6_SRC,
    COL_TCP_SRCPORT,
    COL_TCP_DSTPORT,
    COL_UDP_SRCPORT,
    COL_UDP_DSTPORT,
    N_BURST_COLUMNS,
    COL_EVENT = N_BURST_COLUMNS,
    COL_EVENT_DISTANCE,
    COL_MODEL,
    N_EVENT_COLUMNS,
};

static const char *const column_fields[N_EVENT_COLUMNS] = {
    "frame.number", "frame.time_epoch", "iotfp.device", "iotfp.scope", "iotfp.conv", "iotfp.burst",
    "iotfp.burst.start", "iotfp.burst.shape", "iotfp.burst.messages", "iotfp.cloud", "ip.src", "ipv6.src", "tcp.srcport",
    "tcp.dstport", "udp.srcport", "udp.dstport", "iotfp.event", "iotfp.event.distance", "iotfp.device.model",
};

static void tool_burst_free(gpointer data)
{
    iotfp_tool_burst *burst = data;
    g_free(burst->device);
    g_free(burst->cloud);
    g_free(burst->event);
    g_free(burst->model);
    g_array_free(burst->shape, TRUE);
    if (burst->messages)
        g_array_free(burst->messages, TRUE);
    g_array_free(burst->cloud_ports, TRUE);
    g_free(burst);
}

void iotfp_capture_bursts_free(iotfp_capture_bursts *capture)
{
    if (!capture)
        return;
    g_free(capture->capture);
    g_ptr_array_free(capture->bursts, TRUE);
    g_free(capture);
}

gboolean iotfp_tool_burst_has_cloud_port(const iotfp_tool_burst *burst, guint port)
{
    for (guint i = 0; i < burst->cloud_ports->len; i++)
        if (g_array_index(burst->cloud_ports, guint16, i) == port)
            return TRUE;
    return FALSE;
}

char *iotfp_tool_burst_shape_text(const iotfp_tool_burst *burst, iotfp_shape_kind kind, guint max_lengths)
{
    const GArray *lengths = iotfp_tool_burst_lengths(burst, kind);
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < lengths->len && i < max_lengths; i++)
        g_string_append_printf(text, "%s%+d", i ? " " : "", g_array_index(lengths, gint32, i));
    if (lengths->len > max_lengths)
        g_string_append(text, " ...");
    return g_string_free(text, FALSE);
}

static GPtrArray *build_arguments(const iotfp_tshark_request *request)
{
    GPtrArray *arguments = g_ptr_array_new_with_free_func(g_free);
    /* -n: no name lookups (slow, and irrelevant: the plugin learns names from
     * the capture itself). -2: the second pass shows each burst complete. */
    const char *fixed[] = { "-n", "-2", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f" };
    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(arguments, g_strdup(fixed[i]));
    g_ptr_array_add(arguments, g_strdup("-o"));
    g_ptr_array_add(arguments, g_strdup_printf("iotfp.burst_gap:%u", request->burst_gap_ms));
    for (const char *const *pref = request->preferences; pref && *pref; pref++) {
        g_ptr_array_add(arguments, g_strdup("-o"));
        g_ptr_array_add(arguments, g_strdup(*pref));
    }
    iotfp_tshark_add_fields(arguments, column_fields, request->with_events ? N_EVENT_COLUMNS : N_BURST_COLUMNS);
    return arguments;
}

typedef struct {
    const iotfp_tshark_request *request;
    iotfp_capture_bursts *result;
    GHashTable *by_id;   /* burst id -> iotfp_tool_burst, owned by result->bursts */
    const iotfp_tshark_position *position; /* of the row being read */
} reader;

/* Every row error names the capture and the line being read. */
#define row_error(r, error, ...) iotfp_tshark_row_error((r)->position, (error), __VA_ARGS__)

/* "+182 -1146 +126 ... (+3 more)": the lengths before the ellipsis. */
static gboolean parse_shape(const char *text, GArray *shape)
{
    gchar **words = g_strsplit(text, " ", -1);
    gboolean ok = TRUE;
    for (gchar **word = words; ok && *word; word++) {
        if (strcmp(*word, "...") == 0)
            break;
        gint64 value;
        ok = (**word == '+' || **word == '-') &&
             g_ascii_string_to_signed(*word, 10, -G_MAXINT32, G_MAXINT32, &value, NULL) && value != 0 &&
             shape->len < IOTFP_SHAPE_MAX;
        if (ok) {
            gint32 length = (gint32)value;
            g_array_append_val(shape, length);
        }
    }
    g_strfreev(words);
    return ok && shape->len > 0;
}

static void note_cloud_port(iotfp_tool_burst *burst, gchar **cols)
{
    /* The device's side is whichever source address is the device. */
    iotfp_addr device, source;
    if (!iotfp_addr_parse(&device, burst->device))
        return;
    const char *source_text = *cols[COL_IP_SRC] ? cols[COL_IP_SRC] : cols[COL_IPV6_SRC];
    gboolean from_device = iotfp_addr_parse(&source, source_text) && iotfp_addr_equal(&device, &source);
    const char *port_text;
    if (*cols[COL_TCP_SRCPORT])
        port_text = from_device ? cols[COL_TCP_DSTPORT] : cols[COL_TCP_SRCPORT];
    else
        port_text = from_device ? cols[COL_UDP_DSTPORT] : cols[COL_UDP_SRCPORT];
    guint64 port;
    if (!iotfp_tshark_parse_unsigned(port_text, 65535, &port) ||
        iotfp_tool_burst_has_cloud_port(burst, (guint)port))
        return;
    guint16 port16 = (guint16)port;
    g_array_append_val(burst->cloud_ports, port16);
}

static gboolean new_burst(reader *r, gchar **cols, guint32 id, double time, GError **error)
{
    guint64 scope, conv, start_frame;
    if (!iotfp_tshark_parse_unsigned(cols[COL_SCOPE], G_MAXUINT32, &scope) ||
        !iotfp_tshark_parse_unsigned(cols[COL_CONV], G_MAXUINT32, &conv) ||
        !iotfp_tshark_parse_unsigned(cols[COL_BURST_START], G_MAXUINT32, &start_frame))
        return row_error(r, error, "frame %s: burst %u has no valid scope, conversation or start frame "
                         "('%s', '%s', '%s')", cols[COL_FRAME], id, cols[COL_SCOPE], cols[COL_CONV],
                         cols[COL_BURST_START]);
    iotfp_addr device;
    if (!iotfp_addr_parse(&device, cols[COL_DEVICE]))
        return row_error(r, error, "frame %s: device '%s' is not an address", cols[COL_FRAME], cols[COL_DEVICE]);
    iotfp_tool_burst *burst = g_new0(iotfp_tool_burst, 1);
    burst->id = id;
    burst->scope = (guint)scope;
    burst->conv = (guint32)conv;
    burst->start_frame = (guint32)start_frame;
    char device_text[IOTFP_ADDR_STRLEN];
    iotfp_addr_format(&device, device_text);
    burst->device = g_strdup(device_text);
    burst->cloud = g_strdup(cols[COL_CLOUD]);
    burst->start = time;
    burst->shape = g_array_new(FALSE, FALSE, sizeof(gint32));
    burst->cloud_ports = g_array_new(FALSE, FALSE, sizeof(guint16));
    burst->event_distance = -1.0;
    g_ptr_array_add(r->result->bursts, burst);
    g_hash_table_insert(r->by_id, GUINT_TO_POINTER(id), burst);
    if (!parse_shape(cols[COL_SHAPE], burst->shape))
        return row_error(r, error, "frame %s: burst %u has no valid shape ('%s')", cols[COL_FRAME], id,
                         cols[COL_SHAPE]);
    if (*cols[COL_MESSAGES]) {
        burst->messages = g_array_new(FALSE, FALSE, sizeof(gint32));
        if (!parse_shape(cols[COL_MESSAGES], burst->messages))
            return row_error(r, error, "frame %s: burst %u has no valid messages ('%s')", cols[COL_FRAME], id,
                             cols[COL_MESSAGES]);
    }
    if (r->request->with_events) {
        if (*cols[COL_EVENT])
            burst->event = g_strdup(cols[COL_EVENT]);
        if (*cols[COL_MODEL])
            burst->model = g_strdup(cols[COL_MODEL]);
        if (*cols[COL_EVENT_DISTANCE] &&
            !iotfp_tshark_parse_double(cols[COL_EVENT_DISTANCE], &burst->event_distance))
            return row_error(r, error, "frame %s: event distance '%s' is not a number", cols[COL_FRAME],
                             cols[COL_EVENT_DISTANCE]);
    }
    return TRUE;
}

static gboolean read_row(gchar **cols, const iotfp_tshark_position *position, void *data, GError **error)
{
    reader *r = data;
    r->position = position;
    gboolean ok = TRUE;
    double time = 0;
    if (!iotfp_tshark_parse_double(cols[COL_TIME], &time)) {
        ok = row_error(r, error, "frame %s: time '%s' is not a number", cols[COL_FRAME], cols[COL_TIME]);
    } else {
        iotfp_capture_bursts *result = r->result;
        result->first_time = result->frames == 0 ? time : MIN(result->first_time, time);
        result->last_time = result->frames == 0 ? time : MAX(result->last_time, time);
        result->frames++;
        guint64 id;
        if (!*cols[COL_BURST]) {
            /* Not a burst member: a pure ACK, a retransmission, broadcast, or no home device. */
        } else if (!iotfp_tshark_parse_unsigned(cols[COL_BURST], G_MAXUINT32, &id)) {
            ok = row_error(r, error, "frame %s: burst number '%s' is not a number", cols[COL_FRAME], cols[COL_BURST]);
        } else {
            iotfp_tool_burst *burst = g_hash_table_lookup(r->by_id, GUINT_TO_POINTER((guint32)id));
            if (!burst) {
                ok = new_burst(r, cols, (guint32)id, time, error);
                burst = g_hash_table_lookup(r->by_id, GUINT_TO_POINTER((guint32)id));
            }
            if (ok) {
                /* Out-of-order timestamps: the core's start is the earliest member. */
                burst->start = MIN(burst->start, time);
                note_cloud_port(burst, cols);
            }
        }
    }
    return ok;
}

static gint by_start(gconstpointer a, gconstpointer b)
{
    const iotfp_tool_burst *x = *(iotfp_tool_burst *const *)a, *y = *(iotfp_tool_burst *const *)b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

iotfp_capture_bursts *iotfp_tshark_read_bursts(const char *capture, const iotfp_tshark_request *request,
                                               GError **error)
{
    GPtrArray *arguments = build_arguments(request);
    iotfp_tshark_command command = { request->program, arguments,
                                     request->with_events ? N_EVENT_COLUMNS : N_BURST_COLUMNS };
    iotfp_capture_bursts *result = g_new0(iotfp_capture_bursts, 1);
    result->capture = g_strdup(capture);
    result->bursts = g_ptr_array_new_with_free_func(tool_burst_free);
    reader r = { .request = request, .result = result, .by_id = g_hash_table_new(g_direct_hash, g_direct_equal) };
    gboolean ok = iotfp_tshark_run(capture, &command, read_row, &r, error);
    g_hash_table_destroy(r.by_id);
    g_ptr_array_free(arguments, TRUE);
    if (!ok) {
        iotfp_capture_bursts_free(result);
        return NULL;
    }
    g_ptr_array_sort(result->bursts, by_start);
    return result;
}

const GArray *iotfp_tool_burst_lengths(const iotfp_tool_burst *burst, iotfp_shape_kind kind)
{
    return kind == IOTFP_SHAPE_MESSAGES && burst->messages ? burst->messages : burst->shape;
}
