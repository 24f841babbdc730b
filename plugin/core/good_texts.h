/* The text each data file (signatures, platform rules) had when it last
 * loaded without error. When an edit breaks a file, the plugin reads the
 * file as it was, so that what the file gave stays in force and nothing the
 * user had is lost; the error is still reported, with its file and line. */
#ifndef IOTFP_GOOD_TEXTS_H
#define IOTFP_GOOD_TEXTS_H

#include <glib.h>

/* Parses one file's text into target (a set being built); on error, leaves
 * target as it was and says "SOURCE:LINE: what is wrong". */
typedef gboolean (*iotfp_text_parser)(const char *text, gsize len, const char *source, gpointer target,
                                      GError **error);

typedef struct iotfp_good_texts iotfp_good_texts;

iotfp_good_texts *iotfp_good_texts_new(void);
void iotfp_good_texts_free(iotfp_good_texts *texts);

/* Reads path (a regular file of at most max_bytes) and parses it into
 * target; a text that parses is remembered. When reading or parsing fails,
 * error says why and, if path loaded before, its remembered text is parsed
 * instead and the message ends in "; the version read before stays in
 * force". Returns whether target got the file's content, new or
 * remembered. texts may be NULL: nothing remembered. */
gboolean iotfp_good_texts_load(iotfp_good_texts *texts, const char *path, gsize max_bytes, iotfp_text_parser parse,
                               gpointer target, GError **error);

#endif
