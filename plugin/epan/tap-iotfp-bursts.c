/* tap-iotfp-bursts.c
 * tshark -z iotfp,bursts[,filter]: every burst, grouped by device and
 * conversation, as the analyst's first overview of a capture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <wsutil/report_message.h>

#include "packet-iotfp.h"
#include "registration.h"

#define CLI_PREFIX "iotfp,bursts"

typedef struct {
    GHashTable *burst_ids; /* bursts of which a tapped packet was a member */
} bursts_tap;

static void bursts_reset(void *tapdata)
{
    bursts_tap *tap = tapdata;
    g_hash_table_remove_all(tap->burst_ids);
}

static tap_packet_status bursts_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                       const void *data, tap_flags_t flags _U_)
{
    bursts_tap *tap = tapdata;
    const iotfp_tap_info *info = data;
    if (!info->burst)
        return TAP_PACKET_DONT_REDRAW;
    g_hash_table_add(tap->burst_ids, GUINT_TO_POINTER(info->burst->id));
    return TAP_PACKET_REDRAW;
}

static gint by_device_then_id(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const iotfp_analysis *analysis = user_data;
    const iotfp_burst *x = iotfp_analysis_burst(analysis, GPOINTER_TO_UINT(*(gconstpointer const *)a));
    const iotfp_burst *y = iotfp_analysis_burst(analysis, GPOINTER_TO_UINT(*(gconstpointer const *)b));
    const iotfp_conv *cx = iotfp_analysis_conv(analysis, x->conv_id);
    const iotfp_conv *cy = iotfp_analysis_conv(analysis, y->conv_id);
    int order = iotfp_addr_compare(&cx->device, &cy->device);
    if (order == 0)
        order = (cx->id > cy->id) - (cx->id < cy->id);
    return order ? order : (x->id > y->id) - (x->id < y->id);
}

static void print_time(gint64 time_ns)
{
    GDateTime *time = g_date_time_new_from_unix_utc(time_ns / 1000000000);
    gchar *text = time ? g_date_time_format(time, "%Y-%m-%d %H:%M:%S") : g_strdup("?");
    printf("%s.%06d", text, (int)(time_ns % 1000000000 / 1000));
    g_free(text);
    if (time)
        g_date_time_unref(time);
}

static void print_conv_heading(const iotfp_analysis *analysis, const iotfp_conv *conv)
{
    char device[IOTFP_ADDR_STRLEN], peer[IOTFP_ADDR_STRLEN];
    iotfp_addr_format(&conv->device, device);
    iotfp_addr_format(&conv->peer, peer);
    const char *name = iotfp_analysis_peer_name(analysis, conv);
    printf("\nDevice %s, conversation %u with %s %s%s%s%s\n", device, conv->id,
           conv->scope == IOTFP_SCOPE_CLOUD ? "cloud" : "local peer", peer,
           name ? " (" : "", name ? name : "", name ? ")" : "");
    printf("  %7s %9s  %-26s %6s %9s %10s  %s\n", "burst", "frame", "start (UTC)", "pkts", "bytes",
           "duration", "shape");
}

static void bursts_draw(void *tapdata)
{
    bursts_tap *tap = tapdata;
    const iotfp_analysis *analysis = iotfp_current_analysis();
    printf("=============================================================================\n");
    printf("IoT Fingerprint: bursts per device\n");
    if (!analysis) {
        printf("No capture analysed.\n");
        return;
    }
    GPtrArray *ids = g_ptr_array_sized_new(g_hash_table_size(tap->burst_ids));
    GHashTableIter iter;
    gpointer id;
    g_hash_table_iter_init(&iter, tap->burst_ids);
    while (g_hash_table_iter_next(&iter, &id, NULL))
        g_ptr_array_add(ids, id);
    g_ptr_array_sort_with_data(ids, by_device_then_id, (gpointer)analysis);
    printf("%u bursts in %u conversations\n", ids->len, iotfp_analysis_n_convs(analysis));
    GString *shape = g_string_new(NULL);
    guint32 last_conv = 0;
    for (guint i = 0; i < ids->len; i++) {
        const iotfp_burst *burst = iotfp_analysis_burst(analysis, GPOINTER_TO_UINT(ids->pdata[i]));
        if (burst->conv_id != last_conv)
            print_conv_heading(analysis, iotfp_analysis_conv(analysis, burst->conv_id));
        last_conv = burst->conv_id;
        g_string_truncate(shape, 0);
        iotfp_burst_format_shape(burst, shape);
        printf("  %7u %9u  ", burst->id, burst->first_frame);
        print_time(burst->start_ns);
        printf(" %6u %9" G_GUINT64_FORMAT " %10.3f  %s\n", burst->pkts, burst->bytes,
               (double)(burst->end_ns - burst->start_ns) / 1e9, shape->str);
    }
    printf("=============================================================================\n");
    g_string_free(shape, TRUE);
    g_ptr_array_free(ids, TRUE);
}

static void bursts_finish(void *tapdata)
{
    bursts_tap *tap = tapdata;
    g_hash_table_destroy(tap->burst_ids);
    g_free(tap);
}

static void bursts_init(const char *opt_arg, void *userdata _U_)
{
    const char *filter = NULL;
    if (g_str_has_prefix(opt_arg, CLI_PREFIX ","))
        filter = opt_arg + strlen(CLI_PREFIX ",");
    bursts_tap *tap = g_new0(bursts_tap, 1);
    tap->burst_ids = g_hash_table_new(g_direct_hash, g_direct_equal);
    GString *error = register_tap_listener(IOTFP_TAP_NAME, tap, filter, TL_REQUIRES_NOTHING, bursts_reset,
                                           bursts_packet, bursts_draw, bursts_finish);
    if (error) {
        report_failure("Couldn't register iotfp,bursts tap: %s", error->str);
        g_string_free(error, TRUE);
        bursts_finish(tap);
    }
}

void register_tap_iotfp_bursts(void)
{
    static stat_tap_ui bursts_ui = {
        .group = REGISTER_STAT_GROUP_GENERIC,
        .title = "IoT Fingerprint bursts",
        .cli_string = CLI_PREFIX,
        .tap_init_cb = bursts_init,
        .nparams = 0,
        .params = NULL,
    };
    register_stat_tap_ui(&bursts_ui, NULL);
}
