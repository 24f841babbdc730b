/* bundled_files.c
 * A personal platforms.rules that is a folder, or a link to /dev/zero, used
 * to make that knowledge vanish without a word; the user hears of it here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "bundled_files.h"

#include <wsutil/report_message.h>

#include "rules_text.h"

char *iotfp_find_bundled_file(const char *name)
{
    /* Preferences are applied again on every change: say it once. */
    static GHashTable *reported;
    GError *skipped = NULL;
    char *found = iotfp_rules_find_bundled(name, &skipped);
    if (skipped) {
        if (!reported)
            reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        if (g_hash_table_add(reported, g_strdup(skipped->message)))
            report_failure("IoT Fingerprint: %s; %s %s.", skipped->message, found ? "using" : "no other",
                           found ? found : name);
        g_error_free(skipped);
    }
    return found;
}
