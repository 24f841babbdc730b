#include "detector.h"

/* A result stays valid while the burst and what was known of its
 * conversation stay the same (names and platforms are interned strings, so
 * comparing pointers is enough). */
typedef struct {
    guint32 n_lengths; /* shape length when classified; 0: not yet */
    iotfp_conv_facts facts;
    const char *pinned_model;
    gboolean has_candidates;
    iotfp_detection detection;
} cached_detection;

struct iotfp_detector {
    const iotfp_signature_set *set;
    GArray *cache; /* cached_detection, index burst id */
};

iotfp_detector *iotfp_detector_new(const iotfp_signature_set *set)
{
    iotfp_detector *detector = g_new0(iotfp_detector, 1);
    detector->set = set;
    detector->cache = g_array_new(FALSE, TRUE, sizeof(cached_detection));
    return detector;
}

void iotfp_detector_free(iotfp_detector *detector)
{
    if (!detector)
        return;
    g_array_free(detector->cache, TRUE);
    g_free(detector);
}

static void classify(const iotfp_detector *detector, const iotfp_burst *burst, const iotfp_conv_facts *facts,
                     const char *pinned_model, cached_detection *out)
{
    const gint32 *shape = (const gint32 *)(gpointer)burst->shape->data;
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
        iotfp_event_classifier_classify(classifier, shape, burst->shape->len, &match);
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
    if (burst->id >= detector->cache->len)
        g_array_set_size(detector->cache, MAX(burst->id + 1, detector->cache->len * 2));
    cached_detection *cached = &g_array_index(detector->cache, cached_detection, burst->id);
    /* Only the shape decides: once it is full, a growing burst keeps its result. */
    if (cached->n_lengths != burst->shape->len || cached->pinned_model != pinned_model ||
        cached->facts.peer_port != facts->peer_port || cached->facts.cloud_name != facts->cloud_name ||
        cached->facts.platform != facts->platform) {
        classify(detector, burst, facts, pinned_model, cached);
        cached->n_lengths = burst->shape->len;
        cached->facts = *facts;
        cached->pinned_model = pinned_model;
    }
    return cached->has_candidates ? &cached->detection : NULL;
}
