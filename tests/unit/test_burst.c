#include "burst.h"
#include "signature.h"

static char *shape_of(const iotfp_burst *burst)
{
    GString *out = g_string_new(NULL);
    iotfp_burst_format_shape(burst, out);
    return g_string_free(out, FALSE);
}

static void test_accumulates(void)
{
    iotfp_burst *burst = iotfp_burst_new(7, 3);
    iotfp_burst_add(burst, 10, 5000, 267);
    iotfp_burst_add(burst, 12, 6000, -123);
    iotfp_burst_add(burst, 15, 9000, 54);
    g_assert_cmpuint(burst->id, ==, 7);
    g_assert_cmpuint(burst->conv_id, ==, 3);
    g_assert_cmpuint(burst->pkts, ==, 3);
    g_assert_cmpuint(burst->bytes, ==, 267 + 123 + 54);
    g_assert_cmpuint(burst->first_frame, ==, 10);
    g_assert_cmpuint(burst->last_frame, ==, 15);
    g_assert_cmpint(burst->end_ns - burst->start_ns, ==, 4000);
    char *shape = shape_of(burst);
    g_assert_cmpstr(shape, ==, "+267 -123 +54");
    g_free(shape);
    iotfp_burst_free(burst);
}

/* The extremes a burst can hold: payloads are capped at G_MAXINT32 either way. */
static void test_extreme_lengths(void)
{
    iotfp_burst *burst = iotfp_burst_new(1, 1);
    iotfp_burst_add(burst, 1, 0, G_MAXINT32);
    iotfp_burst_add(burst, 2, 0, -G_MAXINT32);
    iotfp_burst_add(burst, 3, 0, 7);
    iotfp_burst_add(burst, 4, 0, -10);
    char *shape = shape_of(burst);
    g_assert_cmpstr(shape, ==, "+2147483647 -2147483647 +7 -10");
    g_free(shape);
    iotfp_burst_free(burst);
}

static void test_out_of_order_time(void)
{
    iotfp_burst *burst = iotfp_burst_new(1, 1);
    iotfp_burst_add(burst, 1, 1000, 10);
    iotfp_burst_add(burst, 2, 800, -20); /* stamped before the first */
    iotfp_burst_add(burst, 3, 1500, 30);
    g_assert_cmpint(burst->start_ns, ==, 800);
    g_assert_cmpint(burst->end_ns, ==, 1500);
    g_assert_cmpuint(burst->first_frame, ==, 1);
    iotfp_burst_free(burst);
}

static void test_long_shape_is_capped(void)
{
    iotfp_burst *burst = iotfp_burst_new(1, 1);
    for (guint i = 0; i < IOTFP_SHAPE_MAX + 25; i++)
        iotfp_burst_add(burst, i + 1, i, (i % 2) ? -1448 : 1448);
    g_assert_cmpuint(burst->pkts, ==, IOTFP_SHAPE_MAX + 25);
    g_assert_cmpuint(burst->shape->len, ==, IOTFP_SHAPE_MAX);
    g_assert_cmpuint(burst->bytes, ==, 1448u * (IOTFP_SHAPE_MAX + 25));
    char *shape = shape_of(burst);
    g_assert_true(g_str_has_prefix(shape, "+1448 -1448 +1448"));
    g_assert_true(g_str_has_suffix(shape, " ... (+25 more)"));
    g_free(shape);
    iotfp_burst_free(burst);
}

/* Messages: only those that end in member packets, signed by the packet's
 * direction, and a messages signature compares them; segments otherwise. */
static void test_messages(void)
{
    iotfp_burst *burst = iotfp_burst_new(1, 1);
    iotfp_burst_add(burst, 1, 0, 1448);
    iotfp_burst_add_messages(burst, NULL, 0, TRUE);
    g_assert_null(burst->messages);
    iotfp_signature *messages = iotfp_signature_new("m");
    messages->shape = IOTFP_SHAPE_MESSAGES;
    g_assert_true(iotfp_signature_burst_lengths(messages, burst) == burst->shape);

    const guint16 reply[] = { 1161, 29 };
    const guint16 request[] = { 518 };
    iotfp_burst_add(burst, 2, 0, 523);
    iotfp_burst_add_messages(burst, request, 1, TRUE);
    iotfp_burst_add(burst, 3, 0, -1195);
    iotfp_burst_add_messages(burst, reply, 2, FALSE);
    GString *text = g_string_new(NULL);
    iotfp_burst_append_messages_text(burst, 0, text);
    g_assert_cmpstr(text->str, ==, "+518 -1161 -29");
    g_string_free(text, TRUE);
    g_assert_true(iotfp_signature_burst_lengths(messages, burst) == burst->messages);
    iotfp_signature *segments = iotfp_signature_new("s");
    g_assert_true(iotfp_signature_burst_lengths(segments, burst) == burst->shape);
    iotfp_signature_free(segments);
    iotfp_signature_free(messages);
    iotfp_burst_free(burst);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/burst/accumulates", test_accumulates);
    g_test_add_func("/burst/out-of-order-time", test_out_of_order_time);
    g_test_add_func("/burst/extreme-lengths", test_extreme_lengths);
    g_test_add_func("/burst/long-shape-capped", test_long_shape_is_capped);
    g_test_add_func("/burst/messages", test_messages);
    return g_test_run();
}
