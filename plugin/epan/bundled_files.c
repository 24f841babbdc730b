/* bundled_files.c
 * A personal platforms.rules that is a folder, a link to /dev/zero or a
 * file with a bad line used to leave the plugin with no platform rules at
 * all; now the next installed copy is used, and the user is told why.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "bundled_files.h"

#include <wsutil/report_message.h>

#include "rules_text.h"

/* Preferences are applied again on every change: each problem is said once. */
static void report_once(const char *message)
{
    static GHashTable *reported;
    if (!reported)
        reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (g_hash_table_add(reported, g_strdup(message)))
        report_failure("%s", message);
}

char *iotfp_load_bundled_file(const char *name, const char *what, iotfp_bundled_load_fn load, gpointer data)
{
    GPtrArray *paths = iotfp_rules_bundled_paths(name);
    GString *passed_over = g_string_new(NULL);
    char *loaded = NULL;
    for (guint i = 0; i < paths->len && !loaded; i++) {
        const char *path = g_ptr_array_index(paths, i);
        GError *error = NULL;
        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            continue;
        if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            g_string_append_printf(passed_over, "\n%s: not a regular file", path);
            continue;
        }
        /* A copy that broke after it once loaded keeps its last good
         * content (good_texts.h): loaded, and still worth a word. */
        if (load(path, data, &error))
            loaded = g_strdup(path);
        if (error)
            g_string_append_printf(passed_over, "\n%s%s", error->message,
                                   loaded ? " (its last good content stays in force)" : "");
        g_clear_error(&error);
    }
    if (passed_over->len) {
        GString *message = g_string_new(NULL);
        g_string_printf(message, "IoT Fingerprint: installed %s with problems:%s\n", what, passed_over->str);
        if (loaded)
            g_string_append_printf(message, "Using %s.", loaded);
        else
            g_string_append(message, "No other copy is installed.");
        report_once(message->str);
        g_string_free(message, TRUE);
    }
    g_string_free(passed_over, TRUE);
    g_ptr_array_free(paths, TRUE);
    return loaded;
}

char *iotfp_bundled_file_list(const char *name)
{
    GPtrArray *paths = iotfp_rules_bundled_paths(name);
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < paths->len; i++)
        if (g_file_test(g_ptr_array_index(paths, i), G_FILE_TEST_IS_REGULAR))
            g_string_append_printf(list, "%s\n", (char *)g_ptr_array_index(paths, i));
    g_ptr_array_free(paths, TRUE);
    return g_string_free(list, FALSE);
}
