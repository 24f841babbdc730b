/* Activity rules: what daily activity (waking up, leaving home...) a home's
 * event timeline reveals, read from text files (format: signatures/README.md,
 * "Activity rules"). A rule is a sequence of event steps, each within a time
 * of the one before, with windows before the sequence and after it that must
 * hold some matching event (seen) or none (quiet), and an optional range of
 * the home's time of day for its last step, the trigger. Parsing is strict:
 * every error names the file and line. activity_infer.h applies the rules. */
#ifndef IOTFP_ACTIVITY_RULES_H
#define IOTFP_ACTIVITY_RULES_H

#include "rules_text.h"

#define IOTFP_ACTIVITY_RULES_VERSION 2
#define IOTFP_ACTIVITY_MAX_RULES 256
#define IOTFP_ACTIVITY_MAX_STEPS 8
#define IOTFP_ACTIVITY_MAX_WINDOWS 16
#define IOTFP_ACTIVITY_MAX_ALTERNATIVES 16
#define IOTFP_ACTIVITY_NAME_MAX 32
#define IOTFP_ACTIVITY_GLOB_MAX 255
/* Longest step gap or window: a week covers any daily routine. */
#define IOTFP_ACTIVITY_MAX_SPAN_NS ((gint64)7 * 24 * 3600 * 1000000000)

/* What an event of the timeline is matched on. */
typedef enum {
    IOTFP_EVENT_FIELD_DEVICE,   /* the device's address */
    IOTFP_EVENT_FIELD_MODEL,    /* its model, "" when unknown */
    IOTFP_EVENT_FIELD_EVENT,    /* the event name, merged classes included: power_off|power_on */
    IOTFP_EVENT_FIELD_PRIVACY,  /* what it reveals, "" when nothing */
    IOTFP_EVENT_N_FIELDS,
} iotfp_event_field;

/* One event of a home's timeline. Strings are borrowed. */
typedef struct {
    gint64 time_ns;
    const char *fields[IOTFP_EVENT_N_FIELDS]; /* NULL reads as "" */
} iotfp_timeline_event;

/* Holds when one alternative holds; an alternative holds when each of its
 * globs (iotfp_glob_match) matches its field. No alternative: any event. */
typedef struct {
    char *globs[IOTFP_EVENT_N_FIELDS]; /* NULL: any value */
} iotfp_event_alternative;

typedef struct {
    guint n_alternatives;
    iotfp_event_alternative *alternatives;
} iotfp_event_pattern;

typedef struct {
    iotfp_event_pattern pattern;
    gint64 within_ns; /* most time since the previous step; 0 for the first */
} iotfp_activity_step;

typedef enum {
    IOTFP_WINDOW_SEEN,   /* some matching event in the window */
    IOTFP_WINDOW_QUIET,  /* no matching event in the window */
} iotfp_window_kind;

/* "before": the span before the first step, ending at it (events earlier in
 * the timeline); "after": the span after the trigger (events later in it).
 * Both ends inclusive: an event exactly span_ns away is inside. */
typedef struct {
    guint8 kind;      /* iotfp_window_kind */
    gboolean after;
    gint64 span_ns;
    iotfp_event_pattern pattern;
} iotfp_activity_window;

typedef struct {
    char *activity;
    guint line;                /* of its 'activity' line */
    GArray *steps;             /* iotfp_activity_step, at least one; the last is the trigger */
    GArray *windows;           /* iotfp_activity_window */
    gboolean has_time_of_day;  /* the trigger's local time in [from, to), wrapping midnight */
    guint from_minute, to_minute;
} iotfp_activity_rule;

typedef struct iotfp_activity_rules iotfp_activity_rules;

iotfp_activity_rules *iotfp_activity_rules_new(void);
void iotfp_activity_rules_free(iotfp_activity_rules *rules);

/* Adds one file's rules to the set, all or nothing: on error the set is
 * unchanged and error says "SOURCE:LINE: what is wrong". */
gboolean iotfp_activity_rules_parse(iotfp_activity_rules *rules, const char *text, gsize len, const char *source,
                                    GError **error);
gboolean iotfp_activity_rules_load(iotfp_activity_rules *rules, const char *path, GError **error);

guint iotfp_activity_rules_count(const iotfp_activity_rules *rules);
const iotfp_activity_rule *iotfp_activity_rules_get(const iotfp_activity_rules *rules, guint index);

gboolean iotfp_event_pattern_matches(const iotfp_event_pattern *pattern, const iotfp_timeline_event *event);

#endif
