/* What a per-burst result depends on, for the caches of the detectors: the
 * burst's shape (a single pass sees it grow packet by packet; once the shape
 * is full, a growing burst keeps its result), what was known of its
 * conversation and the user's pin. Names and platforms are interned
 * strings, so comparing pointers is enough. */
#ifndef IOTFP_BURST_CACHE_H
#define IOTFP_BURST_CACHE_H

#include "burst.h"
#include "signature_set.h"

typedef struct {
    guint32 n_lengths; /* shape length when computed; 0: nothing cached yet */
    iotfp_conv_facts facts;
    const char *pinned_model;
} iotfp_burst_cache_key;

static inline gboolean iotfp_burst_cache_key_holds(const iotfp_burst_cache_key *key, const iotfp_burst *burst,
                                                   const iotfp_conv_facts *facts, const char *pinned_model)
{
    return key->n_lengths == burst->shape->len && key->pinned_model == pinned_model &&
           key->facts.peer_port == facts->peer_port && key->facts.cloud_name == facts->cloud_name &&
           key->facts.platform == facts->platform;
}

static inline void iotfp_burst_cache_key_set(iotfp_burst_cache_key *key, const iotfp_burst *burst,
                                             const iotfp_conv_facts *facts, const char *pinned_model)
{
    *key = (iotfp_burst_cache_key){ burst->shape->len, *facts, pinned_model };
}

/* The cache entry of a burst: `size` bytes, zeroed when new. Entries are
 * allocated one by one, so a result handed out stays where it is while the
 * caches of later bursts grow: the timeline keeps every burst's result. */
static inline gpointer iotfp_burst_cache_entry(GPtrArray *cache, const iotfp_burst *burst, gsize size)
{
    if (burst->id >= cache->len)
        g_ptr_array_set_size(cache, MAX(burst->id + 1, cache->len * 2));
    gpointer *entry = &g_ptr_array_index(cache, burst->id);
    if (!*entry)
        *entry = g_malloc0(size);
    return *entry;
}

#endif
