#include "shape_text.h"

static char *formatted(const iotfp_burst *burst)
{
    GString *out = g_string_new(NULL);
    iotfp_burst_format_shape(burst, out);
    return g_string_free(out, FALSE);
}

/* The cached text is always what formatting the burst now would give. */
static void test_follows_a_growing_burst(void)
{
    iotfp_shape_text_cache *cache = iotfp_shape_text_cache_new();
    iotfp_burst *burst = iotfp_burst_new(5, 1);
    iotfp_burst_add(burst, 1, 0, 120);
    g_assert_cmpstr(iotfp_shape_text(cache, burst), ==, "+120");
    iotfp_burst_add(burst, 2, 10, -60);
    g_assert_cmpstr(iotfp_shape_text(cache, burst), ==, "+120 -60");
    /* One packet at a time (a single pass), or several between two looks. */
    for (guint i = 0; i < IOTFP_SHAPE_MAX + 3; i += 1 + i % 3) {
        for (guint j = 0; j <= i % 3; j++)
            iotfp_burst_add(burst, i + j + 3, 20 + i, (i + j) % 2 ? -1448 : 1448);
        char *want = formatted(burst);
        g_assert_cmpstr(iotfp_shape_text(cache, burst), ==, want);
        g_free(want);
    }
    g_assert_cmpuint(burst->pkts, >, IOTFP_SHAPE_MAX);
    char *more = g_strdup_printf(" ... (+%u more)", burst->pkts - IOTFP_SHAPE_MAX);
    g_assert_true(g_str_has_suffix(iotfp_shape_text(cache, burst), more));
    g_free(more);
    iotfp_burst_free(burst);
    iotfp_shape_text_cache_free(cache);
}

/* Two bursts of one slot (ids IOTFP_SHAPE_TEXT_SLOTS apart) evict each other
 * and never show each other's text. */
static void test_colliding_bursts(void)
{
    iotfp_shape_text_cache *cache = iotfp_shape_text_cache_new();
    iotfp_burst *a = iotfp_burst_new(3, 1), *b = iotfp_burst_new(3 + IOTFP_SHAPE_TEXT_SLOTS, 2);
    iotfp_burst_add(a, 1, 0, 10);
    iotfp_burst_add(b, 2, 0, -20);
    for (guint round = 0; round < 3; round++) {
        g_assert_cmpstr(iotfp_shape_text(cache, a), ==, "+10");
        g_assert_cmpstr(iotfp_shape_text(cache, b), ==, "-20");
    }
    iotfp_burst_free(a);
    iotfp_burst_free(b);
    iotfp_shape_text_cache_free(cache);
}

/* Messages are cached alike: the text grows with them, and another burst in
 * the same slot starts afresh. */
static void test_messages(void)
{
    iotfp_shape_text_cache *cache = iotfp_shape_text_cache_new();
    iotfp_burst *burst = iotfp_burst_new(7, 1);
    iotfp_burst_add(burst, 1, 0, 523);
    g_assert_cmpstr(iotfp_messages_text(cache, burst), ==, "");
    const guint16 request = 518, reply[] = { 1161, 29 };
    iotfp_burst_add_messages(burst, &request, 1, TRUE);
    g_assert_cmpstr(iotfp_messages_text(cache, burst), ==, "+518");
    iotfp_burst_add_messages(burst, reply, 2, FALSE);
    g_assert_cmpstr(iotfp_messages_text(cache, burst), ==, "+518 -1161 -29");
    iotfp_burst *other = iotfp_burst_new(7 + IOTFP_SHAPE_TEXT_SLOTS, 1);
    iotfp_burst_add_messages(other, reply, 1, TRUE);
    g_assert_cmpstr(iotfp_messages_text(cache, other), ==, "+1161");
    g_assert_cmpstr(iotfp_messages_text(cache, burst), ==, "+518 -1161 -29");
    iotfp_burst_free(other);
    iotfp_burst_free(burst);
    iotfp_shape_text_cache_free(cache);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/shape-text/follows-a-growing-burst", test_follows_a_growing_burst);
    g_test_add_func("/shape-text/colliding-bursts", test_colliding_bursts);
    g_test_add_func("/shape-text/messages", test_messages);
    return g_test_run();
}
