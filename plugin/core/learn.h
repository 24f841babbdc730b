/* Learning a device model's event signature from labelled bursts: choose k
 * and the rejection thresholds by leave-one-out cross-validation, and merge
 * event classes the traffic cannot tell apart, so that detection says only
 * what the traffic reveals. */
#ifndef IOTFP_LEARN_H
#define IOTFP_LEARN_H

#include "signature.h"

typedef struct {
    const char *event;    /* the label; NULL for a burst no label names (becomes "other") */
    const gint32 *shape;  /* signed payload lengths */
    guint n;
} iotfp_learn_burst;

typedef struct {
    const char *model;
    const char *platform;     /* may be NULL */
    guint burst_gap_ms;       /* the segmentation the bursts came from */
    GHashTable *privacy;      /* event label -> what it reveals; may be NULL */
    const GArray *matches;    /* iotfp_match, copied into the signature; may be NULL */
} iotfp_learn_options;

/* Two classes whose samples are, too often, practically the same traffic as a
 * sample of the other class: the evidence for a merge. */
typedef struct {
    char *a, *b;
    double separability;  /* share of their samples whose nearest neighbour is of their own class */
    guint samples;
} iotfp_learn_merge;

typedef struct {
    char *event;          /* final class name, merged ones joined by '|' */
    guint samples;
    guint right;          /* leave-one-out: recognised as this class */
    guint as_other;       /* leave-one-out: rejected as other */
    double threshold;
    /* Margins: the shortest distance from one of its samples to a sample of
     * another event class (named), and to a non-event sample; above
     * IOTFP_LEARN_MARGIN_CAP means none nearer (or no such samples). */
    double margin_to_class;
    char *nearest_class;  /* NULL with no other event class */
    double margin_to_other;
} iotfp_learn_event_report;

#define IOTFP_LEARN_MARGIN_CAP 10.0

typedef struct {
    guint k;
    GPtrArray *merges;    /* iotfp_learn_merge, in the order they were made */
    GPtrArray *events;    /* iotfp_learn_event_report, per final class (not "other") */
    guint other_samples;
    guint other_as_event; /* leave-one-out: unlabelled bursts taken for an event */
    guint labelled_as_other;      /* labelled bursts whose shape is mostly seen unlabelled */
    guint unlabelled_like_events; /* unlabelled bursts left out of "other": they look like events */
} iotfp_learn_report;

/* Minimum share of a pair's samples that must find their own class for the
 * two to stay apart. Two classes with identical traffic score about one half. */
#define IOTFP_LEARN_MIN_SEPARABILITY 0.8

iotfp_signature *iotfp_learn(const iotfp_learn_burst *bursts, guint n, const iotfp_learn_options *options,
                             iotfp_learn_report **report, GError **error);
void iotfp_learn_report_free(iotfp_learn_report *report);

#endif
