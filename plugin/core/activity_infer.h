/* Daily activities from a home's event timeline, by the activity rules
 * (activity_rules.h). One pass over the events in time order, each rule
 * keeping the latest partial match of each step and, for its windows, the
 * latest matching event before (seen, quiet) and a queue of triggers whose
 * windows after are still open, judged by one pointer per window as time
 * passes: the cost is linear in the events (times rules and their steps and
 * windows), whatever the spans. */
#ifndef IOTFP_ACTIVITY_INFER_H
#define IOTFP_ACTIVITY_INFER_H

#include "activity_rules.h"

typedef struct {
    guint rule;    /* index in the rules */
    guint first;   /* index of the event of the first step */
    guint trigger; /* index of the event of the last step, which the activity is shown on */
} iotfp_activity;

/* events: in time order (non-decreasing time_ns). start_ns, end_ns: the
 * observed time, such as the capture's first and last packets; a window that
 * reaches outside it is not known to be quiet. home_zone: the home's time
 * zone for 'time' ranges (NULL: UTC). Returns the activities (iotfp_activity)
 * by trigger, then by activity name; rules naming the same activity are
 * alternatives, so a trigger has each activity at most once, from the first
 * rule that holds. NULL with an error when the events are out of order. */
GArray *iotfp_activities_infer(const iotfp_activity_rules *rules, const iotfp_timeline_event *events, guint n_events,
                               gint64 start_ns, gint64 end_ns, GTimeZone *home_zone, GError **error);

/* Minutes after the home's midnight at time_ns, 0 to 1439. */
guint iotfp_minute_of_day(gint64 time_ns, GTimeZone *home_zone);

#endif
