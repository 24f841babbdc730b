/* Reading a data file (signatures, rules, models) whole. Read, not mapped:
 * a file an editor truncates while it is mapped would kill Wireshark with
 * SIGBUS. Never much more than max_bytes is read, since a path may name a
 * device or a huge file. */
#ifndef IOTFP_TEXT_FILE_H
#define IOTFP_TEXT_FILE_H

#include <glib.h>

/* The file's bytes (NUL-terminated) and their count, or NULL with an
 * IOTFP_ERROR error that names the path: not a regular file, unreadable,
 * or larger than max_bytes. */
gchar *iotfp_text_file_read(const char *path, gsize max_bytes, gsize *len, GError **error);

#endif
