/* Which event each burst stands for, given the signatures in force: the
 * conversation's candidate models are those the user pinned or whose match
 * lines hold, and the nearest accepted event among them wins. Results are
 * cached per burst and recomputed only when the burst's shape has grown (a
 * single pass sees bursts grow packet by packet; past IOTFP_SHAPE_MAX
 * lengths the shape stays as it is). */
#ifndef IOTFP_DETECTOR_H
#define IOTFP_DETECTOR_H

#include "burst.h"
#include "signature_set.h"

typedef struct {
    const iotfp_signature *model;   /* NULL when no single model fits */
    const iotfp_event_class *event; /* NULL: "other" */
    double distance;                /* to the event's nearest sample; < 0 when nothing was near */
} iotfp_detection;

typedef struct iotfp_detector iotfp_detector;

/* Borrows the set, which must outlive the detector. */
iotfp_detector *iotfp_detector_new(const iotfp_signature_set *set);
void iotfp_detector_free(iotfp_detector *detector);

/* pinned_model: the model the user assigned to the device, or NULL. The
 * strings in facts and pinned_model must stay put while the detector lives
 * (interned), as the cache compares them by address. NULL when no signature
 * is a candidate for the conversation. The result stays valid until the next
 * call for this burst; calls for other bursts leave it alone. */
const iotfp_detection *iotfp_detector_classify(iotfp_detector *detector, const iotfp_burst *burst,
                                               const iotfp_conv_facts *facts, const char *pinned_model);

#endif
