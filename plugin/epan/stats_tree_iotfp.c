/* stats_tree_iotfp.c
 * Statistics > IoT Fingerprint: trees of platforms, devices, events and
 * gateway actions, also as tshark -z iotfp_<tree>,tree (a stats tree's name
 * cannot hold a comma). Conversations are counted at their first packet and
 * bursts at theirs, each once. In a visited pass (the GUI, tshark -2)
 * the first pass has decided everything by then; a single pass counts what
 * was known at that packet.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/stats_tree.h>

#include <math.h>

#include "action_fields.h"
#include "conv_features.h"
#include "packet-iotfp.h"
#include "registration.h"

/* A conversation with no platform says why where it can: "unknown" is left
 * for cloud conversations that no rule explains, the ones worth a look. */
static const char *platform_name(const iotfp_conv *conv)
{
    const char *platform = iotfp_conv_features_platform(conv->features);
    if (platform)
        return platform;
    if (iotfp_conv_features_evidence(conv->features))
        return "none (generic service)";
    if (conv->scope == IOTFP_SCOPE_LOCAL)
        return "none (local peer)";
    if (conv->scope == IOTFP_SCOPE_GROUP)
        return "none (broadcast or multicast)";
    return "unknown";
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

/* The (device, platform) pairs each open Platforms tree has counted, so that
 * a device counts once per platform at O(1) per conversation. Keyed by the
 * tree: the GUI can show several at once. A retap starts again from frame 1,
 * and Wireshark resets the tree's nodes without calling init again, so a
 * frame number not beyond the last one seen starts the set afresh. */
typedef struct {
    GHashTable *pairs; /* "device platform" strings */
    guint32 last_frame;
} platform_devices_seen;

static GHashTable *seen_by_tree; /* stats_tree * -> platform_devices_seen * */

static void free_platform_devices_seen(gpointer data)
{
    platform_devices_seen *seen = data;
    g_hash_table_destroy(seen->pairs);
    g_free(seen);
}

static void platforms_cleanup(stats_tree *st)
{
    g_hash_table_remove(seen_by_tree, st);
}

/* TRUE the first time the tree sees the device on this platform. */
static gboolean first_of_device_on_platform(stats_tree *st, guint32 frame, const iotfp_conv *conv)
{
    platform_devices_seen *seen = g_hash_table_lookup(seen_by_tree, st);
    if (frame <= seen->last_frame)
        g_hash_table_remove_all(seen->pairs);
    seen->last_frame = frame;
    char device_text[IOTFP_ADDR_STRLEN];
    char *pair = g_strconcat(device_name(conv, device_text), " ", platform_name(conv), NULL);
    return g_hash_table_add(seen->pairs, pair);
}

static void platforms_init(stats_tree *st)
{
    platform_convs_node = stats_tree_create_node(st, PLATFORM_CONVS_NODE, 0, STAT_DT_INT, TRUE);
    platform_devices_node = stats_tree_create_node(st, PLATFORM_DEVICES_NODE, 0, STAT_DT_INT, TRUE);
    platform_bytes_node = stats_tree_create_node(st, PLATFORM_BYTES_NODE, 0, STAT_DT_INT, TRUE);
    if (!seen_by_tree)
        seen_by_tree = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_platform_devices_seen);
    platform_devices_seen *seen = g_new0(platform_devices_seen, 1);
    seen->pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_replace(seen_by_tree, st, seen);
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
    if (first_of_device_on_platform(st, pinfo->num, info->conv)) {
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

/* Actions: per device, the commands its gateway's action model decomposed
 * (each best set, how many were ambiguous or had no decomposition), and how
 * often each action occurs in the best sets. A command is counted at its
 * burst's first packet, like the events. */

#define COMMANDS_NODE "Commands by device"
#define ACTIONS_NODE "Actions by device (in the best sets)"
#define EXPECTED_NODE "Expected actions by device (candidates weighted by probability)"
#define AMBIGUOUS_NODE "ambiguous"
#define NO_DECOMPOSITION_NODE "no decomposition"

/* Expected counts are fractions and the tree counts whole numbers: each
 * node keeps its exact running sum here (keyed by tree, device and action)
 * and grows by the whole units that sum has passed, so every total is the
 * expected count rounded down. */
static GHashTable *expected_sums;

static void actions_init(stats_tree *st)
{
    stats_tree_create_node(st, COMMANDS_NODE, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, ACTIONS_NODE, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, EXPECTED_NODE, 0, STAT_DT_INT, TRUE);
    if (!expected_sums)
        expected_sums = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean of_tree(gpointer key, gpointer value _U_, gpointer prefix)
{
    return g_str_has_prefix(key, prefix);
}

static void actions_cleanup(stats_tree *st)
{
    char *prefix = g_strdup_printf("%p/", (void *)st);
    if (expected_sums)
        g_hash_table_foreach_remove(expected_sums, of_tree, prefix);
    g_free(prefix);
}

/* Adds amount to the running sum of the node (device, name under parent)
 * and increases the node by the whole units passed. */
static int increase_expected(stats_tree *st, const char *device, const char *name, int parent, double amount)
{
    char *key = g_strdup_printf("%p/%s/%s", (void *)st, device, name);
    double *sum = g_hash_table_lookup(expected_sums, key);
    if (!sum) {
        sum = g_new0(double, 1);
        g_hash_table_insert(expected_sums, g_strdup(key), sum);
    }
    /* A hair over, so that probabilities summing to 1 in floating point count as 1. */
    gint before = (gint)floor(*sum + 1e-9);
    *sum += amount;
    g_free(key);
    return increase_stat_node(st, name, parent, TRUE, (gint)floor(*sum + 1e-9) - before);
}

static void add_expected(stats_tree *st, const char *device, const iotfp_action_model *model,
                         const iotfp_decompose_result *result)
{
    const guint n = model->decompose.n_actions;
    double *expected = g_new0(double, n);
    double total = 0;
    for (guint c = 0; c < result->candidates->len; c++) {
        double probability = g_array_index(result->candidates, iotfp_decomposition, c).probability;
        const guint8 *counts = iotfp_decompose_counts(result, c);
        for (guint a = 0; a < n; a++) {
            expected[a] += probability * counts[a];
            total += probability * counts[a];
        }
    }
    int root = increase_expected(st, "", EXPECTED_NODE, 0, total);
    int device_node = increase_expected(st, device, device, root, total);
    for (guint a = 0; a < n; a++)
        if (expected[a] > 0)
            increase_expected(st, device, model->decompose.actions[a].name, device_node, expected[a]);
    g_free(expected);
}

static tap_packet_status actions_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                        const void *data, tap_flags_t flags _U_)
{
    const iotfp_tap_info *info = data;
    if (!starts_burst(pinfo, info))
        return TAP_PACKET_DONT_REDRAW;
    const iotfp_action_detection *detection = iotfp_burst_actions(info->conv, info->burst);
    if (!detection)
        return TAP_PACKET_DONT_REDRAW;
    char device_text[IOTFP_ADDR_STRLEN];
    const char *device = device_name(info->conv, device_text);
    int commands_node = tick_stat_node(st, COMMANDS_NODE, 0, TRUE);
    int device_node = tick_stat_node(st, device, commands_node, TRUE);
    const iotfp_decompose_result *result = detection->result;
    if (!iotfp_decompose_best(result)) {
        tick_stat_node(st, NO_DECOMPOSITION_NODE, device_node, FALSE);
        return TAP_PACKET_REDRAW;
    }
    const iotfp_action_model *model = detection->model->action_model;
    char *set = iotfp_action_set_format(model, result, 0);
    char *set_node = g_strconcat("set ", *set ? set : "(none)", NULL);
    tick_stat_node(st, set_node, device_node, FALSE);
    g_free(set_node);
    g_free(set);
    if (iotfp_decompose_ambiguous(result))
        tick_stat_node(st, AMBIGUOUS_NODE, device_node, FALSE);

    const guint8 *counts = iotfp_decompose_counts(result, 0);
    guint total = 0;
    for (guint a = 0; a < model->decompose.n_actions; a++)
        total += counts[a];
    int actions_node = increase_stat_node(st, ACTIONS_NODE, 0, TRUE, (gint)total);
    int device_actions_node = increase_stat_node(st, device, actions_node, TRUE, (gint)total);
    for (guint a = 0; a < model->decompose.n_actions; a++)
        if (counts[a])
            increase_stat_node(st, model->decompose.actions[a].name, device_actions_node, FALSE, counts[a]);
    add_expected(st, device, model, result);
    return TAP_PACKET_REDRAW;
}

/* One row per tree: tshark -z <abbr>,tree, and the menu entry. */
typedef struct {
    const char *abbr;
    const char *menu_name;
    stat_tree_init_cb init;
    stat_tree_packet_cb packet;
    stat_tree_cleanup_cb cleanup;
} iotfp_tree;

static const iotfp_tree trees[] = {
    { "iotfp_platforms", "IoT Fingerprint/Platforms", platforms_init, platforms_packet, platforms_cleanup },
    { "iotfp_devices", "IoT Fingerprint/Devices", devices_init, devices_packet, NULL },
    { "iotfp_events", "IoT Fingerprint/Events", events_init, events_packet, NULL },
    { "iotfp_actions", "IoT Fingerprint/Actions", actions_init, actions_packet, actions_cleanup },
};

void register_stats_tree_iotfp(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(trees); i++)
        stats_tree_register_plugin(IOTFP_TAP_NAME, trees[i].abbr, trees[i].menu_name, TL_REQUIRES_NOTHING,
                                   trees[i].packet, trees[i].init, trees[i].cleanup);
}
