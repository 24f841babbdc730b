/* The action-set fields of a gateway command (iotfp.actions*): what the core
 * decomposed from the command message's size, rendered on every packet of
 * the burst, computed only when a field is looked at. The hf, ett and ei
 * variables are registered by proto_register_iotfp. */
#ifndef IOTFP_ACTION_FIELDS_H
#define IOTFP_ACTION_FIELDS_H

#include <epan/expert.h>
#include <epan/packet.h>

#include "action_detector.h"
#include "analysis.h"

#include <epan/prefs.h>

/* Candidates listed under iotfp.actions besides the best one: the default
 * of the preference, and its bound. */
#define IOTFP_ACTIONS_LISTED 16
#define IOTFP_ACTIONS_LISTED_MAX 1000
/* Percent below which the best set's probability raises iotfp.actions.uncertain. */
#define IOTFP_ACTIONS_CONFIDENCE 50

extern int hf_iotfp_actions;
extern int hf_iotfp_actions_count;
extern int hf_iotfp_actions_candidates;
extern int hf_iotfp_actions_ambiguous;
extern int hf_iotfp_actions_size;
extern int hf_iotfp_actions_model;
extern int hf_iotfp_actions_candidate;
extern int hf_iotfp_actions_probability;
extern int hf_iotfp_actions_candidate_probability;
extern gint ett_iotfp_actions;
extern expert_field ei_iotfp_actions_none;
extern expert_field ei_iotfp_actions_uncertain;

/* Adds the actions_listed and actions_confidence preferences to the iotfp
 * preferences; apply refuses a value out of range, with a message, and
 * keeps the one in force. */
void iotfp_action_fields_register_prefs(module_t *module);
void iotfp_action_fields_apply_prefs(void);

/* The capture's action detector: made and freed with the analysis. */
void iotfp_action_fields_init(const iotfp_signature_set *signatures);
void iotfp_action_fields_cleanup(void);

/* The burst's action result, for other glue (statistics): NULL when its
 * conversation has no action model or the burst carries no command. */
const iotfp_action_detection *iotfp_burst_actions(const iotfp_conv *conv, const iotfp_burst *burst);

void iotfp_action_fields_add(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const iotfp_conv *conv,
                             const iotfp_burst *burst);

#endif
