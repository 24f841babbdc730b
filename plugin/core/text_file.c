/* text_file.c - the one way the core reads a data file. */
#include "text_file.h"

#include <errno.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "addr.h"

gchar *iotfp_text_file_read(const char *path, gsize max_bytes, gsize *len, GError **error)
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
