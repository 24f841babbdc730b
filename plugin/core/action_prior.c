#include "action_prior.h"

#include <math.h>
#include <string.h>

static void scene_clear(gpointer data)
{
    g_free(((iotfp_action_scene *)data)->counts);
}

void iotfp_action_prior_init(iotfp_action_prior *prior)
{
    memset(prior, 0, sizeof *prior);
    prior->residual = g_array_new(FALSE, FALSE, sizeof(double));
    prior->count_prior = g_array_new(FALSE, FALSE, sizeof(double));
    prior->scenes = g_array_new(FALSE, TRUE, sizeof(iotfp_action_scene));
    g_array_set_clear_func(prior->scenes, scene_clear);
}

void iotfp_action_prior_clear(iotfp_action_prior *prior)
{
    if (!prior->scenes)
        return;
    g_array_free(prior->residual, TRUE);
    g_array_free(prior->count_prior, TRUE);
    g_array_free(prior->scenes, TRUE);
    g_free(prior->ways);
    g_free(prior->frequencies);
    memset(prior, 0, sizeof *prior);
}

void iotfp_action_prior_add_scene(iotfp_action_prior *prior, guint n_actions, const guint8 *counts, guint seen,
                                  const guint *hours)
{
    iotfp_action_scene scene = { g_memdup2(counts, n_actions), seen, hours != NULL, { 0 } };
    if (hours)
        memcpy(scene.hours, hours, sizeof scene.hours);
    g_array_append_val(prior->scenes, scene);
}

static double count_prior(const iotfp_action_prior *prior, const iotfp_decompose_model *model, guint k)
{
    if (k > model->max_actions)
        return 0;
    if (prior->count_prior->len == 0)
        return 1.0 / (model->max_actions + 1);
    return k < prior->count_prior->len ? g_array_index(prior->count_prior, double, k) : 0;
}

void iotfp_action_prior_prepare(iotfp_action_prior *prior, const iotfp_decompose_model *model)
{
    const guint n = model->n_actions;
    g_free(prior->frequencies);
    prior->frequencies = g_new0(double, MAX(n, 1));
    double total = 0;
    for (guint j = 0; j < n; j++)
        total += model->actions[j].frequency;
    for (guint j = 0; j < n; j++)
        prior->frequencies[j] = total > 0 ? model->actions[j].frequency / total : 0;

    guint once = 0, twice = 0;
    guint hours[IOTFP_ACTION_HOURS] = { 0 };
    prior->seen_total = 0;
    prior->use_time = prior->scenes->len > 0;
    for (guint i = 0; i < prior->scenes->len; i++) {
        const iotfp_action_scene *scene = &g_array_index(prior->scenes, iotfp_action_scene, i);
        once += scene->seen == 1;
        twice += scene->seen == 2;
        prior->seen_total += scene->seen;
        prior->use_time &= scene->has_hours;
        for (guint h = 0; h < IOTFP_ACTION_HOURS; h++)
            hours[h] += scene->hours[h];
    }
    prior->discount = (once + 1.0) / (once + 2.0 * twice + 2.0);
    for (guint h = 0; h < IOTFP_ACTION_HOURS; h++)
        prior->hours[h] = (hours[h] + 1.0) / (prior->seen_total + IOTFP_ACTION_HOURS);

    /* ways[k][t] over all multisets, one action at a time; k descending so
     * that rows k-c still hold the previous actions' sums. */
    g_free(prior->ways);
    prior->ways = NULL;
    prior->ways_sizes = 0;
    guint largest = 0;
    for (guint j = 0; j < n; j++)
        largest = MAX(largest, model->actions[j].size);
    const guint64 rows = (guint64)model->max_actions + 1, sizes = (guint64)model->max_actions * largest + 1;
    if (n == 0 || sizes > IOTFP_ACTION_PRIOR_MAX_CELLS / rows)
        return;
    double *ways = g_new0(double, rows * sizes);
    ways[0] = 1;
    for (guint j = 0; j < n; j++) {
        const guint64 size = model->actions[j].size;
        const double f = prior->frequencies[j];
        for (guint64 k = rows; k-- > 1;) {
            for (guint64 t = sizes; t-- > 0;) {
                double term = 1, sum = 0;
                for (guint64 c = 1; c <= k && c * size <= t; c++) {
                    term *= f / (double)c;
                    sum += term * ways[(k - c) * sizes + t - c * size];
                }
                ways[k * sizes + t] += sum;
            }
        }
    }
    prior->ways = ways;
    prior->ways_sizes = sizes;
}

/* P(s | a set predicting this plaintext), s known by its plaintext range. */
static double likelihood(const iotfp_decompose_model *model, const iotfp_action_prior *prior,
                         const iotfp_decompose_result *result, gint64 predicted)
{
    const gint64 low = (gint64)result->plaintext_min, high = (gint64)result->plaintext_max;
    if (prior->residual->len == 0)
        return predicted + (gint64)model->tolerance >= low && predicted <= high + (gint64)model->tolerance;
    double sum = 0;
    for (guint i = 0; i < prior->residual->len; i++) {
        gint64 plaintext = predicted + prior->residual_min + (gint64)i;
        if (plaintext >= low && plaintext <= high)
            sum += g_array_index(prior->residual, double, i);
    }
    return sum;
}

static double independent_prior(const iotfp_decompose_model *model, const iotfp_action_prior *prior,
                                const guint8 *counts)
{
    guint k = 0;
    double p = 1;
    for (guint j = 0; j < model->n_actions; j++) {
        for (guint c = 1; c <= counts[j]; c++)
            p *= prior->frequencies[j] / c;
        k += counts[j];
    }
    for (guint c = 2; c <= k; c++)
        p *= c;
    return p * count_prior(prior, model, k);
}

static double scene_hour(const iotfp_action_prior *prior, const iotfp_action_scene *scene, gint hour)
{
    if (!prior->use_time || hour < 0)
        return 1;
    const guint *c = scene->hours;
    guint h = (guint)hour, before = (h + IOTFP_ACTION_HOURS - 1) % IOTFP_ACTION_HOURS, after = (h + 1) % IOTFP_ACTION_HOURS;
    return (0.5 * c[h] + 0.25 * (c[before] + c[after]) + prior->hours[h]) / (scene->seen + 1.0);
}

static gint64 predicted_plaintext(const iotfp_decompose_model *model, const guint8 *counts, guint *k)
{
    gint64 size = model->base_size;
    *k = 0;
    for (guint j = 0; j < model->n_actions; j++) {
        size += (gint64)counts[j] * model->actions[j].size;
        *k += counts[j];
    }
    return size;
}

static const iotfp_action_scene *find_scene(const iotfp_action_prior *prior, guint n, const guint8 *counts)
{
    for (guint i = 0; i < prior->scenes->len; i++) {
        const iotfp_action_scene *scene = &g_array_index(prior->scenes, iotfp_action_scene, i);
        if (memcmp(scene->counts, counts, n) == 0)
            return scene;
    }
    return NULL;
}

static gboolean has_candidate(const iotfp_decompose_result *result, const guint8 *counts)
{
    for (guint c = 0; c < result->candidates->len; c++)
        if (memcmp(iotfp_decompose_counts(result, c), counts, result->n_actions) == 0)
            return TRUE;
    return FALSE;
}

static int compare_probability(gconstpointer a, gconstpointer b)
{
    const iotfp_decomposition *x = a, *y = b;
    if (x->probability != y->probability)
        return x->probability > y->probability ? -1 : 1;
    if (x->action_count != y->action_count)
        return x->action_count < y->action_count ? -1 : 1;
    return x->counts_index < y->counts_index ? -1 : x->counts_index > y->counts_index;
}

void iotfp_action_rank(const iotfp_decompose_model *model, const iotfp_action_prior *prior,
                       iotfp_decompose_result *result, gint hour)
{
    const guint n = model->n_actions;
    if (result->candidates->len == 0 || !prior->frequencies)
        return;
    const double back_off = prior->seen_total > 0 ? prior->discount * prior->scenes->len / prior->seen_total : 1;
    const double back_off_hour = prior->use_time && hour >= 0 ? prior->hours[hour] : 1;
    double normaliser = 0;
    /* The scenes' own share, including those the enumeration left out. */
    for (guint i = 0; i < prior->scenes->len; i++) {
        const iotfp_action_scene *scene = &g_array_index(prior->scenes, iotfp_action_scene, i);
        guint k;
        double fit = likelihood(model, prior, result, predicted_plaintext(model, scene->counts, &k));
        if (fit <= 0 || k > model->max_actions)
            continue;
        normaliser += MAX(scene->seen - prior->discount, 0.0) / prior->seen_total * scene_hour(prior, scene, hour) * fit;
        if (!has_candidate(result, scene->counts)) {
            iotfp_decomposition added = { k, (guint64)predicted_plaintext(model, scene->counts, &k), 0,
                                          result->counts->len / MAX(n, 1), 0 };
            g_array_append_val(result->candidates, added);
            g_array_append_vals(result->counts, scene->counts, n);
        }
    }
    /* The back-off's share, over every multiset when the table exists. */
    double independent = 0;
    if (prior->ways) {
        /* Every content size some residual can bring into the range. */
        gint64 reach = MAX((gint64)model->tolerance, MAX(ABS((gint64)prior->residual_min),
                                                         ABS((gint64)prior->residual_min + (gint64)prior->residual->len)));
        gint64 low = (gint64)result->plaintext_min - (gint64)model->base_size - reach;
        gint64 high = (gint64)result->plaintext_max - (gint64)model->base_size + reach;
        for (gint64 t = MAX(low, 0); t <= high && t < (gint64)prior->ways_sizes; t++) {
            double fit = likelihood(model, prior, result, model->base_size + t);
            double factorial = 1;
            for (guint k = 0; fit > 0 && k <= model->max_actions; k++) {
                factorial *= k > 1 ? k : 1;
                independent += fit * count_prior(prior, model, k) * factorial * prior->ways[k * prior->ways_sizes + t];
            }
        }
    }
    double listed_independent = 0;
    for (guint c = 0; c < result->candidates->len; c++) {
        iotfp_decomposition *candidate = &g_array_index(result->candidates, iotfp_decomposition, c);
        const guint8 *counts = iotfp_decompose_counts(result, c);
        const iotfp_action_scene *scene = find_scene(prior, n, counts);
        double fit = likelihood(model, prior, result, (gint64)candidate->plaintext_size);
        double own = fit * independent_prior(model, prior, counts);
        listed_independent += own;
        candidate->probability = back_off * back_off_hour * own;
        if (scene)
            candidate->probability +=
                MAX(scene->seen - prior->discount, 0.0) / prior->seen_total * scene_hour(prior, scene, hour) * fit;
    }
    normaliser += back_off * back_off_hour * (prior->ways ? MAX(independent, listed_independent) : listed_independent);
    for (guint c = 0; c < result->candidates->len; c++) {
        iotfp_decomposition *candidate = &g_array_index(result->candidates, iotfp_decomposition, c);
        candidate->probability = normaliser > 0 ? MIN(1.0, candidate->probability / normaliser) : 0;
    }
    g_array_sort(result->candidates, compare_probability);
}

gint iotfp_action_hour(gint64 time_ns)
{
    gint64 seconds = time_ns / 1000000000;
    return (gint)(((seconds % 86400) + 86400) % 86400 / 3600);
}
