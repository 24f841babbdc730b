#include "detector.h"

#include "burst_cache.h"

/* A result stays valid while its key holds (burst_cache.h). */
typedef struct {
    iotfp_burst_cache_key key;
    gboolean has_candidates;
    iotfp_detection detection;
} cached_detection;

struct iotfp_detector {
    const iotfp_signature_set *set;
    GPtrArray *cache; /* cached_detection, index burst id */
};

iotfp_detector *iotfp_detector_new(const iotfp_signature_set *set)
{
    iotfp_detector *detector = g_new0(iotfp_detector, 1);
    detector->set = set;
    detector->cache = g_ptr_array_new_with_free_func(g_free);
    return detector;
}

void iotfp_detector_free(iotfp_detector *detector)
{
    if (!detector)
        return;
    g_ptr_array_free(detector->cache, TRUE);
    g_free(detector);
}

static void classify(const iotfp_detector *detector, const iotfp_burst *burst, const iotfp_conv_facts *facts,
                     const char *pinned_model, cached_detection *out)
{
    const iotfp_event_classifier *pinned = iotfp_signature_set_find(detector->set, pinned_model);
    guint candidates = 0;
    const iotfp_signature *only_candidate = NULL;
    out->detection = (iotfp_detection){ NULL, NULL, -1.0 };
    for (guint i = 0; i < iotfp_signature_set_size(detector->set); i++) {
        const iotfp_event_classifier *classifier = iotfp_signature_set_get(detector->set, i);
        const iotfp_signature *signature = iotfp_event_classifier_signature(classifier);
        if (pinned ? classifier != pinned : !iotfp_signature_matches(signature, facts))
            continue;
        candidates++;
        only_candidate = signature;
        iotfp_event_match match;
        const GArray *lengths = iotfp_signature_burst_lengths(signature, burst);
        iotfp_event_classifier_classify(classifier, (const gint32 *)(gpointer)lengths->data, lengths->len, &match);
        if (match.event && (!out->detection.event || match.distance < out->detection.distance))
            out->detection = (iotfp_detection){ signature, match.event, match.distance };
    }
    out->has_candidates = candidates > 0;
    if (!out->detection.event && candidates == 1)
        out->detection.model = only_candidate;
}

const iotfp_detection *iotfp_detector_classify(iotfp_detector *detector, const iotfp_burst *burst,
                                               const iotfp_conv_facts *facts, const char *pinned_model)
{
    cached_detection *cached = iotfp_burst_cache_entry(detector->cache, burst, sizeof *cached);
    if (!iotfp_burst_cache_key_holds(&cached->key, burst, facts, pinned_model)) {
        classify(detector, burst, facts, pinned_model, cached);
        iotfp_burst_cache_key_set(&cached->key, burst, facts, pinned_model);
    }
    return cached->has_candidates ? &cached->detection : NULL;
}
