#include "activity_rules.h"

#include <string.h>

#include "platform_rules.h"
#include "text_file.h"

struct iotfp_activity_rules {
    GPtrArray *rules; /* iotfp_activity_rule */
};

static const char *const field_names[IOTFP_EVENT_N_FIELDS] = { "device", "model", "event", "privacy" };

static void pattern_clear(iotfp_event_pattern *pattern)
{
    for (guint a = 0; a < pattern->n_alternatives; a++)
        for (guint f = 0; f < IOTFP_EVENT_N_FIELDS; f++)
            g_free(pattern->alternatives[a].globs[f]);
    g_free(pattern->alternatives);
}

static void step_clear(gpointer data)
{
    pattern_clear(&((iotfp_activity_step *)data)->pattern);
}

static void window_clear(gpointer data)
{
    pattern_clear(&((iotfp_activity_window *)data)->pattern);
}

static void rule_free(gpointer data)
{
    iotfp_activity_rule *rule = data;
    g_free(rule->activity);
    g_array_free(rule->steps, TRUE);
    g_array_free(rule->windows, TRUE);
    g_free(rule);
}

iotfp_activity_rules *iotfp_activity_rules_new(void)
{
    iotfp_activity_rules *rules = g_new0(iotfp_activity_rules, 1);
    rules->rules = g_ptr_array_new_with_free_func(rule_free);
    return rules;
}

void iotfp_activity_rules_free(iotfp_activity_rules *rules)
{
    if (!rules)
        return;
    g_ptr_array_free(rules->rules, TRUE);
    g_free(rules);
}

guint iotfp_activity_rules_count(const iotfp_activity_rules *rules)
{
    return rules->rules->len;
}

const iotfp_activity_rule *iotfp_activity_rules_get(const iotfp_activity_rules *rules, guint index)
{
    return index < rules->rules->len ? g_ptr_array_index(rules->rules, index) : NULL;
}

gboolean iotfp_event_pattern_matches(const iotfp_event_pattern *pattern, const iotfp_timeline_event *event)
{
    if (pattern->n_alternatives == 0)
        return TRUE;
    for (guint a = 0; a < pattern->n_alternatives; a++) {
        gboolean holds = TRUE;
        for (guint f = 0; f < IOTFP_EVENT_N_FIELDS && holds; f++) {
            const char *glob = pattern->alternatives[a].globs[f];
            holds = !glob || iotfp_glob_match(glob, event->fields[f] ? event->fields[f] : "");
        }
        if (holds)
            return TRUE;
    }
    return FALSE;
}

/* ---- parsing ---- */

typedef struct {
    iotfp_rules_cursor at;
    GPtrArray *file_rules;       /* iotfp_activity_rule */
    iotfp_activity_rule *current;
    guint room;                  /* rules this file may still add */
} parser;

/* "30m", "1h30m", "90s", "2d": runs of a number and a unit. */
static gboolean parse_span(parser *p, const char *text, gint64 *out)
{
    static const struct { char unit; gint64 ns; } units[] = {
        { 's', 1000000000 }, { 'm', (gint64)60 * 1000000000 }, { 'h', (gint64)3600 * 1000000000 },
        { 'd', (gint64)86400 * 1000000000 },
    };
    gint64 total = 0;
    const char *c = text;
    while (*c) {
        guint64 number = 0;
        const char *digits = c;
        /* Capped far above a week in seconds, which is refused below. */
        for (; g_ascii_isdigit(*c); c++)
            number = MIN(number * 10 + (guint64)(*c - '0'), (guint64)1 << 40);
        gint64 unit_ns = 0;
        for (gsize u = 0; u < G_N_ELEMENTS(units); u++)
            if (*c == units[u].unit)
                unit_ns = units[u].ns;
        if (c == digits || unit_ns == 0)
            return iotfp_rules_fail(&p->at, "'%s' is not a duration such as 90s, 30m, 1h30m or 2d", text);
        c++;
        if (number > (guint64)(IOTFP_ACTIVITY_MAX_SPAN_NS / unit_ns))
            return iotfp_rules_fail(&p->at, "duration '%s' is longer than 7 days", text);
        total += (gint64)number * unit_ns;
        if (total > IOTFP_ACTIVITY_MAX_SPAN_NS)
            return iotfp_rules_fail(&p->at, "duration '%s' is longer than 7 days", text);
    }
    if (total == 0)
        return iotfp_rules_fail(&p->at, "duration '%s' is zero", text);
    *out = total;
    return TRUE;
}

static gboolean parse_alternative(parser *p, gchar **words, guint n, iotfp_event_alternative *out)
{
    if (n == 0)
        return iotfp_rules_fail(&p->at, "an empty alternative: write FIELD:GLOB terms between the '|'");
    for (guint i = 0; i < n; i++) {
        const char *colon = strchr(words[i], ':');
        guint field = IOTFP_EVENT_N_FIELDS;
        for (guint f = 0; colon && f < IOTFP_EVENT_N_FIELDS; f++)
            if (strlen(field_names[f]) == (gsize)(colon - words[i]) && strncmp(words[i], field_names[f], colon - words[i]) == 0)
                field = f;
        if (field == IOTFP_EVENT_N_FIELDS)
            return iotfp_rules_fail(&p->at, "'%s' is not a term FIELD:GLOB with FIELD device, model, event or privacy", words[i]);
        if (out->globs[field])
            return iotfp_rules_fail(&p->at, "'%s' twice in one alternative: separate alternatives with '|'", field_names[field]);
        if (colon[1] == '\0')
            return iotfp_rules_fail(&p->at, "'%s' has no glob: write %s:* for any value", words[i], field_names[field]);
        if (strlen(colon + 1) > IOTFP_ACTIVITY_GLOB_MAX)
            return iotfp_rules_fail(&p->at, "glob longer than %u characters", IOTFP_ACTIVITY_GLOB_MAX);
        out->globs[field] = g_strdup(colon + 1);
    }
    return TRUE;
}

/* words: the pattern's words, NULL-terminated; none or 'any' is any event. */
static gboolean parse_pattern(parser *p, gchar **words, iotfp_event_pattern *out)
{
    memset(out, 0, sizeof *out);
    guint n = g_strv_length(words);
    if (n == 0 || (n == 1 && strcmp(words[0], "any") == 0))
        return TRUE;
    guint n_alternatives = 1;
    for (guint i = 0; i < n; i++)
        n_alternatives += strcmp(words[i], "|") == 0;
    if (n_alternatives > IOTFP_ACTIVITY_MAX_ALTERNATIVES)
        return iotfp_rules_fail(&p->at, "more than %u alternatives", IOTFP_ACTIVITY_MAX_ALTERNATIVES);
    /* Zeroed, so that clearing after a failure frees only what was parsed. */
    out->alternatives = g_new0(iotfp_event_alternative, n_alternatives);
    out->n_alternatives = n_alternatives;
    guint start = 0, a = 0;
    for (guint i = 0; i <= n; i++) {
        if (i < n && strcmp(words[i], "|") != 0)
            continue;
        if (!parse_alternative(p, words + start, i - start, &out->alternatives[a++])) {
            pattern_clear(out);
            return FALSE;
        }
        start = i + 1;
    }
    return TRUE;
}

static gboolean need_rule(parser *p, const char *keyword)
{
    return p->current ? TRUE : iotfp_rules_fail(&p->at, "'%s' before any 'activity'", keyword);
}

/* step PATTERN [within SPAN] */
static gboolean parse_step(parser *p, gchar **words)
{
    if (!need_rule(p, "step"))
        return FALSE;
    GArray *steps = p->current->steps;
    if (steps->len == IOTFP_ACTIVITY_MAX_STEPS)
        return iotfp_rules_fail(&p->at, "more than %u steps in one activity", IOTFP_ACTIVITY_MAX_STEPS);
    guint n = g_strv_length(words);
    iotfp_activity_step step = { { 0, NULL }, 0 };
    gboolean has_within = n >= 2 && strcmp(words[n - 2], "within") == 0;
    if (has_within && steps->len == 0)
        return iotfp_rules_fail(&p->at, "the first step has no 'within': it starts the sequence");
    if (!has_within && steps->len > 0)
        return iotfp_rules_fail(&p->at, "a step after the first needs 'within SPAN', the most time since the step before");
    if (has_within && !parse_span(p, words[n - 1], &step.within_ns))
        return FALSE;
    if (has_within) {
        gchar *last = words[n - 2];
        words[n - 2] = NULL; /* the pattern ends before 'within'; restored for g_strfreev */
        gboolean ok = parse_pattern(p, words, &step.pattern);
        words[n - 2] = last;
        if (!ok)
            return FALSE;
    } else if (!parse_pattern(p, words, &step.pattern)) {
        return FALSE;
    }
    g_array_append_val(steps, step);
    return TRUE;
}

/* seen|quiet before|after SPAN [PATTERN] */
static gboolean parse_window(parser *p, iotfp_window_kind kind, const char *keyword, gchar **words)
{
    if (!need_rule(p, keyword))
        return FALSE;
    if (p->current->windows->len == IOTFP_ACTIVITY_MAX_WINDOWS)
        return iotfp_rules_fail(&p->at, "more than %u windows in one activity", IOTFP_ACTIVITY_MAX_WINDOWS);
    if (!words[0] || (strcmp(words[0], "before") != 0 && strcmp(words[0], "after") != 0) || !words[1])
        return iotfp_rules_fail(&p->at, "'%s' takes before or after, a duration and an optional pattern: %s before 30m privacy:door",
                    keyword, keyword);
    iotfp_activity_window window = { .kind = (guint8)kind, .after = strcmp(words[0], "after") == 0 };
    if (!parse_span(p, words[1], &window.span_ns) || !parse_pattern(p, words + 2, &window.pattern))
        return FALSE;
    g_array_append_val(p->current->windows, window);
    return TRUE;
}

static gboolean parse_clock(const char *t, guint max_minute, guint *minute)
{
    if (strlen(t) != 5 || t[2] != ':' || !g_ascii_isdigit(t[0]) || !g_ascii_isdigit(t[1]) || !g_ascii_isdigit(t[3]) ||
        !g_ascii_isdigit(t[4]) || t[3] > '5')
        return FALSE;
    *minute = (guint)((t[0] - '0') * 600 + (t[1] - '0') * 60 + (t[3] - '0') * 10 + (t[4] - '0'));
    return *minute <= max_minute;
}

/* time HH:MM-HH:MM */
static gboolean parse_time_of_day(parser *p, gchar **words)
{
    if (!need_rule(p, "time"))
        return FALSE;
    if (p->current->has_time_of_day)
        return iotfp_rules_fail(&p->at, "a second 'time' in one activity");
    gchar **ends = words[0] && !words[1] ? g_strsplit(words[0], "-", 3) : NULL;
    guint from, to;
    gboolean ok = ends && g_strv_length(ends) == 2 && parse_clock(ends[0], 23 * 60 + 59, &from) &&
                  parse_clock(ends[1], 24 * 60, &to);
    g_strfreev(ends);
    if (!ok)
        return iotfp_rules_fail(&p->at, "'time' takes one range of the home's local time, HH:MM-HH:MM such as 22:00-03:00");
    if (from == to || (from == 0 && to == 24 * 60))
        return iotfp_rules_fail(&p->at, "the range covers the whole day: leave 'time' out");
    p->current->has_time_of_day = TRUE;
    p->current->from_minute = from;
    p->current->to_minute = to % (24 * 60);
    return TRUE;
}

/* A rule without steps could never be triggered: a mistake in the file. */
static gboolean check_rule_complete(parser *p)
{
    const iotfp_activity_rule *rule = p->current;
    if (rule && rule->steps->len == 0) {
        p->at.line_no = rule->line;
        return iotfp_rules_fail(&p->at, "activity '%s' has no 'step'", rule->activity);
    }
    return TRUE;
}

static gboolean parse_activity(parser *p, gchar **words)
{
    if (!words[0] || words[1])
        return iotfp_rules_fail(&p->at, "'activity' takes one name");
    if (!iotfp_rules_valid_name(words[0], IOTFP_ACTIVITY_NAME_MAX))
        return iotfp_rules_fail(&p->at, "'%s' is not an activity name (lowercase letters, digits, - _ ., at most %u)",
                                words[0], IOTFP_ACTIVITY_NAME_MAX);
    if (!check_rule_complete(p))
        return FALSE;
    if (p->room == 0)
        return iotfp_rules_fail(&p->at, "more than %u activity rules", IOTFP_ACTIVITY_MAX_RULES);
    p->room--;
    iotfp_activity_rule *rule = g_new0(iotfp_activity_rule, 1);
    rule->activity = g_strdup(words[0]);
    rule->line = p->at.line_no;
    rule->steps = g_array_new(FALSE, TRUE, sizeof(iotfp_activity_step));
    g_array_set_clear_func(rule->steps, step_clear);
    rule->windows = g_array_new(FALSE, TRUE, sizeof(iotfp_activity_window));
    g_array_set_clear_func(rule->windows, window_clear);
    g_ptr_array_add(p->file_rules, rule);
    p->current = rule;
    return TRUE;
}

static gboolean parse_line(gchar **words, gpointer user_data)
{
    parser *p = user_data;
    const char *key = words[0];
    if (strcmp(key, "activity") == 0)
        return parse_activity(p, words + 1);
    if (strcmp(key, "step") == 0)
        return parse_step(p, words + 1);
    if (strcmp(key, "seen") == 0)
        return parse_window(p, IOTFP_WINDOW_SEEN, key, words + 1);
    if (strcmp(key, "quiet") == 0)
        return parse_window(p, IOTFP_WINDOW_QUIET, key, words + 1);
    if (strcmp(key, "time") == 0)
        return parse_time_of_day(p, words + 1);
    return iotfp_rules_fail(&p->at, "unknown keyword '%s' (activity, step, seen, quiet, time)", key);
}

gboolean iotfp_activity_rules_parse(iotfp_activity_rules *rules, const char *text, gsize len, const char *source,
                                    GError **error)
{
    static const iotfp_rules_format format = { "iotfp-activities", IOTFP_ACTIVITY_RULES_VERSION, "activity rules" };
    parser p = {
        .at = { source, 0, error },
        .file_rules = g_ptr_array_new_with_free_func(rule_free),
        .room = IOTFP_ACTIVITY_MAX_RULES - rules->rules->len,
    };
    gboolean ok = iotfp_rules_read(&format, text, len, &p.at, parse_line, &p) &&
                  check_rule_complete(&p);
    if (ok) {
        g_ptr_array_set_free_func(p.file_rules, NULL);
        for (guint i = 0; i < p.file_rules->len; i++)
            g_ptr_array_add(rules->rules, g_ptr_array_index(p.file_rules, i));
    }
    g_ptr_array_free(p.file_rules, TRUE);
    return ok;
}

gboolean iotfp_activity_rules_load(iotfp_activity_rules *rules, const char *path, GError **error)
{
    gsize len;
    gchar *text = iotfp_text_file_read(path, IOTFP_RULES_MAX_BYTES, &len, error);
    gboolean ok = text && iotfp_activity_rules_parse(rules, text, len, path, error);
    g_free(text);
    return ok;
}
