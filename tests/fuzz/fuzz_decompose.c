/* Action-set models may be learned from anyone's captures and sizes come off
 * the network: any model and size must give a status, never a crash or an
 * unbounded allocation, and every candidate must explain the size. The input
 * lays out a model byte by byte (see `byte_at`); missing bytes read as 0. */
#include <stdint.h>

#include "decompose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FUZZ_ACTIONS 8
#define HEADER 13

static guint byte_at(const uint8_t *data, size_t size, size_t index)
{
    return index < size ? data[index] : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotfp_action actions[MAX_FUZZ_ACTIONS];
    const guint n_actions = byte_at(data, size, 0) % MAX_FUZZ_ACTIONS + 1;
    for (guint j = 0; j < n_actions; j++)
        actions[j] = (iotfp_action){ "action", byte_at(data, size, HEADER + 2 * j),
                                     byte_at(data, size, HEADER + 2 * j + 1) / 255.0 };
    iotfp_decompose_model model = {
        .base_size = byte_at(data, size, 6) << 8 | byte_at(data, size, 7),
        .actions = actions,
        .n_actions = n_actions,
        /* Kind 3 is no rule at all: the model must be refused. */
        .padding = { (iotfp_padding_kind)(byte_at(data, size, 2) % 4), byte_at(data, size, 3), byte_at(data, size, 4) },
        .tolerance = byte_at(data, size, 5),
        .max_actions = byte_at(data, size, 1) % 34,
        .max_candidates = byte_at(data, size, 12),
    };
    guint64 observed = 0;
    for (size_t i = 8; i < 12; i++)
        observed = observed << 8 | byte_at(data, size, i);

    iotfp_decompose_result *result = iotfp_decompose(&model, observed);
    const guint limit = model.max_candidates ? model.max_candidates : IOTFP_DECOMPOSE_DEFAULT_CANDIDATES;
    g_assert_cmpuint(result->candidates->len, <=, limit);
    g_assert_true((result->candidates->len > 0) ==
                  (result->status == IOTFP_DECOMPOSE_OK || result->status == IOTFP_DECOMPOSE_CAPPED));
    for (guint i = 0; i < result->candidates->len; i++) {
        const iotfp_decomposition *d = &g_array_index(result->candidates, iotfp_decomposition, i);
        const guint8 *counts = iotfp_decompose_counts(result, i);
        guint total = 0;
        guint64 plaintext = model.base_size;
        for (guint j = 0; j < n_actions; j++) {
            total += counts[j];
            plaintext += (guint64)counts[j] * actions[j].size;
        }
        g_assert_cmpuint(total, ==, d->action_count);
        g_assert_cmpuint(total, <=, model.max_actions);
        g_assert_cmpuint(plaintext, ==, d->plaintext_size);
        g_assert_cmpuint(plaintext + model.tolerance, >=, result->plaintext_min);
        g_assert_cmpuint(plaintext, <=, result->plaintext_max + model.tolerance);
        if (i > 0)
            g_assert_cmpuint(d[-1].action_count, <=, d->action_count);
        g_free(iotfp_decompose_format(&model, result, i));
    }
    iotfp_decompose_result_free(result);

    iotfp_collision_stats stats;
    if (iotfp_decompose_collisions(&model, &stats) == IOTFP_DECOMPOSE_OK) {
        g_assert_cmpfloat(stats.unique_multisets, <=, stats.multisets);
        g_assert_cmpfloat(stats.largest_collision, <=, stats.multisets);
        g_assert_cmpfloat(stats.recoverable_share, <=, 1);
    }
    return 0;
}
