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

#include "action_fields.h"
#include "activity_timeline.h"
#include "conv_features.h"
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

/* One line of a device's timeline: a burst named as an event, a gateway
 * command whose action set the size gives away, or both. */
typedef struct {
    const iotfp_conv *conv;
    const iotfp_burst *burst;
    const iotfp_detection *detection;           /* NULL or without event: no event */
    const iotfp_action_detection *actions;      /* NULL: no command */
} timeline_line;

static gboolean has_action_set(const iotfp_action_detection *actions)
{
    return actions && actions->result->status == IOTFP_DECOMPOSE_OK && actions->result->candidates->len > 0;
}

static gint by_device_then_time(gconstpointer a, gconstpointer b)
{
    const timeline_line *x = a, *y = b;
    int order = iotfp_addr_compare(&x->conv->device, &y->conv->device);
    if (order)
        return order;
    if (x->burst->start_ns != y->burst->start_ns)
        return x->burst->start_ns < y->burst->start_ns ? -1 : 1;
    return (x->burst->id > y->burst->id) - (x->burst->id < y->burst->id);
}

static GArray *collect_lines(const iotfp_analysis *analysis)
{
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(timeline_line));
    for (guint32 id = 1; id <= iotfp_analysis_n_bursts(analysis); id++) {
        const iotfp_burst *burst = iotfp_analysis_burst(analysis, id);
        const iotfp_conv *conv = iotfp_analysis_conv(analysis, burst->conv_id);
        timeline_line line = { conv, burst, iotfp_burst_detection(conv, burst), iotfp_burst_actions(conv, burst) };
        if ((line.detection && line.detection->event) || has_action_set(line.actions))
            g_array_append_val(lines, line);
    }
    g_array_sort(lines, by_device_then_time);
    return lines;
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

/* What a line says happened: the event, the action set, or both. */
static char *line_what(const timeline_line *line)
{
    const char *event = line->detection && line->detection->event ? line->detection->event->name : NULL;
    if (!has_action_set(line->actions))
        return g_strdup(event);
    char *set = iotfp_action_set_format(line->actions->model->action_model, line->actions->result, 0);
    char *what = event ? g_strdup_printf("%s [%s]", event, set) : g_strdup_printf("[%s]", set);
    g_free(set);
    return what;
}

static const char *line_model(const timeline_line *line)
{
    if (line->detection && line->detection->model)
        return line->detection->model->model;
    return has_action_set(line->actions) ? line->actions->model->model : NULL;
}

static void print_device_header(const GArray *lines, guint from)
{
    const iotfp_conv *conv = g_array_index(lines, timeline_line, from).conv;
    guint events = 0, commands = 0;
    for (guint i = from; i < lines->len; i++) {
        const timeline_line *line = &g_array_index(lines, timeline_line, i);
        if (iotfp_addr_compare(&line->conv->device, &conv->device) != 0)
            break;
        events += line->detection && line->detection->event;
        commands += has_action_set(line->actions);
    }
    char device[IOTFP_ADDR_STRLEN];
    iotfp_addr_format(&conv->device, device);
    printf("\nDevice %s: %u event%s", device, events, events == 1 ? "" : "s");
    if (commands)
        printf(", %u command%s with an action set", commands, commands == 1 ? "" : "s");
    printf("\n");
    printf("  %-23s %9s  %-12s %-20s %-30s %-10s %s\n", "time (home)", "frame", "platform", "model",
           "event [action set]", "privacy", "activities");
}

static void print_devices(const iotfp_timeline *timeline, const GArray *lines)
{
    for (guint i = 0; i < lines->len; i++) {
        const timeline_line *line = &g_array_index(lines, timeline_line, i);
        if (i == 0 || iotfp_addr_compare(&line->conv->device, &g_array_index(lines, timeline_line, i - 1).conv->device))
            print_device_header(lines, i);
        char *what = line_what(line);
        const char *privacy = line->detection && line->detection->event ? line->detection->event->privacy : NULL;
        printf("  ");
        print_home_time(line->burst->start_ns, timeline->home_zone);
        printf(" %9u  %-12s %-20s %-30s %-10s ", line->burst->first_frame,
               or_dash(iotfp_conv_features_platform(line->conv->features)), or_dash(line_model(line)), what,
               or_dash(privacy));
        g_free(what);
        print_activity_names(timeline, line->burst->id);
    }
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

/* A tally of distinct texts in first-seen order; the table owns the texts. */
typedef struct {
    GHashTable *counts; /* text -> count */
    GPtrArray *order;   /* borrowed from counts */
} tally;

static tally tally_new(void)
{
    return (tally){ g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL), g_ptr_array_new() };
}

static void tally_free(tally *t)
{
    g_ptr_array_free(t->order, TRUE);
    g_hash_table_destroy(t->counts);
}

/* Takes text; a text already there is freed by the insert. */
static void tally_add(tally *t, char *text)
{
    guint count = GPOINTER_TO_UINT(g_hash_table_lookup(t->counts, text));
    if (count == 0)
        g_ptr_array_add(t->order, text);
    g_hash_table_insert(t->counts, text, GUINT_TO_POINTER(count + 1));
}

static void tally_print(const tally *t, const char *separator, gboolean with_counts, const char *if_empty)
{
    for (guint k = 0; k < t->order->len; k++) {
        printf("%s%s", k ? separator : "", (const char *)t->order->pdata[k]);
        if (with_counts)
            printf(" x%u", GPOINTER_TO_UINT(g_hash_table_lookup(t->counts, t->order->pdata[k])));
    }
    printf("%s\n", t->order->len ? "" : if_empty);
}

/* Per device, what an observer of the encrypted traffic learned: the
 * platforms and the evidence for them, its events and the actions of its
 * commands (in the best sets) and how often, what they reveal, and how many
 * activities they gave away. */
static void print_leaks(const iotfp_timeline *timeline, const GArray *lines)
{
    printf("\nWhat leaked, per device\n");
    for (guint i = 0; i < lines->len;) {
        const iotfp_conv *conv = g_array_index(lines, timeline_line, i).conv;
        tally platforms = tally_new(), seen = tally_new(), actions = tally_new(), reveals = tally_new();
        guint activities = 0;
        for (; i < lines->len; i++) {
            const timeline_line *line = &g_array_index(lines, timeline_line, i);
            if (iotfp_addr_compare(&line->conv->device, &conv->device) != 0)
                break;
            const char *platform = iotfp_conv_features_platform(line->conv->features);
            if (platform)
                tally_add(&platforms, g_strdup_printf("%s (%s)", platform,
                                                      or_dash(iotfp_conv_features_evidence(line->conv->features))));
            if (line->detection && line->detection->event)
                tally_add(&seen, g_strdup(line->detection->event->name));
            if (has_action_set(line->actions)) {
                char *set = iotfp_action_set_format(line->actions->model->action_model, line->actions->result, 0);
                char **names = g_strsplit(set, "+", -1);
                for (char **name = names; *name; name++)
                    tally_add(&actions, g_strdup(*name));
                g_strfreev(names);
                g_free(set);
            }
            if (line->detection && line->detection->event && line->detection->event->privacy)
                tally_add(&reveals, g_strdup(line->detection->event->privacy));
            guint first;
            activities += iotfp_timeline_burst_activities(timeline, line->burst->id, &first);
        }
        char device[IOTFP_ADDR_STRLEN];
        iotfp_addr_format(&conv->device, device);
        printf("  %s\n    platform:   ", device);
        tally_print(&platforms, "; ", FALSE, "unknown");
        printf("    seen:       ");
        tally_print(&seen, ", ", TRUE, "-");
        printf("    actions:    ");
        tally_print(&actions, ", ", TRUE, "-");
        printf("    reveals:    ");
        tally_print(&reveals, ", ", FALSE, "-");
        printf("    activities: %u\n", activities);
        tally_free(&platforms);
        tally_free(&seen);
        tally_free(&actions);
        tally_free(&reveals);
    }
}

static void timeline_draw(void *tapdata _U_)
{
    printf(RULE "\nIoT Fingerprint: event timeline and activities\n");
    const iotfp_analysis *analysis = iotfp_current_analysis();
    const iotfp_timeline *timeline = iotfp_timeline_get(analysis);
    if (!timeline) {
        printf("No capture analysed.\n" RULE "\n");
        return;
    }
    GArray *lines = collect_lines(analysis);
    guint devices = 0, commands = 0;
    for (guint i = 0; i < lines->len; i++) {
        const timeline_line *line = &g_array_index(lines, timeline_line, i);
        devices += i == 0 || iotfp_addr_compare(&line->conv->device,
                                                &g_array_index(lines, timeline_line, i - 1).conv->device) != 0;
        commands += has_action_set(line->actions);
    }
    printf("Activity rules: %s (%u rules); home time zone: %s\n", or_dash(timeline->rules_source),
           iotfp_activity_rules_count(timeline->rules), timeline->home_zone_name);
    printf("Events: %u; commands with an action set: %u; devices: %u; activities: %u\n", timeline->entries->len,
           commands, devices, timeline->activities->len);
    print_devices(timeline, lines);
    print_activities(timeline);
    print_leaks(timeline, lines);
    g_array_free(lines, TRUE);
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
