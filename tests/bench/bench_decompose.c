/* Decomposition cost per command: a model of 20 learned actions (10..120
 * bytes each, over a 200-byte base), commands of 1 to 10 random actions,
 * under each padding rule, each decomposition then ranked by posterior
 * (action_prior.h) under a prior of a dozen scenes, a residual distribution
 * of 5 bytes and time of day, as the plugin does. Prints the median time per decomposition over
 * several runs, the candidates found, and the model's collision rate: a
 * benchmark to read, not a test that fails (machines are shared and noisy). */
#include <stdio.h>
#include <stdlib.h>

#include "action_prior.h"
#include "decompose.h"
#include "median.h"

#define ACTIONS 20
#define MAX_ACTIONS_PER_COMMAND 10
#define COMMANDS 2000
#define RUNS 5
#define SCENES 12

int main(void)
{
    GRand *rand = g_rand_new_with_seed(42);
    iotfp_action actions[ACTIONS];
    char *names[ACTIONS];
    for (guint j = 0; j < ACTIONS; j++) {
        names[j] = g_strdup_printf("action_%u", j);
        actions[j] = (iotfp_action){ names[j], g_rand_int_range(rand, 10, 121), g_rand_double_range(rand, 0.01, 1) };
    }
    const struct {
        const char *name;
        iotfp_padding padding;
    } rules[] = {
        { "none", { IOTFP_PADDING_NONE, 0, 0 } },
        { "tls12-gcm", { IOTFP_PADDING_TLS12_GCM, 0, 0 } },
        { "aes-cbc-16", { IOTFP_PADDING_BLOCK, 16, 16 } },
    };
    printf("padding     us per command (median of %d runs of %d)  mean candidates  ambiguous  capped  recoverable\n",
           RUNS, COMMANDS);
    for (gsize r = 0; r < G_N_ELEMENTS(rules); r++) {
        iotfp_decompose_model model = { 200, actions, ACTIONS, rules[r].padding, 2, MAX_ACTIONS_PER_COMMAND, 0 };
        iotfp_action_prior prior;
        iotfp_action_prior_init(&prior);
        for (guint i = 0; i < SCENES; i++) {
            guint8 counts[ACTIONS] = { 0 };
            guint hours[IOTFP_ACTION_HOURS] = { 0 }, seen = (guint)g_rand_int_range(rand, 2, 40);
            for (guint a = 0, n = g_rand_int_range(rand, 2, 6); a < n; a++)
                counts[g_rand_int_range(rand, 0, ACTIONS)]++;
            hours[g_rand_int_range(rand, 0, IOTFP_ACTION_HOURS)] = seen;
            iotfp_action_prior_add_scene(&prior, ACTIONS, counts, seen, hours);
        }
        prior.residual_min = -2;
        for (guint i = 0; i < 5; i++) {
            double p = 0.2;
            g_array_append_val(prior.residual, p);
        }
        iotfp_action_prior_prepare(&prior, &model);
        guint64 *observed = g_new(guint64, COMMANDS);
        for (guint c = 0; c < COMMANDS; c++) {
            guint64 plaintext = model.base_size;
            guint n = g_rand_int_range(rand, 1, MAX_ACTIONS_PER_COMMAND + 1);
            for (guint a = 0; a < n; a++)
                plaintext += actions[g_rand_int_range(rand, 0, ACTIONS)].size;
            iotfp_padding_wire_size(&model.padding, plaintext, &observed[c]);
        }
        double per_run[RUNS];
        guint64 candidates = 0, ambiguous = 0, capped = 0;
        for (int run = 0; run < RUNS; run++) {
            candidates = ambiguous = capped = 0;
            gint64 start = g_get_monotonic_time();
            for (guint c = 0; c < COMMANDS; c++) {
                iotfp_decompose_result *result = iotfp_decompose(&model, observed[c]);
                iotfp_action_rank(&model, &prior, result, (gint)(c % IOTFP_ACTION_HOURS));
                candidates += result->candidates->len;
                ambiguous += iotfp_decompose_ambiguous(result);
                capped += result->status == IOTFP_DECOMPOSE_CAPPED;
                iotfp_decompose_result_free(result);
            }
            per_run[run] = (double)(g_get_monotonic_time() - start) / COMMANDS;
        }
        iotfp_collision_stats stats;
        iotfp_decompose_collisions(&model, &stats);
        printf("%-10s  %41.2f  %15.1f  %8.1f%%  %5.1f%%  %10.2g\n", rules[r].name, median(per_run, RUNS),
               (double)candidates / COMMANDS, 100.0 * ambiguous / COMMANDS, 100.0 * capped / COMMANDS,
               stats.recoverable_share);
        g_free(observed);
        iotfp_action_prior_clear(&prior);
    }
    for (guint j = 0; j < ACTIONS; j++)
        g_free(names[j]);
    g_rand_free(rand);
    return 0;
}
