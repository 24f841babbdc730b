/* Activity rules: parsing with file:line errors, and each feature of the
 * inference on small timelines, at the boundaries of its windows. */
#include <string.h>

#include "activity_infer.h"

#define S(seconds) ((gint64)(seconds) * 1000000000)
#define MIN_(m) S((m) * 60)
#define HOUR(h) S((h) * 3600)

typedef struct {
    gint64 time_ns;
    const char *model, *event, *privacy;
} ev;

static iotfp_activity_rules *parse_ok(const char *text)
{
    iotfp_activity_rules *rules = iotfp_activity_rules_new();
    GError *error = NULL;
    gboolean ok = iotfp_activity_rules_parse(rules, text, strlen(text), "test.rules", &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    return rules;
}

static void refused(const char *text, const char *message)
{
    iotfp_activity_rules *rules = iotfp_activity_rules_new();
    GError *error = NULL;
    g_assert_false(iotfp_activity_rules_parse(rules, text, strlen(text), "bad.rules", &error));
    g_assert_nonnull(error);
    if (!g_str_has_prefix(error->message, message))
        g_error("for %s\nwanted: %s\ngot:    %s", text, message, error->message);
    g_assert_cmpuint(iotfp_activity_rules_count(rules), ==, 0);
    g_error_free(error);
    iotfp_activity_rules_free(rules);
}

/* "activity@index activity@index ..." for the rules over the events. */
static char *infer(const char *rules_text, const ev *events, guint n, gint64 start_ns, gint64 end_ns, GTimeZone *zone)
{
    iotfp_activity_rules *rules = parse_ok(rules_text);
    iotfp_timeline_event *timeline = g_new0(iotfp_timeline_event, n + 1);
    for (guint i = 0; i < n; i++) {
        timeline[i].time_ns = events[i].time_ns;
        timeline[i].fields[IOTFP_EVENT_FIELD_DEVICE] = "192.168.1.9";
        timeline[i].fields[IOTFP_EVENT_FIELD_MODEL] = events[i].model;
        timeline[i].fields[IOTFP_EVENT_FIELD_EVENT] = events[i].event;
        timeline[i].fields[IOTFP_EVENT_FIELD_PRIVACY] = events[i].privacy;
    }
    GError *error = NULL;
    GArray *found = iotfp_activities_infer(rules, timeline, n, start_ns, end_ns, zone, &error);
    g_assert_no_error(error);
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < found->len; i++) {
        const iotfp_activity *a = &g_array_index(found, iotfp_activity, i);
        g_string_append_printf(out, "%s%s@%u", i ? " " : "", iotfp_activity_rules_get(rules, a->rule)->activity,
                               a->trigger);
        if (a->first != a->trigger)
            g_string_append_printf(out, "<%u", a->first);
    }
    g_array_free(found, TRUE);
    g_free(timeline);
    iotfp_activity_rules_free(rules);
    return g_string_free(out, FALSE);
}

/* The observed time starts a day before the first event unless said. */
#define ASSERT_INFERS(rules, events, end, zone, want) \
    ASSERT_INFERS_FROM(rules, events, (events)[0].time_ns - HOUR(24), end, zone, want)
#define ASSERT_INFERS_FROM(rules, events, start, end, zone, want)                           \
    do {                                                                                    \
        char *got_ = infer(rules, events, G_N_ELEMENTS(events), start, end, zone);          \
        g_assert_cmpstr(got_, ==, want);                                                    \
        g_free(got_);                                                                       \
    } while (0)

static void test_parse_errors(void)
{
    refused("", "bad.rules:1: empty file");
    refused("iotfp-platforms 1\n", "bad.rules:1: not a activity rules file");
    refused("iotfp-activities 3\n", "bad.rules:1: version 3 is not supported");
    /* Version 2 ends with 'end': cut inside its header comments, or after a
     * rule, the file is refused, not read as fewer rules. */
    refused("iotfp-activities 2\n# Daily activities that\n", "bad.rules: cut short: no closing 'end' line");
    refused("iotfp-activities 2\nactivity a\nstep any\n", "bad.rules: cut short");
    refused("iotfp-activities 2\nactivity a\nstep any\nend\nactivity b\n",
            "bad.rules:5: 'activity' after the closing 'end' line");
    refused("iotfp-activities 1\nstep any\n", "bad.rules:2: 'step' before any 'activity'");
    refused("iotfp-activities 1\nactivity Wake\n", "bad.rules:2: 'Wake' is not an activity name");
    refused("iotfp-activities 1\nactivity a\n\nactivity b\nstep any\n", "bad.rules:2: activity 'a' has no 'step'");
    refused("iotfp-activities 1\nactivity a\nstep any\nactivity b\n", "bad.rules:4: activity 'b' has no 'step'");
    refused("iotfp-activities 1\nactivity a\nstep any within 5m\n", "bad.rules:3: the first step has no 'within'");
    refused("iotfp-activities 1\nactivity a\nstep any\nstep any\n", "bad.rules:4: a step after the first needs");
    refused("iotfp-activities 1\nactivity a\nstep colour:red\n", "bad.rules:3: 'colour:red' is not a term");
    refused("iotfp-activities 1\nactivity a\nstep event:on event:off\n", "bad.rules:3: 'event' twice");
    refused("iotfp-activities 1\nactivity a\nstep event:\n", "bad.rules:3: 'event:' has no glob");
    refused("iotfp-activities 1\nactivity a\nstep event:on |\n", "bad.rules:3: an empty alternative");
    refused("iotfp-activities 1\nactivity a\nstep any\nquiet 5h\n", "bad.rules:4: 'quiet' takes before or after");
    refused("iotfp-activities 1\nactivity a\nstep any\nseen after 5x\n", "bad.rules:4: '5x' is not a duration");
    refused("iotfp-activities 1\nactivity a\nstep any\nseen after h\n", "bad.rules:4: 'h' is not a duration");
    refused("iotfp-activities 1\nactivity a\nstep any\nseen after 0m\n", "bad.rules:4: duration '0m' is zero");
    refused("iotfp-activities 1\nactivity a\nstep any\nseen after 8d\n", "bad.rules:4: duration '8d' is longer");
    refused("iotfp-activities 1\nactivity a\nstep any\nseen after 99999999999999999999s\n",
            "bad.rules:4: duration '99999999999999999999s' is longer");
    refused("iotfp-activities 1\nactivity a\nstep any\ntime 25:00-03:00\n", "bad.rules:4: 'time' takes one range");
    refused("iotfp-activities 1\nactivity a\nstep any\ntime 22:00-3:00\n", "bad.rules:4: 'time' takes one range");
    refused("iotfp-activities 1\nactivity a\nstep any\ntime 05:00-05:00\n", "bad.rules:4: the range covers");
    refused("iotfp-activities 1\nactivity a\nstep any\ntime 05:00-06:00\ntime 07:00-08:00\n",
            "bad.rules:5: a second 'time'");
    refused("iotfp-activities 1\nactivity a\nstep any\nsleep 5h\n", "bad.rules:4: unknown keyword 'sleep'");
    refused("iotfp-activities 1\nactivity a\nstep any\n\xc3\xa9\n", "bad.rules:4: unexpected byte 0xc3");

    GString *many = g_string_new("iotfp-activities 1\n");
    for (guint i = 0; i <= IOTFP_ACTIVITY_MAX_RULES; i++)
        g_string_append(many, "activity a\nstep any\n");
    refused(many->str, "bad.rules:514: more than 256 activity rules");
    g_string_assign(many, "iotfp-activities 1\nactivity a\nstep any\n");
    for (guint i = 0; i < IOTFP_ACTIVITY_MAX_STEPS; i++)
        g_string_append(many, "step any within 1m\n");
    refused(many->str, "bad.rules:11: more than 8 steps");
    g_string_free(many, TRUE);

    /* Comments, blanks, alternatives, compound durations and a 24:00 end. */
    iotfp_activity_rules *rules = parse_ok("iotfp-activities 1  # v1\n\n# a comment\nactivity wake_up-2\n"
                                           "step model:tplink-* event:power_on|privacy:door\n"
                                           "seen before 1h30m any\nquiet after 2d\ntime 22:00-24:00\n");
    g_assert_cmpuint(iotfp_activity_rules_count(rules), ==, 1);
    const iotfp_activity_rule *rule = iotfp_activity_rules_get(rules, 0);
    g_assert_cmpstr(rule->activity, ==, "wake_up-2");
    g_assert_cmpuint(rule->line, ==, 4);
    const iotfp_activity_step *step = &g_array_index(rule->steps, iotfp_activity_step, 0);
    g_assert_cmpuint(step->pattern.n_alternatives, ==, 2);
    g_assert_cmpstr(step->pattern.alternatives[0].globs[IOTFP_EVENT_FIELD_MODEL], ==, "tplink-*");
    g_assert_cmpstr(step->pattern.alternatives[1].globs[IOTFP_EVENT_FIELD_PRIVACY], ==, "door");
    const iotfp_activity_window *seen = &g_array_index(rule->windows, iotfp_activity_window, 0);
    g_assert_cmpint(seen->span_ns, ==, MIN_(90));
    g_assert_cmpuint(seen->pattern.n_alternatives, ==, 0);
    g_assert_cmpuint(rule->from_minute, ==, 22 * 60);
    g_assert_cmpuint(rule->to_minute, ==, 0);
    iotfp_activity_rules_free(rules);
}

static void test_bundled_rules_load(void)
{
    iotfp_activity_rules *rules = iotfp_activity_rules_new();
    GError *error = NULL;
    g_assert_true(iotfp_activity_rules_load(rules, IOTFP_BUNDLED_ACTIVITIES, &error));
    g_assert_no_error(error);
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < iotfp_activity_rules_count(rules); i++)
        g_hash_table_add(names, iotfp_activity_rules_get(rules, i)->activity);
    const char *wanted[] = { "waking_up", "leaving_home_long", "leaving_briefly", "coming_back", "going_to_bed" };
    for (gsize i = 0; i < G_N_ELEMENTS(wanted); i++)
        g_assert_true(g_hash_table_contains(names, wanted[i]));
    g_hash_table_destroy(names);
    g_assert_false(iotfp_activity_rules_load(rules, "/nonexistent/activities.rules", &error));
    g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_IO);
    g_error_free(error);
    iotfp_activity_rules_free(rules);
}

/* Patterns: fields, globs, alternatives, missing values read as "". */
static void test_patterns(void)
{
    const ev events[] = {
        { S(0), "tplink-plug", "power_on", "power" },
        { S(1), "jd-plug", "power_off|power_on", "power" },
        { S(2), NULL, "lock", NULL },
        { S(3), "cam", "motion", "presence" },
    };
    ASSERT_INFERS("iotfp-activities 1\nactivity a\nstep event:*power_on*\n", events, S(3), NULL, "a@0 a@1");
    ASSERT_INFERS("iotfp-activities 1\nactivity a\nstep model:tplink-* event:power_on\n", events, S(3), NULL, "a@0");
    ASSERT_INFERS("iotfp-activities 1\nactivity a\nstep privacy:presence | model:jd-*\n", events, S(3), NULL,
                  "a@1 a@3");
    ASSERT_INFERS("iotfp-activities 1\nactivity a\nstep privacy:?*\n", events, S(3), NULL, "a@0 a@1 a@3");
    ASSERT_INFERS("iotfp-activities 1\nactivity a\nstep model:*\n", events, S(3), NULL, "a@0 a@1 a@2 a@3");
    ASSERT_INFERS("iotfp-activities 1\nactivity a\nstep device:192.168.1.? event:lock\n", events, S(3), NULL, "a@2");
}

/* A sequence: each step within its span of the step before, inclusive; the
 * latest partial match is kept; a completed sequence starts over; one event
 * never serves two steps. */
static void test_sequences(void)
{
    const char *rules = "iotfp-activities 1\nactivity back\nstep event:unlock\nstep event:motion within 10m\n"
                        "step event:light within 5m\n";
    const ev in_time[] = {
        { S(0), "l", "unlock", NULL }, { MIN_(10), "c", "motion", NULL }, { MIN_(15), "b", "light", NULL },
    };
    ASSERT_INFERS(rules, in_time, MIN_(20), NULL, "back@2<0");
    const ev too_late[] = {
        { S(0), "l", "unlock", NULL }, { MIN_(10) + 1, "c", "motion", NULL }, { MIN_(11), "b", "light", NULL },
    };
    ASSERT_INFERS(rules, too_late, MIN_(20), NULL, "");
    /* The second unlock restarts the sequence and leaves time for motion. */
    const ev latest[] = {
        { S(0), "l", "unlock", NULL }, { MIN_(8), "l", "unlock", NULL }, { MIN_(15), "c", "motion", NULL },
        { MIN_(16), "b", "light", NULL }, { MIN_(17), "b", "light", NULL },
    };
    ASSERT_INFERS(rules, latest, MIN_(20), NULL, "back@3<1");
    /* Out of order steps do not count. */
    const ev reversed[] = { { S(0), "c", "motion", NULL }, { S(1), "l", "unlock", NULL }, { S(2), "b", "light", NULL } };
    ASSERT_INFERS(rules, reversed, MIN_(20), NULL, "");
    /* One event matching both steps of "any then any" is only the first. */
    const ev single[] = { { S(0), "x", "e", NULL } };
    ASSERT_INFERS("iotfp-activities 1\nactivity two\nstep any\nstep any within 1m\n", single, S(0), NULL, "");
    const ev pair[] = { { S(0), "x", "e", NULL }, { S(0), "y", "e", NULL }, { S(1), "z", "e", NULL } };
    ASSERT_INFERS("iotfp-activities 1\nactivity two\nstep any\nstep any within 1m\n", pair, S(1), NULL, "two@1<0");
}

/* seen/quiet before: the span before the first step, inclusive at its far
 * end; the event itself never counts. */
static void test_windows_before(void)
{
    const char *quiet = "iotfp-activities 1\nactivity wake\nstep any\nquiet before 5h\n";
    const ev night[] = { { S(0), "a", "x", NULL }, { HOUR(5), "a", "x", NULL }, { HOUR(10) + 1, "a", "x", NULL } };
    /* At exactly 5 h the event at 0 is inside the window: not quiet. */
    ASSERT_INFERS(quiet, night, HOUR(11), NULL, "wake@0 wake@2");
    /* A quiet before the observed time is not known; it may start with it. */
    ASSERT_INFERS_FROM(quiet, night, -HOUR(5) + 1, HOUR(11), NULL, "wake@2");
    ASSERT_INFERS_FROM(quiet, night, -HOUR(5), HOUR(11), NULL, "wake@0 wake@2");
    const char *lock = "iotfp-activities 1\nactivity leave\nstep any\nseen before 30m event:lock\n";
    const ev lock_then[] = {
        { S(0), "l", "lock", NULL }, { MIN_(30), "p", "off", NULL }, { MIN_(30) + 1, "p", "on", NULL },
    };
    ASSERT_INFERS(lock, lock_then, HOUR(1), NULL, "leave@1");
    /* With a sequence, the windows before are at its first step. */
    const char *seq = "iotfp-activities 1\nactivity back\nstep event:unlock\nquiet before 1h\n"
                      "step event:motion within 10m\n";
    const ev seq_events[] = {
        { S(0), "c", "motion", NULL }, { HOUR(1) + 1, "l", "unlock", NULL }, { HOUR(1) + MIN_(5), "c", "motion", NULL },
    };
    ASSERT_INFERS(seq, seq_events, HOUR(2), NULL, "back@2<1");
}

/* seen/quiet after: the span after the trigger, inclusive; a span the
 * timeline does not cover is not quiet, but a seen event already counts. */
static void test_windows_after(void)
{
    const char *leave = "iotfp-activities 1\nactivity leave\nstep any\nquiet after 3h\n";
    const ev day[] = { { S(0), "a", "x", NULL }, { HOUR(3), "a", "x", NULL }, { HOUR(6) + 1, "a", "x", NULL } };
    ASSERT_INFERS(leave, day, HOUR(9) + 1, NULL, "leave@1 leave@2");
    ASSERT_INFERS(leave, day, HOUR(9), NULL, "leave@1");
    const char *brief = "iotfp-activities 1\nactivity brief\nstep any\nquiet after 30m\nseen after 3h\n";
    const ev errand[] = {
        { S(0), "a", "x", NULL }, { MIN_(30) + 1, "a", "x", NULL }, { HOUR(3) + MIN_(30) + 1, "a", "x", NULL },
        { HOUR(7), "a", "x", NULL },
    };
    /* 0 -> 30m+1: brief; 30m+1 -> 3h30m+1 is exactly 3 h: brief; the last
     * two are 3.5 h apart, and the last has no event after it. */
    ASSERT_INFERS(brief, errand, HOUR(20), NULL, "brief@0 brief@1");
    /* A seen window with its event already seen holds at the end; a quiet
     * one needs the whole span covered. */
    const char *seen_only = "iotfp-activities 1\nactivity s\nstep event:a\nseen after 1h event:b\n";
    const ev short_capture[] = { { S(0), "x", "a", NULL }, { S(10), "x", "b", NULL } };
    ASSERT_INFERS(seen_only, short_capture, S(10), NULL, "s@0");
    /* Many triggers in one window: each judged on its own. */
    const ev busy[] = {
        { S(0), "a", "x", NULL }, { S(60), "a", "x", NULL }, { S(120), "a", "x", NULL }, { HOUR(5), "a", "x", NULL },
    };
    ASSERT_INFERS(leave, busy, HOUR(8) + S(1), NULL, "leave@2 leave@3");
}

/* time HH:MM-HH:MM: the trigger's time of day in the home's zone, the end
 * excluded, wrapping midnight. */
static void test_time_of_day(void)
{
    const char *night = "iotfp-activities 1\nactivity bed\nstep any\ntime 22:00-03:00\n";
    const ev times[] = {
        { HOUR(21) + MIN_(59) + S(59), "a", "x", NULL }, { HOUR(22), "a", "x", NULL },
        { HOUR(26) + MIN_(59), "a", "x", NULL }, { HOUR(27), "a", "x", NULL },
    };
    ASSERT_INFERS(night, times, HOUR(28), NULL, "bed@1 bed@2");
    /* In UTC+08:00, 14:00 UTC is 22:00 at home. */
    GTimeZone *china = g_time_zone_new_identifier("+08:00");
    g_assert_nonnull(china);
    const ev utc_afternoon[] = { { HOUR(13), "a", "y", NULL }, { HOUR(14), "a", "x", NULL } };
    ASSERT_INFERS(night, utc_afternoon, HOUR(15), china, "bed@1");
    g_assert_cmpuint(iotfp_minute_of_day(HOUR(14) + MIN_(30), china), ==, 22 * 60 + 30);
    g_assert_cmpuint(iotfp_minute_of_day(-S(60), NULL), ==, 23 * 60 + 59);
    g_time_zone_unref(china);
}

/* Rules of one activity are alternatives: one per trigger, by the first. */
static void test_alternatives_and_order(void)
{
    const char *rules = "iotfp-activities 1\nactivity b\nstep any\nactivity a\nstep event:x\nactivity b\nstep event:x\n";
    const ev events[] = { { S(0), "m", "x", NULL }, { S(1), "m", "y", NULL } };
    ASSERT_INFERS(rules, events, S(1), NULL, "a@0 b@0 b@1");

    iotfp_activity_rules *parsed = parse_ok(rules);
    iotfp_timeline_event timeline[2] = { { S(5), { 0 } }, { S(4), { 0 } } };
    GError *error = NULL;
    g_assert_null(iotfp_activities_infer(parsed, timeline, 2, 0, S(5), NULL, &error));
    g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE);
    g_error_free(error);
    GArray *none = iotfp_activities_infer(parsed, NULL, 0, 0, 0, NULL, &error);
    g_assert_cmpuint(none->len, ==, 0);
    g_array_free(none, TRUE);
    iotfp_activity_rules_free(parsed);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/activity/parse_errors", test_parse_errors);
    g_test_add_func("/activity/bundled_rules_load", test_bundled_rules_load);
    g_test_add_func("/activity/patterns", test_patterns);
    g_test_add_func("/activity/sequences", test_sequences);
    g_test_add_func("/activity/windows_before", test_windows_before);
    g_test_add_func("/activity/windows_after", test_windows_after);
    g_test_add_func("/activity/time_of_day", test_time_of_day);
    g_test_add_func("/activity/alternatives_and_order", test_alternatives_and_order);
    return g_test_run();
}
