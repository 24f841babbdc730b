/* Posterior ranking of action sets: for a command of wire size s seen at
 * UTC hour h, P(set | s, h) is proportional to P(s | set) * P(set, h).
 *
 *  - P(s | set): the residual distribution. The command's plaintext is the
 *    set's predicted size plus a residual r (JSON ids, timestamps...) with
 *    P(r) learned from the training commands; P(s | set) sums P(r) over the
 *    residuals that pad to s. No residual distribution: 1 within tolerance.
 *  - P(set): sets seen in training ("scenes") keep their count minus an
 *    absolute discount D (Kneser-Ney); the mass freed, D times the number
 *    of distinct sets, backs off to the independent-action model
 *      P_ind(set) = P(k) * k! * prod_j f_j^c_j / c_j!
 *    (k actions, each drawn independently with its frequency f_j), which
 *    also names every unseen set. D = (n1 + 1) / (n1 + 2 n2 + 2) from the
 *    sets seen once (n1) and twice (n2): a capture of random sets, almost all
 *    seen once, backs off almost wholly; a household repeating its scenes
 *    keeps them.
 *  - Time of day (optional): a scene's own hours, smoothed over the
 *    neighbouring hours and toward all commands' hours; the back-off uses
 *    all commands' hours.
 * The normaliser sums the back-off over every multiset by a table
 * precomputed per model (iotfp_action_prior_prepare), so probabilities are
 * exact even when the candidates listed are capped. */
#ifndef IOTFP_ACTION_PRIOR_H
#define IOTFP_ACTION_PRIOR_H

#include <glib.h>

#include "decompose.h"

#define IOTFP_ACTION_HOURS 24
/* A table larger than this (action counts x content sizes) is not built:
 * the normaliser then sums the enumerated candidates only. */
#define IOTFP_ACTION_PRIOR_MAX_CELLS (1u << 20)

typedef struct {
    guint8 *counts;                     /* n_actions */
    guint seen;                         /* training commands of exactly this set */
    gboolean has_hours;
    guint hours[IOTFP_ACTION_HOURS];    /* of those, by UTC hour */
} iotfp_action_scene;

typedef struct {
    gint residual_min;    /* residual of residual->data[0], bytes */
    GArray *residual;     /* double: P(plaintext - predicted = residual_min + i); empty: none */
    GArray *count_prior;  /* double: P(k actions), k = 0..max_actions; empty: uniform */
    GArray *scenes;       /* iotfp_action_scene */
    /* Derived by iotfp_action_prior_prepare. */
    double discount, seen_total;
    gboolean use_time;
    double hours[IOTFP_ACTION_HOURS];   /* P(hour) over all training commands */
    double *ways;         /* [k * ways_sizes + t]: sum over multisets of k actions adding t bytes of prod f^c/c! */
    guint64 ways_sizes;
    double *frequencies;  /* f_j, normalised */
} iotfp_action_prior;

void iotfp_action_prior_init(iotfp_action_prior *prior);
void iotfp_action_prior_clear(iotfp_action_prior *prior);
/* Adds a scene (counts copied); hours may be NULL. */
void iotfp_action_prior_add_scene(iotfp_action_prior *prior, guint n_actions, const guint8 *counts, guint seen,
                                  const guint *hours);
/* Recomputes the derived figures after the model or prior changed. */
void iotfp_action_prior_prepare(iotfp_action_prior *prior, const iotfp_decompose_model *model);

/* Adds the scenes that fit the size but were not enumerated (a capped
 * result), gives every candidate its posterior probability and sorts them,
 * most probable first. hour < 0: unknown. */
void iotfp_action_rank(const iotfp_decompose_model *model, const iotfp_action_prior *prior,
                       iotfp_decompose_result *result, gint hour);

/* The UTC hour of a time in nanoseconds since the epoch. */
gint iotfp_action_hour(gint64 time_ns);

#endif
