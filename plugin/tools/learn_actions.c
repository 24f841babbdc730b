#include "learn_actions.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "action_model.h"
#include "action_prior.h"
#include "addr.h"

/* Worst residuals listed in the report. */
#define REPORT_RESIDUALS 8

typedef struct {
    GPtrArray *names;     /* sorted, borrowed from `occurrences` keys */
    GHashTable *occurrences; /* name -> count over the training commands */
    guint n_commands;     /* commands with a command message */
    guint *counts;        /* n_commands x names->len */
    guint64 *observed;    /* n_commands wire sizes */
    gint *hours;          /* n_commands UTC hours of the bursts */
    guint max_count;      /* most actions in one command */
} training_set;

static void training_set_clear(training_set *set)
{
    if (set->names)
        g_ptr_array_free(set->names, TRUE);
    if (set->occurrences)
        g_hash_table_destroy(set->occurrences);
    g_free(set->counts);
    g_free(set->observed);
    g_free(set->hours);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static guint name_index(const training_set *set, const char *name)
{
    for (guint j = 0; j < set->names->len; j++)
        if (strcmp(g_ptr_array_index(set->names, j), name) == 0)
            return j;
    g_assert_not_reached();
}

/* The vocabulary, then each command's counts and wire size. Commands whose
 * burst lacks the command message are reported and left out. */
static gboolean build_training_set(const iotfp_action_model *model, const iotfp_labelled_command *commands, guint n,
                                   training_set *set, GError **error)
{
    set->occurrences = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char ***split = g_new0(char **, n);
    guint *sizes = g_new0(guint, n);
    gboolean *usable = g_new0(gboolean, n);
    gboolean ok = TRUE;
    for (guint i = 0; i < n; i++) {
        /* The labels file checked every name when it was read. */
        split[i] = g_strsplit(commands[i].actions, "+", -1);
        usable[i] = iotfp_action_model_command_size(model, commands[i].shape, commands[i].n, &sizes[i]);
        if (!usable[i]) {
            printf("  left out: %s (%s): its burst does not open with the command message\n", commands[i].where,
                   commands[i].actions);
            continue;
        }
        set->n_commands++;
        set->max_count = MAX(set->max_count, g_strv_length(split[i]));
        for (char **name = split[i]; *name; name++) {
            gpointer count = g_hash_table_lookup(set->occurrences, *name);
            g_hash_table_replace(set->occurrences, g_strdup(*name), GUINT_TO_POINTER(GPOINTER_TO_UINT(count) + 1));
        }
    }
    if (ok && set->n_commands == 0) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "no labelled command has a command message");
        ok = FALSE;
    }
    if (ok) {
        set->names = g_ptr_array_new();
        GHashTableIter iter;
        gpointer key;
        g_hash_table_iter_init(&iter, set->occurrences);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            g_ptr_array_add(set->names, key);
        g_ptr_array_sort(set->names, compare_names);
        guint n_actions = set->names->len;
        set->counts = g_new0(guint, (gsize)set->n_commands * n_actions);
        set->observed = g_new0(guint64, set->n_commands);
        set->hours = g_new0(gint, set->n_commands);
        for (guint i = 0, row = 0; i < n; i++) {
            if (!usable[i])
                continue;
            for (char **name = split[i]; *name; name++)
                set->counts[(gsize)row * n_actions + name_index(set, *name)]++;
            set->hours[row] = iotfp_action_hour(commands[i].start_ns);
            set->observed[row++] = sizes[i];
        }
    }
    for (guint i = 0; i < n; i++)
        g_strfreev(split[i]);
    g_free(split);
    g_free(sizes);
    g_free(usable);
    return ok;
}

/* How far the model's plaintext for row misses what the wire size allows. */
static guint64 miss(const iotfp_decompose_model *model, const training_set *set, guint row)
{
    guint64 predicted = model->base_size, min = 0, max = 0;
    for (guint j = 0; j < model->n_actions; j++)
        predicted += (guint64)set->counts[(gsize)row * model->n_actions + j] * model->actions[j].size;
    if (!iotfp_padding_plaintext_range(&model->padding, set->observed[row], &min, &max))
        return G_MAXUINT64;
    return predicted < min ? min - predicted : predicted > max ? predicted - max : 0;
}

/* Total and largest miss over the training commands. */
static void misses(const iotfp_decompose_model *model, const training_set *set, guint64 *total, guint64 *largest)
{
    *total = *largest = 0;
    for (guint row = 0; row < set->n_commands; row++) {
        guint64 m = miss(model, set, row);
        *total += m;
        *largest = MAX(*largest, m);
    }
}

/* Least squares on padded sizes only sees each plaintext to within a block,
 * so its rounded sizes can miss by a few bytes. Every command bounds its
 * plaintext to an interval; moving one size at a time by whole bytes, as
 * long as that makes the commands' misses smaller, finds sizes that agree
 * with more of those intervals, and so a smaller tolerance. */
#define REFINE_STEP_BYTES 8
#define REFINE_ROUNDS 32
static void refine_sizes(iotfp_action_model *model, const training_set *set)
{
    iotfp_decompose_model *decompose = &model->decompose;
    iotfp_action *actions = (iotfp_action *)(gpointer)model->actions->data;
    guint64 best_total, best_largest;
    misses(decompose, set, &best_total, &best_largest);
    for (guint round = 0; round < REFINE_ROUNDS && best_total > 0; round++) {
        gboolean moved = FALSE;
        for (guint p = 0; p <= decompose->n_actions; p++) {
            guint *value = p == 0 ? &decompose->base_size : &actions[p - 1].size;
            guint start = *value, best = start;
            for (guint v = start > REFINE_STEP_BYTES ? start - REFINE_STEP_BYTES : (p == 0 ? 0 : 1);
                 v <= start + REFINE_STEP_BYTES; v++) {
                *value = v;
                guint64 total, largest;
                misses(decompose, set, &total, &largest);
                if (total < best_total || (total == best_total && largest < best_largest)) {
                    best_total = total;
                    best_largest = largest;
                    best = v;
                }
            }
            *value = best;
            moved |= best != start;
        }
        if (!moved)
            break;
    }
}


/* The residual distribution over [-tolerance, +tolerance] by EM: each
 * training command only bounds its residual to the interval its padding
 * allows, so the estimate spreads each command over the residuals it admits
 * in proportion to the current estimate. Half a command's weight is spread
 * evenly, so that a residual no training command showed stays possible. */
#define RESIDUAL_EM_ROUNDS 50
#define RESIDUAL_SMOOTHING 0.5
static void learn_residuals(iotfp_action_model *model, const training_set *set)
{
    iotfp_decompose_model *decompose = &model->decompose;
    const gint width = 2 * (gint)decompose->tolerance + 1;
    double *p = g_new(double, width), *next = g_new(double, width);
    for (gint i = 0; i < width; i++)
        p[i] = 1.0 / width;
    gint64 *low = g_new(gint64, set->n_commands), *high = g_new(gint64, set->n_commands);
    for (guint row = 0; row < set->n_commands; row++) {
        guint64 predicted = decompose->base_size, min = 0, max = 0;
        for (guint j = 0; j < decompose->n_actions; j++)
            predicted += (guint64)set->counts[(gsize)row * decompose->n_actions + j] * decompose->actions[j].size;
        iotfp_padding_plaintext_range(&decompose->padding, set->observed[row], &min, &max);
        /* Residual indexes (residual + tolerance) the command admits. */
        low[row] = MAX((gint64)min - (gint64)predicted + (gint64)decompose->tolerance, 0);
        high[row] = MIN((gint64)max - (gint64)predicted + (gint64)decompose->tolerance, width - 1);
    }
    for (guint round = 0; round < RESIDUAL_EM_ROUNDS; round++) {
        for (gint i = 0; i < width; i++)
            next[i] = RESIDUAL_SMOOTHING * set->n_commands / width / set->n_commands;
        for (guint row = 0; row < set->n_commands; row++) {
            double mass = 0;
            for (gint64 i = low[row]; i <= high[row]; i++)
                mass += p[i];
            for (gint64 i = low[row]; mass > 0 && i <= high[row]; i++)
                next[i] += (1 - RESIDUAL_SMOOTHING) * p[i] / mass / set->n_commands;
        }
        double total = 0;
        for (gint i = 0; i < width; i++)
            total += next[i];
        for (gint i = 0; i < width; i++)
            p[i] = next[i] / total;
    }
    model->prior.residual_min = -(gint)decompose->tolerance;
    g_array_set_size(model->prior.residual, 0);
    g_array_append_vals(model->prior.residual, p, width);
    g_free(p);
    g_free(next);
    g_free(low);
    g_free(high);
}

/* The set-level prior from the training rows whose in_fold is FALSE (all
 * rows when in_fold is NULL): P(k actions), add-one smoothed over
 * 0..max_actions, and each distinct set with how often and at which hours
 * it was seen. */
static void learn_set_prior(iotfp_action_model *model, const training_set *set,
                            const iotfp_action_learn_options *options, const gboolean *in_fold)
{
    iotfp_action_prior *prior = &model->prior;
    const guint n = model->decompose.n_actions, max = model->decompose.max_actions;
    g_array_set_size(prior->count_prior, 0);
    g_array_set_size(prior->scenes, 0);
    double *k_counts = g_new0(double, max + 1);
    guint used = 0;
    guint8 *counts = g_new0(guint8, n);
    for (guint row = 0; row < set->n_commands; row++) {
        if (in_fold && in_fold[row])
            continue;
        guint k = 0;
        for (guint j = 0; j < n; j++) {
            counts[j] = (guint8)set->counts[(gsize)row * n + j];
            k += counts[j];
        }
        if (k > max)
            continue;
        used++;
        k_counts[k]++;
        if (options->no_scenes)
            continue;
        iotfp_action_scene *scene = NULL;
        for (guint i = 0; !scene && i < prior->scenes->len; i++)
            if (memcmp(g_array_index(prior->scenes, iotfp_action_scene, i).counts, counts, n) == 0)
                scene = &g_array_index(prior->scenes, iotfp_action_scene, i);
        if (!scene) {
            iotfp_action_prior_add_scene(prior, n, counts, 0, NULL);
            scene = &g_array_index(prior->scenes, iotfp_action_scene, prior->scenes->len - 1);
            scene->has_hours = !options->no_time;
        }
        scene->seen++;
        scene->hours[set->hours[row]] += !options->no_time;
    }
    for (guint k = 0; k <= max; k++) {
        double p = (k_counts[k] + 1) / (used + max + 1);
        g_array_append_val(prior->count_prior, p);
    }
    g_free(counts);
    g_free(k_counts);
    iotfp_action_model_prepare(model);
}

/* Rank of the true set among the posterior candidates of row; G_MAXUINT when absent. */
static guint true_rank(const iotfp_action_model *model, const training_set *set, guint row, guint *n_candidates)
{
    const iotfp_decompose_model *decompose = &model->decompose;
    const guint *truth = set->counts + (gsize)row * decompose->n_actions;
    iotfp_decompose_result *result = iotfp_decompose(decompose, set->observed[row]);
    iotfp_action_rank(decompose, &model->prior, result, set->hours[row]);
    guint rank = G_MAXUINT;
    *n_candidates = result->candidates->len;
    for (guint c = 0; rank == G_MAXUINT && c < result->candidates->len; c++) {
        const guint8 *counts = iotfp_decompose_counts(result, c);
        gboolean same = TRUE;
        for (guint j = 0; same && j < decompose->n_actions; j++)
            same = counts[j] == truth[j];
        if (same)
            rank = c;
    }
    iotfp_decompose_result_free(result);
    return rank;
}

/* What an adversary with this model gets exactly right on commands it did
 * not learn from: the set prior learned on four fifths of the commands,
 * scored on the fifth left out, five times (the sizes stay those learned
 * from all commands). */
#define CROSS_VALIDATION_FOLDS 5
static void print_cross_validation(iotfp_action_model *model, const training_set *set,
                                   const iotfp_action_learn_options *options)
{
    gboolean *in_fold = g_new0(gboolean, set->n_commands);
    guint exact = 0, top3 = 0, n_candidates;
    for (guint fold = 0; fold < CROSS_VALIDATION_FOLDS; fold++) {
        for (guint row = 0; row < set->n_commands; row++)
            in_fold[row] = row % CROSS_VALIDATION_FOLDS == fold;
        learn_set_prior(model, set, options, in_fold);
        for (guint row = 0; row < set->n_commands; row++) {
            if (!in_fold[row])
                continue;
            guint rank = true_rank(model, set, row, &n_candidates);
            exact += rank == 0;
            top3 += rank < 3;
        }
    }
    learn_set_prior(model, set, options, NULL);
    printf("privacy leakage, cross-validated (%d folds): the most probable set is exact for %u/%u commands "
           "(%.1f%%), the true set among the three most probable for %u (%.1f%%)\n",
           CROSS_VALIDATION_FOLDS, exact, set->n_commands, 100.0 * exact / MAX(set->n_commands, 1), top3,
           100.0 * top3 / MAX(set->n_commands, 1));
    g_free(in_fold);
}

static void print_fit(const iotfp_action_fit *fit, const training_set *set, const iotfp_decompose_model *model)
{
    printf("\naction model, least squares over %u commands:\n", fit->n_commands);
    printf("  %-28s %10s %8s %10s\n", "", "fitted", "bytes", "prior");
    printf("  (bytes: the fit rounded, then moved to agree with more commands' padding intervals)\n");
    printf("  %-28s %10.2f %8u\n", "base (no action)", fit->base_size, model->base_size);
    for (guint j = 0; j < fit->n_actions; j++)
        printf("  %-28s %10.2f %8u %10.4f\n", model->actions[j].name, fit->action_sizes[j], model->actions[j].size,
               model->actions[j].frequency);
    printf("residuals (plaintext the padding allows, at its midpoint, minus the fit): rms %.2f, max |%.2f| bytes\n",
           fit->rms_residual, fit->max_abs_residual);
    /* The worst few, so a mislabelled command stands out. */
    guint *order = g_new(guint, fit->n_commands);
    for (guint c = 0; c < fit->n_commands; c++)
        order[c] = c;
    for (guint k = 0; k < MIN(REPORT_RESIDUALS, fit->n_commands); k++) {
        guint worst = k;
        for (guint c = k + 1; c < fit->n_commands; c++)
            if (fabs(fit->residuals[order[c]]) > fabs(fit->residuals[order[worst]]))
                worst = c;
        guint swap = order[k];
        order[k] = order[worst];
        order[worst] = swap;
        printf("  command %u: wire %" G_GUINT64_FORMAT " bytes, residual %+.2f\n", order[k] + 1,
               set->observed[order[k]], fit->residuals[order[k]]);
    }
    g_free(order);
}

/* What the model recovers from the sizes of its own training commands. */
static void print_recovery(const iotfp_action_model *model, const training_set *set)
{
    guint exact = 0, among = 0, unambiguous = 0, unambiguous_exact = 0, none = 0;
    for (guint row = 0; row < set->n_commands; row++) {
        guint n_candidates;
        guint rank = true_rank(model, set, row, &n_candidates);
        none += n_candidates == 0;
        among += rank != G_MAXUINT;
        exact += rank == 0;
        unambiguous += n_candidates == 1;
        unambiguous_exact += rank == 0 && n_candidates == 1;
    }
    printf("on the training commands: exact %u/%u, true set among the candidates %u/%u, no decomposition %u; "
           "unambiguous sizes %u, exact among them %u\n",
           exact, set->n_commands, among, set->n_commands, none, unambiguous, unambiguous_exact);
}

static void print_collisions(const iotfp_decompose_model *model)
{
    iotfp_collision_stats stats;
    if (iotfp_decompose_collisions(model, &stats) != IOTFP_DECOMPOSE_OK) {
        printf("privacy leakage: not computed (the model's sizes exceed the decomposition limits)\n");
        return;
    }
    printf("privacy leakage: of %.0f action sets of 0 to %u actions, %.0f have a wire size of their own and are "
           "recovered exactly from it (%.1f%%); %u distinct sizes, up to %.0f sets on one size "
           "(collision rate %.1f%%)\n",
           stats.multisets, model->max_actions, stats.unique_multisets, 100 * stats.recoverable_share,
           stats.wire_sizes, stats.largest_collision, 100 * (1 - stats.recoverable_share));
}

gboolean iotfp_learn_action_model(iotfp_signature *signature, const iotfp_labelled_command *commands, guint n,
                                  const iotfp_action_learn_options *options, GError **error)
{
    iotfp_action_model *model =
        iotfp_signature_set_action_model(signature, &options->padding, 0, 0, 1, options->direction,
                                         options->command_index);
    training_set set = { 0 };
    if (!build_training_set(model, commands, n, &set, error)) {
        training_set_clear(&set);
        return FALSE;
    }
    guint n_actions = set.names->len;
    iotfp_action_fit *fit = iotfp_action_fit_learn(&options->padding, n_actions, (const char *const *)set.names->pdata,
                                                   set.n_commands, set.counts, set.observed, error);
    if (!fit) {
        training_set_clear(&set);
        return FALSE;
    }
    guint total = 0;
    for (guint j = 0; j < n_actions; j++)
        total += GPOINTER_TO_UINT(g_hash_table_lookup(set.occurrences, g_ptr_array_index(set.names, j)));
    /* Sizes are whole bytes; a fitted size below one byte still adds one. */
    model->decompose.base_size = (guint)MAX(0.0, round(fit->base_size));
    for (guint j = 0; j < n_actions; j++) {
        const char *name = g_ptr_array_index(set.names, j);
        guint occurrences = GPOINTER_TO_UINT(g_hash_table_lookup(set.occurrences, name));
        iotfp_action_model_add(model, name, (guint)MAX(1.0, round(fit->action_sizes[j])),
                               (double)occurrences / total);
    }
    refine_sizes(model, &set);
    model->decompose.max_actions =
        options->max_actions ? options->max_actions : MIN(set.max_count, IOTFP_DECOMPOSE_MAX_ACTIONS);
    guint64 tolerance = 0;
    for (guint row = 0; row < set.n_commands; row++)
        tolerance = MAX(tolerance, miss(&model->decompose, &set, row));
    model->decompose.tolerance = options->tolerance >= 0 ? (guint)options->tolerance : (guint)tolerance;
    print_fit(fit, &set, &model->decompose);
    printf("tolerance %u bytes (%s; the rounded model misses a training command by at most %" G_GUINT64_FORMAT
           "), at most %u actions per command\n",
           model->decompose.tolerance, options->tolerance >= 0 ? "as given" : "learned", tolerance,
           model->decompose.max_actions);
    if (!options->no_residuals)
        learn_residuals(model, &set);
    learn_set_prior(model, &set, options, NULL);
    printf("posterior ranking: %s residual distribution, %u sets seen in training (%s), time of day %s\n",
           options->no_residuals ? "no" : "a", model->prior.scenes->len,
           options->no_scenes ? "set prior off" : "set prior on", options->no_time || options->no_scenes ? "off" : "on");
    print_recovery(model, &set);
    print_collisions(&model->decompose);
    print_cross_validation(model, &set, options);
    iotfp_action_fit_free(fit);
    training_set_clear(&set);
    return TRUE;
}
