#include <math.h>

#include "seq_features.h"

#define MS G_GINT64_CONSTANT(1000000)
#define N IOTFP_SEQ_N_FEATURES

static iotfp_packet tcp_packet(gint64 time_ms, guint32 ip_len, guint8 flags)
{
    iotfp_packet p = { 0 };
    p.time_ns = time_ms * MS;
    p.transport = IOTFP_TRANSPORT_TCP;
    p.ip_proto = 6;
    p.src_port = 50000;
    p.dst_port = 443;
    p.ip_len = ip_len;
    p.tcp_flags = flags;
    return p;
}

static iotfp_packet udp_packet(gint64 time_ms, guint32 ip_len, guint16 sport, guint16 dport)
{
    iotfp_packet p = { 0 };
    p.time_ns = time_ms * MS;
    p.transport = IOTFP_TRANSPORT_UDP;
    p.ip_proto = 17;
    p.src_port = sport;
    p.dst_port = dport;
    p.ip_len = ip_len;
    return p;
}

static void assert_features(const float *got, const double *want)
{
    for (int i = 0; i < N; i++)
        g_assert_cmpfloat_with_epsilon(got[i], want[i], 1e-6);
}

static void test_tcp_handshake(void)
{
    iotfp_seq_state state = IOTFP_SEQ_STATE_INIT;
    float f[N];
    iotfp_packet syn = tcp_packet(1000, 60, IOTFP_TCP_SYN);
    g_assert_cmpuint(iotfp_seq_next(&state, &syn, +1, f), ==, 0);
    assert_features(f, (double[N]){ log(61.0), 1, 0, 1, 0, 0, 1, 0, 0, 0, 0 });

    iotfp_packet syn_ack = tcp_packet(1010, 60, IOTFP_TCP_SYN | IOTFP_TCP_ACK);
    g_assert_cmpuint(iotfp_seq_next(&state, &syn_ack, -1, f), ==, 1);
    assert_features(f, (double[N]){ log(61.0), -1, log(11.0), 1, 0, 0, 1, 0, 0, 0, 1 });

    iotfp_packet data = tcp_packet(1010, 1500, IOTFP_TCP_PSH | IOTFP_TCP_ACK);
    iotfp_seq_next(&state, &data, +1, f);
    assert_features(f, (double[N]){ log(1501.0), 1, 0, 1, 0, 0, 0, 0, 0, 1, 1 });

    iotfp_packet end = tcp_packet(2010, 52, IOTFP_TCP_FIN | IOTFP_TCP_RST | IOTFP_TCP_ACK);
    g_assert_cmpuint(iotfp_seq_next(&state, &end, -1, f), ==, 3);
    assert_features(f, (double[N]){ log(53.0), -1, log(1001.0), 1, 0, 0, 0, 1, 1, 0, 1 });
    g_assert_false(state.tunnel);
}

static void test_flags_only_for_tcp(void)
{
    iotfp_seq_state state = IOTFP_SEQ_STATE_INIT;
    float f[N];
    iotfp_packet p = udp_packet(5, 100, 5353, 5353);
    p.tcp_flags = 0xff; /* whatever the glue left there, UDP has no flags */
    iotfp_seq_next(&state, &p, -1, f);
    assert_features(f, (double[N]){ log(101.0), -1, 0, 0, 1, 0, 0, 0, 0, 0, 0 });

    iotfp_packet icmp = { 0 };
    icmp.time_ns = 7 * MS;
    icmp.ip_proto = 1;
    icmp.ip_len = 84;
    iotfp_seq_next(&state, &icmp, +1, f);
    assert_features(f, (double[N]){ log(85.0), 1, log(3.0), 0, 0, 1, 0, 0, 0, 0, 0 });
    g_assert_false(state.tunnel);
}

static void test_clock_step_back_is_no_gap(void)
{
    iotfp_seq_state state = IOTFP_SEQ_STATE_INIT;
    float f[N];
    iotfp_packet a = udp_packet(5000, 100, 1000, 2000);
    iotfp_packet b = udp_packet(4000, 100, 1000, 2000);
    iotfp_packet c = udp_packet(4002, 100, 1000, 2000);
    iotfp_seq_next(&state, &a, +1, f);
    iotfp_seq_next(&state, &b, +1, f);
    g_assert_cmpfloat(f[2], ==, 0.0f);
    /* The gap is to the previous packet, even one stamped earlier. */
    iotfp_seq_next(&state, &c, +1, f);
    g_assert_cmpfloat_with_epsilon(f[2], log(3.0), 1e-6);
}

static void test_sub_millisecond_gap(void)
{
    iotfp_seq_state state = IOTFP_SEQ_STATE_INIT;
    float f[N];
    iotfp_packet a = udp_packet(0, 100, 1000, 2000);
    iotfp_packet b = a;
    b.time_ns = 250000; /* 0.25 ms */
    iotfp_seq_next(&state, &a, +1, f);
    iotfp_seq_next(&state, &b, +1, f);
    g_assert_cmpfloat_with_epsilon(f[2], log1p(0.25), 1e-6);
}

/* Skipping a packet advances the state exactly as computing its features. */
static void test_skip_keeps_state(void)
{
    iotfp_seq_state skipped = IOTFP_SEQ_STATE_INIT, computed = IOTFP_SEQ_STATE_INIT;
    float f[N], g[N];
    iotfp_packet a = udp_packet(100, 80, 1000, 2000);
    iotfp_packet b = udp_packet(130, 90, 1000, IOTFP_PORT_WIREGUARD);
    iotfp_packet c = udp_packet(140, 100, 1000, 2000);
    g_assert_cmpuint(iotfp_seq_skip(&skipped, &a), ==, 0);
    g_assert_cmpuint(iotfp_seq_skip(&skipped, &b), ==, 1);
    iotfp_seq_next(&computed, &a, 1, f);
    iotfp_seq_next(&computed, &b, 1, f);
    g_assert_true(skipped.tunnel);
    g_assert_cmpuint(iotfp_seq_next(&skipped, &c, -1, f), ==, 2);
    iotfp_seq_next(&computed, &c, -1, g);
    g_assert_cmpmem(f, sizeof f, g, sizeof g);
    g_assert_cmpfloat_with_epsilon(f[2], log(11.0), 1e-6);
}

static void test_tunnel_packets(void)
{
    iotfp_packet wireguard = udp_packet(0, 200, 40000, IOTFP_PORT_WIREGUARD);
    iotfp_packet wireguard_back = udp_packet(0, 200, IOTFP_PORT_WIREGUARD, 40000);
    iotfp_packet openvpn_udp = udp_packet(0, 200, 1194, 40000);
    iotfp_packet nat_t = udp_packet(0, 200, 4500, 4500);
    iotfp_packet ike = udp_packet(0, 200, 500, 500);
    iotfp_packet openvpn_tcp = tcp_packet(0, 200, IOTFP_TCP_ACK);
    openvpn_tcp.dst_port = IOTFP_PORT_OPENVPN;
    iotfp_packet tcp_4500 = tcp_packet(0, 200, IOTFP_TCP_ACK);
    tcp_4500.dst_port = 4500;
    iotfp_packet esp = { 0 };
    esp.ip_proto = IOTFP_IP_PROTO_ESP;
    g_assert_true(iotfp_seq_is_tunnel_packet(&wireguard));
    g_assert_true(iotfp_seq_is_tunnel_packet(&wireguard_back));
    g_assert_true(iotfp_seq_is_tunnel_packet(&openvpn_udp));
    g_assert_true(iotfp_seq_is_tunnel_packet(&nat_t));
    g_assert_true(iotfp_seq_is_tunnel_packet(&openvpn_tcp));
    g_assert_true(iotfp_seq_is_tunnel_packet(&esp));
    g_assert_false(iotfp_seq_is_tunnel_packet(&ike));
    g_assert_false(iotfp_seq_is_tunnel_packet(&tcp_4500));

    /* IKE first, then ESP: a tunnel from the ESP on, and for good. */
    iotfp_seq_state state = IOTFP_SEQ_STATE_INIT;
    float f[N];
    iotfp_seq_next(&state, &ike, +1, f);
    g_assert_false(state.tunnel);
    iotfp_seq_next(&state, &esp, +1, f);
    g_assert_true(state.tunnel);
    g_assert_cmpfloat(f[5], ==, 1.0f);
    iotfp_seq_next(&state, &ike, -1, f);
    g_assert_true(state.tunnel);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/seq-features/tcp-handshake", test_tcp_handshake);
    g_test_add_func("/seq-features/flags-only-for-tcp", test_flags_only_for_tcp);
    g_test_add_func("/seq-features/clock-step-back", test_clock_step_back_is_no_gap);
    g_test_add_func("/seq-features/sub-millisecond-gap", test_sub_millisecond_gap);
    g_test_add_func("/seq-features/skip", test_skip_keeps_state);
    g_test_add_func("/seq-features/tunnel-packets", test_tunnel_packets);
    return g_test_run();
}
