#include "shape_text.h"

typedef struct {
    guint32 burst_id;   /* 0: empty (burst ids start at 1) */
    guint32 pkts;       /* the burst's size when formatted */
    guint n_lengths;    /* lengths in the text: a growing burst only appends the new ones */
    gsize lengths_end;  /* where the " ... (+N more)" part starts */
    GString *text;      /* reused: no allocation once warm */
    /* The burst's messages, kept alike: they only grow. */
    guint32 messages_burst_id;
    guint n_messages;
    GString *messages;
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
    for (guint i = 0; i < IOTFP_SHAPE_TEXT_SLOTS; i++)
        if (cache->slots[i].messages)
            g_string_free(cache->slots[i].messages, TRUE);
    g_free(cache);
}

const char *iotfp_shape_text(iotfp_shape_text_cache *cache, const iotfp_burst *burst)
{
    slot *s = &cache->slots[burst->id % IOTFP_SHAPE_TEXT_SLOTS];
    if (!s->text)
        s->text = g_string_sized_new(256);
    if (s->burst_id == burst->id && s->pkts == burst->pkts)
        return s->text->str;
    /* A single pass shows a burst growing packet by packet: append what is
     * new rather than formatting it all again (bulk transfers: every packet
     * once the shape is full changes only the count of the rest). */
    if (s->burst_id != burst->id || burst->shape->len < s->n_lengths) {
        s->burst_id = burst->id;
        s->n_lengths = 0;
        s->lengths_end = 0;
    }
    g_string_truncate(s->text, s->lengths_end);
    iotfp_burst_append_lengths(burst, s->n_lengths, s->text);
    s->n_lengths = burst->shape->len;
    s->lengths_end = s->text->len;
    iotfp_burst_append_more(burst, s->text);
    s->pkts = burst->pkts;
    return s->text->str;
}

const char *iotfp_messages_text(iotfp_shape_text_cache *cache, const iotfp_burst *burst)
{
    slot *s = &cache->slots[burst->id % IOTFP_SHAPE_TEXT_SLOTS];
    if (!s->messages)
        s->messages = g_string_sized_new(64);
    guint n = burst->messages ? burst->messages->len : 0;
    if (s->messages_burst_id != burst->id || n < s->n_messages) {
        s->messages_burst_id = burst->id;
        s->n_messages = 0;
        g_string_truncate(s->messages, 0);
    }
    if (n > s->n_messages) {
        iotfp_burst_append_messages_text(burst, s->n_messages, s->messages);
        s->n_messages = n;
    }
    return s->messages->str;
}
