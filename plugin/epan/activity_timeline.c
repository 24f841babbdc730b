/* activity_timeline.c
 * The bundled activity rules are iotfp/signatures/activities.rules under the
 * user's XDG data folder or else the system's (~/.local/share,
 * /usr/local/share, /usr/share), where `make install` puts them. The file of
 * the iotfp.activity_rules preference replaces them. A file that does not
 * load leaves the rules in force as they were: the bundled ones when it is
 * the first file the preference names.
 *
 * Events are burst-level results, complete only when the burst is: the
 * timeline needs the whole first pass, so it is built once, on the first
 * request after it (a visited packet in tshark -2 or the GUI, or a tap's
 * draw), and again only if the first pass went on since (a live capture). A
 * single tshark pass has no visited packets, so iotfp.activity never shows
 * there; -z iotfp,timeline prints the whole timeline either way.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "activity_timeline.h"

#include <wsutil/report_message.h>

#include "bundled_files.h"
#include "packet-iotfp.h"

#define BUNDLED_RULES "activities.rules"

static const char *pref_activity_rules = "";
static const char *pref_time_zone = "";
static char *rules_source;          /* the file the rules in force came from; NULL: none */
static char *rules_wanted;          /* the file last asked for, loaded or not; NULL: the bundled one */
static gboolean bundled_in_force;   /* the rules in force are the bundled ones (or none installed) */
static iotfp_activity_rules *rules;
static GTimeZone *home_zone;
static char *home_zone_name;

static gint64 first_frame_ns = G_MAXINT64, last_frame_ns = G_MININT64;
static guint64 frames_seen;           /* by the first pass so far */
static guint64 frames_in_timeline;    /* when the timeline was built */
static iotfp_timeline *timeline;
static GStringChunk *timeline_strings;
static GHashTable *first_activity_of_burst; /* burst id -> 1 + index of its first activity */

/* The timeline borrows the rules and the zone: it goes when they change, and
 * is built again from the same analysis on the next request. */
static void drop_timeline(void)
{
    if (!timeline)
        return;
    g_array_free(timeline->entries, TRUE);
    g_array_free(timeline->activities, TRUE);
    g_free(timeline);
    timeline = NULL;
    g_string_chunk_free(timeline_strings);
    timeline_strings = NULL;
    g_hash_table_destroy(first_activity_of_burst);
    first_activity_of_burst = NULL;
}

void iotfp_activity_register_prefs(module_t *module)
{
    prefs_register_string_preference(module, "activity_rules", "Activity rules",
        "A file of activity rules to use instead of the bundled ones (XDG data folders, iotfp/signatures/"
        BUNDLED_RULES "). Empty: the bundled rules.", &pref_activity_rules);
    prefs_register_string_preference(module, "activity_time_zone", "Home time zone",
        "Time zone of the captured home, for the time-of-day ranges of activity rules: UTC, +08:00, "
        "Europe/Brussels... Empty: this computer's local time.", &pref_time_zone);
}

static void apply_time_zone(void)
{
    const char *wanted = *pref_time_zone ? pref_time_zone : "local";
    if (home_zone && g_strcmp0(wanted, home_zone_name) == 0)
        return;
    GTimeZone *zone = *pref_time_zone ? g_time_zone_new_identifier(pref_time_zone) : g_time_zone_new_local();
    if (!zone) {
        report_failure("IoT Fingerprint: home time zone '%s' is not a time zone such as UTC, +08:00 or "
                       "Europe/Brussels; keeping %s.", pref_time_zone, home_zone_name ? home_zone_name : "UTC");
        if (!home_zone) {
            home_zone = g_time_zone_new_utc();
            home_zone_name = g_strdup("UTC");
        }
        return;
    }
    drop_timeline();
    if (home_zone)
        g_time_zone_unref(home_zone);
    home_zone = zone;
    g_free(home_zone_name);
    home_zone_name = g_strdup(wanted);
}

/* The preference's file; NULL when it names none (the bundled rules). */
static char *wanted_rules_file(void)
{
    gchar *path = g_strstrip(g_strdup(pref_activity_rules));
    if (*path)
        return path;
    g_free(path);
    return NULL;
}

static gboolean load_rules_file(const char *path, gpointer set, GError **error)
{
    return iotfp_activity_rules_load(set, path, error);
}

static void adopt(iotfp_activity_rules *set, char *source)
{
    drop_timeline();
    iotfp_activity_rules_free(rules);
    rules = set;
    g_free(rules_source);
    rules_source = source;
}

void iotfp_activity_apply_prefs(void)
{
    apply_time_zone();
    char *wanted = wanted_rules_file();
    if (rules && g_strcmp0(wanted, rules_wanted) == 0) {
        g_free(wanted);
        return;
    }
    g_free(rules_wanted);
    rules_wanted = wanted;
    if (!rules || (!wanted && !bundled_in_force)) {
        /* The bundled rules come first, so that a bad file of the user's
         * keeps them in force. */
        iotfp_activity_rules *set = iotfp_activity_rules_new();
        adopt(set, iotfp_load_bundled_file(BUNDLED_RULES, "activity rules", load_rules_file, set));
        bundled_in_force = TRUE;
    }
    if (!wanted || g_strcmp0(wanted, rules_source) == 0)
        return;
    iotfp_activity_rules *set = iotfp_activity_rules_new();
    GError *error = NULL;
    if (iotfp_activity_rules_load(set, wanted, &error)) {
        adopt(set, g_strdup(wanted));
        bundled_in_force = FALSE;
        return;
    }
    report_failure("IoT Fingerprint: activity rules not used: %s\nThe %u activity rules of %s stay in force.",
                   error->message, iotfp_activity_rules_count(rules), rules_source ? rules_source : "(none)");
    g_error_free(error);
    iotfp_activity_rules_free(set);
}

void iotfp_timeline_note_frame_time(gint64 time_ns)
{
    first_frame_ns = MIN(first_frame_ns, time_ns);
    last_frame_ns = MAX(last_frame_ns, time_ns);
    frames_seen++;
}

static gint by_time_then_burst(gconstpointer a, gconstpointer b)
{
    const iotfp_timeline_entry *x = a, *y = b;
    if (x->event.time_ns != y->event.time_ns)
        return x->event.time_ns < y->event.time_ns ? -1 : 1;
    return (x->burst_id > y->burst_id) - (x->burst_id < y->burst_id);
}

static GArray *collect_events(const iotfp_analysis *analysis, GStringChunk *strings)
{
    GArray *entries = g_array_new(FALSE, FALSE, sizeof(iotfp_timeline_entry));
    for (guint32 id = 1; id <= iotfp_analysis_n_bursts(analysis); id++) {
        const iotfp_burst *burst = iotfp_analysis_burst(analysis, id);
        const iotfp_conv *conv = iotfp_analysis_conv(analysis, burst->conv_id);
        const iotfp_detection *detection = iotfp_burst_detection(conv, burst);
        if (!detection || !detection->event)
            continue;
        char device[IOTFP_ADDR_STRLEN];
        iotfp_addr_format(&conv->device, device);
        iotfp_timeline_entry entry = { .burst_id = id, .first_frame = burst->first_frame };
        entry.event.time_ns = burst->start_ns;
        entry.event.fields[IOTFP_EVENT_FIELD_DEVICE] = g_string_chunk_insert_const(strings, device);
        entry.event.fields[IOTFP_EVENT_FIELD_MODEL] = detection->model ? detection->model->model : NULL;
        entry.event.fields[IOTFP_EVENT_FIELD_EVENT] = detection->event->name;
        entry.event.fields[IOTFP_EVENT_FIELD_PRIVACY] = detection->event->privacy;
        g_array_append_val(entries, entry);
    }
    g_array_sort(entries, by_time_then_burst);
    return entries;
}

const iotfp_timeline *iotfp_timeline_get(const iotfp_analysis *analysis)
{
    /* The first pass went on since (a live capture, a packet opened while
     * the file loads): the events are no longer all there. */
    if (timeline && frames_in_timeline != frames_seen)
        drop_timeline();
    if (timeline || !analysis)
        return timeline;
    frames_in_timeline = frames_seen;
    if (!rules)
        iotfp_activity_apply_prefs();
    timeline_strings = g_string_chunk_new(1024);
    timeline = g_new0(iotfp_timeline, 1);
    timeline->entries = collect_events(analysis, timeline_strings);
    timeline->rules = rules;
    timeline->rules_source = rules_source;
    timeline->home_zone = home_zone;
    timeline->home_zone_name = home_zone_name;
    /* The events' own structs sit in the entries; infer wants them side by side. */
    guint n = timeline->entries->len;
    iotfp_timeline_event *events = g_new(iotfp_timeline_event, n);
    for (guint i = 0; i < n; i++)
        events[i] = g_array_index(timeline->entries, iotfp_timeline_entry, i).event;
    GError *error = NULL;
    timeline->activities = iotfp_activities_infer(rules, events, n, first_frame_ns, last_frame_ns, home_zone, &error);
    g_free(events);
    /* Sorted just above: out of order cannot happen. */
    g_assert_no_error(error);
    first_activity_of_burst = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = timeline->activities->len; i-- > 0;) {
        const iotfp_activity *activity = &g_array_index(timeline->activities, iotfp_activity, i);
        guint32 burst_id = g_array_index(timeline->entries, iotfp_timeline_entry, activity->trigger).burst_id;
        g_hash_table_insert(first_activity_of_burst, GUINT_TO_POINTER(burst_id), GUINT_TO_POINTER(i + 1));
    }
    return timeline;
}

guint iotfp_timeline_burst_activities(const iotfp_timeline *built, guint32 burst_id, guint *first)
{
    guint start = GPOINTER_TO_UINT(g_hash_table_lookup(first_activity_of_burst, GUINT_TO_POINTER(burst_id)));
    if (start == 0)
        return 0;
    *first = start - 1;
    guint trigger = g_array_index(built->activities, iotfp_activity, *first).trigger;
    guint n = 0;
    while (*first + n < built->activities->len &&
           g_array_index(built->activities, iotfp_activity, *first + n).trigger == trigger)
        n++;
    return n;
}

void iotfp_timeline_clear(void)
{
    first_frame_ns = G_MAXINT64;
    last_frame_ns = G_MININT64;
    frames_seen = 0;
    drop_timeline();
}
