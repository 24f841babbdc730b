#include "activity_infer.h"

#include <string.h>

#define NONE G_MAXUINT

typedef struct {
    guint first;    /* event of the sequence's first step; NONE: no partial match */
    guint index;    /* event that matched this step */
} partial_match;

/* A trigger whose windows after are not all judged yet. */
typedef struct {
    guint first, trigger;
    guint32 judged_ok; /* bit w: window w held */
} pending_trigger;

typedef struct {
    const iotfp_activity_rule *rule;
    partial_match *partials;    /* per step but the last; the latest partial match wins, as it leaves the most time */
    guint *last_match;          /* per window: latest event before the current one that matches; NONE */
    guint32 after_mask;         /* bit w: window w looks after the trigger */
    GArray *pending;            /* pending_trigger, in trigger order */
    guint head;                 /* pending entries before it are done */
    guint *next_to_judge;       /* per window after: the first pending entry it has not judged */
} rule_state;

guint iotfp_minute_of_day(gint64 time_ns, GTimeZone *home_zone)
{
    gint64 seconds = time_ns >= 0 ? time_ns / 1000000000 : -((-time_ns + 999999999) / 1000000000);
    gint64 offset = 0;
    if (home_zone) {
        gint interval = g_time_zone_find_interval(home_zone, G_TIME_TYPE_UNIVERSAL, seconds);
        offset = interval >= 0 ? g_time_zone_get_offset(home_zone, interval) : 0;
    }
    gint64 day_seconds = (seconds + offset) % 86400;
    if (day_seconds < 0)
        day_seconds += 86400;
    return (guint)(day_seconds / 60);
}

static gboolean in_time_of_day(const iotfp_activity_rule *rule, gint64 time_ns, GTimeZone *home_zone)
{
    if (!rule->has_time_of_day)
        return TRUE;
    guint minute = iotfp_minute_of_day(time_ns, home_zone);
    if (rule->from_minute < rule->to_minute)
        return minute >= rule->from_minute && minute < rule->to_minute;
    return minute >= rule->from_minute || minute < rule->to_minute; /* across midnight */
}

static const iotfp_activity_window *window_at(const rule_state *state, guint w)
{
    return &g_array_index(state->rule->windows, iotfp_activity_window, w);
}

/* The windows before the sequence, at its first step's event. */
static gboolean before_windows_hold(const rule_state *state, const iotfp_timeline_event *events, guint index,
                                    gint64 start_ns)
{
    for (guint w = 0; w < state->rule->windows->len; w++) {
        const iotfp_activity_window *window = window_at(state, w);
        if (window->after)
            continue;
        guint last = state->last_match[w];
        gint64 window_start = events[index].time_ns - window->span_ns;
        gboolean seen = last != NONE && events[last].time_ns >= window_start;
        if (window->kind == IOTFP_WINDOW_SEEN ? !seen : seen || window_start < start_ns)
            return FALSE;
    }
    return TRUE;
}

static void emit(GArray *out, guint rule, guint first, guint trigger)
{
    iotfp_activity activity = { rule, first, trigger };
    g_array_append_val(out, activity);
}

/* A window after is judged once its span is over: every event up to its end
 * has been seen, and last_match tells whether one of them came after the
 * trigger. complete: the span is over; otherwise only a seen event counts. */
static void judge(rule_state *state, guint w, pending_trigger *entry, gboolean complete)
{
    gboolean seen = state->last_match[w] != NONE && state->last_match[w] > entry->trigger;
    gboolean ok = window_at(state, w)->kind == IOTFP_WINDOW_SEEN ? seen : complete && !seen;
    if (ok)
        entry->judged_ok |= 1u << w;
}

/* Judges the windows whose span ended before now, then hands on the triggers
 * that every window has judged. */
static void judge_until(rule_state *state, guint rule_index, const iotfp_timeline_event *events, gint64 now,
                        gboolean inclusive, GArray *out)
{
    guint done = state->pending->len;
    for (guint w = 0; w < state->rule->windows->len; w++) {
        if (!(state->after_mask & (1u << w)))
            continue;
        gint64 span = window_at(state, w)->span_ns;
        guint *next = &state->next_to_judge[w];
        while (*next < state->pending->len) {
            pending_trigger *entry = &g_array_index(state->pending, pending_trigger, *next);
            gint64 end = events[entry->trigger].time_ns + span;
            if (inclusive ? end > now : end >= now)
                break;
            judge(state, w, entry, TRUE);
            ++*next;
        }
        done = MIN(done, *next);
    }
    for (; state->head < done; state->head++) {
        const pending_trigger *entry = &g_array_index(state->pending, pending_trigger, state->head);
        if (entry->judged_ok == state->after_mask)
            emit(out, rule_index, entry->first, entry->trigger);
    }
    if (state->head == state->pending->len) {
        g_array_set_size(state->pending, 0);
        state->head = 0;
        for (guint w = 0; w < state->rule->windows->len; w++)
            state->next_to_judge[w] = 0;
    }
}

/* At the end of the timeline: windows after that it does not cover hold only
 * when they are 'seen' windows whose event already came. */
static void finish(rule_state *state, guint rule_index, GArray *out)
{
    for (guint i = state->head; i < state->pending->len; i++) {
        pending_trigger *entry = &g_array_index(state->pending, pending_trigger, i);
        for (guint w = 0; w < state->rule->windows->len; w++)
            if ((state->after_mask & (1u << w)) && i >= state->next_to_judge[w])
                judge(state, w, entry, FALSE);
        if (entry->judged_ok == state->after_mask)
            emit(out, rule_index, entry->first, entry->trigger);
    }
}

/* Whether the sequence completed, which uses its trigger up. */
static gboolean completed(rule_state *state, guint rule_index, const iotfp_timeline_event *events, guint first,
                          guint trigger, GTimeZone *home_zone, GArray *out)
{
    if (!in_time_of_day(state->rule, events[trigger].time_ns, home_zone))
        return FALSE;
    /* A completed sequence starts over, after its trigger: one routine, one activity. */
    for (guint k = 0; k + 1 < state->rule->steps->len; k++)
        state->partials[k].first = NONE;
    if (state->after_mask == 0) {
        emit(out, rule_index, first, trigger);
    } else {
        pending_trigger entry = { first, trigger, 0 };
        g_array_append_val(state->pending, entry);
    }
    return TRUE;
}

static void match_steps(rule_state *state, guint rule_index, const iotfp_timeline_event *events, guint index,
                        gint64 start_ns, GTimeZone *home_zone, GArray *out)
{
    const GArray *steps = state->rule->steps;
    guint last_step = steps->len - 1;
    /* From the last step down, so that one event never serves two steps. */
    for (guint k = steps->len; k-- > 0;) {
        const iotfp_activity_step *step = &g_array_index(steps, iotfp_activity_step, k);
        if (!iotfp_event_pattern_matches(&step->pattern, &events[index]))
            continue;
        guint first;
        if (k == 0) {
            if (!before_windows_hold(state, events, index, start_ns))
                continue;
            first = index;
        } else {
            const partial_match *before = &state->partials[k - 1];
            if (before->first == NONE || events[index].time_ns - events[before->index].time_ns > step->within_ns)
                continue;
            first = before->first;
        }
        if (k == last_step) {
            if (completed(state, rule_index, events, first, index, home_zone, out))
                return;
        } else
            state->partials[k] = (partial_match){ first, index };
    }
}

static gint by_trigger_activity_rule(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const iotfp_activity *x = a, *y = b;
    if (x->trigger != y->trigger)
        return x->trigger < y->trigger ? -1 : 1;
    int order = strcmp(iotfp_activity_rules_get(user_data, x->rule)->activity,
                       iotfp_activity_rules_get(user_data, y->rule)->activity);
    return order ? order : (x->rule > y->rule) - (x->rule < y->rule);
}

/* Rules of one activity are alternatives: a trigger shows it once, from the
 * first rule that holds. */
static void keep_first_per_activity(const iotfp_activity_rules *rules, GArray *activities)
{
    g_array_sort_with_data(activities, by_trigger_activity_rule, (gpointer)rules);
    guint kept = 0;
    for (guint i = 0; i < activities->len; i++) {
        const iotfp_activity *a = &g_array_index(activities, iotfp_activity, i);
        if (kept > 0) {
            const iotfp_activity *k = &g_array_index(activities, iotfp_activity, kept - 1);
            if (k->trigger == a->trigger && strcmp(iotfp_activity_rules_get(rules, k->rule)->activity,
                                                   iotfp_activity_rules_get(rules, a->rule)->activity) == 0)
                continue;
        }
        g_array_index(activities, iotfp_activity, kept++) = *a;
    }
    g_array_set_size(activities, kept);
}

GArray *iotfp_activities_infer(const iotfp_activity_rules *rules, const iotfp_timeline_event *events, guint n_events,
                               gint64 start_ns, gint64 end_ns, GTimeZone *home_zone, GError **error)
{
    for (guint i = 1; i < n_events; i++)
        if (events[i].time_ns < events[i - 1].time_ns) {
            g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "timeline event %u is earlier than the one before it", i);
            return NULL;
        }
    guint n_rules = iotfp_activity_rules_count(rules);
    rule_state *states = g_new0(rule_state, n_rules);
    for (guint r = 0; r < n_rules; r++) {
        rule_state *state = &states[r];
        state->rule = iotfp_activity_rules_get(rules, r);
        guint n_windows = state->rule->windows->len;
        state->partials = g_new(partial_match, state->rule->steps->len);
        for (guint k = 0; k < state->rule->steps->len; k++)
            state->partials[k].first = NONE;
        state->last_match = g_new(guint, n_windows);
        state->next_to_judge = g_new0(guint, n_windows);
        for (guint w = 0; w < n_windows; w++) {
            state->last_match[w] = NONE;
            if (window_at(state, w)->after)
                state->after_mask |= 1u << w;
        }
        state->pending = g_array_new(FALSE, FALSE, sizeof(pending_trigger));
    }
    if (n_events > 0) {
        start_ns = MIN(start_ns, events[0].time_ns);
        end_ns = MAX(end_ns, events[n_events - 1].time_ns);
    }
    GArray *out = g_array_new(FALSE, FALSE, sizeof(iotfp_activity));
    for (guint i = 0; i < n_events; i++)
        for (guint r = 0; r < n_rules; r++) {
            rule_state *state = &states[r];
            judge_until(state, r, events, events[i].time_ns, FALSE, out);
            match_steps(state, r, events, i, start_ns, home_zone, out);
            /* Only now, so that an event is never in its own windows. */
            for (guint w = 0; w < state->rule->windows->len; w++)
                if (iotfp_event_pattern_matches(&window_at(state, w)->pattern, &events[i]))
                    state->last_match[w] = i;
        }
    for (guint r = 0; r < n_rules; r++) {
        rule_state *state = &states[r];
        judge_until(state, r, events, end_ns, TRUE, out);
        finish(state, r, out);
        g_free(state->partials);
        g_free(state->last_match);
        g_free(state->next_to_judge);
        g_array_free(state->pending, TRUE);
    }
    g_free(states);
    keep_first_per_activity(rules, out);
    return out;
}
