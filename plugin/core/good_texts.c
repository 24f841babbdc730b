#include "good_texts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "addr.h"

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

/* Read, not mapped (a file truncated by an editor while mapped would kill
 * Wireshark with SIGBUS), and never much more than max_bytes: a path may
 * name a device or a huge file. */
static gchar *read_text(const char *path, gsize max_bytes, gsize *len, GError **error)
{
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: %s", path,
                    g_file_test(path, G_FILE_TEST_EXISTS) ? "not a regular file" : "no such file");
        return NULL;
    }
    FILE *file = g_fopen(path, "rb");
    if (!file) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: %s", path, g_strerror(errno));
        return NULL;
    }
    GString *text = g_string_new(NULL);
    char chunk[16384];
    size_t n;
    while (text->len <= max_bytes && (n = fread(chunk, 1, sizeof chunk, file)) > 0)
        g_string_append_len(text, chunk, (gssize)n);
    gboolean failed = ferror(file) != 0;
    fclose(file);
    if (failed || text->len > max_bytes) {
        if (failed)
            g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: read error", path);
        else
            g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: larger than %" G_GSIZE_FORMAT " bytes", path,
                        max_bytes);
        g_string_free(text, TRUE);
        return NULL;
    }
    *len = text->len;
    return g_string_free(text, FALSE);
}

gboolean iotfp_good_texts_load(iotfp_good_texts *texts, const char *path, gsize max_bytes, iotfp_text_parser parse,
                               gpointer target, GError **error)
{
    gsize len = 0;
    GError *failure = NULL;
    gchar *text = read_text(path, max_bytes, &len, &failure);
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
