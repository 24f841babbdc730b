#include "action_model.h"

#include <math.h>

G_DEFINE_QUARK(iotfp-action-model-error-quark, iotfp_action_model_error)

/* A pivot this small next to its diagonal entry means the column is (up to
 * rounding) a combination of the earlier ones. */
#define SINGULAR_RELATIVE_PIVOT 1e-10

/* Solves A x = b in place for symmetric positive definite A (n x n) by
 * Cholesky. Returns the index of the first column found dependent, or -1. */
static int cholesky_solve(double *a, double *b, guint n)
{
    for (guint j = 0; j < n; j++) {
        double diagonal = a[j * n + j];
        double pivot = diagonal;
        for (guint k = 0; k < j; k++)
            pivot -= a[j * n + k] * a[j * n + k];
        if (!(pivot > SINGULAR_RELATIVE_PIVOT * diagonal) || diagonal <= 0)
            return (int)j;
        a[j * n + j] = sqrt(pivot);
        for (guint i = j + 1; i < n; i++) {
            double v = a[i * n + j];
            for (guint k = 0; k < j; k++)
                v -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = v / a[j * n + j];
        }
    }
    /* L y = b, then L^T x = y. */
    for (guint i = 0; i < n; i++) {
        for (guint k = 0; k < i; k++)
            b[i] -= a[i * n + k] * b[k];
        b[i] /= a[i * n + i];
    }
    for (guint i = n; i-- > 0;) {
        for (guint k = i + 1; k < n; k++)
            b[i] -= a[k * n + i] * b[k];
        b[i] /= a[i * n + i];
    }
    return -1;
}

iotfp_action_fit *iotfp_action_fit_learn(const iotfp_padding *padding, guint n_actions, const char *const *names,
                                         guint n_commands, const guint *counts, const guint64 *observed,
                                         GError **error)
{
    if (n_actions == 0 || n_actions > IOTFP_DECOMPOSE_MAX_KINDS) {
        g_set_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_INVALID,
                    "%u actions: a model needs 1 to %u", n_actions, IOTFP_DECOMPOSE_MAX_KINDS);
        return NULL;
    }
    const guint unknowns = n_actions + 1; /* base, then one size per action */
    if (n_commands < unknowns) {
        g_set_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_INVALID,
                    "%u labelled commands for %u unknown sizes: need at least as many commands", n_commands, unknowns);
        return NULL;
    }
    double *plaintext = g_new(double, n_commands);
    for (guint c = 0; c < n_commands; c++) {
        guint64 min, max;
        if (!iotfp_padding_plaintext_range(padding, observed[c], &min, &max)) {
            g_set_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_INVALID,
                        "command %u: size %" G_GUINT64_FORMAT " cannot come out of the padding rule", c, observed[c]);
            g_free(plaintext);
            return NULL;
        }
        plaintext[c] = ((double)min + (double)max) / 2;
    }
    /* Normal equations X^T X beta = X^T y, X's rows being (1, counts...). */
    double *normal = g_new0(double, (gsize)unknowns * unknowns);
    double *rhs = g_new0(double, unknowns);
    for (guint c = 0; c < n_commands; c++) {
        const guint *row = counts + (gsize)c * n_actions;
        for (guint i = 0; i < unknowns; i++) {
            double xi = i == 0 ? 1 : row[i - 1];
            rhs[i] += xi * plaintext[c];
            for (guint k = 0; k <= i; k++)
                normal[i * unknowns + k] += xi * (k == 0 ? 1 : row[k - 1]);
        }
    }
    for (guint i = 0; i < unknowns; i++)
        for (guint k = i + 1; k < unknowns; k++)
            normal[i * unknowns + k] = normal[k * unknowns + i];
    int dependent = cholesky_solve(normal, rhs, unknowns);
    g_free(normal);
    if (dependent >= 0) {
        char index[16];
        g_snprintf(index, sizeof index, "#%d", dependent - 1);
        if (dependent == 0)
            g_set_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_SINGULAR,
                        "singular system: the base size cannot be told apart");
        else
            g_set_error(error, IOTFP_ACTION_MODEL_ERROR, IOTFP_ACTION_MODEL_ERROR_SINGULAR,
                        "singular system: the size of action %s cannot be told apart from the base and the actions "
                        "before it (it never occurs, or only in fixed proportion to them)",
                        names ? names[dependent - 1] : index);
        g_free(rhs);
        g_free(plaintext);
        return NULL;
    }
    iotfp_action_fit *fit = g_new0(iotfp_action_fit, 1);
    fit->n_actions = n_actions;
    fit->n_commands = n_commands;
    fit->base_size = rhs[0];
    fit->action_sizes = g_memdup2(rhs + 1, sizeof(double) * n_actions);
    fit->residuals = g_new(double, n_commands);
    double squares = 0;
    for (guint c = 0; c < n_commands; c++) {
        double predicted = fit->base_size;
        for (guint j = 0; j < n_actions; j++)
            predicted += counts[(gsize)c * n_actions + j] * fit->action_sizes[j];
        fit->residuals[c] = plaintext[c] - predicted;
        squares += fit->residuals[c] * fit->residuals[c];
        fit->max_abs_residual = MAX(fit->max_abs_residual, fabs(fit->residuals[c]));
    }
    fit->rms_residual = sqrt(squares / n_commands);
    g_free(rhs);
    g_free(plaintext);
    return fit;
}

void iotfp_action_fit_free(iotfp_action_fit *fit)
{
    if (fit == NULL)
        return;
    g_free(fit->action_sizes);
    g_free(fit->residuals);
    g_free(fit);
}
