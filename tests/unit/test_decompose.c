#include "decompose.h"

static const iotfp_padding no_padding = { IOTFP_PADDING_NONE, 0, 0 };

static iotfp_decompose_model model_of(const iotfp_action *actions, guint n, guint base, guint max_actions)
{
    iotfp_decompose_model model = { base, actions, n, no_padding, 0, max_actions, 0 };
    return model;
}

/* The candidate's counts as a string "1,0,2" for compact assertions. */
static char *counts_text(const iotfp_decompose_result *result, guint candidate)
{
    const guint8 *counts = iotfp_decompose_counts(result, candidate);
    GString *text = g_string_new(NULL);
    for (guint j = 0; j < result->n_actions; j++)
        g_string_append_printf(text, j ? ",%u" : "%u", counts[j]);
    return g_string_free(text, FALSE);
}

static void assert_candidate(const iotfp_decompose_result *result, guint candidate, const char *expected)
{
    g_assert_cmpuint(candidate, <, result->candidates->len);
    char *text = counts_text(result, candidate);
    g_assert_cmpstr(text, ==, expected);
    g_free(text);
}

static void test_padding_rules(void)
{
    guint64 min, max, wire;
    g_assert_true(iotfp_padding_plaintext_range(&no_padding, 120, &min, &max));
    g_assert_cmpuint(min, ==, 120);
    g_assert_cmpuint(max, ==, 120);

    /* AES-CBC, PKCS#7: 16..31 bytes of plaintext make 32 of ciphertext. */
    iotfp_padding cbc = { IOTFP_PADDING_BLOCK, 16, 0 };
    g_assert_true(iotfp_padding_plaintext_range(&cbc, 32, &min, &max));
    g_assert_cmpuint(min, ==, 16);
    g_assert_cmpuint(max, ==, 31);
    g_assert_true(iotfp_padding_plaintext_range(&cbc, 16, &min, &max));
    g_assert_cmpuint(min, ==, 0);
    g_assert_cmpuint(max, ==, 15);
    g_assert_false(iotfp_padding_plaintext_range(&cbc, 33, &min, &max));
    g_assert_false(iotfp_padding_plaintext_range(&cbc, 0, &min, &max));
    g_assert_true(iotfp_padding_wire_size(&cbc, 16, &wire));
    g_assert_cmpuint(wire, ==, 32); /* a full block of padding */
    g_assert_true(iotfp_padding_wire_size(&cbc, 15, &wire));
    g_assert_cmpuint(wire, ==, 16);

    /* With a 16-byte IV in front. */
    iotfp_padding cbc_iv = { IOTFP_PADDING_BLOCK, 16, 16 };
    g_assert_true(iotfp_padding_plaintext_range(&cbc_iv, 48, &min, &max));
    g_assert_cmpuint(min, ==, 16);
    g_assert_cmpuint(max, ==, 31);
    g_assert_false(iotfp_padding_plaintext_range(&cbc_iv, 8, &min, &max));

    iotfp_padding gcm = { IOTFP_PADDING_TLS12_GCM, 0, 0 };
    g_assert_true(iotfp_padding_plaintext_range(&gcm, 129, &min, &max));
    g_assert_cmpuint(min, ==, 100);
    g_assert_cmpuint(max, ==, 100);
    g_assert_false(iotfp_padding_plaintext_range(&gcm, 28, &min, &max));
    g_assert_true(iotfp_padding_wire_size(&gcm, 100, &wire));
    g_assert_cmpuint(wire, ==, 129);

    /* Every plaintext lies in the range of its own wire size. */
    const iotfp_padding *rules[] = { &no_padding, &cbc, &cbc_iv, &gcm };
    for (gsize r = 0; r < G_N_ELEMENTS(rules); r++)
        for (guint64 p = 0; p < 200; p++) {
            g_assert_true(iotfp_padding_wire_size(rules[r], p, &wire));
            g_assert_true(iotfp_padding_plaintext_range(rules[r], wire, &min, &max));
            g_assert_cmpuint(min, <=, p);
            g_assert_cmpuint(p, <=, max);
        }
    g_assert_false(iotfp_padding_wire_size(&gcm, G_MAXUINT64, &wire));
    g_assert_false(iotfp_padding_wire_size(&cbc, G_MAXUINT64, &wire));
}

static const iotfp_action three_actions[] = {
    { "light_on", 30, 0.5 },
    { "fan_on", 50, 0.2 },
    { "lock", 70, 0.3 },
};

static void test_exact_and_unique(void)
{
    iotfp_decompose_model model = model_of(three_actions, 3, 100, 5);
    iotfp_decompose_result *result = iotfp_decompose(&model, 180);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_OK);
    g_assert_cmpuint(result->candidates->len, ==, 1);
    g_assert_false(iotfp_decompose_ambiguous(result));
    const iotfp_decomposition *best = iotfp_decompose_best(result);
    g_assert_cmpuint(best->action_count, ==, 2);
    g_assert_cmpuint(best->plaintext_size, ==, 180);
    assert_candidate(result, 0, "1,1,0");
    char *text = iotfp_decompose_format(&model, result, 0);
    g_assert_cmpstr(text, ==, "light_on + fan_on");
    g_free(text);
    iotfp_decompose_result_free(result);

    /* The base alone is the empty command. */
    result = iotfp_decompose(&model, 100);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_OK);
    assert_candidate(result, 0, "0,0,0");
    text = iotfp_decompose_format(&model, result, 0);
    g_assert_cmpstr(text, ==, "(none)");
    g_free(text);
    iotfp_decompose_result_free(result);
}

static void test_ranking(void)
{
    /* 150 bytes of actions: 3*fan_on, light_on+fan_on+lock, 5*light_on. */
    iotfp_decompose_model model = model_of(three_actions, 3, 100, 5);
    iotfp_decompose_result *result = iotfp_decompose(&model, 250);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_OK);
    g_assert_cmpuint(result->candidates->len, ==, 3);
    g_assert_true(iotfp_decompose_ambiguous(result));
    /* Fewest actions first; among three, 0.5*0.2*0.3 beats 0.2^3. */
    assert_candidate(result, 0, "1,1,1");
    assert_candidate(result, 1, "0,3,0");
    assert_candidate(result, 2, "5,0,0");
    char *text = iotfp_decompose_format(&model, result, 1);
    g_assert_cmpstr(text, ==, "3*fan_on");
    g_free(text);
    iotfp_decompose_result_free(result);

    /* At most four actions per command: five light_on is out. */
    model.max_actions = 4;
    result = iotfp_decompose(&model, 250);
    g_assert_cmpuint(result->candidates->len, ==, 2);
    iotfp_decompose_result_free(result);
}

static void test_ties(void)
{
    /* Same size, same frequency: more of the lower-indexed action first. */
    const iotfp_action twins[] = { { "a", 40, 0.5 }, { "b", 40, 0.5 } };
    iotfp_decompose_model model = model_of(twins, 2, 0, 3);
    iotfp_decompose_result *result = iotfp_decompose(&model, 80);
    g_assert_cmpuint(result->candidates->len, ==, 3);
    assert_candidate(result, 0, "2,0");
    assert_candidate(result, 1, "1,1");
    assert_candidate(result, 2, "0,2");
    iotfp_decompose_result_free(result);

    /* Equal products through different factors (0.2*0.4 == 0.1*0.8), whose
     * logarithms need not be bit-equal, still tie. */
    const iotfp_action four[] = { { "a", 10, 0.2 }, { "b", 20, 0.4 }, { "c", 5, 0.1 }, { "d", 25, 0.8 } };
    model = model_of(four, 4, 0, 2);
    for (int run = 0; run < 2; run++) {
        result = iotfp_decompose(&model, 30);
        g_assert_cmpuint(result->candidates->len, ==, 2);
        assert_candidate(result, 0, "1,1,0,0");
        assert_candidate(result, 1, "0,0,1,1");
        iotfp_decompose_result_free(result);
    }
}

static void test_tolerance(void)
{
    iotfp_decompose_model model = model_of(three_actions, 3, 100, 5);
    iotfp_decompose_result *result = iotfp_decompose(&model, 131);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_NONE);
    g_assert_null(iotfp_decompose_best(result));
    iotfp_decompose_result_free(result);

    model.tolerance = 1;
    result = iotfp_decompose(&model, 131);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_OK);
    assert_candidate(result, 0, "1,0,0");
    g_assert_cmpuint(iotfp_decompose_best(result)->plaintext_size, ==, 130);
    iotfp_decompose_result_free(result);

    /* Below the base by no more than the tolerance: the empty command. */
    result = iotfp_decompose(&model, 99);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_OK);
    assert_candidate(result, 0, "0,0,0");
    iotfp_decompose_result_free(result);

    /* A wider tolerance admits more: 180 (light_on+fan_on) and 170 (lock). */
    model.tolerance = 10;
    result = iotfp_decompose(&model, 175);
    g_assert_cmpuint(result->candidates->len, ==, 2);
    assert_candidate(result, 0, "0,0,1");
    assert_candidate(result, 1, "1,1,0");
    iotfp_decompose_result_free(result);
}

static void test_padded(void)
{
    const iotfp_action actions[] = { { "on", 30, 0.6 }, { "dim", 7, 0.4 } };
    iotfp_decompose_model model = model_of(actions, 2, 100, 3);
    model.padding = (iotfp_padding){ IOTFP_PADDING_BLOCK, 16, 0 };
    /* 137 bytes pad to 144; 144 holds 128..143, i.e. 28..43 bytes of actions:
     * on (30), on+dim (37), 4*dim is over the limit of three. */
    iotfp_decompose_result *result = iotfp_decompose(&model, 144);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_OK);
    g_assert_cmpuint(result->plaintext_min, ==, 128);
    g_assert_cmpuint(result->plaintext_max, ==, 143);
    g_assert_cmpuint(result->candidates->len, ==, 2);
    assert_candidate(result, 0, "1,0");
    assert_candidate(result, 1, "1,1");
    iotfp_decompose_result_free(result);

    /* Not a whole number of blocks: no cipher text of this rule. */
    result = iotfp_decompose(&model, 145);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_NONE);
    g_assert_cmpuint(result->candidates->len, ==, 0);
    iotfp_decompose_result_free(result);

    model.padding = (iotfp_padding){ IOTFP_PADDING_TLS12_GCM, 0, 0 };
    result = iotfp_decompose(&model, 100 + 30 + 7 + IOTFP_TLS12_GCM_OVERHEAD);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_OK);
    g_assert_cmpuint(result->candidates->len, ==, 1);
    assert_candidate(result, 0, "1,1");
    iotfp_decompose_result_free(result);
}

static void test_impossible(void)
{
    iotfp_decompose_model model = model_of(three_actions, 3, 100, 5);
    const guint64 sizes[] = { 0, 50, 99, 101, 131, 159 };
    for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
        iotfp_decompose_result *result = iotfp_decompose(&model, sizes[i]);
        g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_NONE);
        g_assert_cmpuint(result->candidates->len, ==, 0);
        g_assert_false(iotfp_decompose_ambiguous(result));
        iotfp_decompose_result_free(result);
    }
}

static void test_too_large(void)
{
    const iotfp_padding rules[] = { no_padding, { IOTFP_PADDING_BLOCK, 16, 0 }, { IOTFP_PADDING_TLS12_GCM, 0, 0 } };
    const guint64 sizes[] = { G_MAXUINT64 - 15, (guint64)1 << 40, 100000000 };
    iotfp_decompose_model model = model_of(three_actions, 3, 100, 31);
    for (gsize r = 0; r < G_N_ELEMENTS(rules); r++)
        for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
            model.padding = rules[r];
            gint64 start = g_get_monotonic_time();
            iotfp_decompose_result *result = iotfp_decompose(&model, sizes[i]);
            g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_TOO_LARGE);
            g_assert_cmpuint(result->candidates->len, ==, 0);
            /* Refused up front, not after working through the table. */
            g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC);
            iotfp_decompose_result_free(result);
        }
    /* A tolerance as wide as the table is as good as a huge size. */
    model.padding = no_padding;
    model.tolerance = G_MAXUINT;
    iotfp_decompose_result *result = iotfp_decompose(&model, 200);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_TOO_LARGE);
    iotfp_decompose_result_free(result);
    /* The largest size the table allows still answers, in bounded work. */
    model.tolerance = 0;
    model.max_actions = 4;
    guint64 largest = model.base_size + IOTFP_DECOMPOSE_MAX_TABLE_CELLS / 4 - 1;
    result = iotfp_decompose(&model, largest);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_NONE);
    iotfp_decompose_result_free(result);
    result = iotfp_decompose(&model, largest + 1);
    g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_TOO_LARGE);
    iotfp_decompose_result_free(result);
}

static void test_capped(void)
{
    const iotfp_action small[] = { { "a", 1, 0.3 }, { "b", 2, 0.3 }, { "c", 3, 0.4 } };
    iotfp_decompose_model model = model_of(small, 3, 0, 10);
    iotfp_decompose_result *all = iotfp_decompose(&model, 10);
    g_assert_cmpint(all->status, ==, IOTFP_DECOMPOSE_OK);
    const guint total = all->candidates->len;
    g_assert_cmpuint(total, ==, 14); /* partitions of 10 into parts 1..3 */
    /* The fewest actions: 3+3+3+1 and 3+3+2+2. */
    assert_candidate(all, 0, "1,0,3");
    assert_candidate(all, 1, "0,2,2");

    model.max_candidates = 3;
    iotfp_decompose_result *capped = iotfp_decompose(&model, 10);
    g_assert_cmpint(capped->status, ==, IOTFP_DECOMPOSE_CAPPED);
    g_assert_cmpuint(capped->candidates->len, ==, 3);
    assert_candidate(capped, 0, "1,0,3");
    assert_candidate(capped, 1, "0,2,2");
    g_assert_cmpuint(g_array_index(capped->candidates, iotfp_decomposition, 2).action_count, ==, 5);
    iotfp_decompose_result_free(capped);

    /* Exactly as many candidates as allowed is not capped. */
    model.max_candidates = total;
    capped = iotfp_decompose(&model, 10);
    g_assert_cmpint(capped->status, ==, IOTFP_DECOMPOSE_OK);
    g_assert_cmpuint(capped->candidates->len, ==, total);
    iotfp_decompose_result_free(capped);
    iotfp_decompose_result_free(all);
}

static void test_invalid_model(void)
{
    const iotfp_action zero_size[] = { { "a", 0, 0.5 } };
    const iotfp_action zero_frequency[] = { { "a", 10, 0 } };
    iotfp_decompose_model models[] = {
        model_of(zero_size, 1, 0, 3),
        model_of(zero_frequency, 1, 0, 3),
        model_of(three_actions, 0, 0, 3),
        model_of(three_actions, 3, 0, IOTFP_DECOMPOSE_MAX_ACTIONS + 1),
        model_of(three_actions, 3, 0, 3),
    };
    models[4].padding = (iotfp_padding){ IOTFP_PADDING_BLOCK, 0, 0 };
    for (gsize i = 0; i < G_N_ELEMENTS(models); i++) {
        iotfp_decompose_result *result = iotfp_decompose(&models[i], 40);
        g_assert_cmpint(result->status, ==, IOTFP_DECOMPOSE_INVALID_MODEL);
        iotfp_decompose_result_free(result);
        iotfp_collision_stats stats;
        g_assert_cmpint(iotfp_decompose_collisions(&models[i], &stats), ==, IOTFP_DECOMPOSE_INVALID_MODEL);
    }
}

/* Every count vector of up to max actions, tried one by one. */
static guint brute_force(const iotfp_decompose_model *model, guint64 min, guint64 max)
{
    guint found = 0;
    guint counts[4] = { 0 };
    for (;;) {
        guint total = 0;
        guint64 size = model->base_size;
        for (guint j = 0; j < model->n_actions; j++) {
            total += counts[j];
            size += (guint64)counts[j] * model->actions[j].size;
        }
        if (total <= model->max_actions && size >= min && size <= max)
            found++;
        guint j = 0;
        while (j < model->n_actions && ++counts[j] > model->max_actions)
            counts[j++] = 0;
        if (j == model->n_actions)
            return found;
    }
}

static void test_against_brute_force(void)
{
    GRand *rand = g_rand_new_with_seed(7);
    for (int trial = 0; trial < 300; trial++) {
        iotfp_action actions[4];
        guint n = g_rand_int_range(rand, 1, 5);
        for (guint j = 0; j < n; j++)
            actions[j] = (iotfp_action){ "x", g_rand_int_range(rand, 1, 40), g_rand_double_range(rand, 0.05, 1) };
        iotfp_decompose_model model = model_of(actions, n, g_rand_int_range(rand, 0, 50), g_rand_int_range(rand, 0, 6));
        model.tolerance = g_rand_int_range(rand, 0, 4);
        model.max_candidates = IOTFP_DECOMPOSE_MAX_CANDIDATES;
        guint64 observed = g_rand_int_range(rand, 0, 250);
        iotfp_decompose_result *result = iotfp_decompose(&model, observed);
        guint64 min = observed > model.tolerance ? observed - model.tolerance : 0;
        guint expected = brute_force(&model, min, observed + model.tolerance);
        g_assert_cmpuint(result->candidates->len, ==, expected);
        g_assert_cmpint(result->status, ==, expected ? IOTFP_DECOMPOSE_OK : IOTFP_DECOMPOSE_NONE);
        for (guint i = 0; i + 1 < result->candidates->len; i++) {
            const iotfp_decomposition *a = &g_array_index(result->candidates, iotfp_decomposition, i);
            const iotfp_decomposition *b = a + 1;
            g_assert_true(a->action_count < b->action_count ||
                          (a->action_count == b->action_count && a->log_prior >= b->log_prior - 1e-9));
        }
        iotfp_decompose_result_free(result);
    }
    g_rand_free(rand);
}

static void test_collisions(void)
{
    /* {}, a, b, aa, ab, bb: 0, 30, 50, 60, 80, 100 bytes, all apart. */
    const iotfp_action apart[] = { { "a", 30, 0.5 }, { "b", 50, 0.5 } };
    iotfp_decompose_model model = model_of(apart, 2, 100, 2);
    iotfp_collision_stats stats;
    g_assert_cmpint(iotfp_decompose_collisions(&model, &stats), ==, IOTFP_DECOMPOSE_OK);
    g_assert_cmpfloat(stats.multisets, ==, 6);
    g_assert_cmpfloat(stats.unique_multisets, ==, 6);
    g_assert_cmpuint(stats.wire_sizes, ==, 6);
    g_assert_cmpfloat(stats.recoverable_share, ==, 1);

    /* 0, 10, 20, 20, 30, 40: b and aa collide. */
    const iotfp_action overlapping[] = { { "a", 10, 0.5 }, { "b", 20, 0.5 } };
    model = model_of(overlapping, 2, 0, 2);
    g_assert_cmpint(iotfp_decompose_collisions(&model, &stats), ==, IOTFP_DECOMPOSE_OK);
    g_assert_cmpfloat(stats.multisets, ==, 6);
    g_assert_cmpfloat(stats.unique_multisets, ==, 4);
    g_assert_cmpfloat(stats.largest_collision, ==, 2);
    g_assert_cmpuint(stats.wire_sizes, ==, 5);
    g_assert_cmpfloat_with_epsilon(stats.recoverable_share, 4.0 / 6, 1e-12);

    /* Padding to 16 merges more: {0,10} -> 16, {20,20,30} -> 32, {40} -> 48. */
    model.padding = (iotfp_padding){ IOTFP_PADDING_BLOCK, 16, 0 };
    g_assert_cmpint(iotfp_decompose_collisions(&model, &stats), ==, IOTFP_DECOMPOSE_OK);
    g_assert_cmpuint(stats.wire_sizes, ==, 3);
    g_assert_cmpfloat(stats.unique_multisets, ==, 1);
    g_assert_cmpfloat(stats.largest_collision, ==, 3);

    /* Too big a table is refused. */
    const iotfp_action huge[] = { { "a", G_MAXUINT, 0.5 } };
    model = model_of(huge, 1, 0, 31);
    g_assert_cmpint(iotfp_decompose_collisions(&model, &stats), ==, IOTFP_DECOMPOSE_TOO_LARGE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/decompose/padding_rules", test_padding_rules);
    g_test_add_func("/decompose/exact_and_unique", test_exact_and_unique);
    g_test_add_func("/decompose/ranking", test_ranking);
    g_test_add_func("/decompose/ties", test_ties);
    g_test_add_func("/decompose/tolerance", test_tolerance);
    g_test_add_func("/decompose/padded", test_padded);
    g_test_add_func("/decompose/impossible", test_impossible);
    g_test_add_func("/decompose/too_large", test_too_large);
    g_test_add_func("/decompose/capped", test_capped);
    g_test_add_func("/decompose/invalid_model", test_invalid_model);
    g_test_add_func("/decompose/against_brute_force", test_against_brute_force);
    g_test_add_func("/decompose/collisions", test_collisions);
    return g_test_run();
}
