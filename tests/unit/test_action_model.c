#include <math.h>

#include "action_model.h"

static const iotfp_padding no_padding = { IOTFP_PADDING_NONE, 0, 0 };

/* Commands of 1..5 random actions out of n, with the true sizes below plus
 * uniform noise of +-noise bytes, under the given padding. */
static void synthetic_commands(GRand *rand, guint n_actions, guint n_commands, const iotfp_padding *padding,
                               double base, const double *sizes, double noise, guint *counts, guint64 *observed)
{
    for (guint c = 0; c < n_commands; c++) {
        guint *row = counts + (gsize)c * n_actions;
        memset(row, 0, sizeof(guint) * n_actions);
        guint actions = g_rand_int_range(rand, 1, 6);
        for (guint a = 0; a < actions; a++)
            row[g_rand_int_range(rand, 0, n_actions)]++;
        double plaintext = base + g_rand_double_range(rand, -noise, noise);
        for (guint j = 0; j < n_actions; j++)
            plaintext += row[j] * sizes[j];
        g_assert_true(iotfp_padding_wire_size(padding, (guint64)llround(plaintext), &observed[c]));
    }
}

static void test_recovers_sizes(void)
{
    enum { ACTIONS = 6, COMMANDS = 400 };
    const double sizes[ACTIONS] = { 23, 41, 17, 64, 30, 8 };
    guint *counts = g_new(guint, ACTIONS * COMMANDS);
    guint64 observed[COMMANDS];
    GRand *rand = g_rand_new_with_seed(11);
    synthetic_commands(rand, ACTIONS, COMMANDS, &no_padding, 120, sizes, 2, counts, observed);
    GError *error = NULL;
    iotfp_action_fit *fit = iotfp_action_fit_learn(&no_padding, ACTIONS, NULL, COMMANDS, counts, observed, &error);
    g_assert_no_error(error);
    g_assert_cmpfloat_with_epsilon(fit->base_size, 120, 0.5);
    for (guint j = 0; j < ACTIONS; j++)
        g_assert_cmpfloat_with_epsilon(fit->action_sizes[j], sizes[j], 0.3);
    /* The residuals are the noise: within +-2 bytes (+ rounding), rms ~ 2/sqrt(3). */
    g_assert_cmpfloat(fit->max_abs_residual, <, 3);
    g_assert_cmpfloat(fit->rms_residual, >, 0.8);
    g_assert_cmpfloat(fit->rms_residual, <, 1.5);
    g_assert_cmpuint(fit->n_commands, ==, COMMANDS);
    iotfp_action_fit_free(fit);

    /* Under AES-CBC padding the midpoints of the blocks still average out. */
    const iotfp_padding cbc = { IOTFP_PADDING_BLOCK, 16, 16 };
    synthetic_commands(rand, ACTIONS, COMMANDS, &cbc, 120, sizes, 2, counts, observed);
    fit = iotfp_action_fit_learn(&cbc, ACTIONS, NULL, COMMANDS, counts, observed, &error);
    g_assert_no_error(error);
    g_assert_cmpfloat_with_epsilon(fit->base_size, 120, 4);
    for (guint j = 0; j < ACTIONS; j++)
        g_assert_cmpfloat_with_epsilon(fit->action_sizes[j], sizes[j], 1.5);
    g_assert_cmpfloat(fit->max_abs_residual, <=, 8 + 2 + 4);
    iotfp_action_fit_free(fit);
    g_rand_free(rand);
    g_free(counts);
}

static void test_exact_fit(void)
{
    /* base 100, a 30, b 50, observed without noise: residuals vanish. */
    const guint counts[] = { 0, 0, 1, 0, 0, 1, 2, 1 };
    const guint64 observed[] = { 100, 130, 150, 210 };
    GError *error = NULL;
    iotfp_action_fit *fit = iotfp_action_fit_learn(&no_padding, 2, NULL, 4, counts, observed, &error);
    g_assert_no_error(error);
    g_assert_cmpfloat_with_epsilon(fit->base_size, 100, 1e-9);
    g_assert_cmpfloat_with_epsilon(fit->action_sizes[0], 30, 1e-9);
    g_assert_cmpfloat_with_epsilon(fit->action_sizes[1], 50, 1e-9);
    g_assert_cmpfloat(fit->max_abs_residual, <, 1e-9);
    iotfp_action_fit_free(fit);
}

static void test_singular(void)
{
    const char *names[] = { "on", "off", "dim" };
    GError *error = NULL;
    /* "dim" never occurs. */
    const guint never[] = { 1, 0, 0, 0, 1, 0, 1, 1, 0, 2, 0, 0 };
    const guint64 sizes[] = { 130, 150, 180, 160 };
    g_assert_null(iotfp_action_fit_learn(&no_padding, 3, names, 4, never, sizes, &error));
    g_assert_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_SINGULAR);
    g_assert_nonnull(strstr(error->message, "dim"));
    g_clear_error(&error);

    /* "off" always comes with "on": only their sum can be learned. */
    const guint together[] = { 1, 1, 0, 2, 2, 0, 1, 1, 1, 0, 0, 1 };
    g_assert_null(iotfp_action_fit_learn(&no_padding, 3, names, 4, together, sizes, &error));
    g_assert_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_SINGULAR);
    g_assert_nonnull(strstr(error->message, "off"));
    g_clear_error(&error);

    /* Every command carries exactly one action: the base is their common part. */
    const guint one_each[] = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0 };
    g_assert_null(iotfp_action_fit_learn(&no_padding, 3, NULL, 4, one_each, sizes, &error));
    g_assert_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_SINGULAR);
    g_clear_error(&error);
}

static void test_invalid(void)
{
    GError *error = NULL;
    const guint counts[] = { 1, 2 };
    const guint64 sizes[] = { 130, 160 };
    /* Two commands for two unknowns (base, on) would do; one does not. */
    g_assert_null(iotfp_action_fit_learn(&no_padding, 1, NULL, 1, counts, sizes, &error));
    g_assert_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_INVALID);
    g_clear_error(&error);
    g_assert_null(iotfp_action_fit_learn(&no_padding, 0, NULL, 2, counts, sizes, &error));
    g_assert_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_INVALID);
    g_clear_error(&error);
    /* 130 is no whole number of 16-byte blocks. */
    const iotfp_padding cbc = { IOTFP_PADDING_BLOCK, 16, 0 };
    g_assert_null(iotfp_action_fit_learn(&cbc, 1, NULL, 2, counts, sizes, &error));
    g_assert_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "command 0"));
    g_clear_error(&error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/action_model/recovers_sizes", test_recovers_sizes);
    g_test_add_func("/action_model/exact_fit", test_exact_fit);
    g_test_add_func("/action_model/singular", test_singular);
    g_test_add_func("/action_model/invalid", test_invalid);
    return g_test_run();
}
