#include "analysis.h"

#define MS G_GINT64_CONSTANT(1000000)

typedef struct {
    iotfp_netlist *home;
    iotfp_analysis *analysis;
    guint32 next_frame;
} fixture;

static void setup(fixture *f, gconstpointer data)
{
    const char *home = data ? data : IOTFP_DEFAULT_HOME_NETWORKS;
    f->home = iotfp_netlist_parse(home, NULL);
    g_assert_nonnull(f->home);
    iotfp_analysis_config config = { .home = f->home, .burst_gap_ns = 1500 * MS };
    f->analysis = iotfp_analysis_new(&config);
    /* The analysis keeps its own copy of the networks. */
    iotfp_netlist_free(f->home);
    f->next_frame = 1;
}

static void teardown(fixture *f, gconstpointer data)
{
    (void)data;
    iotfp_analysis_free(f->analysis);
}

/* Adds a packet; tcp_seq 0 means UDP. */
static const iotfp_frame_record *add_full(fixture *f, const char *src, guint16 sport, const char *dst,
                                          guint16 dport, gint64 time_ms, guint32 payload, guint32 tcp_seq,
                                          gboolean syn)
{
    iotfp_packet p = { 0 };
    p.frame = f->next_frame++;
    p.time_ns = time_ms * MS;
    g_assert_true(iotfp_addr_parse(&p.src, src));
    g_assert_true(iotfp_addr_parse(&p.dst, dst));
    p.src_port = sport;
    p.dst_port = dport;
    p.transport = tcp_seq ? IOTFP_TRANSPORT_TCP : IOTFP_TRANSPORT_UDP;
    p.tcp_seq = tcp_seq;
    p.tcp_flags = syn ? IOTFP_TCP_SYN : IOTFP_TCP_ACK;
    p.payload_len = payload;
    return iotfp_analysis_add(f->analysis, &p);
}

static const iotfp_frame_record *add_udp(fixture *f, const char *src, const char *dst, gint64 time_ms,
                                         guint32 payload)
{
    return add_full(f, src, 5000, dst, 8053, time_ms, payload, 0, FALSE);
}

static char *shape_of(fixture *f, guint32 burst_id)
{
    const iotfp_burst *burst = iotfp_analysis_burst(f->analysis, burst_id);
    g_assert_nonnull(burst);
    GString *out = g_string_new(NULL);
    iotfp_burst_format_shape(burst, out);
    return g_string_free(out, FALSE);
}

static void test_cloud_conversation_sides(fixture *f, gconstpointer data)
{
    (void)data;
    const iotfp_frame_record *out = add_udp(f, "192.168.1.30", "47.88.1.10", 0, 100);
    const iotfp_frame_record *in = add_udp(f, "47.88.1.10", "192.168.1.30", 10, 60);
    g_assert_nonnull(out);
    g_assert_nonnull(in);
    g_assert_cmpuint(out->conv_id, ==, in->conv_id);
    g_assert_cmpint(out->direction, ==, 1);
    g_assert_cmpint(in->direction, ==, -1);
    const iotfp_conv *conv = iotfp_analysis_conv(f->analysis, out->conv_id);
    g_assert_cmpuint(conv->scope, ==, IOTFP_SCOPE_CLOUD);
    char device[IOTFP_ADDR_STRLEN], peer[IOTFP_ADDR_STRLEN];
    iotfp_addr_format(&conv->device, device);
    iotfp_addr_format(&conv->peer, peer);
    g_assert_cmpstr(device, ==, "192.168.1.30");
    g_assert_cmpstr(peer, ==, "47.88.1.10");

    /* First packet from the cloud: the device is still the home side. */
    const iotfp_frame_record *first_in = add_udp(f, "34.200.1.40", "192.168.1.22", 20, 80);
    conv = iotfp_analysis_conv(f->analysis, first_in->conv_id);
    iotfp_addr_format(&conv->device, device);
    g_assert_cmpstr(device, ==, "192.168.1.22");
    g_assert_cmpint(first_in->direction, ==, -1);
    g_assert_cmpuint(iotfp_analysis_n_convs(f->analysis), ==, 2);
}

static void test_one_conversation_across_connections(fixture *f, gconstpointer data)
{
    (void)data;
    /* A plug that opens a new TLS connection for each event stays one conversation. */
    const iotfp_frame_record *a = add_full(f, "192.168.1.23", 50310, "52.10.1.30", 443, 0, 142, 1000, FALSE);
    const iotfp_frame_record *b = add_full(f, "192.168.1.23", 50316, "52.10.1.30", 443, 60000, 142, 7000, FALSE);
    const iotfp_frame_record *c = add_udp(f, "192.168.1.23", "52.10.1.30", 90000, 40);
    g_assert_cmpuint(a->conv_id, ==, b->conv_id);
    g_assert_cmpuint(a->conv_id, ==, c->conv_id);
    g_assert_cmpuint(a->burst_id, !=, b->burst_id);
    const iotfp_conv *conv = iotfp_analysis_conv(f->analysis, a->conv_id);
    g_assert_cmpuint(conv->n_bursts, ==, 3);
    g_assert_cmpuint(conv->pkts, ==, 3);
}

static void test_local_group_and_foreign(fixture *f, gconstpointer data)
{
    (void)data;
    const iotfp_frame_record *ask = add_full(f, "192.168.1.50", 51000, "192.168.1.23", 9999, 0, 40, 1, FALSE);
    const iotfp_frame_record *reply = add_full(f, "192.168.1.23", 9999, "192.168.1.50", 51000, 5, 90, 1, FALSE);
    g_assert_cmpuint(ask->conv_id, ==, reply->conv_id);
    const iotfp_conv *conv = iotfp_analysis_conv(f->analysis, ask->conv_id);
    g_assert_cmpuint(conv->scope, ==, IOTFP_SCOPE_LOCAL);
    char device[IOTFP_ADDR_STRLEN];
    iotfp_addr_format(&conv->device, device);
    g_assert_cmpstr(device, ==, "192.168.1.23"); /* the responder */
    g_assert_cmpint(reply->direction, ==, 1);
    g_assert_cmpuint(reply->role, ==, IOTFP_ROLE_MEMBER);

    const iotfp_frame_record *bcast = add_udp(f, "192.168.1.40", "255.255.255.255", 10, 180);
    g_assert_cmpuint(bcast->role, ==, IOTFP_ROLE_GROUP);
    g_assert_cmpuint(bcast->burst_id, ==, 0);
    g_assert_cmpuint(iotfp_analysis_conv(f->analysis, bcast->conv_id)->scope, ==, IOTFP_SCOPE_GROUP);
    const iotfp_frame_record *mdns = add_udp(f, "fe80::1", "ff02::fb", 11, 100);
    g_assert_cmpuint(mdns->role, ==, IOTFP_ROLE_GROUP);

    /* Neither side at home: not analysed, and nothing recorded. */
    guint32 frame = f->next_frame;
    g_assert_null(add_udp(f, "8.8.8.8", "1.1.1.1", 12, 50));
    g_assert_null(iotfp_analysis_frame(f->analysis, frame));
    /* A link-layer broadcast to a unicast address is still broadcast. */
    iotfp_packet p = { .frame = f->next_frame++, .time_ns = 13 * MS, .transport = IOTFP_TRANSPORT_UDP,
                       .payload_len = 20, .link_group = TRUE };
    g_assert_true(iotfp_addr_parse(&p.src, "192.168.1.41"));
    g_assert_true(iotfp_addr_parse(&p.dst, "192.168.1.255"));
    g_assert_cmpuint(iotfp_analysis_add(f->analysis, &p)->role, ==, IOTFP_ROLE_GROUP);
}

static void test_bursts_split_by_gap(fixture *f, gconstpointer data)
{
    (void)data;
    const char *dev = "192.168.1.30", *cloud = "47.88.1.10";
    guint32 b1 = add_udp(f, dev, cloud, 0, 100)->burst_id;
    g_assert_cmpuint(add_udp(f, cloud, dev, 400, 60)->burst_id, ==, b1);
    g_assert_cmpuint(add_udp(f, dev, cloud, 1900, 30)->burst_id, ==, b1);  /* 1.5 s after: same */
    guint32 b2 = add_udp(f, dev, cloud, 3401, 100)->burst_id;               /* 1.501 s: new */
    g_assert_cmpuint(b2, !=, b1);
    g_assert_cmpuint(add_udp(f, cloud, dev, 3402, 44)->burst_id, ==, b2);

    char *shape = shape_of(f, b1);
    g_assert_cmpstr(shape, ==, "+100 -60 +30");
    g_free(shape);
    const iotfp_burst *burst = iotfp_analysis_burst(f->analysis, b1);
    g_assert_cmpuint(burst->pkts, ==, 3);
    g_assert_cmpuint(burst->bytes, ==, 190);
    g_assert_cmpint(burst->end_ns - burst->start_ns, ==, 1900 * MS);
    g_assert_cmpuint(burst->first_frame, ==, 1);
    g_assert_cmpuint(iotfp_analysis_n_bursts(f->analysis), ==, 2);
}

static void test_interleaved_conversations(fixture *f, gconstpointer data)
{
    (void)data;
    /* Two devices active at once: each conversation has its own bursts. */
    guint32 a1 = add_udp(f, "192.168.1.30", "47.88.1.10", 0, 100)->burst_id;
    guint32 b1 = add_udp(f, "192.168.1.31", "47.88.1.10", 100, 200)->burst_id;
    g_assert_cmpuint(a1, !=, b1);
    g_assert_cmpuint(add_udp(f, "47.88.1.10", "192.168.1.30", 200, 50)->burst_id, ==, a1);
    g_assert_cmpuint(add_udp(f, "47.88.1.10", "192.168.1.31", 300, 60)->burst_id, ==, b1);
    char *shape = shape_of(f, a1);
    g_assert_cmpstr(shape, ==, "+100 -50");
    g_free(shape);
}

static void test_out_of_order_timestamps(fixture *f, gconstpointer data)
{
    (void)data;
    const char *dev = "192.168.1.30", *cloud = "47.88.1.10";
    guint32 b = add_udp(f, dev, cloud, 10000, 100)->burst_id;
    /* Stamped 2 s before the previous packet: a negative idle time, not a gap. */
    g_assert_cmpuint(add_udp(f, cloud, dev, 8000, 60)->burst_id, ==, b);
    g_assert_cmpuint(add_udp(f, dev, cloud, 10100, 20)->burst_id, ==, b);
    const iotfp_burst *burst = iotfp_analysis_burst(f->analysis, b);
    g_assert_cmpint(burst->start_ns, ==, 8000 * MS);
    g_assert_cmpint(burst->end_ns, ==, 10100 * MS);
}

static void test_acks_and_retransmissions(fixture *f, gconstpointer data)
{
    (void)data;
    const char *dev = "192.168.1.23", *cloud = "52.10.1.30";
    const iotfp_frame_record *syn = add_full(f, dev, 50310, cloud, 443, 0, 0, 999, TRUE);
    g_assert_cmpuint(syn->role, ==, IOTFP_ROLE_NO_PAYLOAD);
    g_assert_cmpuint(syn->burst_id, ==, 0);
    const iotfp_frame_record *hello = add_full(f, dev, 50310, cloud, 443, 50, 142, 1000, FALSE);
    g_assert_cmpuint(hello->role, ==, IOTFP_ROLE_MEMBER);
    guint32 b = hello->burst_id;
    g_assert_cmpuint(add_full(f, cloud, 443, dev, 50310, 120, 1452, 5000, FALSE)->burst_id, ==, b);
    const iotfp_frame_record *again = add_full(f, dev, 50310, cloud, 443, 400, 142, 1000, FALSE);
    g_assert_cmpuint(again->role, ==, IOTFP_ROLE_RETRANSMISSION);
    g_assert_cmpuint(again->burst_id, ==, 0);
    /* ACKs 1.4 s and 2.8 s later do not keep the burst open... */
    g_assert_cmpuint(add_full(f, dev, 50310, cloud, 443, 1520, 0, 1142, FALSE)->role, ==, IOTFP_ROLE_NO_PAYLOAD);
    g_assert_cmpuint(add_full(f, dev, 50310, cloud, 443, 2920, 0, 1142, FALSE)->role, ==, IOTFP_ROLE_NO_PAYLOAD);
    /* ...so data 3 s after the last member starts a new burst. */
    guint32 next = add_full(f, dev, 50310, cloud, 443, 3120, 30, 1142, FALSE)->burst_id;
    g_assert_cmpuint(next, !=, b);
    char *shape = shape_of(f, b);
    g_assert_cmpstr(shape, ==, "+142 -1452");
    g_free(shape);
    const iotfp_conv *conv = iotfp_analysis_conv(f->analysis, hello->conv_id);
    g_assert_cmpuint(conv->pkts, ==, 7);
    g_assert_cmpuint(conv->payload_bytes, ==, 142 + 1452 + 30);
}

/* A malformed packet counts in its conversation, in no burst, and leaves the
 * retransmission state alone: its sequence number far ahead would otherwise
 * make the next real segment look old. */
static void test_malformed_packet(fixture *f, gconstpointer data)
{
    (void)data;
    const char *dev = "192.168.1.23", *cloud = "52.10.1.30";
    guint32 b = add_full(f, dev, 50310, cloud, 443, 0, 100, 1000, FALSE)->burst_id;
    iotfp_packet p = { 0 };
    p.frame = f->next_frame++;
    p.time_ns = 10 * MS;
    g_assert_true(iotfp_addr_parse(&p.src, dev));
    g_assert_true(iotfp_addr_parse(&p.dst, cloud));
    p.src_port = 50310;
    p.dst_port = 443;
    p.transport = IOTFP_TRANSPORT_TCP;
    p.tcp_seq = 900000;
    p.malformed = TRUE;
    const iotfp_frame_record *bad = iotfp_analysis_add(f->analysis, &p);
    g_assert_cmpuint(bad->role, ==, IOTFP_ROLE_MALFORMED);
    g_assert_cmpuint(bad->burst_id, ==, 0);
    const iotfp_frame_record *next = add_full(f, dev, 50310, cloud, 443, 20, 50, 1100, FALSE);
    g_assert_cmpuint(next->role, ==, IOTFP_ROLE_MEMBER);
    g_assert_cmpuint(next->burst_id, ==, b);
    char *shape = shape_of(f, b);
    g_assert_cmpstr(shape, ==, "+100 +50");
    g_free(shape);
    g_assert_cmpuint(iotfp_analysis_conv(f->analysis, next->conv_id)->pkts, ==, 3);
}

static void test_ipv6(fixture *f, gconstpointer data)
{
    (void)data;
    const iotfp_frame_record *a = add_full(f, "fd00:1::30", 40000, "2001:db8::443", 443, 0, 200, 1, FALSE);
    const iotfp_frame_record *b = add_full(f, "2001:db8::443", 443, "fd00:1::30", 40000, 30, 300, 1, FALSE);
    g_assert_cmpuint(a->conv_id, ==, b->conv_id);
    g_assert_cmpuint(iotfp_analysis_conv(f->analysis, a->conv_id)->scope, ==, IOTFP_SCOPE_CLOUD);
    char *shape = shape_of(f, a->burst_id);
    g_assert_cmpstr(shape, ==, "+200 -300");
    g_free(shape);
}

static void test_custom_home(fixture *f, gconstpointer data)
{
    (void)data;
    /* With 203.0.113.0/24 as home, 192.168.x is the outside. */
    const iotfp_frame_record *r = add_udp(f, "192.168.1.5", "203.0.113.7", 0, 10);
    const iotfp_conv *conv = iotfp_analysis_conv(f->analysis, r->conv_id);
    char device[IOTFP_ADDR_STRLEN];
    iotfp_addr_format(&conv->device, device);
    g_assert_cmpstr(device, ==, "203.0.113.7");
    g_assert_cmpint(r->direction, ==, -1);
}

static void test_names_for_peers(fixture *f, gconstpointer data)
{
    (void)data;
    iotfp_addr cloud;
    g_assert_true(iotfp_addr_parse(&cloud, "52.10.1.30"));
    const iotfp_frame_record *r = add_udp(f, "192.168.1.23", "52.10.1.30", 0, 10);
    const iotfp_conv *conv = iotfp_analysis_conv(f->analysis, r->conv_id);
    g_assert_null(iotfp_analysis_peer_name(f->analysis, conv));
    iotfp_analysis_learn_name(f->analysis, &cloud, "use1-api.tplinkra.com", IOTFP_NAME_FROM_SNI);
    g_assert_cmpstr(iotfp_analysis_peer_name(f->analysis, conv), ==, "use1-api.tplinkra.com");
}

static void test_lookup_matches_first_pass(fixture *f, gconstpointer data)
{
    (void)data;
    const iotfp_frame_record *r = add_udp(f, "192.168.1.30", "47.88.1.10", 0, 10);
    iotfp_frame_record copy = *r;
    add_udp(f, "192.168.1.30", "47.88.1.10", 100, 10);
    const iotfp_frame_record *again = iotfp_analysis_frame(f->analysis, 1);
    g_assert_cmpmem(&copy, sizeof copy, again, sizeof *again);
    g_assert_null(iotfp_analysis_frame(f->analysis, 99));
    g_assert_null(iotfp_analysis_burst(f->analysis, 0));
    g_assert_null(iotfp_analysis_conv(f->analysis, 2));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn, home) g_test_add(path, fixture, home, setup, fn, teardown)
    ADD("/analysis/cloud-sides", test_cloud_conversation_sides, NULL);
    ADD("/analysis/one-conv-many-connections", test_one_conversation_across_connections, NULL);
    ADD("/analysis/local-group-foreign", test_local_group_and_foreign, NULL);
    ADD("/analysis/gap", test_bursts_split_by_gap, NULL);
    ADD("/analysis/interleaved", test_interleaved_conversations, NULL);
    ADD("/analysis/out-of-order", test_out_of_order_timestamps, NULL);
    ADD("/analysis/acks-retransmissions", test_acks_and_retransmissions, NULL);
    ADD("/analysis/malformed", test_malformed_packet, NULL);
    ADD("/analysis/ipv6", test_ipv6, NULL);
    ADD("/analysis/custom-home", test_custom_home, "203.0.113.0/24");
    ADD("/analysis/names", test_names_for_peers, NULL);
    ADD("/analysis/lookup", test_lookup_matches_first_pass, NULL);
    return g_test_run();
}
