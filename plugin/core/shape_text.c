#include "shape_text.h"

typedef struct {
    guint32 burst_id; /* 0: empty (burst ids start at 1) */
    guint32 pkts;     /* the burst's size when formatted: a growing burst is formatted again */
    GString *text;    /* reused: no allocation once warm */
} slot;

struct iotfp_shape_text_cache {
    slot slots[IOTFP_SHAPE_TEXT_SLOTS];
};

iotfp_shape_text_cache *iotfp_shape_text_cache_new(void)
{
    return g_new0(iotfp_shape_text_cache, 1);
}

void iotfp_shape_text_cache_free(iotfp_shape_text_cache *cache)
{
    if (!cache)
        return;
    for (guint i = 0; i < IOTFP_SHAPE_TEXT_SLOTS; i++)
        if (cache->slots[i].text)
            g_string_free(cache->slots[i].text, TRUE);
    g_free(cache);
}

const char *iotfp_shape_text(iotfp_shape_text_cache *cache, const iotfp_burst *burst)
{
    slot *s = &cache->slots[burst->id % IOTFP_SHAPE_TEXT_SLOTS];
    if (!s->text)
        s->text = g_string_sized_new(256);
    if (s->burst_id != burst->id || s->pkts != burst->pkts) {
        g_string_truncate(s->text, 0);
        iotfp_burst_format_shape(burst, s->text);
        s->burst_id = burst->id;
        s->pkts = burst->pkts;
    }
    return s->text->str;
}
