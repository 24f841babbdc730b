/* tap-iotfp-timeline.c
 * tshark -z iotfp,timeline: every device's events in time order, and the
 * daily activities the activity rules infer from the home's whole timeline.
 * It prints at the end, from the complete first pass, so a single pass gives
 * the same timeline as -2.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <wsutil/report_message.h>

#include "activity_timeline.h"
#include "packet-iotfp.h"
#include "registration.h"

#define CLI_STRING "iotfp,timeline"
#define RULE "============================================================================="

/* Only registered so that tshark dissects the capture: the timeline comes
 * from the analysis, not from the tapped packets. */
static tap_packet_status timeline_packet(void *tapdata _U_, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                         const void *data _U_, tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}

static void print_home_time(gint64 time_ns, GTimeZone *zone)
{
    GDateTime *utc = g_date_time_new_from_unix_utc(time_ns / 1000000000);
    GDateTime *home = utc ? g_date_time_to_timezone(utc, zone) : NULL;
    gchar *text = home ? g_date_time_format(home, "%Y-%m-%d %H:%M:%S") : g_strdup("?");
    printf("%s.%03d", text, (int)(time_ns % 1000000000 / 1000000));
    g_free(text);
    if (home)
        g_date_time_unref(home);
    if (utc)
        g_date_time_unref(utc);
}

static const char *or_dash(const char *text)
{
    return text && *text ? text : "-";
}

static const iotfp_timeline_entry *entry_at(const iotfp_timeline *timeline, guint index)
{
    return &g_array_index(timeline->entries, iotfp_timeline_entry, index);
}

static gint by_device_then_time(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const iotfp_timeline *timeline = user_data;
    guint x = GPOINTER_TO_UINT(*(gconstpointer const *)a), y = GPOINTER_TO_UINT(*(gconstpointer const *)b);
    const iotfp_analysis *analysis = iotfp_current_analysis();
    const iotfp_conv *cx = iotfp_analysis_conv(analysis, iotfp_analysis_burst(analysis, entry_at(timeline, x)->burst_id)->conv_id);
    const iotfp_conv *cy = iotfp_analysis_conv(analysis, iotfp_analysis_burst(analysis, entry_at(timeline, y)->burst_id)->conv_id);
    int order = iotfp_addr_compare(&cx->device, &cy->device);
    return order ? order : (x > y) - (x < y);
}

static void print_activity_names(const iotfp_timeline *timeline, guint32 burst_id)
{
    guint first;
    guint n = iotfp_timeline_burst_activities(timeline, burst_id, &first);
    for (guint i = first; i < first + n; i++) {
        const iotfp_activity *activity = &g_array_index(timeline->activities, iotfp_activity, i);
        printf("%s%s", i > first ? "," : "", iotfp_activity_rules_get(timeline->rules, activity->rule)->activity);
    }
    printf("%s\n", n ? "" : "-");
}

static void print_devices(const iotfp_timeline *timeline)
{
    GPtrArray *order = g_ptr_array_sized_new(timeline->entries->len);
    for (guint i = 0; i < timeline->entries->len; i++)
        g_ptr_array_add(order, GUINT_TO_POINTER(i));
    g_ptr_array_sort_with_data(order, by_device_then_time, (gpointer)timeline);
    const char *device = NULL;
    for (guint i = 0; i < order->len; i++) {
        const iotfp_timeline_entry *entry = entry_at(timeline, GPOINTER_TO_UINT(order->pdata[i]));
        const char *const *fields = entry->event.fields;
        if (g_strcmp0(device, fields[IOTFP_EVENT_FIELD_DEVICE]) != 0) {
            device = fields[IOTFP_EVENT_FIELD_DEVICE];
            guint n = 0;
            while (i + n < order->len &&
                   g_strcmp0(entry_at(timeline, GPOINTER_TO_UINT(order->pdata[i + n]))->event.fields[IOTFP_EVENT_FIELD_DEVICE],
                             device) == 0)
                n++;
            printf("\nDevice %s: %u events\n", device, n);
            printf("  %-23s %9s  %-20s %-26s %-10s %s\n", "time (home)", "frame", "model", "event", "privacy",
                   "activities");
        }
        printf("  ");
        print_home_time(entry->event.time_ns, timeline->home_zone);
        printf(" %9u  %-20s %-26s %-10s ", entry->first_frame, or_dash(fields[IOTFP_EVENT_FIELD_MODEL]),
               fields[IOTFP_EVENT_FIELD_EVENT], or_dash(fields[IOTFP_EVENT_FIELD_PRIVACY]));
        print_activity_names(timeline, entry->burst_id);
    }
    g_ptr_array_free(order, TRUE);
}

static void print_activities(const iotfp_timeline *timeline)
{
    printf("\nActivities in time order\n");
    printf("  %-23s %-20s %-16s %9s  %-26s %s\n", "time (home)", "activity", "device", "frame", "event", "rule");
    for (guint i = 0; i < timeline->activities->len; i++) {
        const iotfp_activity *activity = &g_array_index(timeline->activities, iotfp_activity, i);
        const iotfp_activity_rule *rule = iotfp_activity_rules_get(timeline->rules, activity->rule);
        const iotfp_timeline_entry *trigger = entry_at(timeline, activity->trigger);
        printf("  ");
        print_home_time(trigger->event.time_ns, timeline->home_zone);
        printf(" %-20s %-16s %9u  %-26s line %u\n", rule->activity,
               trigger->event.fields[IOTFP_EVENT_FIELD_DEVICE], trigger->first_frame,
               trigger->event.fields[IOTFP_EVENT_FIELD_EVENT], rule->line);
    }
}

static void timeline_draw(void *tapdata _U_)
{
    printf(RULE "\nIoT Fingerprint: event timeline and activities\n");
    const iotfp_timeline *timeline = iotfp_timeline_get(iotfp_current_analysis());
    if (!timeline) {
        printf("No capture analysed.\n" RULE "\n");
        return;
    }
    GHashTable *devices = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < timeline->entries->len; i++)
        g_hash_table_add(devices, (gpointer)entry_at(timeline, i)->event.fields[IOTFP_EVENT_FIELD_DEVICE]);
    printf("Activity rules: %s (%u rules); home time zone: %s\n", or_dash(timeline->rules_source),
           iotfp_activity_rules_count(timeline->rules), timeline->home_zone_name);
    printf("Events: %u; devices: %u; activities: %u\n", timeline->entries->len, g_hash_table_size(devices),
           timeline->activities->len);
    g_hash_table_destroy(devices);
    print_devices(timeline);
    print_activities(timeline);
    printf(RULE "\n");
}

static void timeline_init(const char *opt_arg _U_, void *userdata _U_)
{
    static int listener; /* only its address matters: it identifies the listener */
    GString *error = register_tap_listener(IOTFP_TAP_NAME, &listener, NULL, TL_REQUIRES_NOTHING, NULL,
                                           timeline_packet, timeline_draw, NULL);
    if (error) {
        report_failure("Couldn't register " CLI_STRING " tap: %s", error->str);
        g_string_free(error, TRUE);
    }
}

void register_tap_iotfp_timeline(void)
{
    static stat_tap_ui timeline_ui = {
        .group = REGISTER_STAT_GROUP_GENERIC,
        .title = "IoT Fingerprint timeline",
        .cli_string = CLI_STRING,
        .tap_init_cb = timeline_init,
        .nparams = 0,
        .params = NULL,
    };
    register_stat_tap_ui(&timeline_ui, NULL);
}
