/* Finding the installed knowledge files (platform and activity rules, the
 * device-type model) for the glue, and telling the user of a candidate that
 * had to be passed over.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef IOTFP_BUNDLED_FILES_H
#define IOTFP_BUNDLED_FILES_H

#include <glib.h>

/* As iotfp_rules_find_bundled; a folder or device found where the file
 * belongs is reported once per process, with the file used instead. */
char *iotfp_find_bundled_file(const char *name);

#endif
