#include "good_texts.h"

#include <string.h>

#include "addr.h"
#include "text_file.h"

struct iotfp_good_texts {
    GHashTable *by_path; /* path -> text, both owned */
};

iotfp_good_texts *iotfp_good_texts_new(void)
{
    iotfp_good_texts *texts = g_new0(iotfp_good_texts, 1);
    texts->by_path = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return texts;
}

void iotfp_good_texts_free(iotfp_good_texts *texts)
{
    if (!texts)
        return;
    g_hash_table_destroy(texts->by_path);
    g_free(texts);
}

gboolean iotfp_good_texts_load(iotfp_good_texts *texts, const char *path, gsize max_bytes, iotfp_text_parser parse,
                               gpointer target, GError **error)
{
    gsize len = 0;
    GError *failure = NULL;
    gchar *text = iotfp_text_file_read(path, max_bytes, &len, &failure);
    if (text && parse(text, len, path, target, &failure)) {
        if (texts)
            g_hash_table_replace(texts->by_path, g_strdup(path), text);
        else
            g_free(text);
        return TRUE;
    }
    g_free(text);
    const char *previous = texts ? g_hash_table_lookup(texts->by_path, path) : NULL;
    gboolean kept = previous && parse(previous, strlen(previous), path, target, NULL);
    g_set_error(error, failure->domain, failure->code, "%s%s", failure->message,
                kept ? "; the version read before stays in force" : "");
    g_error_free(failure);
    return kept;
}
