#include "signature_set.h"

#include <string.h>

#include "addr.h"
#include "platform_rules.h"

struct iotfp_signature_set {
    GPtrArray *signatures;  /* iotfp_signature, owned */
    GPtrArray *classifiers; /* iotfp_event_classifier, same order */
};

iotfp_signature_set *iotfp_signature_set_new(void)
{
    iotfp_signature_set *set = g_new0(iotfp_signature_set, 1);
    set->signatures = g_ptr_array_new_with_free_func((GDestroyNotify)iotfp_signature_free);
    set->classifiers = g_ptr_array_new_with_free_func((GDestroyNotify)iotfp_event_classifier_free);
    return set;
}

void iotfp_signature_set_free(iotfp_signature_set *set)
{
    if (!set)
        return;
    /* Classifiers borrow their signatures: free them first. */
    g_ptr_array_free(set->classifiers, TRUE);
    g_ptr_array_free(set->signatures, TRUE);
    g_free(set);
}

gboolean iotfp_signature_set_add(iotfp_signature_set *set, iotfp_signature *signature, GError **error)
{
    const iotfp_event_classifier *existing = iotfp_signature_set_find(set, signature->model);
    if (existing) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: model '%s' is already defined by %s; ignored",
                    signature->source ? signature->source : "signature", signature->model,
                    iotfp_event_classifier_signature(existing)->source);
        iotfp_signature_free(signature);
        return FALSE;
    }
    g_ptr_array_add(set->signatures, signature);
    g_ptr_array_add(set->classifiers, iotfp_event_classifier_new(signature));
    return TRUE;
}

static gboolean parse_into_set(const char *text, gsize len, const char *source, gpointer set, GError **error)
{
    iotfp_signature *signature = iotfp_signature_parse(text, len, source, error);
    return signature && iotfp_signature_set_add(set, signature, error);
}

static gboolean load_file(iotfp_signature_set *set, const char *path, iotfp_good_texts *remembered,
                          GPtrArray *errors)
{
    GError *error = NULL;
    gboolean added = iotfp_good_texts_load(remembered, path, IOTFP_SIGNATURE_MAX_BYTES, parse_into_set, set, &error);
    if (error) {
        g_ptr_array_add(errors, g_strdup(error->message));
        g_error_free(error);
    }
    return added;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

guint iotfp_signature_set_load(iotfp_signature_set *set, const char *path, iotfp_good_texts *remembered,
                               GPtrArray *errors)
{
    if (!g_file_test(path, G_FILE_TEST_IS_DIR))
        return load_file(set, path, remembered, errors) ? 1 : 0;
    GError *error = NULL;
    GDir *dir = g_dir_open(path, 0, &error);
    if (!dir) {
        g_ptr_array_add(errors, g_strdup(error->message));
        g_error_free(error);
        return 0;
    }
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)))
        if (g_str_has_suffix(name, ".sig"))
            g_ptr_array_add(files, g_build_filename(path, name, NULL));
    g_dir_close(dir);
    /* Name order: which of two files for one model wins must not depend on the file system. */
    g_ptr_array_sort(files, compare_strings);
    guint added = 0;
    for (guint i = 0; i < files->len; i++)
        added += load_file(set, g_ptr_array_index(files, i), remembered, errors);
    g_ptr_array_free(files, TRUE);
    return added;
}

guint iotfp_signature_set_size(const iotfp_signature_set *set)
{
    return set->classifiers->len;
}

const iotfp_event_classifier *iotfp_signature_set_get(const iotfp_signature_set *set, guint index)
{
    return index < set->classifiers->len ? g_ptr_array_index(set->classifiers, index) : NULL;
}

const iotfp_event_classifier *iotfp_signature_set_find(const iotfp_signature_set *set, const char *model)
{
    for (guint i = 0; model && i < set->signatures->len; i++)
        if (strcmp(((iotfp_signature *)g_ptr_array_index(set->signatures, i))->model, model) == 0)
            return g_ptr_array_index(set->classifiers, i);
    return NULL;
}

gboolean iotfp_signature_matches(const iotfp_signature *signature, const iotfp_conv_facts *facts)
{
    for (guint i = 0; i < signature->matches->len; i++) {
        const iotfp_match *match = &g_array_index(signature->matches, iotfp_match, i);
        switch (match->kind) {
        case IOTFP_MATCH_PORT:
            if (facts->peer_port != match->port)
                return FALSE;
            break;
        case IOTFP_MATCH_CLOUD:
            /* DNS names ignore case; and no allocation: a single pass checks every packet. */
            if (!facts->cloud_name || !iotfp_glob_match(match->pattern, facts->cloud_name))
                return FALSE;
            break;
        case IOTFP_MATCH_PLATFORM:
            if (!facts->platform || strcmp(match->pattern, facts->platform) != 0)
                return FALSE;
            break;
        }
    }
    return TRUE;
}
