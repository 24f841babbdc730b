#include "platform_rules.h"

#include <string.h>

#include "rules_text.h"

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
    iotfp_rules_cursor at;
    GPtrArray *file_rules;   /* rule */
    rule *current;
    guint room;              /* rules this file may still add */
    GPtrArray *new_magic;    /* names not yet in the set */
    const GPtrArray *known_magic;
} parser;

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
        return iotfp_rules_fail(&p->at, "pattern longer than %u characters", IOTFP_PLATFORM_PATTERN_MAX);
    switch (kind) {
    case IOTFP_FEATURE_TRANSPORT:
        if (strcmp(pattern, "tcp") != 0 && strcmp(pattern, "udp") != 0)
            return iotfp_rules_fail(&p->at, "transport '%s' is neither tcp nor udp", pattern);
        return TRUE;
    case IOTFP_FEATURE_PORT:
        if (!g_ascii_string_to_unsigned(pattern, 10, 0, 65535, NULL, NULL))
            return iotfp_rules_fail(&p->at, "port '%s' is not a number from 0 to 65535", pattern);
        return TRUE;
    case IOTFP_FEATURE_MAGIC:
        for (const char *c = pattern; *c; c++)
            if (!(g_ascii_islower(*c) || g_ascii_isdigit(*c) || strchr("-_.", *c)))
                return iotfp_rules_fail(&p->at, "magic '%s' is not a protocol filter name such as miio or tuya", pattern);
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
        return iotfp_rules_fail(&p->at, "a condition is a feature kind and a pattern, such as: sni *.meethue.com");
    iotfp_feature_kind kind;
    if (!iotfp_feature_kind_parse(words[0], &kind)) {
        GString *kinds = g_string_new(NULL);
        for (guint k = 0; k < IOTFP_FEATURE_N_KINDS; k++)
            g_string_append_printf(kinds, "%s%s", k ? ", " : "", iotfp_feature_kind_name(k));
        iotfp_rules_fail(&p->at, "unknown feature kind '%s' (%s)", words[0], kinds->str);
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
        return iotfp_rules_fail(&p->at, "'%s' before any 'platform'", keyword);
    if (p->current->conditions->len == IOTFP_PLATFORM_RULE_MAX_CONDITIONS)
        return iotfp_rules_fail(&p->at, "more than %u conditions in one rule", IOTFP_PLATFORM_RULE_MAX_CONDITIONS);
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
        ok = iotfp_rules_fail(&p->at, "alternatives need 'any': %s any sni NAME | name NAME", keyword);
    else if (any && runs->len < 2)
        ok = iotfp_rules_fail(&p->at, "'any' needs two or more alternatives separated by '|'");
    else if (runs->len > IOTFP_PLATFORM_CONDITION_MAX_ALTERNATIVES)
        ok = iotfp_rules_fail(&p->at, "more than %u alternatives", IOTFP_PLATFORM_CONDITION_MAX_ALTERNATIVES);
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
        p->at.line_no = r->line;
        return iotfp_rules_fail(&p->at, "platform '%s' has no 'require' or 'sufficient' condition", r->platform);
    }
    return TRUE;
}

static gboolean parse_platform(parser *p, gchar **words)
{
    if (!words[0] || words[1])
        return iotfp_rules_fail(&p->at, "'platform' takes one name");
    if (!iotfp_rules_valid_name(words[0], IOTFP_PLATFORM_NAME_MAX))
        return iotfp_rules_fail(&p->at, "'%s' is not a platform name (lowercase letters, digits, - _ ., at most %u)", words[0],
                    IOTFP_PLATFORM_NAME_MAX);
    if (!check_rule_complete(p))
        return FALSE;
    if (p->room == 0)
        return iotfp_rules_fail(&p->at, "more than %u rules in all", IOTFP_PLATFORM_RULES_MAX_RULES);
    p->room--;
    rule *r = g_new0(rule, 1);
    r->platform = g_strdup(words[0]);
    r->none = strcmp(words[0], IOTFP_PLATFORM_NONE) == 0;
    r->line = p->at.line_no;
    r->conditions = g_array_new(FALSE, TRUE, sizeof(condition));
    g_array_set_clear_func(r->conditions, condition_clear);
    g_ptr_array_add(p->file_rules, r);
    p->current = r;
    return TRUE;
}

static gboolean parse_line(gchar **words, gpointer user_data)
{
    parser *p = user_data;
    const char *key = words[0];
    if (strcmp(key, "platform") == 0)
        return parse_platform(p, words + 1);
    if (strcmp(key, "require") == 0)
        return parse_condition(p, CONDITION_REQUIRE, key, words + 1);
    if (strcmp(key, "sufficient") == 0)
        return parse_condition(p, CONDITION_SUFFICIENT, key, words + 1);
    if (strcmp(key, "reject") == 0)
        return parse_condition(p, CONDITION_REJECT, key, words + 1);
    return iotfp_rules_fail(&p->at, "unknown keyword '%s' (platform, require, sufficient, reject)", key);
}

gboolean iotfp_platform_rules_parse(iotfp_platform_rules *rules, const char *text, gsize len, const char *source,
                                    GError **error)
{
    parser p = {
        .at = { source, 0, error },
        .file_rules = g_ptr_array_new_with_free_func(rule_free),
        .room = IOTFP_PLATFORM_RULES_MAX_RULES - rules->n_rules,
        .new_magic = g_ptr_array_new_with_free_func(g_free),
        .known_magic = rules->magic_names,
    };
    static const iotfp_rules_format format = { "iotfp-platforms", IOTFP_PLATFORM_RULES_VERSION, "platform rules" };
    gboolean ok = iotfp_rules_read(&format, text, len, &p.at, parse_line, &p) &&
                  check_rule_complete(&p);
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

static gboolean parse_into_rules(const char *text, gsize len, const char *source, gpointer rules, GError **error)
{
    return iotfp_platform_rules_parse(rules, text, len, source, error);
}

gboolean iotfp_platform_rules_load(iotfp_platform_rules *rules, const char *path, iotfp_good_texts *remembered,
                                   GError **error)
{
    return iotfp_good_texts_load(remembered, path, IOTFP_PLATFORM_RULES_MAX_BYTES, parse_into_rules, rules, error);
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
            for (guint u = 0; u < n_used; u++)
                g_string_append_printf(evidence, "%s%s %s", u ? ", " : "", iotfp_feature_kind_name(used[u]->kind),
                                       used[u]->value);
            return r->none ? NULL : r->platform;
        }
    }
    return NULL;
}

void iotfp_platform_rules_apply(const iotfp_platform_rules *rules, iotfp_conv_features *features)
{
    GString *evidence = g_string_new(NULL);
    const char *platform = iotfp_platform_rules_match(rules, features, evidence);
    /* Interned only once decided: the platforms rules decide are few, and a
     * conversation must keep its platform when the rules are reloaded. A
     * "none" rule leaves evidence and no platform: the reason there is none. */
    iotfp_conv_features_set_platform(features, platform ? g_intern_string(platform) : NULL,
                                     evidence->len ? evidence->str : NULL);
    g_string_free(evidence, TRUE);
}
