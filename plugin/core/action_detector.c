#include "action_detector.h"

#include "burst_cache.h"

typedef struct {
    iotfp_burst_cache_key key;
    gboolean has_command;
    iotfp_action_detection detection;
} cached_actions;

struct iotfp_action_detector {
    const iotfp_signature_set *set;
    GPtrArray *cache; /* cached_actions, index burst id */
};

static void cached_actions_free(gpointer data)
{
    cached_actions *cached = data;
    if (cached)
        iotfp_decompose_result_free(cached->detection.result);
    g_free(cached);
}

iotfp_action_detector *iotfp_action_detector_new(const iotfp_signature_set *set)
{
    iotfp_action_detector *detector = g_new0(iotfp_action_detector, 1);
    detector->set = set;
    detector->cache = g_ptr_array_new_with_free_func(cached_actions_free);
    return detector;
}

void iotfp_action_detector_free(iotfp_action_detector *detector)
{
    if (!detector)
        return;
    g_ptr_array_free(detector->cache, TRUE);
    g_free(detector);
}

static const iotfp_signature *action_model_for(const iotfp_signature_set *set, const iotfp_conv_facts *facts,
                                               const char *pinned_model)
{
    /* The user said what the device is: its model alone decides, as for
     * events, so a pinned plug on a gateway's port gets no action sets. */
    const iotfp_event_classifier *pinned = iotfp_signature_set_find(set, pinned_model);
    if (pinned) {
        const iotfp_signature *signature = iotfp_event_classifier_signature(pinned);
        return signature->action_model ? signature : NULL;
    }
    for (guint i = 0; i < iotfp_signature_set_size(set); i++) {
        const iotfp_signature *signature = iotfp_event_classifier_signature(iotfp_signature_set_get(set, i));
        if (signature->action_model && iotfp_signature_matches(signature, facts))
            return signature;
    }
    return NULL;
}

static void decompose(const iotfp_action_detector *detector, const iotfp_burst *burst, const iotfp_conv_facts *facts,
                      const char *pinned_model, cached_actions *out)
{
    iotfp_decompose_result_free(out->detection.result);
    out->detection = (iotfp_action_detection){ action_model_for(detector->set, facts, pinned_model), 0, NULL };
    const iotfp_signature *model = out->detection.model;
    out->has_command = model && iotfp_action_model_command_size(model->action_model,
                                                                (const gint32 *)(gpointer)burst->shape->data,
                                                                burst->shape->len, &out->detection.command_size);
    if (out->has_command) {
        const iotfp_action_model *actions = model->action_model;
        out->detection.result = iotfp_decompose(&actions->decompose, out->detection.command_size);
        iotfp_action_rank(&actions->decompose, &actions->prior, out->detection.result,
                          iotfp_action_hour(burst->start_ns));
    }
}

const iotfp_action_detection *iotfp_action_detector_decompose(iotfp_action_detector *detector,
                                                              const iotfp_burst *burst,
                                                              const iotfp_conv_facts *facts,
                                                              const char *pinned_model)
{
    cached_actions *cached = iotfp_burst_cache_entry(detector->cache, burst, sizeof *cached);
    if (!iotfp_burst_cache_key_holds(&cached->key, burst, facts, pinned_model)) {
        decompose(detector, burst, facts, pinned_model, cached);
        iotfp_burst_cache_key_set(&cached->key, burst, facts, pinned_model);
    }
    return cached->has_command ? &cached->detection : NULL;
}

char *iotfp_action_set_format(const iotfp_action_model *model, const iotfp_decompose_result *result,
                              guint candidate)
{
    const guint8 *counts = iotfp_decompose_counts(result, candidate);
    GString *text = g_string_new(NULL);
    for (guint j = 0; j < model->decompose.n_actions; j++)
        for (guint c = 0; c < counts[j]; c++)
            g_string_append_printf(text, "%s%s", text->len ? "+" : "", model->decompose.actions[j].name);
    return g_string_free(text, FALSE);
}
