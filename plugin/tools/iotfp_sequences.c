/* iotfp_sequences.c - iotfp-sequences: the per-packet features of every
 * conversation of a capture, as CSV, for training device-type models.
 *
 *   iotfp-sequences --home 192.168.0.0/16 --window 32 home.pcap > home.csv
 *
 * tshark (no plugin needed) prints each packet's addresses, ports, lengths
 * and TCP flags; the core's analysis groups them into conversations exactly
 * as the plugin does, and the core's iotfp_seq_next computes the features
 * the plugin's device-type model reads (seq_features.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "addr.h"
#include "analysis.h"
#include "seq_features.h"
#include "tool_options.h"
#include "tshark_run.h"

#define PROGRAM "iotfp-sequences"
#define DEFAULT_WINDOW 32
#define MAX_WINDOW 4096

typedef struct {
    char *home_text;
    int window;
    char *tshark;
    char **inputs;
    iotfp_netlist *home;  /* validated */
} sequences_options;

/* Columns of the -T fields output, in the order of the -e options. */
enum {
    COL_FRAME,
    COL_TIME,
    COL_IP_SRC,
    COL_IP_DST,
    COL_IPV6_SRC,
    COL_IPV6_DST,
    COL_IP_LEN,
    COL_IPV6_PLEN,
    COL_IP_PROTO,
    COL_IPV6_NXT,
    COL_TCP_SRCPORT,
    COL_TCP_DSTPORT,
    COL_TCP_LEN,
    COL_TCP_SEQ,
    COL_TCP_FLAGS,
    COL_UDP_SRCPORT,
    COL_UDP_DSTPORT,
    COL_UDP_LENGTH,
    COL_ETH_DST_GROUP,
    N_COLUMNS,
};

static const char *const column_fields[N_COLUMNS] = {
    "frame.number", "frame.time_epoch", "ip.src",      "ip.dst",      "ipv6.src",    "ipv6.dst",    "ip.len",
    "ipv6.plen",    "ip.proto",         "ipv6.nxt",    "tcp.srcport", "tcp.dstport", "tcp.len",     "tcp.seq_raw",
    "tcp.flags",    "udp.srcport",      "udp.dstport", "udp.length",  "eth.dst.ig",
};

#define IPV6_HEADER_LEN 40
#define UDP_HEADER_LEN 8

typedef struct {
    iotfp_analysis *analysis;
    GArray *sequences;  /* iotfp_seq_state, index conversation id - 1 */
    guint window;
    FILE *out;
} sequence_reader;

static gboolean parse_column(gchar **cols, int column, guint64 max, guint64 *value,
                             const iotfp_tshark_position *position, GError **error)
{
    if (iotfp_tshark_parse_unsigned(cols[column], max, value))
        return TRUE;
    return iotfp_tshark_row_error(position, error, "frame %s: %s '%s' is not a number up to %" G_GUINT64_FORMAT,
                                  cols[COL_FRAME], column_fields[column], cols[column], max);
}

/* The same transport, ports and lengths the plugin's packet_summary.c reads
 * from the dissection. */
static gboolean fill_transport(gchar **cols, iotfp_packet *packet, const iotfp_tshark_position *position,
                               GError **error)
{
    guint64 sport, dport, len, seq, flags;
    if (*cols[COL_TCP_SRCPORT] && *cols[COL_TCP_LEN]) {
        if (!parse_column(cols, COL_TCP_SRCPORT, G_MAXUINT16, &sport, position, error) ||
            !parse_column(cols, COL_TCP_DSTPORT, G_MAXUINT16, &dport, position, error) ||
            !parse_column(cols, COL_TCP_LEN, G_MAXUINT32, &len, position, error))
            return FALSE;
        /* tcp.flags prints as hexadecimal, 0x0012. */
        if (!g_ascii_string_to_unsigned(g_str_has_prefix(cols[COL_TCP_FLAGS], "0x") ? cols[COL_TCP_FLAGS] + 2
                                                                                     : cols[COL_TCP_FLAGS],
                                        16, 0, 0xfff, &flags, NULL))
            return iotfp_tshark_row_error(position, error, "frame %s: tcp.flags '%s' is not a hexadecimal number",
                                          cols[COL_FRAME], cols[COL_TCP_FLAGS]);
        packet->transport = IOTFP_TRANSPORT_TCP;
        packet->payload_len = (guint32)len;
        packet->tcp_flags = (guint8)flags;
        if (*cols[COL_TCP_SEQ] && parse_column(cols, COL_TCP_SEQ, G_MAXUINT32, &seq, position, error))
            packet->tcp_seq = (guint32)seq;
    } else if (*cols[COL_UDP_SRCPORT] && *cols[COL_UDP_LENGTH]) {
        if (!parse_column(cols, COL_UDP_SRCPORT, G_MAXUINT16, &sport, position, error) ||
            !parse_column(cols, COL_UDP_DSTPORT, G_MAXUINT16, &dport, position, error) ||
            !parse_column(cols, COL_UDP_LENGTH, G_MAXUINT16, &len, position, error))
            return FALSE;
        packet->transport = IOTFP_TRANSPORT_UDP;
        packet->payload_len = len > UDP_HEADER_LEN ? (guint32)len - UDP_HEADER_LEN : 0;
    } else {
        return TRUE;
    }
    packet->src_port = (guint16)sport;
    packet->dst_port = (guint16)dport;
    return TRUE;
}

/* "1700000003.329729000" to nanoseconds, exactly: a double would round the
 * last digits of today's epoch times. */
static gboolean parse_epoch_ns(const char *text, gint64 *time_ns)
{
    gboolean negative = *text == '-';
    const char *digits = negative ? text + 1 : text;
    const char *dot = strchr(digits, '.');
    char *whole = dot ? g_strndup(digits, (gsize)(dot - digits)) : g_strdup(digits);
    guint64 seconds, fraction = 0;
    gboolean ok = iotfp_tshark_parse_unsigned(whole, G_MAXINT64 / 1000000000 - 1, &seconds);
    g_free(whole);
    if (ok && dot) {
        size_t n = strlen(dot + 1);
        ok = n >= 1 && n <= 9 && iotfp_tshark_parse_unsigned(dot + 1, 999999999, &fraction);
        for (; ok && n < 9; n++)
            fraction *= 10;
    }
    gint64 magnitude = (gint64)(seconds * 1000000000 + fraction);
    *time_ns = negative ? -magnitude : magnitude;
    return ok;
}

/* FALSE with no error for a packet without IP addresses. */
static gboolean fill_packet(gchar **cols, iotfp_packet *packet, gboolean *has_ip,
                            const iotfp_tshark_position *position, GError **error)
{
    memset(packet, 0, sizeof *packet);
    gboolean v4 = *cols[COL_IP_SRC] != '\0';
    const char *src = v4 ? cols[COL_IP_SRC] : cols[COL_IPV6_SRC];
    const char *dst = v4 ? cols[COL_IP_DST] : cols[COL_IPV6_DST];
    *has_ip = *src && *dst;
    if (!*has_ip)
        return TRUE;
    if (!iotfp_addr_parse(&packet->src, src) || !iotfp_addr_parse(&packet->dst, dst))
        return iotfp_tshark_row_error(position, error, "frame %s: '%s' or '%s' is not an address", cols[COL_FRAME],
                                      src, dst);
    guint64 frame, ip_len, proto;
    if (!parse_column(cols, COL_FRAME, G_MAXUINT32, &frame, position, error) ||
        !parse_column(cols, v4 ? COL_IP_LEN : COL_IPV6_PLEN, G_MAXUINT16, &ip_len, position, error) ||
        !parse_column(cols, v4 ? COL_IP_PROTO : COL_IPV6_NXT, G_MAXUINT8, &proto, position, error))
        return FALSE;
    if (!parse_epoch_ns(cols[COL_TIME], &packet->time_ns))
        return iotfp_tshark_row_error(position, error, "frame %s: time '%s' is not a number", cols[COL_FRAME],
                                      cols[COL_TIME]);
    packet->frame = (guint32)frame;
    packet->ip_len = (guint32)ip_len + (v4 ? 0 : IPV6_HEADER_LEN);
    packet->ip_proto = (guint8)proto;
    /* Booleans print as 1/0 (or True/False in newer releases). */
    packet->link_group = strcmp(cols[COL_ETH_DST_GROUP], "1") == 0 ||
                         g_ascii_strcasecmp(cols[COL_ETH_DST_GROUP], "true") == 0;
    return fill_transport(cols, packet, position, error);
}

static void print_row(sequence_reader *r, const iotfp_conv *conv, const iotfp_seq_state *state, guint64 index,
                      const iotfp_packet *packet, const float *features)
{
    char device[IOTFP_ADDR_STRLEN], peer[IOTFP_ADDR_STRLEN];
    iotfp_addr_format(&conv->device, device);
    iotfp_addr_format(&conv->peer, peer);
    gint64 seconds = packet->time_ns / 1000000000, nanoseconds = packet->time_ns % 1000000000;
    if (nanoseconds < 0) {
        seconds--;
        nanoseconds += 1000000000;
    }
    fprintf(r->out, "%u,%s,%s,%d,%" G_GUINT64_FORMAT ",%u,%" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT, conv->id,
            device, peer, state->tunnel ? 1 : 0, index / r->window, packet->frame, seconds, nanoseconds);
    /* %.9g: a float prints back to the very number the plugin computes. */
    for (guint i = 0; i < IOTFP_SEQ_N_FEATURES; i++)
        fprintf(r->out, ",%.9g", (double)features[i]);
    fputc('\n', r->out);
}

static gboolean read_row(gchar **cols, const iotfp_tshark_position *position, void *data, GError **error)
{
    sequence_reader *r = data;
    iotfp_packet packet;
    gboolean has_ip;
    if (!fill_packet(cols, &packet, &has_ip, position, error))
        return FALSE;
    if (!has_ip)
        return TRUE;
    const iotfp_frame_record *record = iotfp_analysis_add(r->analysis, &packet);
    if (!record)
        return TRUE;
    if (record->conv_id > r->sequences->len)
        g_array_set_size(r->sequences, record->conv_id);
    iotfp_seq_state *state = &g_array_index(r->sequences, iotfp_seq_state, record->conv_id - 1);
    float features[IOTFP_SEQ_N_FEATURES];
    guint64 index = iotfp_seq_next(state, &packet, record->direction, features);
    print_row(r, iotfp_analysis_conv(r->analysis, record->conv_id), state, index, &packet, features);
    return TRUE;
}

static gboolean write_sequences(sequences_options *options, GError **error)
{
    GPtrArray *arguments = g_ptr_array_new_with_free_func(g_free);
    /* -n: no name lookups. occurrence=l: the innermost header, as the plugin reads it. */
    const char *fixed[] = { "-n", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=l" };
    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(arguments, g_strdup(fixed[i]));
    iotfp_tshark_add_fields(arguments, column_fields, N_COLUMNS);
    iotfp_tshark_command command = { options->tshark, arguments, N_COLUMNS };

    iotfp_analysis_config config = { options->home, (gint64)IOTFP_DEFAULT_BURST_GAP_MS * 1000000 };
    sequence_reader r = { iotfp_analysis_new(&config), g_array_new(FALSE, TRUE, sizeof(iotfp_seq_state)),
                          (guint)options->window, stdout };
    fputs("conversation,device,peer,tunnel,window,frame,time", r.out);
    for (guint i = 0; i < IOTFP_SEQ_N_FEATURES; i++)
        fprintf(r.out, ",f%u", i);
    fputc('\n', r.out);
    gboolean ok = iotfp_tshark_run(options->inputs[0], &command, read_row, &r, error);
    if (fflush(r.out) != 0 && ok) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "cannot write the output");
        ok = FALSE;
    }
    g_array_free(r.sequences, TRUE);
    iotfp_analysis_free(r.analysis);
    g_ptr_array_free(arguments, TRUE);
    return ok;
}

static GOptionContext *build_option_context(sequences_options *options)
{
    const GOptionEntry entries[] = {
        { "home", 0, 0, G_OPTION_ARG_STRING, &options->home_text,
          "home networks, comma-separated CIDRs (default: private and link-local ranges)", "CIDRS" },
        { "window", 0, 0, G_OPTION_ARG_INT, &options->window,
          "packets per window (default " G_STRINGIFY(DEFAULT_WINDOW) ")", "W" },
        { "tshark", 0, 0, G_OPTION_ARG_FILENAME, &options->tshark,
          "tshark program (default $" IOTFP_TSHARK_ENV ", else tshark)", "PROGRAM" },
        { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->inputs, NULL, "CAPTURE" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *context = g_option_context_new("CAPTURE");
    g_option_context_set_summary(context,
        "Prints one CSV row per packet of every conversation of a home device (bare ACKs included):\n"
        "conversation,device,peer,tunnel,window,frame,time,f0,...,f10\n"
        "with the features the plugin's device-type model reads (plugin/core/seq_features.h).\n"
        "Windows are W consecutive packets of a conversation from its first; a conversation's\n"
        "last window may be incomplete (fewer than W rows), and the plugin classifies only\n"
        "complete ones. tunnel is 1 once the conversation carried WireGuard, OpenVPN or IPsec.");
    g_option_context_add_main_entries(context, entries, NULL);
    return context;
}

static char *validate_options(sequences_options *options)
{
    if (!options->inputs || g_strv_length(options->inputs) != 1)
        return g_strdup("give exactly one capture");
    if (options->window < 1 || options->window > MAX_WINDOW)
        return g_strdup_printf("--window %d is not from 1 to %d", options->window, MAX_WINDOW);
    GError *error = NULL;
    options->home = iotfp_netlist_parse(options->home_text ? options->home_text : IOTFP_DEFAULT_HOME_NETWORKS,
                                        &error);
    if (!options->home) {
        char *message = g_strdup_printf("--home: %s", error->message);
        g_error_free(error);
        return message;
    }
    return NULL;
}

static void options_clear(sequences_options *options)
{
    g_free(options->home_text);
    g_free(options->tshark);
    g_strfreev(options->inputs);
    iotfp_netlist_free(options->home);
}

static GOptionContext *build_context_cb(void *options) { return build_option_context(options); }
static char *validate_cb(void *options) { return validate_options(options); }
static gboolean run_cb(void *options, GError **error) { return write_sequences(options, error); }
static void clear_cb(void *options) { options_clear(options); }

int main(int argc, char **argv)
{
    static const tool_main_spec tool = { PROGRAM, build_context_cb, validate_cb, run_cb, clear_cb };
    sequences_options options = { .window = DEFAULT_WINDOW };
    return run_tool_main(&tool, &options, argc, argv);
}
