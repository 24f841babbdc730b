/* Learning the action-set model: the base size of a command and the bytes
 * each action adds, by least squares over labelled commands (how many times
 * each action occurs, and the observed wire size). A padded wire size only
 * bounds the plaintext to a range; its midpoint is taken as the observation,
 * which is unbiased when plaintext sizes fall anywhere in the block, and the
 * residuals then include up to half a block of that uncertainty. */
#ifndef IOTFP_ACTION_MODEL_H
#define IOTFP_ACTION_MODEL_H

#include <glib.h>

#include "decompose.h"

#define IOTFP_ACTION_MODEL_ERROR (iotfp_action_model_error_quark())
GQuark iotfp_action_model_error_quark(void);

typedef enum {
    IOTFP_ACTION_MODEL_ERROR_INVALID,  /* no actions, too few commands, a size the padding cannot produce */
    IOTFP_ACTION_MODEL_ERROR_SINGULAR, /* the labels cannot separate the sizes (names the action) */
} iotfp_action_model_error;

typedef struct {
    guint n_actions;
    guint n_commands;
    double base_size;
    double *action_sizes;  /* n_actions */
    double *residuals;     /* n_commands: observed plaintext - predicted */
    double rms_residual;
    double max_abs_residual;
} iotfp_action_fit;

/* counts: n_commands rows of n_actions counts; observed: n_commands wire
 * sizes under padding; names: n_actions, for error messages (may be NULL). */
iotfp_action_fit *iotfp_action_fit_learn(const iotfp_padding *padding, guint n_actions, const char *const *names,
                                         guint n_commands, const guint *counts, const guint64 *observed,
                                         GError **error);
void iotfp_action_fit_free(iotfp_action_fit *fit);

#endif
