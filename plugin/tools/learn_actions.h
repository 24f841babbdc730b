/* learn_actions.h - iotfp-learn --actions: a gateway's action model from
 * labelled commands. The label of a command is its action set, the action
 * names joined by '+' ("lamp1.on+lamp2.off+lamp2.off"); the command's wire
 * size is read from the paired burst as the model's command message. Sizes
 * are learned by least squares (action_model.h), the tolerance and the
 * largest command from the training commands, and the report says how well
 * the model explains them and how much the sizes leak. */
#ifndef IOTFP_LEARN_ACTIONS_H
#define IOTFP_LEARN_ACTIONS_H

#include <glib.h>

#include "signature.h"

typedef struct {
    const char *actions;  /* "a+b+b", names already checked (labels.c) */
    const gint32 *shape;  /* the paired burst's signed payload lengths */
    guint n;
    const char *where;    /* "labels.csv:12", for messages */
    gint64 start_ns;      /* the burst's start: its UTC hour is the time-of-day context */
} iotfp_labelled_command;

typedef struct {
    iotfp_padding padding;
    iotfp_command_direction direction;
    guint command_index;
    gint tolerance;    /* < 0: the smallest that explains every training command */
    guint max_actions; /* 0: the most actions a training command carried */
    /* Terms of the posterior ranking (action_prior.h), each on unless turned off. */
    gboolean no_scenes;    /* no set-level prior: the independent-action model alone */
    gboolean no_time;      /* no time-of-day term */
    gboolean no_residuals; /* no residual distribution: every size within tolerance alike */
} iotfp_action_learn_options;

/* Learns the model into signature->action_model and prints the report
 * (sizes, residuals, what the model recovers on its own training commands,
 * the collision figures) to stdout. */
gboolean iotfp_learn_action_model(iotfp_signature *signature, const iotfp_labelled_command *commands, guint n,
                                  const iotfp_action_learn_options *options, GError **error);

#endif
