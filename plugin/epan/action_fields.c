/* action_fields.c
 * The action sets of gateway commands as fields: iotfp.actions and its
 * count, candidates and ambiguity, the other candidates in a subtree, and an
 * expert item when a command's size has no decomposition or its most
 * probable set is not probable enough.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "action_fields.h"

#include <wsutil/report_message.h>

#include "event_signatures.h"
#include "packet-iotfp.h"

int hf_iotfp_actions = -1;
int hf_iotfp_actions_count = -1;
int hf_iotfp_actions_candidates = -1;
int hf_iotfp_actions_ambiguous = -1;
int hf_iotfp_actions_size = -1;
int hf_iotfp_actions_model = -1;
int hf_iotfp_actions_candidate = -1;
int hf_iotfp_actions_probability = -1;
int hf_iotfp_actions_candidate_probability = -1;
gint ett_iotfp_actions = -1;
expert_field ei_iotfp_actions_none = EI_INIT;
expert_field ei_iotfp_actions_uncertain = EI_INIT;

static iotfp_action_detector *detector;
static guint pref_actions_listed = IOTFP_ACTIONS_LISTED;
static guint pref_actions_confidence = IOTFP_ACTIONS_CONFIDENCE;

void iotfp_action_fields_register_prefs(module_t *module)
{
    prefs_register_uint_preference(module, "actions_listed", "Other action candidates listed",
        "How many action sets besides the best one the tree lists under iotfp.actions (iotfp.actions.candidate), "
        "at most 1000; iotfp.actions.candidates counts them all.", 10, &pref_actions_listed);
    prefs_register_uint_preference(module, "actions_confidence", "Confident action set (%)",
        "An expert item (iotfp.actions.uncertain) marks a command whose most probable action set has a "
        "probability below this many percent (0 to 100; 0: never).", 10, &pref_actions_confidence);
}

/* Wireshark stores a uint preference as typed; out of range, the value in
 * force stays and the user is told. */
static void keep_in_range(guint *pref, guint *in_force, guint max, const char *name)
{
    if (*pref <= max) {
        *in_force = *pref;
        return;
    }
    report_failure("IoT Fingerprint: preference iotfp.%s is %u, more than %u; keeping %u.", name, *pref, max,
                   *in_force);
    *pref = *in_force;
}

void iotfp_action_fields_apply_prefs(void)
{
    static guint listed_in_force = IOTFP_ACTIONS_LISTED, confidence_in_force = IOTFP_ACTIONS_CONFIDENCE;
    keep_in_range(&pref_actions_listed, &listed_in_force, IOTFP_ACTIONS_LISTED_MAX, "actions_listed");
    keep_in_range(&pref_actions_confidence, &confidence_in_force, 100, "actions_confidence");
}

void iotfp_action_fields_init(const iotfp_signature_set *signatures)
{
    detector = iotfp_action_detector_new(signatures);
}

void iotfp_action_fields_cleanup(void)
{
    iotfp_action_detector_free(detector);
    detector = NULL;
}

const iotfp_action_detection *iotfp_burst_actions(const iotfp_conv *conv, const iotfp_burst *burst)
{
    if (!detector)
        return NULL;
    iotfp_conv_facts facts = iotfp_current_conv_facts(conv);
    return iotfp_action_detector_decompose(detector, burst, &facts, iotfp_pinned_model(&conv->device));
}

static void add_generated_uint(proto_tree *tree, int hf, tvbuff_t *tvb, guint32 value)
{
    proto_item_set_generated(proto_tree_add_uint(tree, hf, tvb, 0, 0, value));
}

static const char *const no_decomposition_reasons[] = {
    [IOTFP_DECOMPOSE_NONE] = "no set of the model's actions explains it",
    [IOTFP_DECOMPOSE_TOO_LARGE] = "it is beyond the sizes the decomposition explores",
    [IOTFP_DECOMPOSE_INVALID_MODEL] = "the action model is unusable",
};

/* The best set and its figures; the other candidates, as many as the
 * preference says, in a subtree under it. */
static proto_item *add_candidates(proto_tree *tree, tvbuff_t *tvb, const iotfp_action_detection *detection)
{
    const iotfp_action_model *model = detection->model->action_model;
    const iotfp_decompose_result *result = detection->result;
    const iotfp_decomposition *best = iotfp_decompose_best(result);
    char *text = iotfp_action_set_format(model, result, 0);
    proto_item *item = proto_tree_add_string(tree, hf_iotfp_actions, tvb, 0, 0, text);
    proto_item_set_generated(item);
    g_free(text);
    proto_tree *subtree = proto_item_add_subtree(item, ett_iotfp_actions);
    proto_item_append_text(item, " (probability %.2f)", best->probability);
    proto_item_set_generated(
        proto_tree_add_double(subtree, hf_iotfp_actions_probability, tvb, 0, 0, best->probability));
    add_generated_uint(subtree, hf_iotfp_actions_count, tvb, best->action_count);
    add_generated_uint(subtree, hf_iotfp_actions_candidates, tvb, result->candidates->len);
    proto_item_set_generated(
        proto_tree_add_boolean(subtree, hf_iotfp_actions_ambiguous, tvb, 0, 0, iotfp_decompose_ambiguous(result)));
    if (result->status == IOTFP_DECOMPOSE_CAPPED)
        proto_item_append_text(item, " (the first %u candidates only)", result->candidates->len);
    for (guint c = 1; c < MIN(result->candidates->len, pref_actions_listed + 1); c++) {
        text = iotfp_action_set_format(model, result, c);
        double probability = g_array_index(result->candidates, iotfp_decomposition, c).probability;
        proto_item *other = proto_tree_add_string(subtree, hf_iotfp_actions_candidate, tvb, 0, 0, text);
        proto_item_set_generated(other);
        proto_item_append_text(other, " (probability %.2f)", probability);
        proto_item_set_generated(proto_tree_add_double(proto_item_add_subtree(other, ett_iotfp_actions),
                                                       hf_iotfp_actions_candidate_probability, tvb, 0, 0,
                                                       probability));
        g_free(text);
    }
    return item;
}

void iotfp_action_fields_add(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const iotfp_conv *conv,
                             const iotfp_burst *burst)
{
    static const int *const fields[] = { &hf_iotfp_actions, &hf_iotfp_actions_count, &hf_iotfp_actions_candidates,
                                         &hf_iotfp_actions_ambiguous, &hf_iotfp_actions_size,
                                         &hf_iotfp_actions_model, &hf_iotfp_actions_candidate,
                                         &hf_iotfp_actions_probability, &hf_iotfp_actions_candidate_probability };
    gboolean expert = iotfp_burst_expert_packet(pinfo, burst);
    gboolean referenced = FALSE;
    for (gsize i = 0; !referenced && i < G_N_ELEMENTS(fields); i++)
        referenced = proto_field_is_referenced(tree, *fields[i]);
    /* Decomposing costs a dynamic program: only when someone looks. */
    if (!expert && !referenced)
        return;
    const iotfp_action_detection *detection = iotfp_burst_actions(conv, burst);
    if (!detection)
        return;
    proto_item *item = proto_tree_add_string(tree, hf_iotfp_actions_model, tvb, 0, 0, detection->model->model);
    proto_item_set_generated(item);
    item = proto_tree_add_uint(tree, hf_iotfp_actions_size, tvb, 0, 0, detection->command_size);
    proto_item_set_generated(item);
    const iotfp_decomposition *best = iotfp_decompose_best(detection->result);
    if (best) {
        item = add_candidates(tree, tvb, detection);
        if (expert && 100 * best->probability < pref_actions_confidence)
            expert_add_info_format(pinfo, item, &ei_iotfp_actions_uncertain,
                                   "Uncertain action set: the most probable of %u candidates has probability "
                                   "%.2f, below the %u%% preference iotfp.actions_confidence",
                                   detection->result->candidates->len, best->probability, pref_actions_confidence);
        return;
    }
    iotfp_decompose_status status = detection->result->status;
    if (expert && status < G_N_ELEMENTS(no_decomposition_reasons) && no_decomposition_reasons[status])
        expert_add_info_format(pinfo, item, &ei_iotfp_actions_none,
                               "No decomposition of the %u-byte command under action model %s: %s",
                               detection->command_size, detection->model->model, no_decomposition_reasons[status]);
}
