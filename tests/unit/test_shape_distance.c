#include <math.h>

#include "burst.h"
#include "shape_distance.h"

#define D(a, b, limit) iotfp_shape_distance(a, G_N_ELEMENTS(a), b, G_N_ELEMENTS(b), limit)

static void test_identity_and_symmetry(void)
{
    const gint32 a[] = { 142, -1452, -1452, 126, -51, 530 };
    const gint32 b[] = { 142, -1452, -1452, 126, -51, 531 };
    g_assert_cmpfloat(D(a, a, 10), ==, 0.0);
    g_assert_cmpfloat(fabs(D(a, b, 10) - D(b, a, 10)), <, 1e-12);
    /* One byte in 531: 2/531. */
    g_assert_cmpfloat(fabs(D(a, b, 10) - 2.0 / 531), <, 1e-12);
}

static void test_costs(void)
{
    const gint32 base[] = { 100, -50 };
    const gint32 flipped[] = { -100, -50 };
    const gint32 longer[] = { 100, -50, 30 };
    const gint32 doubled[] = { 200, -50 };
    g_assert_cmpfloat(D(base, flipped, 10), ==, 2.0);  /* direction differs: worst match */
    g_assert_cmpfloat(D(base, longer, 10), ==, 1.0);   /* one extra packet */
    g_assert_cmpfloat(D(base, doubled, 10), ==, 1.0);  /* 2 * 100 / 200 */
    /* An extra packet in the middle is an insertion, not a shift of all the rest. */
    const gint32 x[] = { 142, -1452, -1452, -853, 126 };
    const gint32 y[] = { 142, -1452, 40, -1452, -853, 126 };
    g_assert_cmpfloat(D(x, y, 10), ==, 1.0);
}

static void test_limit(void)
{
    const gint32 a[] = { 10, 20, 30, 40, 50, 60, 70, 80 };
    const gint32 b[] = { -10, -20, -30, -40, -50, -60, -70, -80 };
    const gint32 c[] = { 10 };
    /* Beyond the limit the exact value is not computed, only that it is beyond. */
    g_assert_cmpfloat(D(a, b, 16.0), ==, 16.0);
    g_assert_cmpfloat(D(a, b, 3.0), >, 3.0);
    g_assert_cmpfloat(D(a, c, 3.0), >, 3.0);
    g_assert_cmpfloat(D(a, c, 7.0), ==, 7.0);
    g_assert_cmpfloat(iotfp_shape_distance(a, 0, c, 0, 1.0), ==, 0.0);
    g_assert_cmpfloat(iotfp_shape_distance(a, 0, c, 1, 1.0), ==, 1.0);
}

static void test_band_agrees_with_full_computation(void)
{
    /* With a limit above any possible value, the band covers everything; a
     * tighter limit must give the same answer whenever the answer is within it. */
    GRand *rand = g_rand_new_with_seed(7);
    for (int round = 0; round < 500; round++) {
        gint32 a[IOTFP_SHAPE_MAX], b[IOTFP_SHAPE_MAX];
        guint na = g_rand_int_range(rand, 0, 12), nb = g_rand_int_range(rand, 0, 12);
        for (guint i = 0; i < na; i++)
            a[i] = g_rand_int_range(rand, 1, 300) * (g_rand_boolean(rand) ? 1 : -1);
        for (guint i = 0; i < nb; i++)
            b[i] = (i < na && g_rand_int_range(rand, 0, 3)) ? a[i] : g_rand_int_range(rand, 1, 300) * (g_rand_boolean(rand) ? 1 : -1);
        double full = iotfp_shape_distance(a, na, b, nb, 1000.0);
        g_assert_cmpfloat(full, <=, 2.0 * MIN(na, nb) + fabs((double)na - nb) + 1e-9);
        for (double limit = 0.5; limit < 8; limit += 0.5) {
            double banded = iotfp_shape_distance(a, na, b, nb, limit);
            if (full <= limit)
                g_assert_cmpfloat(fabs(banded - full), <, 1e-9);
            else
                g_assert_cmpfloat(banded, >, limit);
        }
    }
    g_rand_free(rand);
}

static void test_long_input_is_capped(void)
{
    gint32 a[IOTFP_SHAPE_MAX + 50], b[IOTFP_SHAPE_MAX + 50];
    for (guint i = 0; i < G_N_ELEMENTS(a); i++) {
        a[i] = 1448;
        b[i] = i < IOTFP_SHAPE_MAX ? 1448 : -1;
    }
    /* Only the first IOTFP_SHAPE_MAX lengths count, as in a burst. */
    g_assert_cmpfloat(iotfp_shape_distance(a, G_N_ELEMENTS(a), b, G_N_ELEMENTS(b), 5.0), ==, 0.0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/distance/identity-symmetry", test_identity_and_symmetry);
    g_test_add_func("/distance/costs", test_costs);
    g_test_add_func("/distance/limit", test_limit);
    g_test_add_func("/distance/band", test_band_agrees_with_full_computation);
    g_test_add_func("/distance/capped", test_long_input_is_capped);
    return g_test_run();
}
