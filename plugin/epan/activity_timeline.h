/* The home's event timeline and the activities inferred from it: the
 * activity rules in force (bundled, or the user's file), and the timeline of
 * the capture, built once from the first pass's analysis. */
#ifndef IOTFP_ACTIVITY_TIMELINE_H
#define IOTFP_ACTIVITY_TIMELINE_H

#include <epan/prefs.h>

#include "activity_infer.h"
#include "analysis.h"

/* One event of the timeline: a burst that a signature names as an event. */
typedef struct {
    iotfp_timeline_event event;  /* time of the burst's first packet; strings live with the timeline */
    guint32 burst_id;
    guint32 first_frame;
} iotfp_timeline_entry;

typedef struct {
    GArray *entries;                    /* iotfp_timeline_entry, in time order */
    GArray *activities;                 /* iotfp_activity, indices into entries, by trigger */
    const iotfp_activity_rules *rules;  /* in force when the timeline was built */
    const char *rules_source;           /* the file they came from, or NULL when none was found */
    GTimeZone *home_zone;
    const char *home_zone_name;
} iotfp_timeline;

/* Adds the activity_rules and activity_time_zone preferences. */
void iotfp_activity_register_prefs(module_t *module);

/* Loads the rules again when their file changed. A file that fails to load is
 * reported, and the rules in force stay. */
void iotfp_activity_apply_prefs(void);

/* First pass: the time of every frame, so that the timeline knows when the
 * capture starts and ends (a quiet outside it is not known). */
void iotfp_timeline_note_frame_time(gint64 time_ns);

/* The capture's timeline, built on the first call after the first pass from
 * every burst of the analysis (classified through the detector's per-burst
 * cache), and built again when the first pass has seen more frames since.
 * Results known at a burst's end need the whole first pass: call it from a
 * later pass (tshark -2, the GUI) or from a tap's draw. The timeline stays
 * valid until the next call. */
const iotfp_timeline *iotfp_timeline_get(const iotfp_analysis *analysis);

/* The activities whose trigger is this burst: the index of the first in
 * timeline->activities and their number. */
guint iotfp_timeline_burst_activities(const iotfp_timeline *timeline, guint32 burst_id, guint *first);

/* Drops the timeline with the analysis it was built from. */
void iotfp_timeline_clear(void);

#endif
