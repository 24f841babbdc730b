/* Loading the installed knowledge files (platform and activity rules, the
 * device-type model) for the glue: the user's copy, else the system's, and
 * the next copy when one does not load, so that a damaged personal file
 * never leaves the plugin without the bundled knowledge. The user hears of
 * every copy passed over.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef IOTFP_BUNDLED_FILES_H
#define IOTFP_BUNDLED_FILES_H

#include <glib.h>

/* Loads one copy; FALSE with a message ("FILE:LINE: ...") when it cannot. */
typedef gboolean (*iotfp_bundled_load_fn)(const char *path, gpointer data, GError **error);

/* Tries the installed copies of NAME in lookup order (iotfp_rules_bundled_paths)
 * until one loads, reporting each one passed over (not a regular file, or not
 * loading) once per process. Returns the path that loaded, or NULL. `what`
 * names the knowledge in messages: "platform rules". */
char *iotfp_load_bundled_file(const char *name, const char *what, iotfp_bundled_load_fn load, gpointer data);

/* The installed copies that are regular files, one per line: what a reload
 * compares to know whether anything changed. */
char *iotfp_bundled_file_list(const char *name);

#endif
