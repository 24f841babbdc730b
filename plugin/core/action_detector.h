/* Which actions a gateway command bundles, for each burst of a conversation
 * whose model has an action model (signature.h): the command message's
 * size, decomposed (decompose.h). The model is the one the user pinned to
 * the device (no action sets if it has no action model), else the first
 * loaded signature with an action model whose match lines hold. Results are cached per burst
 * and recomputed only when the burst has grown or what was known of its
 * conversation changed, as the event detector does. */
#ifndef IOTFP_ACTION_DETECTOR_H
#define IOTFP_ACTION_DETECTOR_H

#include "burst.h"
#include "signature_set.h"

typedef struct {
    const iotfp_signature *model;    /* has an action_model */
    guint command_size;              /* wire size of the command message */
    iotfp_decompose_result *result;  /* owned by the detector */
} iotfp_action_detection;

typedef struct iotfp_action_detector iotfp_action_detector;

/* Borrows the set, which must outlive the detector. */
iotfp_action_detector *iotfp_action_detector_new(const iotfp_signature_set *set);
void iotfp_action_detector_free(iotfp_action_detector *detector);

/* NULL when no action model applies to the conversation or the burst
 * carries no command message (see iotfp_action_model_command_size). The
 * strings in facts and pinned_model must stay put while the detector lives
 * (interned). The result stays valid until the next call for this burst;
 * calls for other bursts leave it alone. */
const iotfp_action_detection *iotfp_action_detector_decompose(iotfp_action_detector *detector,
                                                              const iotfp_burst *burst,
                                                              const iotfp_conv_facts *facts,
                                                              const char *pinned_model);

/* A candidate's action set as "a+a+b": each action repeated as often as it
 * occurs, in the model's order; "" for the empty set. */
char *iotfp_action_set_format(const iotfp_action_model *model, const iotfp_decompose_result *result,
                              guint candidate);

#endif
