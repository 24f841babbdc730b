#include "platform_rules.h"

#include <string.h>

typedef enum {
    CONDITION_REQUIRE,
    CONDITION_SUFFICIENT,
    CONDITION_REJECT,
} condition_type;

typedef struct {
    guint8 kind;    /* iotfp_feature_kind */
    char *pattern;
} alternative;

/* Holds when any of its alternatives matches a feature. */
typedef struct {
    guint8 type;    /* condition_type */
    guint n_alternatives;
    alternative *alternatives;
} condition;

typedef struct {
    char *platform;
    gboolean none;        /* decides "no platform" */
    guint line;           /* of its 'platform' line, for messages */
    GArray *conditions;   /* condition */
    guint n_require, n_sufficient;
} rule;

struct iotfp_platform_rules {
    GPtrArray *files;        /* GPtrArray of rule, one per file, in reading order */
    guint n_rules;
    GPtrArray *magic_names;  /* distinct */
};

static void condition_clear(gpointer data)
{
    condition *c = data;
    for (guint i = 0; i < c->n_alternatives; i++)
        g_free(c->alternatives[i].pattern);
    g_free(c->alternatives);
}

static void rule_free(gpointer data)
{
    rule *r = data;
    g_free(r->platform);
    g_array_free(r->conditions, TRUE);
    g_free(r);
}

iotfp_platform_rules *iotfp_platform_rules_new(void)
{
    iotfp_platform_rules *rules = g_new0(iotfp_platform_rules, 1);
    rules->files = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    rules->magic_names = g_ptr_array_new_with_free_func(g_free);
    return rules;
}

void iotfp_platform_rules_free(iotfp_platform_rules *rules)
{
    if (!rules)
        return;
    g_ptr_array_free(rules->files, TRUE);
    g_ptr_array_free(rules->magic_names, TRUE);
    g_free(rules);
}

guint iotfp_platform_rules_count(const iotfp_platform_rules *rules)
{
    return rules->n_rules;
}

const GPtrArray *iotfp_platform_rules_magic_names(const iotfp_platform_rules *rules)
{
    return rules->magic_names;
}

gboolean iotfp_glob_match(const char *pattern, const char *text)
{
    /* On a mismatch after a '*', let that star swallow one more character
     * and retry from there: only the latest star needs revisiting. */
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*pattern == '*') {
            star = pattern++;
            resume = text;
        } else if (*pattern && (*pattern == '?' || g_ascii_tolower(*pattern) == g_ascii_tolower(*text))) {
            pattern++;
            text++;
        } else if (star) {
            pattern = star + 1;
            text = ++resume;
        } else {
            return FALSE;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

/* ---- parsing ---- */

typedef struct {
    const char *source;
    guint line_no;
    GPtrArray *file_rules;   /* rule */
    rule *current;
    guint room;              /* rules this file may still add */
    GPtrArray *new_magic;    /* names not yet in the set */
    const GPtrArray *known_magic;
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

/* Platform names end up in a display filter string: keep them to words. */
static gboolean valid_platform(const char *name)
{
    gsize len = strlen(name);
    if (len == 0 || len > IOTFP_PLATFORM_NAME_MAX || !g_ascii_isalnum(name[0]))
        return FALSE;
    for (const char *c = name; *c; c++)
        if (!(g_ascii_islower(*c) || g_ascii_isdigit(*c) || strchr("-_.", *c)))
            return FALSE;
    return TRUE;
}

static gboolean in_array(const GPtrArray *array, const char *name)
{
    for (guint i = 0; i < array->len; i++)
        if (strcmp(g_ptr_array_index(array, i), name) == 0)
            return TRUE;
    return FALSE;
}

static gboolean check_pattern(parser *p, iotfp_feature_kind kind, const char *pattern)
{
    gsize len = strlen(pattern);
    if (len > IOTFP_PLATFORM_PATTERN_MAX)
        return fail(p, "pattern longer than %u characters", IOTFP_PLATFORM_PATTERN_MAX);
    switch (kind) {
    case IOTFP_FEATURE_TRANSPORT:
        if (strcmp(pattern, "tcp") != 0 && strcmp(pattern, "udp") != 0)
            return fail(p, "transport '%s' is neither tcp nor udp", pattern);
        return TRUE;
    case IOTFP_FEATURE_PORT:
        if (!g_ascii_string_to_unsigned(pattern, 10, 0, 65535, NULL, NULL))
            return fail(p, "port '%s' is not a number from 0 to 65535", pattern);
        return TRUE;
    case IOTFP_FEATURE_MAGIC:
        for (const char *c = pattern; *c; c++)
            if (!(g_ascii_islower(*c) || g_ascii_isdigit(*c) || strchr("-_.", *c)))
                return fail(p, "magic '%s' is not a protocol filter name such as miio or tuya", pattern);
        return TRUE;
    default:
        /* Blanks, '|' and '#' separate words, alternatives and comments;
         * what reaches here is printable ASCII by construction. */
        return TRUE;
    }
}

static gboolean parse_alternative(parser *p, gchar **words, alternative *out)
{
    if (!words[0] || !words[1] || words[2])
        return fail(p, "a condition is a feature kind and a pattern, such as: sni *.meethue.com");
    iotfp_feature_kind kind;
    if (!iotfp_feature_kind_parse(words[0], &kind)) {
        GString *kinds = g_string_new(NULL);
        for (guint k = 0; k < IOTFP_FEATURE_N_KINDS; k++)
            g_string_append_printf(kinds, "%s%s", k ? ", " : "", iotfp_feature_kind_name(k));
        fail(p, "unknown feature kind '%s' (%s)", words[0], kinds->str);
        g_string_free(kinds, TRUE);
        return FALSE;
    }
    if (!check_pattern(p, kind, words[1]))
        return FALSE;
    if (kind == IOTFP_FEATURE_MAGIC && !in_array(p->known_magic, words[1]) && !in_array(p->new_magic, words[1]))
        g_ptr_array_add(p->new_magic, g_strdup(words[1]));
    out->kind = (guint8)kind;
    out->pattern = g_strdup(words[1]);
    return TRUE;
}

/* words: what follows require/sufficient/reject. */
static gboolean parse_condition(parser *p, condition_type type, const char *keyword, gchar **words)
{
    if (!p->current)
        return fail(p, "'%s' before any 'platform'", keyword);
    if (p->current->conditions->len == IOTFP_PLATFORM_RULE_MAX_CONDITIONS)
        return fail(p, "more than %u conditions in one rule", IOTFP_PLATFORM_RULE_MAX_CONDITIONS);
    gboolean any = words[0] && strcmp(words[0], "any") == 0;
    /* Alternatives are the runs of words between '|' words. */
    GPtrArray *runs = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *run = g_ptr_array_new();
    for (gchar **word = words + (any ? 1 : 0);; word++) {
        if (!*word || strcmp(*word, "|") == 0) {
            g_ptr_array_add(run, NULL);
            g_ptr_array_add(runs, g_ptr_array_free(run, FALSE));
            if (!*word)
                break;
            run = g_ptr_array_new();
        } else {
            g_ptr_array_add(run, *word);
        }
    }
    gboolean ok = TRUE;
    if (!any && runs->len > 1)
        ok = fail(p, "alternatives need 'any': %s any sni NAME | name NAME", keyword);
    else if (any && runs->len < 2)
        ok = fail(p, "'any' needs two or more alternatives separated by '|'");
    else if (runs->len > IOTFP_PLATFORM_CONDITION_MAX_ALTERNATIVES)
        ok = fail(p, "more than %u alternatives", IOTFP_PLATFORM_CONDITION_MAX_ALTERNATIVES);
    condition c = { .type = (guint8)type };
    if (ok) {
        /* Zeroed, so that clearing after a failure frees only what was parsed. */
        c.n_alternatives = runs->len;
        c.alternatives = g_new0(alternative, runs->len);
        for (guint a = 0; ok && a < runs->len; a++)
            ok = parse_alternative(p, g_ptr_array_index(runs, a), &c.alternatives[a]);
    }
    g_ptr_array_free(runs, TRUE);
    if (!ok) {
        condition_clear(&c);
        return FALSE;
    }
    g_array_append_val(p->current->conditions, c);
    if (type == CONDITION_REQUIRE)
        p->current->n_require++;
    else if (type == CONDITION_SUFFICIENT)
        p->current->n_sufficient++;
    return TRUE;
}

/* A rule that could never decide anything is a mistake in the file. */
static gboolean check_rule_complete(parser *p)
{
    const rule *r = p->current;
    if (r && r->n_require == 0 && r->n_sufficient == 0) {
        p->line_no = r->line;
        return fail(p, "platform '%s' has no 'require' or 'sufficient' condition", r->platform);
    }
    return TRUE;
}

static gboolean parse_platform(parser *p, gchar **words)
{
    if (!words[0] || words[1])
        return fail(p, "'platform' takes one name");
    if (!valid_platform(words[0]))
        return fail(p, "'%s' is not a platform name (lowercase letters, digits, - _ ., at most %u)", words[0],
                    IOTFP_PLATFORM_NAME_MAX);
    if (!check_rule_complete(p))
        return FALSE;
    if (p->room == 0)
        return fail(p, "more than %u rules in all", IOTFP_PLATFORM_RULES_MAX_RULES);
    p->room--;
    rule *r = g_new0(rule, 1);
    r->platform = g_strdup(words[0]);
    r->none = strcmp(words[0], IOTFP_PLATFORM_NONE) == 0;
    r->line = p->line_no;
    r->conditions = g_array_new(FALSE, TRUE, sizeof(condition));
    g_array_set_clear_func(r->conditions, condition_clear);
    g_ptr_array_add(p->file_rules, r);
    p->current = r;
    return TRUE;
}

static gboolean parse_line(parser *p, gchar **words)
{
    const char *key = words[0];
    if (strcmp(key, "platform") == 0)
        return parse_platform(p, words + 1);
    if (strcmp(key, "require") == 0)
        return parse_condition(p, CONDITION_REQUIRE, key, words + 1);
    if (strcmp(key, "sufficient") == 0)
        return parse_condition(p, CONDITION_SUFFICIENT, key, words + 1);
    if (strcmp(key, "reject") == 0)
        return parse_condition(p, CONDITION_REJECT, key, words + 1);
    return fail(p, "unknown keyword '%s' (platform, require, sufficient, reject)", key);
}

static gboolean parse_version(parser *p, gchar **words)
{
    guint64 version;
    if (strcmp(words[0], "iotfp-platforms") != 0 || !words[1] || words[2])
        return fail(p, "not a platform rules file: the first line must be 'iotfp-platforms %d'",
                    IOTFP_PLATFORM_RULES_VERSION);
    if (!g_ascii_string_to_unsigned(words[1], 10, 0, G_MAXUINT, &version, NULL))
        return fail(p, "version '%s' is not a whole number", words[1]);
    if (version != IOTFP_PLATFORM_RULES_VERSION)
        return fail(p, "version %" G_GUINT64_FORMAT " is not supported (this plugin reads version %d)", version,
                    IOTFP_PLATFORM_RULES_VERSION);
    return TRUE;
}

/* The words of a line without its comment; NULL after a message when the
 * line holds something that is not printable ASCII outside the comment. */
static gchar **split_words(parser *p, gchar *line)
{
    gchar *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    for (const char *c = line; *c; c++)
        if (!g_ascii_isprint(*c) && *c != '\t' && *c != '\r') {
            fail(p, "unexpected byte 0x%02x outside a comment", (guint8)*c);
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

static gboolean parse_text(parser *p, const char *text, gsize len)
{
    gboolean have_version = FALSE;
    const char *end = text + len;
    for (const char *line = text; line < end;) {
        const char *newline = memchr(line, '\n', (gsize)(end - line));
        const char *line_end = newline ? newline : end;
        p->line_no++;
        if ((gsize)(line_end - line) > IOTFP_PLATFORM_RULES_MAX_LINE)
            return fail(p, "line longer than %u bytes", IOTFP_PLATFORM_RULES_MAX_LINE);
        gchar *copy = g_strndup(line, (gsize)(line_end - line));
        gchar **words = split_words(p, copy);
        g_free(copy);
        if (!words)
            return FALSE;
        gboolean ok = TRUE;
        if (words[0]) {
            if (!have_version)
                ok = parse_version(p, words);
            else
                ok = parse_line(p, words);
            have_version = TRUE;
        }
        g_strfreev(words);
        if (!ok)
            return FALSE;
        line = line_end + 1;
    }
    if (!have_version) {
        p->line_no = MAX(p->line_no, 1);
        return fail(p, "empty file: the first line must be 'iotfp-platforms %d'", IOTFP_PLATFORM_RULES_VERSION);
    }
    return check_rule_complete(p);
}

gboolean iotfp_platform_rules_parse(iotfp_platform_rules *rules, const char *text, gsize len, const char *source,
                                    GError **error)
{
    if (len > IOTFP_PLATFORM_RULES_MAX_BYTES) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: larger than %u bytes", source,
                    IOTFP_PLATFORM_RULES_MAX_BYTES);
        return FALSE;
    }
    /* Comments may be UTF-8; NUL bytes and invalid UTF-8 mean a binary file. */
    if (memchr(text, '\0', len) || !g_utf8_validate(text, (gssize)len, NULL)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: not a text file", source);
        return FALSE;
    }
    parser p = {
        .source = source,
        .file_rules = g_ptr_array_new_with_free_func(rule_free),
        .room = IOTFP_PLATFORM_RULES_MAX_RULES - rules->n_rules,
        .new_magic = g_ptr_array_new_with_free_func(g_free),
        .known_magic = rules->magic_names,
        .error = error,
    };
    gboolean ok = parse_text(&p, text, len);
    if (ok) {
        rules->n_rules += p.file_rules->len;
        g_ptr_array_add(rules->files, p.file_rules);
        /* The set takes the names over. */
        g_ptr_array_set_free_func(p.new_magic, NULL);
        for (guint i = 0; i < p.new_magic->len; i++)
            g_ptr_array_add(rules->magic_names, g_ptr_array_index(p.new_magic, i));
    } else {
        g_ptr_array_free(p.file_rules, TRUE);
    }
    g_ptr_array_free(p.new_magic, TRUE);
    return ok;
}

gboolean iotfp_platform_rules_load(iotfp_platform_rules *rules, const char *path, GError **error)
{
    gsize len;
    gchar *text = iotfp_file_contents(path, &len, error);
    if (!text)
        return FALSE;
    gboolean ok = iotfp_platform_rules_parse(rules, text, len, path, error);
    g_free(text);
    return ok;
}

/* ---- matching ---- */

static const iotfp_feature *condition_holds(const condition *c, const iotfp_conv_features *features)
{
    guint n = iotfp_conv_features_count(features);
    for (guint a = 0; a < c->n_alternatives; a++)
        for (guint i = 0; i < n; i++) {
            const iotfp_feature *feature = iotfp_conv_features_get(features, i);
            if (feature->kind == c->alternatives[a].kind && iotfp_glob_match(c->alternatives[a].pattern, feature->value))
                return feature;
        }
    return NULL;
}

static void add_used(const iotfp_feature **used, guint *n_used, const iotfp_feature *feature)
{
    for (guint i = 0; i < *n_used; i++)
        if (used[i] == feature)
            return;
    used[(*n_used)++] = feature;
}

/* The features that make the rule hold, the sufficient one first; 0 when it
 * does not hold. */
static guint rule_holds(const rule *r, const iotfp_conv_features *features,
                        const iotfp_feature *used[IOTFP_CONV_FEATURES_MAX])
{
    const iotfp_feature *sufficient = NULL;
    const iotfp_feature *required[IOTFP_CONV_FEATURES_MAX];
    guint n_required = 0;
    for (guint i = 0; i < r->conditions->len; i++) {
        const condition *c = &g_array_index(r->conditions, condition, i);
        if (c->type == CONDITION_SUFFICIENT && sufficient)
            continue;
        const iotfp_feature *feature = condition_holds(c, features);
        switch (c->type) {
        case CONDITION_REJECT:
            if (feature)
                return 0;
            break;
        case CONDITION_REQUIRE:
            if (!feature)
                return 0;
            add_used(required, &n_required, feature);
            break;
        default:
            sufficient = feature;
        }
    }
    if (r->n_sufficient > 0 && !sufficient)
        return 0;
    guint n_used = 0;
    if (sufficient)
        used[n_used++] = sufficient;
    for (guint i = 0; i < n_required; i++)
        add_used(used, &n_used, required[i]);
    return n_used;
}

const char *iotfp_platform_rules_match(const iotfp_platform_rules *rules, const iotfp_conv_features *features,
                                       GString *evidence)
{
    for (guint f = rules->files->len; f-- > 0;) {
        const GPtrArray *file_rules = g_ptr_array_index(rules->files, f);
        for (guint i = 0; i < file_rules->len; i++) {
            const rule *r = g_ptr_array_index(file_rules, i);
            const iotfp_feature *used[IOTFP_CONV_FEATURES_MAX];
            guint n_used = rule_holds(r, features, used);
            if (n_used == 0)
                continue;
            if (r->none)
                return NULL;
            for (guint u = 0; u < n_used; u++)
                g_string_append_printf(evidence, "%s%s %s", u ? ", " : "", iotfp_feature_kind_name(used[u]->kind),
                                       used[u]->value);
            return r->platform;
        }
    }
    return NULL;
}

void iotfp_platform_rules_apply(const iotfp_platform_rules *rules, iotfp_conv_features *features)
{
    GString *evidence = g_string_new(NULL);
    const char *platform = iotfp_platform_rules_match(rules, features, evidence);
    /* Interned only once decided: the platforms rules decide are few, and a
     * conversation must keep its platform when the rules are reloaded. */
    iotfp_conv_features_set_platform(features, platform ? g_intern_string(platform) : NULL,
                                     platform ? evidence->str : NULL);
    g_string_free(evidence, TRUE);
}
