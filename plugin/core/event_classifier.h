/* Recognises the event a burst stands for, by k nearest neighbours over the
 * samples of one device model's signature (the IoTEvent method, with an edit
 * distance instead of exact-length grouping). Samples are indexed by length:
 * a sample whose length differs from the burst's by more than the largest
 * threshold cannot be near enough, and is never compared. */
#ifndef IOTFP_EVENT_CLASSIFIER_H
#define IOTFP_EVENT_CLASSIFIER_H

#include "signature.h"

typedef struct {
    const iotfp_event_class *event; /* NULL when the burst is "other" */
    const iotfp_event_class *nearest; /* class of the nearest sample, even when rejected; may be NULL */
    double distance;                /* to the nearest sample of the voted class; < 0 when no sample was near */
} iotfp_event_match;

typedef struct iotfp_event_classifier iotfp_event_classifier;

/* Borrows the signature, which must outlive the classifier. */
iotfp_event_classifier *iotfp_event_classifier_new(const iotfp_signature *signature);
void iotfp_event_classifier_free(iotfp_event_classifier *classifier);
const iotfp_signature *iotfp_event_classifier_signature(const iotfp_event_classifier *classifier);

void iotfp_event_classifier_classify(const iotfp_event_classifier *classifier, const gint32 *shape, guint n,
                                     iotfp_event_match *match);

/* The same, leaving out one sample (by its index in the length-sorted order,
 * see iotfp_event_classifier_n_samples): leave-one-out cross-validation. */
guint iotfp_event_classifier_n_samples(const iotfp_event_classifier *classifier);
void iotfp_event_classifier_sample(const iotfp_event_classifier *classifier, guint index,
                                   const iotfp_event_class **event, const GArray **lengths);
void iotfp_event_classifier_classify_without(const iotfp_event_classifier *classifier, const gint32 *shape,
                                             guint n, guint left_out, iotfp_event_match *match);

#endif
