#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "device_model.h"
#include "test_device_model_tiny.h"

#define N IOTFP_SEQ_N_FEATURES

static iotfp_device_model *parse_text(const char *text, GError **error)
{
    return iotfp_device_model_parse(text, strlen(text), "tiny.model", error);
}

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* The tiny model's hidden state after packets a and b, by hand. */
static double tiny_hidden_after_two(void)
{
    /* Packet a: x0 = (3 - 1) / 2 = 1, x1 = 1; h = 0. */
    double r = sigmoid(0.5 * 1 + 0.1), z = sigmoid(1 + 0.3), n = tanh(1 - 0.2 + r * 0.1);
    double h1 = (1 - z) * n;
    /* Packet b: x0 = 0, x1 = -1. */
    r = sigmoid(0.1 + 0.25 * h1);
    z = sigmoid(-1 - 0.5 * h1 + 0.3);
    n = tanh(-0.2 + r * (2 * h1 + 0.1));
    return (1 - z) * n + z * h1;
}

static const float tiny_a[N] = { 3, 1 }, tiny_b[N] = { 1, -1 };

static void test_tiny_model_by_hand(void)
{
    char *text = tiny_text_with(0, NULL);
    GError *error = NULL;
    iotfp_device_model *model = parse_text(text, &error);
    g_assert_no_error(error);
    g_free(text);
    g_assert_cmpuint(iotfp_device_model_window(model), ==, 2);
    g_assert_cmpuint(iotfp_device_model_hidden(model), ==, 1);
    g_assert_cmpuint(iotfp_device_model_n_classes(model), ==, 2);
    g_assert_cmpstr(iotfp_device_model_class_name(model, 1), ==, "camera");
    g_assert_null(iotfp_device_model_class_name(model, 2));

    double r = sigmoid(0.5 * 1 + 0.1), z = sigmoid(1 + 0.3), n = tanh(1 - 0.2 + r * 0.1);
    double h1 = (1 - z) * n;
    double h2 = tiny_hidden_after_two();
    /* Logits h2 and 0.5 - h2. */
    double camera = exp(0.5 - h2) / (exp(h2) + exp(0.5 - h2));
    /* The same by a calculator: h1 = 0.149616, h2 = 0.056305, camera = 0.595654. */
    g_assert_cmpfloat_with_epsilon(camera, 0.595654, 1e-6);

    const float *a = tiny_a, *b = tiny_b;
    iotfp_device_window window;
    iotfp_device_window_init(&window, model);
    iotfp_device_type_result result = { 99, -1 };
    float probabilities[2];
    g_assert_false(iotfp_device_window_add(&window, model, a, probabilities, &result));
    g_assert_cmpfloat_with_epsilon(window.hidden[0], h1, 1e-6);
    g_assert_cmpuint(result.type, ==, 99);
    g_assert_true(iotfp_device_window_add(&window, model, b, probabilities, &result));
    g_assert_cmpuint(result.type, ==, 1);
    g_assert_cmpfloat_with_epsilon(result.confidence, camera, 1e-6);
    g_assert_cmpfloat_with_epsilon(probabilities[0], 1 - camera, 1e-6);
    g_assert_cmpfloat_with_epsilon(probabilities[1], camera, 1e-6);
    /* The next window starts again from h0 = 0: the same packets, the same answer. */
    g_assert_cmpfloat(window.hidden[0], ==, 0.0f);
    g_assert_false(iotfp_device_window_add(&window, model, a, NULL, &result));
    g_assert_true(iotfp_device_window_add(&window, model, b, NULL, &result));
    g_assert_cmpfloat_with_epsilon(result.confidence, camera, 1e-6);
    iotfp_device_window_clear(&window);

    g_assert_true(iotfp_device_model_ref(model) == model);
    iotfp_device_model_unref(model);
    iotfp_device_model_unref(model);
}

/* Three classes, the most likely first: every probability is shifted by the
 * largest logit, not by whatever the first class became. */
static void test_softmax_over_three_classes(void)
{
    char *with_classes = tiny_text_with(7, "classes 3 plug camera lock");
    gchar **lines = g_strsplit(with_classes, "\n", -1);
    g_free(lines[16]);
    lines[16] = g_strdup("matrix W_out 3 1 4 0 -4");
    g_free(lines[17]);
    lines[17] = g_strdup("vector b_out 3 0 0 0");
    char *text = g_strjoinv("\n", lines);
    GError *error = NULL;
    iotfp_device_model *model = parse_text(text, &error);
    g_assert_no_error(error);
    double h2 = tiny_hidden_after_two();
    double e0 = exp(4 * h2), e1 = 1, e2 = exp(-4 * h2), sum = e0 + e1 + e2;
    iotfp_device_window window;
    iotfp_device_window_init(&window, model);
    iotfp_device_type_result result;
    float probabilities[3];
    iotfp_device_window_add(&window, model, tiny_a, probabilities, &result);
    g_assert_true(iotfp_device_window_add(&window, model, tiny_b, probabilities, &result));
    g_assert_cmpuint(result.type, ==, 0);
    g_assert_cmpfloat_with_epsilon(probabilities[0], e0 / sum, 1e-6);
    g_assert_cmpfloat_with_epsilon(probabilities[1], e1 / sum, 1e-6);
    g_assert_cmpfloat_with_epsilon(probabilities[2], e2 / sum, 1e-6);
    g_assert_cmpfloat_with_epsilon(result.confidence, e0 / sum, 1e-6);
    iotfp_device_window_clear(&window);
    iotfp_device_model_unref(model);
    g_free(text);
    g_strfreev(lines);
    g_free(with_classes);
}

static void test_layout_is_free(void)
{
    /* Sections in reverse order, one token per line, comments everywhere.
     * tiny_lines[9..12] are the W_ih section: they stay together. */
    GString *text = g_string_new("iotfp-device-model\n1\n");
    for (gint i = G_N_ELEMENTS(tiny_lines) - 1; i >= 2; i--) {
        gint first = i == 12 ? 9 : i;
        for (gint j = first; j <= i; j++) {
            gchar **words = g_strsplit(tiny_lines[j], " ", -1);
            for (gchar **word = words; *word && **word != '#'; word++)
                if (**word)
                    g_string_append_printf(text, "%s #c\n", *word);
            g_strfreev(words);
        }
        i = first;
    }
    GError *error = NULL;
    iotfp_device_model *model = parse_text(text->str, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(iotfp_device_model_window(model), ==, 2);
    iotfp_device_model_unref(model);
    g_string_free(text, TRUE);
}

typedef struct {
    guint line;               /* of tiny_lines to replace, from 1; 0 for the whole text */
    const char *replacement;  /* NULL drops the line */
    const char *message;      /* what the error must say, after "tiny.model" */
} bad_case;

static void test_malformed_files(void)
{
    static const bad_case cases[] = {
        { 1, "iotfp-device-model 2", ":1: format version 2; this iotfp reads version 1" },
        { 1, "iotfp-signature 1", ":1: a device model starts with 'iotfp-device-model 1', not 'iotfp-signature'" },
        { 1, "iotfp-device-model one", ":1: the format version must be a whole number" },
        { 3, "kind lstm", ":3: this iotfp runs models of kind 'gru' only, not 'lstm'" },
        { 4, "features 12", ":4: the number of features (those of this iotfp's seq_features.h) must be a "
                              "whole number from 11 to 11, not '12'" },
        { 5, "window 0", ":5: the window must be a whole number from 1 to 4096, not '0'" },
        { 6, "hidden 100000", ":6: the hidden size must be a whole number from 1 to 256, not '100000'" },
        { 6, "hidden 2", ":10: matrix W_ih is 3 x 11; hidden 2, 2 classes and 11 features need 6 x 11" },
        { 6, NULL, ": no 'hidden' section" },
        { 6, "hidden 1\nhidden 1", ":7: second 'hidden' (the first is on line 6)" },
        { 7, "classes 2 plug plug", ":7: class 'plug' is named twice" },
        { 7, "classes 3 plug camera lock", ":17: matrix W_out is 2 x 1; hidden 1, 3 classes and 11 features need 3 x 1" },
        { 7, "classes 2 plug cam\"era", ":7: a class name is 1 to 64 letters, digits or _ . - / +, not 'cam\"era'" },
        { 7, "classes 1 plug", ":7: the number of classes must be a whole number from 2 to 256, not '1'" },
        { 8, "mean 1 0 0 nan 0 0 0 0 0 0 0",
          ":8: mean: number 4 of 11, 'nan', is not a finite number within +-1e+06" },
        { 8, "mean 1 0 0 -inf 0 0 0 0 0 0 0", ":8: mean: number 4 of 11, '-inf', is not a finite number within" },
        { 8, "mean 1 0 0 1e39 0 0 0 0 0 0 0", ":8: mean: number 4 of 11, '1e39', is not a finite number within" },
        { 13, "  1 0 0 0 0 0 0 0 0 0 1000001", ":13: matrix W_ih: number 33 of 33, '1000001', is not a finite number" },
        { 8, "mean 1 0 0 0x 0 0 0 0 0 0 0", ":8: mean: number 4 of 11 expected, not '0x'" },
        { 8, "mean 1 0 0", ":9: mean: number 4 of 11 expected, not 'std'" },
        { 9, "std 2 1 1 1 0 1 1 1 1 1 1", ":9: std of feature f4 is 0: every std must be at least 1e-06" },
        { 9, "std 2 1 1 1 -1 1 1 1 1 1 1", ":9: std of feature f4 is -1: every std must be at least 1e-06" },
        { 9, "std 2 1 1 1 1e-45 1 1 1 1 1 1", ":9: std of feature f4 is 1.4013e-45: every std must be at least" },
        { 14, "matrix W_hh 3 1 0.25 -0.5 2\nmatrix W_hh 3 1 0.25 -0.5 2",
          ":15: second matrix W_hh (the first is on line 14)" },
        { 14, "matrix W_xx 3 1 0.25 -0.5 2", ":14: the matrices are W_ih, W_hh and W_out, not 'W_xx'" },
        { 14, "matrix W_hh 3 1 0.25 -0.5", ":15: matrix W_hh: number 3 of 3 expected, not 'vector'" },
        { 14, "matrix W_hh 999999 1", ":14: the number of rows must be a whole number from 1 to 768, not '999999'" },
        { 14, "matrix b_ih 3 1 0.25 -0.5 2", ":14: the matrices are W_ih, W_hh and W_out, not 'b_ih'" },
        { 15, "vector b_ih 2 0.1 0", ":15: vector b_ih has 2 numbers; hidden 1 and 2 classes need 3" },
        { 15, "bias b_ih 3 0.1 0 -0.2", ":15: a section (kind, features, window, hidden, classes, mean, std, matrix, "
                                         "vector) expected, not 'bias'" },
        { 18, "vector b_out 2 0", ":18: vector b_out: the file ends after 1 of its 2 numbers" },
        { 18, "vector b_out", ":18: the file ends where the number of rows should be" },
        { 18, NULL, ": no 'vector b_out' section" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = tiny_text_with(cases[i].line, cases[i].replacement);
        GError *error = NULL;
        iotfp_device_model *model = parse_text(text, &error);
        if (model || !error || !g_str_has_prefix(error->message, "tiny.model") ||
            !g_str_has_prefix(error->message + strlen("tiny.model"), cases[i].message))
            g_error("case %u (line %u '%s'): got '%s', want 'tiny.model%s'", i, cases[i].line,
                    cases[i].replacement ? cases[i].replacement : "(dropped)", error ? error->message : "(a model)",
                    cases[i].message);
        g_error_free(error);
        g_free(text);
    }
}

static void test_empty_and_binary(void)
{
    GError *error = NULL;
    g_assert_null(parse_text("  # nothing\n", &error));
    g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE);
    g_assert_cmpstr(error->message, ==, "tiny.model: empty: a device model starts with 'iotfp-device-model 1'");
    g_clear_error(&error);
    const char binary[] = "iotfp-device-model 1\nkind gr\0u\n";
    g_assert_null(iotfp_device_model_parse(binary, sizeof binary - 1, "tiny.model", &error));
    g_assert_cmpstr(error->message, ==, "tiny.model: not a text file");
    g_clear_error(&error);
    /* A NUL inside a number would end it early, unnoticed: 0.4<NUL>47 as 0.4. */
    char *text = tiny_text_with(0, NULL);
    gsize len = strlen(text);
    char *dot = strstr(text, "0.25");
    g_assert_true(dot && g_ascii_isdigit(dot[2]) && g_ascii_isdigit(dot[3]));
    dot[3] = '\0';
    g_assert_null(iotfp_device_model_parse(text, len, "tiny.model", &error));
    g_assert_cmpstr(error->message, ==, "tiny.model: not a text file");
    g_clear_error(&error);
    g_free(text);
}

static void test_load_errors(void)
{
    GError *error = NULL;
    g_assert_null(iotfp_device_model_load("/nonexistent/device-types.model", &error));
    g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "/nonexistent/device-types.model"));
    g_clear_error(&error);

    char *path = NULL;
    int fd = g_file_open_tmp("iotfp-model-XXXXXX", &path, &error);
    g_assert_no_error(error);
    close(fd);
    char *text = tiny_text_with(0, NULL);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    iotfp_device_model *model = iotfp_device_model_load(path, &error);
    g_assert_no_error(error);
    iotfp_device_model_unref(model);
    g_free(text);
    g_unlink(path);
    g_free(path);
}

/* The model the project ships loads, and types a window of ordinary packets. */
static void test_bundled_model_loads(void)
{
    GError *error = NULL;
    iotfp_device_model *model = iotfp_device_model_load(IOTFP_BUNDLED_DEVICE_MODEL, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(iotfp_device_model_hidden(model), <=, IOTFP_DEVICE_MODEL_RECOMMENDED_HIDDEN);
    iotfp_device_window window;
    iotfp_device_window_init(&window, model);
    iotfp_device_type_result result = { G_MAXUINT, 0 };
    float features[N] = { 4.5f, 1, 2.0f, 1, 0, 0, 0, 0, 0, 1, 1 };
    for (guint i = 0; i < iotfp_device_model_window(model); i++) {
        features[1] = i % 2 ? -1.0f : 1.0f;
        iotfp_device_window_add(&window, model, features, NULL, &result);
    }
    g_assert_nonnull(iotfp_device_model_class_name(model, result.type));
    g_assert_cmpfloat(result.confidence, >=, 1.0 / iotfp_device_model_n_classes(model));
    iotfp_device_window_clear(&window);
    iotfp_device_model_unref(model);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/device-model/tiny-by-hand", test_tiny_model_by_hand);
    g_test_add_func("/device-model/softmax-three-classes", test_softmax_over_three_classes);
    g_test_add_func("/device-model/layout-is-free", test_layout_is_free);
    g_test_add_func("/device-model/malformed", test_malformed_files);
    g_test_add_func("/device-model/empty-and-binary", test_empty_and_binary);
    g_test_add_func("/device-model/load-errors", test_load_errors);
    g_test_add_func("/device-model/bundled", test_bundled_model_loads);
    return g_test_run();
}
