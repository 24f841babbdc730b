/* Burst shapes as text, formatted once per burst and size (and, as a burst
 * grows, by appending its new lengths: O(1) per packet). A packet tree
 * shows its burst's shape on every packet of the burst (and tshark -T fields
 * makes every tree visible), so formatting up to IOTFP_SHAPE_MAX numbers
 * each time would cost more than all the rest of the plugin. The cache is
 * direct-mapped by burst id with a fixed number of slots: its memory is
 * bounded whatever the capture (IOTFP_SHAPE_TEXT_SLOTS texts of at most
 * about 1.2 kB), and the few tens of bursts a home has open at one time
 * rarely share a slot. */
#ifndef IOTFP_SHAPE_TEXT_H
#define IOTFP_SHAPE_TEXT_H

#include "burst.h"

#define IOTFP_SHAPE_TEXT_SLOTS 256

typedef struct iotfp_shape_text_cache iotfp_shape_text_cache;

iotfp_shape_text_cache *iotfp_shape_text_cache_new(void);
void iotfp_shape_text_cache_free(iotfp_shape_text_cache *cache);

/* The text of iotfp_burst_format_shape for the burst as it is now. Owned by
 * the cache; valid until the next call. Burst ids must be unique for the
 * cache's lifetime (one analysis). */
const char *iotfp_shape_text(iotfp_shape_text_cache *cache, const iotfp_burst *burst);
/* The same for its messages (iotfp_burst_append_messages_text): "" when none. */
const char *iotfp_messages_text(iotfp_shape_text_cache *cache, const iotfp_burst *burst);

#endif
