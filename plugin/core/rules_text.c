#include "rules_text.h"

#include <string.h>

gboolean iotfp_rules_fail(const iotfp_rules_cursor *at, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    iotfp_error_at(at->error, at->source, at->line_no, format, args);
    va_end(args);
    return FALSE;
}

gboolean iotfp_rules_valid_name(const char *name, gsize max)
{
    gsize len = strlen(name);
    if (len == 0 || len > max || !(g_ascii_islower(name[0]) || g_ascii_isdigit(name[0])))
        return FALSE;
    for (const char *c = name; *c; c++)
        if (!(g_ascii_islower(*c) || g_ascii_isdigit(*c) || strchr("-_.", *c)))
            return FALSE;
    return TRUE;
}

/* The words of a line without its comment; NULL after a message when the
 * line holds something that is not printable ASCII outside the comment. */
static gchar **split_words(gchar *line, const iotfp_rules_cursor *at)
{
    gchar *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    for (const char *c = line; *c; c++)
        if (!g_ascii_isprint(*c) && *c != '\t' && *c != '\r') {
            iotfp_rules_fail(at, "unexpected byte 0x%02x outside a comment", (guint8)*c);
            return NULL;
        }
    /* '|' is a word of its own even when written against a pattern. */
    GString *spaced = g_string_sized_new(strlen(line) + 8);
    for (const char *c = line; *c; c++) {
        if (*c == '|')
            g_string_append(spaced, " | ");
        else
            g_string_append_c(spaced, *c);
    }
    gchar **words = g_strsplit_set(spaced->str, " \t\r", -1);
    g_string_free(spaced, TRUE);
    gchar **out = words;
    for (gchar **word = words; *word; word++)
        if (**word)
            *out++ = *word;
        else
            g_free(*word);
    *out = NULL;
    return words;
}

static gboolean check_version(const iotfp_rules_format *format, gchar **words, const iotfp_rules_cursor *at,
                              guint64 *version_out)
{
    guint64 version;
    if (strcmp(words[0], format->format) != 0 || !words[1] || words[2])
        return iotfp_rules_fail(at, "not a %s file: the first line must be '%s %u'", format->what,
                    format->format, format->version);
    if (!g_ascii_string_to_unsigned(words[1], 10, 0, G_MAXUINT, &version, NULL))
        return iotfp_rules_fail(at, "version '%s' is not a whole number", words[1]);
    if (version == 0 || version > format->version)
        return iotfp_rules_fail(at, "version %" G_GUINT64_FORMAT " is not supported (this plugin reads versions 1 "
                                "to %u)", version, format->version);
    *version_out = version;
    return TRUE;
}

gboolean iotfp_rules_read(const iotfp_rules_format *format, const char *text, gsize len, iotfp_rules_cursor *at,
                          iotfp_rules_line_fn on_line, gpointer user_data)
{
    at->line_no = 0;
    if (len > IOTFP_RULES_MAX_BYTES)
        return iotfp_rules_fail(at, "larger than %u bytes", IOTFP_RULES_MAX_BYTES);
    /* Comments may be UTF-8; NUL bytes and invalid UTF-8 mean a binary file. */
    if (memchr(text, '\0', len) || !g_utf8_validate(text, (gssize)len, NULL))
        return iotfp_rules_fail(at, "not a text file");
    gboolean have_version = FALSE, ended = FALSE;
    guint64 version = 0;
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *newline = memchr(line, '\n', (gsize)(end - line));
        const char *line_end = newline ? newline : end;
        at->line_no++;
        if ((gsize)(line_end - line) > IOTFP_RULES_MAX_LINE)
            return iotfp_rules_fail(at, "line longer than %u bytes", IOTFP_RULES_MAX_LINE);
        gchar *copy = g_strndup(line, (gsize)(line_end - line));
        gchar **words = split_words(copy, at);
        g_free(copy);
        if (!words)
            return FALSE;
        gboolean ok = TRUE;
        if (words[0]) {
            if (!have_version)
                ok = check_version(format, words, at, &version);
            else if (ended)
                ok = iotfp_rules_fail(at, "'%s' after the closing '" IOTFP_RULES_END "' line", words[0]);
            else if (version >= 2 && strcmp(words[0], IOTFP_RULES_END) == 0 && !words[1])
                ended = TRUE;
            else
                ok = on_line(words, user_data);
            have_version = TRUE;
        }
        g_strfreev(words);
        if (!ok)
            return FALSE;
        line = line_end + 1;
    }
    if (!have_version) {
        at->line_no = MAX(at->line_no, 1);
        return iotfp_rules_fail(at, "empty file: the first line must be '%s %u'", format->format, format->version);
    }
    if (version >= 2 && !ended) {
        at->line_no = 0; /* about the whole file */
        return iotfp_rules_fail(at, "cut short: no closing '" IOTFP_RULES_END "' line (a version %" G_GUINT64_FORMAT
                                " file ends with one)", version);
    }
    return TRUE;
}

GPtrArray *iotfp_rules_bundled_paths(const char *name)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(paths, g_build_filename(g_get_user_data_dir(), "iotfp", "signatures", name, NULL));
    for (const char *const *dir = g_get_system_data_dirs(); *dir; dir++)
        g_ptr_array_add(paths, g_build_filename(*dir, "iotfp", "signatures", name, NULL));
    return paths;
}
