/* A data file broken by an edit keeps giving what it gave before it broke,
 * for signatures and platform rules alike, and the error still names the
 * file and line. */
#include <glib/gstdio.h>
#include <string.h>

#include "good_texts.h"
#include "platform_rules.h"
#include "signature_set.h"

#define GOOD_SIGNATURE \
    "iotfp-signature 1\nmodel plug\nburst_gap_ms 1500\nk 1\n\nevent power_on\nthreshold 1\nsample +12 -30\n"
#define BROKEN_SIGNATURE "iotfp-signature 1\nmodel plug\nburst_gap_ms 1500\nk 1\n\nevent power_on\nsample +12 oops\n"
#define GOOD_RULES "iotfp-platforms 1\nplatform tuya\nsufficient port 6668\n"
#define BROKEN_RULES "iotfp-platforms 1\nplatform tuya\nsufficient port 6668\nplatform\n"

typedef struct {
    char *dir;
    char *path;
} fixture;

static void setup(fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("iotfp-good-texts-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->path = g_build_filename(f->dir, data, NULL);
}

static void teardown(fixture *f, gconstpointer data)
{
    (void)data;
    g_unlink(f->path);
    g_rmdir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

static void write(const fixture *f, const char *text)
{
    g_assert_true(g_file_set_contents(f->path, text, -1, NULL));
}

static guint load_signatures(const fixture *f, iotfp_good_texts *texts, GPtrArray *errors)
{
    iotfp_signature_set *set = iotfp_signature_set_new();
    iotfp_signature_set_load(set, f->dir, texts, errors);
    guint n = iotfp_signature_set_find(set, "plug") ? iotfp_signature_set_size(set) : 0;
    iotfp_signature_set_free(set);
    return n;
}

static void test_signature_kept(fixture *f, gconstpointer data)
{
    (void)data;
    iotfp_good_texts *texts = iotfp_good_texts_new();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    write(f, GOOD_SIGNATURE);
    g_assert_cmpuint(load_signatures(f, texts, errors), ==, 1);
    g_assert_cmpuint(errors->len, ==, 0);
    write(f, BROKEN_SIGNATURE);
    g_assert_cmpuint(load_signatures(f, texts, errors), ==, 1);
    g_assert_cmpuint(errors->len, ==, 1);
    char *where = g_strdup_printf("%s:7:", f->path);
    g_assert_true(g_str_has_prefix(g_ptr_array_index(errors, 0), where));
    g_assert_true(g_str_has_suffix(g_ptr_array_index(errors, 0), "; the version read before stays in force"));
    g_free(where);
    /* Nothing remembered: the broken file gives nothing. */
    g_assert_cmpuint(load_signatures(f, NULL, errors), ==, 0);
    g_assert_cmpuint(errors->len, ==, 2);
    g_assert_null(strstr(g_ptr_array_index(errors, 1), "stays in force"));
    /* Mended, it is read anew. */
    write(f, GOOD_SIGNATURE);
    g_assert_cmpuint(load_signatures(f, texts, errors), ==, 1);
    g_assert_cmpuint(errors->len, ==, 2);
    g_ptr_array_free(errors, TRUE);
    iotfp_good_texts_free(texts);
}

static guint load_rules(const fixture *f, iotfp_good_texts *texts, GError **error)
{
    iotfp_platform_rules *rules = iotfp_platform_rules_new();
    iotfp_platform_rules_load(rules, f->path, texts, error);
    guint n = iotfp_platform_rules_count(rules);
    iotfp_platform_rules_free(rules);
    return n;
}

static void test_rules_kept(fixture *f, gconstpointer data)
{
    (void)data;
    iotfp_good_texts *texts = iotfp_good_texts_new();
    GError *error = NULL;
    write(f, GOOD_RULES);
    g_assert_cmpuint(load_rules(f, texts, &error), ==, 1);
    g_assert_no_error(error);
    write(f, BROKEN_RULES);
    g_assert_cmpuint(load_rules(f, texts, &error), ==, 1);
    g_assert_nonnull(error);
    char *where = g_strdup_printf("%s:4:", f->path);
    g_assert_true(g_str_has_prefix(error->message, where));
    g_assert_nonnull(strstr(error->message, "stays in force"));
    g_free(where);
    g_clear_error(&error);
    /* A file that disappears keeps its rules too. */
    g_unlink(f->path);
    g_assert_cmpuint(load_rules(f, texts, &error), ==, 1);
    g_assert_nonnull(strstr(error->message, "no such file"));
    g_clear_error(&error);
    iotfp_good_texts_free(texts);
}

/* Something that is no regular file, or too big, is refused before reading. */
static void test_refused_before_reading(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    iotfp_platform_rules *rules = iotfp_platform_rules_new();
    g_assert_false(iotfp_platform_rules_load(rules, f->dir, NULL, &error));
    g_assert_nonnull(strstr(error->message, "not a regular file"));
    g_clear_error(&error);
    GString *big = g_string_new("iotfp-platforms 1\n");
    while (big->len <= IOTFP_PLATFORM_RULES_MAX_BYTES)
        g_string_append(big, "# padding padding padding padding padding padding padding padding\n");
    write(f, big->str);
    g_string_free(big, TRUE);
    g_assert_false(iotfp_platform_rules_load(rules, f->path, NULL, &error));
    g_assert_nonnull(strstr(error->message, "larger than"));
    g_clear_error(&error);
    iotfp_platform_rules_free(rules);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/good-texts/signature-kept", fixture, "plug.sig", setup, test_signature_kept, teardown);
    g_test_add("/good-texts/rules-kept", fixture, "home.rules", setup, test_rules_kept, teardown);
    g_test_add("/good-texts/refused-before-reading", fixture, "big.rules", setup, test_refused_before_reading,
               teardown);
    return g_test_run();
}
