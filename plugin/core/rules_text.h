/* The line syntax that the project's rule files share (platforms.rules,
 * activities.rules): UTF-8 text, a first line naming the format and its
 * version, then one keyword and its words per line, blanks between words, '#'
 * starting a comment, '|' a word of its own. Every error names the file and
 * line, and limits bound what a file can make a reader allocate. */
#ifndef IOTFP_RULES_TEXT_H
#define IOTFP_RULES_TEXT_H

#include "addr.h"

#define IOTFP_RULES_MAX_BYTES (1u << 20)
#define IOTFP_RULES_MAX_LINE 1024 /* bytes, comment included */
/* From version 2 on, a rules file ends with this line, so that one cut short
 * is refused rather than read as fewer rules. */
#define IOTFP_RULES_END "end"

/* Where a reader is: messages name the source and the line. */
typedef struct {
    const char *source;
    guint line_no;      /* kept current by iotfp_rules_read */
    GError **error;
} iotfp_rules_cursor;

/* Sets the error "SOURCE:LINE: message"; always returns FALSE, to end a
 * parse step. */
gboolean iotfp_rules_fail(const iotfp_rules_cursor *at, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* Names that end up in display filter strings (platforms, activities): a
 * lowercase letter or digit, then lowercase letters, digits, - _ ., at most
 * max bytes. */
gboolean iotfp_rules_valid_name(const char *name, gsize max);

typedef struct {
    const char *format;  /* the first word of the first line, e.g. "iotfp-platforms" */
    guint version;       /* the newest version this reader understands; it reads the older ones too */
    const char *what;    /* for messages: "platform rules" */
} iotfp_rules_format;

/* Called with the words of each line after the version line that holds any;
 * the cursor of iotfp_rules_read is on that line. */
typedef gboolean (*iotfp_rules_line_fn)(gchar **words, gpointer user_data);

/* Checks the text and the version line, then hands every other non-empty line
 * to on_line, stopping at the first that returns FALSE. at->line_no follows
 * the line being read, so that the caller's messages can name it. Errors of
 * its own are "SOURCE:LINE: message" (or "SOURCE: message" about the whole
 * file). */
gboolean iotfp_rules_read(const iotfp_rules_format *format, const char *text, gsize len, iotfp_rules_cursor *at,
                          iotfp_rules_line_fn on_line, gpointer user_data);

/* Every place an installed copy of the bundled file NAME may be, in lookup
 * order: iotfp/signatures/NAME under the user's XDG data folder, then under
 * each system one (~/.local/share, /usr/local/share, /usr/share). The caller
 * uses the first that is a regular file and loads. */
GPtrArray *iotfp_rules_bundled_paths(const char *name);

#endif
