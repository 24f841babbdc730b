/* stats_tree_iotfp.c
 * Statistics > IoT Fingerprint: trees of platforms, devices and events, also
 * as tshark -z iotfp_<tree>,tree (a stats tree's name cannot hold a comma). Conversations are counted at their first
 * packet and bursts at theirs, each once. In a visited pass (the GUI, tshark -2)
 * the first pass has decided everything by then; a single pass counts what
 * was known at that packet.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/stats_tree.h>

#include "conv_features.h"
#include "packet-iotfp.h"
#include "registration.h"

#define UNKNOWN_PLATFORM "unknown"

static const char *platform_name(const iotfp_conv *conv)
{
    const char *platform = iotfp_conv_features_platform(conv->features);
    return platform ? platform : UNKNOWN_PLATFORM;
}

static const char *device_name(const iotfp_conv *conv, char text[IOTFP_ADDR_STRLEN])
{
    iotfp_addr_format(&conv->device, text);
    return text;
}

static gboolean starts_burst(const packet_info *pinfo, const iotfp_tap_info *info)
{
    return info->burst && pinfo->num == info->burst->first_frame;
}

/* Milliseconds after the capture's first packet, as stats_tree keeps ints. */
static gint relative_ms(const packet_info *pinfo)
{
    gint64 ms = (gint64)pinfo->rel_ts.secs * 1000 + pinfo->rel_ts.nsecs / 1000000;
    return (gint)CLAMP(ms, G_MININT, G_MAXINT);
}

/* Platforms: conversations, distinct devices and frame bytes per platform. */

#define PLATFORM_CONVS_NODE "Conversations by platform"
#define PLATFORM_DEVICES_NODE "Devices by platform"
#define PLATFORM_BYTES_NODE "Frame bytes by platform"

static int platform_convs_node = -1;
static int platform_devices_node = -1;
static int platform_bytes_node = -1;

static void platforms_init(stats_tree *st)
{
    platform_convs_node = stats_tree_create_node(st, PLATFORM_CONVS_NODE, 0, STAT_DT_INT, TRUE);
    platform_devices_node = stats_tree_create_node(st, PLATFORM_DEVICES_NODE, 0, STAT_DT_INT, TRUE);
    platform_bytes_node = stats_tree_create_node(st, PLATFORM_BYTES_NODE, 0, STAT_DT_INT, TRUE);
}

/* Whether an earlier conversation of the device has the same platform, so
 * that a device counts once per platform without state kept across packets. */
static gboolean device_seen_on_platform(const iotfp_conv *conv)
{
    const iotfp_analysis *analysis = iotfp_current_analysis();
    const char *platform = platform_name(conv);
    for (guint32 id = 1; id < conv->id; id++) {
        const iotfp_conv *earlier = iotfp_analysis_conv(analysis, id);
        if (iotfp_addr_compare(&earlier->device, &conv->device) == 0 &&
            strcmp(platform_name(earlier), platform) == 0)
            return TRUE;
    }
    return FALSE;
}

static tap_packet_status platforms_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                          const void *data, tap_flags_t flags _U_)
{
    const iotfp_tap_info *info = data;
    const char *platform = platform_name(info->conv);
    gint frame_bytes = (gint)MIN(pinfo->fd->pkt_len, (guint32)G_MAXINT);
    increase_stat_node(st, PLATFORM_BYTES_NODE, 0, TRUE, frame_bytes);
    increase_stat_node(st, platform, platform_bytes_node, FALSE, frame_bytes);
    if (pinfo->num != info->conv->first_frame)
        return TAP_PACKET_REDRAW;
    tick_stat_node(st, PLATFORM_CONVS_NODE, 0, TRUE);
    tick_stat_node(st, platform, platform_convs_node, FALSE);
    if (!device_seen_on_platform(info->conv)) {
        tick_stat_node(st, PLATFORM_DEVICES_NODE, 0, TRUE);
        tick_stat_node(st, platform, platform_devices_node, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

/* Devices: each device's bursts, and how many of them its model explained,
 * its platforms carried and were events. */

#define DEVICES_NODE "Bursts by device"
#define DEVICE_EVENTS_NODE "events"

static void devices_init(stats_tree *st)
{
    stats_tree_create_node(st, DEVICES_NODE, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status devices_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                        const void *data, tap_flags_t flags _U_)
{
    const iotfp_tap_info *info = data;
    if (!starts_burst(pinfo, info))
        return TAP_PACKET_DONT_REDRAW;
    char device_text[IOTFP_ADDR_STRLEN];
    int devices_node = tick_stat_node(st, DEVICES_NODE, 0, TRUE);
    int device_node = tick_stat_node(st, device_name(info->conv, device_text), devices_node, TRUE);
    char *platform = g_strconcat("platform ", platform_name(info->conv), NULL);
    tick_stat_node(st, platform, device_node, FALSE);
    g_free(platform);
    const iotfp_detection *detection = iotfp_burst_detection(info->conv, info->burst);
    if (detection && detection->model) {
        char *model = g_strconcat("model ", detection->model->model, NULL);
        tick_stat_node(st, model, device_node, FALSE);
        g_free(model);
    }
    if (detection && detection->event)
        tick_stat_node(st, DEVICE_EVENTS_NODE, device_node, FALSE);
    return TAP_PACKET_REDRAW;
}

/* Events: per device and event, how many bursts, and the first and last as
 * the Min and Max of their start in ms after the capture's first packet. */

#define EVENTS_NODE "Events by device (min, max: first, last ms)"

static void events_init(stats_tree *st)
{
    stats_tree_create_node(st, EVENTS_NODE, 0, STAT_DT_INT, TRUE);
}

/* The detection of the burst this packet opens; NULL on other packets, so
 * that each burst counts once. */
static const iotfp_detection *opened_burst_detection(const packet_info *pinfo, const iotfp_tap_info *info)
{
    return starts_burst(pinfo, info) ? iotfp_burst_detection(info->conv, info->burst) : NULL;
}

static tap_packet_status events_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                       const void *data, tap_flags_t flags _U_)
{
    const iotfp_tap_info *info = data;
    const iotfp_detection *detection = opened_burst_detection(pinfo, info);
    if (!detection || !detection->event)
        return TAP_PACKET_DONT_REDRAW;
    gint ms = relative_ms(pinfo);
    char device_text[IOTFP_ADDR_STRLEN];
    int events_node = avg_stat_node_add_value_int(st, EVENTS_NODE, 0, TRUE, ms);
    int device_node = avg_stat_node_add_value_int(st, device_name(info->conv, device_text), events_node, TRUE, ms);
    avg_stat_node_add_value_int(st, detection->event->name, device_node, FALSE, ms);
    return TAP_PACKET_REDRAW;
}

/* One row per tree: tshark -z <abbr>,tree, and the menu entry. */
typedef struct {
    const char *abbr;
    const char *menu_name;
    stat_tree_init_cb init;
    stat_tree_packet_cb packet;
} iotfp_tree;

static const iotfp_tree trees[] = {
    { "iotfp_platforms", "IoT Fingerprint/Platforms", platforms_init, platforms_packet },
    { "iotfp_devices", "IoT Fingerprint/Devices", devices_init, devices_packet },
    { "iotfp_events", "IoT Fingerprint/Events", events_init, events_packet },
};

void register_stats_tree_iotfp(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(trees); i++)
        stats_tree_register_plugin(IOTFP_TAP_NAME, trees[i].abbr, trees[i].menu_name, TL_REQUIRES_NOTHING,
                                   trees[i].packet, trees[i].init, NULL);
}
