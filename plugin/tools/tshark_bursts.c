/* tshark_bursts.c - runs tshark with the plugin and gathers its bursts.
 *
 * tshark's output is streamed line by line rather than collected whole: a
 * week-long capture prints one row per packet, and only a burst's first row is
 * needed in full. Its standard error goes to an unlinked temporary file, so
 * that a chatty tshark can never block on a full pipe while we read stdout. */
#define _POSIX_C_SOURCE 200809L

#include "tshark_bursts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

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
    "iotfp.burst.start", "iotfp.burst.shape", "iotfp.cloud", "ip.src", "ipv6.src", "tcp.srcport",
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

char *iotfp_tool_burst_shape_text(const iotfp_tool_burst *burst, guint max_lengths)
{
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < burst->shape->len && i < max_lengths; i++)
        g_string_append_printf(text, "%s%+d", i ? " " : "", g_array_index(burst->shape, gint32, i));
    if (burst->shape->len > max_lengths)
        g_string_append(text, " ...");
    return g_string_free(text, FALSE);
}

static GPtrArray *build_argv(const char *capture, const iotfp_tshark_request *request)
{
    const char *program = request->program;
    if (!program || !*program)
        program = g_getenv(IOTFP_TSHARK_ENV);
    if (!program || !*program)
        program = IOTFP_TSHARK_DEFAULT;
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
    /* -n: no name lookups (slow, and irrelevant: the plugin learns names from
     * the capture itself). -2: the second pass shows each burst complete. */
    const char *fixed[] = { "-r", capture, "-n", "-2", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f" };
    g_ptr_array_add(argv, g_strdup(program));
    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, g_strdup(fixed[i]));
    g_ptr_array_add(argv, g_strdup("-o"));
    g_ptr_array_add(argv, g_strdup_printf("iotfp.burst_gap:%u", request->burst_gap_ms));
    for (const char *const *pref = request->preferences; pref && *pref; pref++) {
        g_ptr_array_add(argv, g_strdup("-o"));
        g_ptr_array_add(argv, g_strdup(*pref));
    }
    guint columns = request->with_events ? N_EVENT_COLUMNS : N_BURST_COLUMNS;
    for (guint i = 0; i < columns; i++) {
        g_ptr_array_add(argv, g_strdup("-e"));
        g_ptr_array_add(argv, g_strdup(column_fields[i]));
    }
    g_ptr_array_add(argv, NULL);
    return argv;
}

typedef struct {
    const char *capture;
    const iotfp_tshark_request *request;
    iotfp_capture_bursts *result;
    GHashTable *by_id;   /* burst id -> iotfp_tool_burst, owned by result->bursts */
    guint64 line_no;
} reader;

static gboolean row_error(reader *r, GError **error, const char *format, ...) G_GNUC_PRINTF(3, 4);

static gboolean row_error(reader *r, GError **error, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *message = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: tshark output line %" G_GUINT64_FORMAT ": %s",
                r->capture, r->line_no, message);
    g_free(message);
    return FALSE;
}

static gboolean parse_unsigned(const char *text, guint64 max, guint64 *value)
{
    return g_ascii_string_to_unsigned(text, 10, 0, max, value, NULL);
}

static gboolean parse_double(const char *text, double *value)
{
    char *end;
    errno = 0;
    *value = g_ascii_strtod(text, &end);
    return *text && !*end && errno == 0;
}

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
    if (!parse_unsigned(port_text, 65535, &port) || iotfp_tool_burst_has_cloud_port(burst, (guint)port))
        return;
    guint16 port16 = (guint16)port;
    g_array_append_val(burst->cloud_ports, port16);
}

static gboolean new_burst(reader *r, gchar **cols, guint32 id, double time, GError **error)
{
    guint64 scope, conv, start_frame;
    if (!parse_unsigned(cols[COL_SCOPE], G_MAXUINT32, &scope) ||
        !parse_unsigned(cols[COL_CONV], G_MAXUINT32, &conv) ||
        !parse_unsigned(cols[COL_BURST_START], G_MAXUINT32, &start_frame))
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
    if (r->request->with_events) {
        if (*cols[COL_EVENT])
            burst->event = g_strdup(cols[COL_EVENT]);
        if (*cols[COL_MODEL])
            burst->model = g_strdup(cols[COL_MODEL]);
        if (*cols[COL_EVENT_DISTANCE] && !parse_double(cols[COL_EVENT_DISTANCE], &burst->event_distance))
            return row_error(r, error, "frame %s: event distance '%s' is not a number", cols[COL_FRAME],
                             cols[COL_EVENT_DISTANCE]);
    }
    return TRUE;
}

static gboolean read_row(reader *r, char *line, GError **error)
{
    /* Only the line end: empty trailing columns end in tabs. */
    size_t len = strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    guint columns = r->request->with_events ? N_EVENT_COLUMNS : N_BURST_COLUMNS;
    gchar **cols = g_strsplit(line, "\t", -1);
    gboolean ok = TRUE;
    double time = 0;
    if (g_strv_length(cols) != columns) {
        ok = row_error(r, error, "%u columns instead of %u", g_strv_length(cols), columns);
    } else if (!parse_double(cols[COL_TIME], &time)) {
        ok = row_error(r, error, "frame %s: time '%s' is not a number", cols[COL_FRAME], cols[COL_TIME]);
    } else {
        iotfp_capture_bursts *result = r->result;
        result->first_time = result->frames == 0 ? time : MIN(result->first_time, time);
        result->last_time = result->frames == 0 ? time : MAX(result->last_time, time);
        result->frames++;
        guint64 id;
        if (!*cols[COL_BURST]) {
            /* Not a burst member: a pure ACK, a retransmission, broadcast, or no home device. */
        } else if (!parse_unsigned(cols[COL_BURST], G_MAXUINT32, &id)) {
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
    g_strfreev(cols);
    return ok;
}

static gint by_start(gconstpointer a, gconstpointer b)
{
    const iotfp_tool_burst *x = *(iotfp_tool_burst *const *)a, *y = *(iotfp_tool_burst *const *)b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static char *read_all_from(int fd)
{
    GString *text = g_string_new(NULL);
    char buffer[4096];
    ssize_t got;
    if (lseek(fd, 0, SEEK_SET) == 0)
        while ((got = read(fd, buffer, sizeof buffer)) > 0)
            g_string_append_len(text, buffer, got);
    return g_strstrip(g_string_free(text, FALSE));
}

/* Explains a tshark failure in terms of what the user can do about it. */
static void set_tshark_failure(GError **error, const char *capture, const char *program, const char *status,
                               const char *stderr_text)
{
    const char *hint = "";
    if (strstr(stderr_text, "aren't valid") || strstr(stderr_text, "isn't a valid") ||
        strstr(stderr_text, "unknown preference"))
        hint = "\n(iotfp fields and preferences are missing: the tshark run must load the iotfp plugin; name a "
               "tshark that does with --tshark or " IOTFP_TSHARK_ENV ")";
    /* tshark's warning about running as root says nothing about the failure. */
    GString *message = g_string_new(NULL);
    gchar **lines = g_strsplit(stderr_text, "\n", -1);
    for (gchar **line = lines; *line; line++)
        if (**line && !g_str_has_prefix(*line, "Running as user "))
            g_string_append_printf(message, "%s%s", message->len ? "\n" : "", *line);
    g_strfreev(lines);
    g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: %s %s:\n%s%s", capture, program, status,
                message->len ? message->str : "(no message)", hint);
    g_string_free(message, TRUE);
}

iotfp_capture_bursts *iotfp_tshark_read_bursts(const char *capture, const iotfp_tshark_request *request,
                                               GError **error)
{
    if (!g_file_test(capture, G_FILE_TEST_EXISTS)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: no such file", capture);
        return NULL;
    }
    if (g_file_test(capture, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: is a folder, not a capture", capture);
        return NULL;
    }
    /* The tshark run may be another user in another folder (the tests' wrapper). */
    char *absolute = g_canonicalize_filename(capture, NULL);
    GPtrArray *argv = build_argv(absolute, request);
    const char *program = g_ptr_array_index(argv, 0);

    char *stderr_name = NULL;
    int stderr_fd = g_file_open_tmp("iotfp-tshark-XXXXXX.err", &stderr_name, error);
    if (stderr_fd < 0) {
        g_ptr_array_free(argv, TRUE);
        g_free(absolute);
        return NULL;
    }
    unlink(stderr_name); /* the open descriptor keeps it until we close it */
    g_free(stderr_name);

    GPid pid;
    int stdout_fd = -1;
    GError *spawn_error = NULL;
    if (!g_spawn_async_with_pipes_and_fds(NULL, (const gchar *const *)argv->pdata, NULL,
                                          G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                              G_SPAWN_STDIN_FROM_DEV_NULL,
                                          NULL, NULL, -1, -1, stderr_fd, NULL, NULL, 0, &pid, NULL, &stdout_fd, NULL,
                                          &spawn_error)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: cannot run '%s': %s (name the tshark to run with "
                    "--tshark or " IOTFP_TSHARK_ENV ")", capture, program, spawn_error->message);
        g_error_free(spawn_error);
        close(stderr_fd);
        g_ptr_array_free(argv, TRUE);
        g_free(absolute);
        return NULL;
    }

    iotfp_capture_bursts *result = g_new0(iotfp_capture_bursts, 1);
    result->capture = g_strdup(capture);
    result->bursts = g_ptr_array_new_with_free_func(tool_burst_free);
    reader r = { .capture = capture, .request = request, .result = result,
                 .by_id = g_hash_table_new(g_direct_hash, g_direct_equal) };
    FILE *out = fdopen(stdout_fd, "r");
    char *line = NULL;
    size_t line_size = 0;
    GError *parse_error = NULL;
    while (out && getline(&line, &line_size, out) >= 0) {
        r.line_no++;
        if (!read_row(&r, line, &parse_error))
            break;
    }
    free(line);
    /* Closing our end first lets a tshark we stopped listening to end on SIGPIPE. */
    if (out)
        fclose(out);
    else
        close(stdout_fd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    g_spawn_close_pid(pid);
    g_hash_table_destroy(r.by_id);

    char *stderr_text = read_all_from(stderr_fd);
    close(stderr_fd);
    GError *exit_error = NULL;
    gboolean ok = FALSE;
    if (parse_error) {
        g_propagate_error(error, parse_error);
    } else if (!g_spawn_check_wait_status(status, &exit_error)) {
        char *what = WIFSIGNALED(status) ? g_strdup_printf("was killed by signal %d", WTERMSIG(status))
                                         : g_strdup_printf("exited with status %d", WEXITSTATUS(status));
        set_tshark_failure(error, capture, program, what, stderr_text);
        g_free(what);
        g_error_free(exit_error);
    } else if (!out) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: cannot read tshark's output", capture);
    } else {
        ok = TRUE;
    }
    g_free(stderr_text);
    g_ptr_array_free(argv, TRUE);
    g_free(absolute);
    if (!ok) {
        iotfp_capture_bursts_free(result);
        return NULL;
    }
    g_ptr_array_sort(result->bursts, by_start);
    return result;
}
