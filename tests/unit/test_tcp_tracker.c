#include "tcp_tracker.h"

#define RETX(t, seq, len) iotfp_tcp_tracker_is_retransmission(t, 1, 40000, 443, TRUE, FALSE, seq, len)

static void test_in_order_and_retransmission(void)
{
    iotfp_tcp_tracker *t = iotfp_tcp_tracker_new();
    g_assert_true(iotfp_tcp_tracker_is_retransmission(t, 1, 40000, 443, TRUE, TRUE, 999, 0) == FALSE);
    g_assert_false(RETX(t, 1000, 100));
    g_assert_false(RETX(t, 1100, 50));
    g_assert_true(RETX(t, 1000, 100));  /* the first segment again */
    g_assert_true(RETX(t, 1100, 50));
    g_assert_false(RETX(t, 1150, 0));   /* a pure ACK is never a retransmission */
    g_assert_true(RETX(t, 1149, 1));    /* keep-alive probe: one old byte */
    g_assert_false(RETX(t, 1100, 80));  /* partly new data extends the stream */
    g_assert_true(RETX(t, 1150, 30));
    iotfp_tcp_tracker_free(t);
}

static void test_directions_and_connections_are_separate(void)
{
    iotfp_tcp_tracker *t = iotfp_tcp_tracker_new();
    g_assert_false(RETX(t, 5000, 100));
    /* Same numbers the other way, on another port pair, in another conversation. */
    g_assert_false(iotfp_tcp_tracker_is_retransmission(t, 1, 40000, 443, FALSE, FALSE, 5000, 100));
    g_assert_false(iotfp_tcp_tracker_is_retransmission(t, 1, 40001, 443, TRUE, FALSE, 5000, 100));
    g_assert_false(iotfp_tcp_tracker_is_retransmission(t, 2, 40000, 443, TRUE, FALSE, 5000, 100));
    g_assert_true(RETX(t, 5000, 100));
    iotfp_tcp_tracker_free(t);
}

static void test_wrap_around(void)
{
    iotfp_tcp_tracker *t = iotfp_tcp_tracker_new();
    g_assert_false(RETX(t, 0xFFFFFFA0u, 0x50));
    g_assert_false(RETX(t, 0xFFFFFFF0u, 0x40)); /* crosses 2^32 */
    g_assert_false(RETX(t, 0x30u, 0x10));
    g_assert_true(RETX(t, 0xFFFFFFF0u, 0x40));
    iotfp_tcp_tracker_free(t);
}

static void test_syn_restarts_numbering(void)
{
    iotfp_tcp_tracker *t = iotfp_tcp_tracker_new();
    g_assert_false(RETX(t, 900000, 500));
    /* The same port pair reused for a new connection with a lower ISN. */
    g_assert_false(iotfp_tcp_tracker_is_retransmission(t, 1, 40000, 443, TRUE, TRUE, 100, 0));
    g_assert_false(RETX(t, 101, 200));
    g_assert_true(RETX(t, 101, 200));
    iotfp_tcp_tracker_free(t);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tcp/retransmission", test_in_order_and_retransmission);
    g_test_add_func("/tcp/separate", test_directions_and_connections_are_separate);
    g_test_add_func("/tcp/wrap-around", test_wrap_around);
    g_test_add_func("/tcp/syn-restarts", test_syn_restarts_numbering);
    return g_test_run();
}
