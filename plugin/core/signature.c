#include "signature.h"

#include <errno.h>
#include <string.h>

#include "addr.h"
#include "burst.h"

typedef struct {
    const char *source;
    guint line_no;
    iotfp_signature *signature;
    iotfp_event_class *event; /* the section being read */
    guint samples;
    GError **error;
} parser;

static gboolean fail(parser *p, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean fail(parser *p, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    iotfp_error_at(p->error, p->source, p->line_no, format, args);
    va_end(args);
    return FALSE;
}

static void event_class_free(gpointer data)
{
    iotfp_event_class *event = data;
    g_free(event->name);
    g_free(event->privacy);
    g_ptr_array_free(event->samples, TRUE);
    g_free(event);
}

static void match_clear(gpointer data)
{
    g_free(((iotfp_match *)data)->pattern);
}

iotfp_signature *iotfp_signature_new(const char *model)
{
    iotfp_signature *signature = g_new0(iotfp_signature, 1);
    signature->model = g_strdup(model);
    signature->matches = g_array_new(FALSE, TRUE, sizeof(iotfp_match));
    g_array_set_clear_func(signature->matches, match_clear);
    signature->events = g_ptr_array_new_with_free_func(event_class_free);
    signature->k = 1;
    return signature;
}

void iotfp_signature_free(iotfp_signature *signature)
{
    if (!signature)
        return;
    g_free(signature->source);
    g_free(signature->model);
    g_free(signature->platform);
    g_array_free(signature->matches, TRUE);
    g_ptr_array_free(signature->events, TRUE);
    g_free(signature);
}

iotfp_event_class *iotfp_signature_add_event(iotfp_signature *signature, const char *name)
{
    iotfp_event_class *event = g_new0(iotfp_event_class, 1);
    event->name = g_strdup(name);
    event->samples = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    g_ptr_array_add(signature->events, event);
    return event;
}

void iotfp_event_class_add_sample(iotfp_event_class *event, const gint32 *lengths, guint n)
{
    GArray *sample = g_array_sized_new(FALSE, FALSE, sizeof(gint32), n);
    g_array_append_vals(sample, lengths, n);
    g_ptr_array_add(event->samples, sample);
}

const iotfp_event_class *iotfp_signature_find_event(const iotfp_signature *signature, const char *name)
{
    for (guint i = 0; i < signature->events->len; i++) {
        const iotfp_event_class *event = g_ptr_array_index(signature->events, i);
        if (strcmp(event->name, name) == 0)
            return event;
    }
    return NULL;
}

/* Names are words a filter can hold: model "tplink-plug", event "power_on",
 * merged event "power_off|power_on", IoTEvent-style "power_on/off". */
static gboolean valid_name(const char *name, gboolean allow_merge)
{
    if (!*name || strlen(name) > 128)
        return FALSE;
    for (const char *c = name; *c; c++)
        if (!g_ascii_isalnum(*c) && !strchr("_.-/", *c) && !(allow_merge && *c == '|'))
            return FALSE;
    return name[0] != '|' && name[strlen(name) - 1] != '|' && !strstr(name, "||");
}

static gboolean parse_uint(parser *p, const char *what, const char *text, guint max, guint *out)
{
    guint64 value;
    if (!g_ascii_string_to_unsigned(text, 10, 0, max, &value, NULL))
        return fail(p, "%s '%s' is not a whole number from 0 to %u", what, text, max);
    *out = (guint)value;
    return TRUE;
}

static gboolean parse_threshold(parser *p, const char *text, double *out)
{
    char *end;
    errno = 0;
    double value = g_ascii_strtod(text, &end);
    if (*end || end == text || errno || !(value >= 0.0 && value <= 1e6))
        return fail(p, "threshold '%s' is not a number from 0 to 1000000", text);
    *out = value;
    return TRUE;
}

static gboolean parse_sample(parser *p, gchar **words)
{
    if (!p->event)
        return fail(p, "'sample' before any 'event'");
    if (++p->samples > IOTFP_SIGNATURE_MAX_SAMPLES)
        return fail(p, "more than %u samples", IOTFP_SIGNATURE_MAX_SAMPLES);
    gint32 lengths[IOTFP_SHAPE_MAX];
    guint n = 0;
    for (gchar **word = words; *word; word++) {
        gint64 value;
        if (n == IOTFP_SHAPE_MAX)
            return fail(p, "a sample holds at most %u lengths", IOTFP_SHAPE_MAX);
        if ((**word != '+' && **word != '-') ||
            !g_ascii_string_to_signed(*word, 10, -IOTFP_SIGNATURE_MAX_LENGTH, IOTFP_SIGNATURE_MAX_LENGTH, &value,
                                      NULL) ||
            value == 0)
            return fail(p, "'%s' is not a signed payload length such as +142 or -1452 (1 to %u)", *word,
                        IOTFP_SIGNATURE_MAX_LENGTH);
        lengths[n++] = (gint32)value;
    }
    if (n == 0)
        return fail(p, "empty sample");
    iotfp_event_class_add_sample(p->event, lengths, n);
    return TRUE;
}

static gboolean parse_match(parser *p, gchar **args, guint nargs)
{
    if (nargs != 2)
        return fail(p, "'match' takes a kind and a value: port 443, cloud *.example.com, platform tuya");
    iotfp_match match = { 0 };
    if (strcmp(args[0], "port") == 0) {
        match.kind = IOTFP_MATCH_PORT;
        if (!parse_uint(p, "port", args[1], 65535, &match.port))
            return FALSE;
    } else if (strcmp(args[0], "cloud") == 0 || strcmp(args[0], "platform") == 0) {
        match.kind = args[0][0] == 'c' ? IOTFP_MATCH_CLOUD : IOTFP_MATCH_PLATFORM;
        match.pattern = g_strdup(args[1]);
    } else {
        return fail(p, "unknown match kind '%s' (port, cloud, platform)", args[0]);
    }
    g_array_append_val(p->signature->matches, match);
    return TRUE;
}

static gboolean set_string_once(parser *p, const char *key, char **field, const char *value, gboolean name)
{
    if (*field)
        return fail(p, "'%s' given twice", key);
    if (name && !valid_name(value, FALSE))
        return fail(p, "'%s' is not a valid %s (letters, digits, _ . - /)", value, key);
    *field = g_strdup(value);
    return TRUE;
}

static gboolean parse_event(parser *p, const char *name)
{
    if (!valid_name(name, TRUE))
        return fail(p, "'%s' is not a valid event name (letters, digits, _ . - /, classes joined by |)", name);
    if (iotfp_signature_find_event(p->signature, name))
        return fail(p, "event '%s' given twice", name);
    if (p->signature->events->len >= IOTFP_SIGNATURE_MAX_EVENTS)
        return fail(p, "more than %u events", IOTFP_SIGNATURE_MAX_EVENTS);
    p->event = iotfp_signature_add_event(p->signature, name);
    return TRUE;
}

static gboolean parse_line(parser *p, gchar **words)
{
    const char *key = words[0];
    gchar **args = words + 1;
    guint nargs = g_strv_length(args);
    if (strcmp(key, "sample") == 0)
        return parse_sample(p, args);
    if (strcmp(key, "match") == 0)
        return parse_match(p, args, nargs);
    if (nargs != 1)
        return fail(p, "'%s' takes one value", key);
    if (strcmp(key, "model") == 0)
        return set_string_once(p, key, &p->signature->model, args[0], TRUE);
    if (strcmp(key, "platform") == 0)
        return set_string_once(p, key, &p->signature->platform, args[0], TRUE);
    if (strcmp(key, "burst_gap_ms") == 0)
        return parse_uint(p, key, args[0], 3600000, &p->signature->burst_gap_ms);
    if (strcmp(key, "k") == 0)
        return parse_uint(p, key, args[0], IOTFP_SIGNATURE_MAX_K, &p->signature->k) &&
               (p->signature->k > 0 || fail(p, "k must be at least 1"));
    if (strcmp(key, "event") == 0)
        return parse_event(p, args[0]);
    if (strcmp(key, "privacy") == 0 || strcmp(key, "threshold") == 0) {
        if (!p->event)
            return fail(p, "'%s' before any 'event'", key);
        if (key[0] == 't')
            return parse_threshold(p, args[0], &p->event->threshold);
        return set_string_once(p, key, &p->event->privacy, args[0], TRUE);
    }
    return fail(p, "unknown keyword '%s'", key);
}

static gboolean check_complete(parser *p)
{
    iotfp_signature *signature = p->signature;
    if (!signature->model)
        return fail(p, "no 'model'");
    if (signature->burst_gap_ms == 0)
        return fail(p, "no 'burst_gap_ms'");
    for (guint i = 0; i < signature->events->len; i++) {
        const iotfp_event_class *event = g_ptr_array_index(signature->events, i);
        if (event->samples->len == 0)
            return fail(p, "event '%s' has no sample", event->name);
    }
    return TRUE;
}

static gboolean parse_version(parser *p, gchar **words)
{
    guint version = 0;
    if (strcmp(words[0], "iotfp-signature") != 0 || !words[1] || words[2])
        return fail(p, "not a signature file: the first line must be 'iotfp-signature %u'",
                    IOTFP_SIGNATURE_VERSION);
    if (!parse_uint(p, "version", words[1], G_MAXUINT, &version))
        return FALSE;
    if (version != IOTFP_SIGNATURE_VERSION)
        return fail(p, "version %u is not supported (this plugin reads version %u)", version,
                    IOTFP_SIGNATURE_VERSION);
    return TRUE;
}

iotfp_signature *iotfp_signature_parse(const char *text, gsize len, const char *source, GError **error)
{
    parser p = { .source = source, .error = error };
    if (len == 0) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s:1: empty file", source);
        return NULL;
    }
    if (len > IOTFP_SIGNATURE_MAX_BYTES) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: larger than %u bytes", source,
                    IOTFP_SIGNATURE_MAX_BYTES);
        return NULL;
    }
    if (memchr(text, '\0', len) || !g_utf8_validate(text, (gssize)len, NULL)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: not a text file", source);
        return NULL;
    }
    /* The model is named by the file's 'model' line; start with none. */
    p.signature = iotfp_signature_new(NULL);
    p.signature->k = 0;
    p.signature->source = g_strdup(source);
    gchar *copy = g_strndup(text, len);
    gchar **lines = g_strsplit(copy, "\n", -1);
    g_free(copy);
    gboolean ok = TRUE, have_version = FALSE;
    for (gchar **line = lines; ok && *line; line++) {
        p.line_no++;
        gchar *hash = strchr(*line, '#');
        if (hash)
            *hash = '\0';
        gchar **words = g_strsplit_set(g_strstrip(*line), " \t\r", -1);
        gchar **packed = words, **out = words;
        for (; *packed; packed++)
            if (**packed)
                *out++ = *packed;
            else
                g_free(*packed);
        *out = NULL;
        if (!words[0]) {
            g_strfreev(words);
            continue;
        }
        if (!have_version) {
            ok = parse_version(&p, words);
            have_version = TRUE;
        } else {
            ok = parse_line(&p, words);
        }
        g_strfreev(words);
    }
    g_strfreev(lines);
    if (ok && !have_version)
        ok = fail(&p, "empty file");
    if (ok)
        ok = check_complete(&p);
    if (!ok) {
        iotfp_signature_free(p.signature);
        return NULL;
    }
    if (p.signature->k == 0)
        p.signature->k = 1;
    return p.signature;
}

char *iotfp_signature_format(const iotfp_signature *signature)
{
    GString *out = g_string_new(NULL);
    g_string_append_printf(out, "iotfp-signature %d\n", IOTFP_SIGNATURE_VERSION);
    g_string_append_printf(out, "model %s\n", signature->model);
    if (signature->platform)
        g_string_append_printf(out, "platform %s\n", signature->platform);
    for (guint i = 0; i < signature->matches->len; i++) {
        const iotfp_match *match = &g_array_index(signature->matches, iotfp_match, i);
        if (match->kind == IOTFP_MATCH_PORT)
            g_string_append_printf(out, "match port %u\n", match->port);
        else
            g_string_append_printf(out, "match %s %s\n", match->kind == IOTFP_MATCH_CLOUD ? "cloud" : "platform",
                                   match->pattern);
    }
    g_string_append_printf(out, "burst_gap_ms %u\nk %u\n", signature->burst_gap_ms, signature->k);
    for (guint i = 0; i < signature->events->len; i++) {
        const iotfp_event_class *event = g_ptr_array_index(signature->events, i);
        char threshold[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append_printf(out, "\nevent %s\n", event->name);
        if (event->privacy)
            g_string_append_printf(out, "privacy %s\n", event->privacy);
        g_string_append_printf(out, "threshold %s\n",
                               g_ascii_dtostr(threshold, sizeof threshold, event->threshold));
        for (guint s = 0; s < event->samples->len; s++) {
            const GArray *sample = g_ptr_array_index(event->samples, s);
            g_string_append(out, "sample");
            for (guint j = 0; j < sample->len; j++)
                g_string_append_printf(out, " %+d", g_array_index(sample, gint32, j));
            g_string_append_c(out, '\n');
        }
    }
    return g_string_free(out, FALSE);
}
