#include <string.h>

#include "seq_tracker.h"
#include "test_device_model_tiny.h"

#define MS G_GINT64_CONSTANT(1000000)

typedef struct {
    iotfp_device_model *model;
    iotfp_seq_tracker *tracker;
} fixture;

static void setup(fixture *f, gconstpointer data)
{
    (void)data;
    char *text = tiny_text_with(0, NULL);
    f->model = iotfp_device_model_parse(text, strlen(text), "tiny.model", NULL);
    g_assert_nonnull(f->model);
    g_free(text);
    f->tracker = iotfp_seq_tracker_new(f->model);
}

static void teardown(fixture *f, gconstpointer data)
{
    (void)data;
    iotfp_seq_tracker_free(f->tracker);
    iotfp_device_model_unref(f->model);
}

static iotfp_packet packet(guint32 frame, guint32 ip_len, guint16 dport)
{
    iotfp_packet p = { 0 };
    p.frame = frame;
    p.time_ns = frame * 10 * MS;
    p.transport = IOTFP_TRANSPORT_UDP;
    p.src_port = 40000;
    p.dst_port = dport;
    p.ip_len = ip_len;
    return p;
}

static void add(fixture *f, const iotfp_packet *p, guint32 conv_id, gint8 direction)
{
    iotfp_frame_record record = { .conv_id = conv_id, .role = IOTFP_ROLE_MEMBER, .direction = direction };
    iotfp_seq_tracker_add(f->tracker, p, &record);
}

/* The conversation's type is the mean over its first windows, computed here
 * window by window with the model alone. */
static void test_conversation_type_is_mean_of_first_windows(fixture *f, gconstpointer data)
{
    (void)data;
    iotfp_seq_state seq = IOTFP_SEQ_STATE_INIT;
    iotfp_device_window window;
    iotfp_device_window_init(&window, f->model);
    float sum[2] = { 0, 0 };
    iotfp_device_type_result result;
    g_assert_false(iotfp_seq_tracker_conv_type(f->tracker, 1, &result));
    guint32 frame = 1;
    /* Windows that lean to different classes: long packets out, short in, and the reverse. */
    const guint32 lengths[] = { 1400, 60, 60, 1400, 1400, 1400, 60, 60 };
    const gint8 directions[] = { +1, -1, -1, +1, +1, -1, +1, -1 };
    for (guint i = 0; i < G_N_ELEMENTS(lengths); i++, frame++) {
        iotfp_packet p = packet(frame, lengths[i], 443);
        add(f, &p, 1, directions[i]);
        float features[IOTFP_SEQ_N_FEATURES], probabilities[2];
        iotfp_seq_next(&seq, &p, directions[i], features);
        if (iotfp_device_window_add(&window, f->model, features, probabilities, &result)) {
            sum[0] += probabilities[0];
            sum[1] += probabilities[1];
            guint windows = (i + 1) / 2;
            guint best = sum[1] > sum[0] ? 1 : 0;
            g_assert_true(iotfp_seq_tracker_conv_type(f->tracker, 1, &result));
            g_assert_cmpuint(result.type, ==, best);
            g_assert_cmpfloat_with_epsilon(result.confidence, sum[best] / windows, 1e-6);
        }
    }
    iotfp_device_window_clear(&window);
    g_assert_cmpuint(IOTFP_SEQ_TYPE_WINDOWS, ==, G_N_ELEMENTS(lengths) / 2);
    iotfp_device_type_result typed;
    g_assert_true(iotfp_seq_tracker_conv_type(f->tracker, 1, &typed));
    /* Typed for good: later windows change nothing. */
    for (guint i = 0; i < 20; i++, frame++) {
        iotfp_packet p = packet(frame, 40, 443);
        add(f, &p, 1, -1);
    }
    g_assert_true(iotfp_seq_tracker_conv_type(f->tracker, 1, &result));
    g_assert_cmpuint(result.type, ==, typed.type);
    g_assert_cmpfloat(result.confidence, ==, typed.confidence);
    guint64 index;
    gboolean complete;
    g_assert_false(iotfp_seq_tracker_tunnel_window(f->tracker, 1, 3, &index, &complete, &result));
}

static void test_tunnel_windows(fixture *f, gconstpointer data)
{
    (void)data;
    /* Conversation 2 is a WireGuard tunnel, interleaved with conversation 1. */
    for (guint32 frame = 1; frame <= 12; frame++) {
        iotfp_packet p = packet(frame, 100 + frame * 10, frame % 2 ? 443 : IOTFP_PORT_WIREGUARD);
        add(f, &p, frame % 2 ? 1 : 2, frame % 3 ? 1 : -1);
    }
    iotfp_device_type_result result;
    g_assert_false(iotfp_seq_tracker_conv_type(f->tracker, 2, &result));
    g_assert_true(iotfp_seq_tracker_conv_type(f->tracker, 1, &result));

    /* Tunnel frames 2 4 | 6 8 | 10 12: each pair a window, typed on its own. */
    iotfp_seq_state seq = IOTFP_SEQ_STATE_INIT;
    iotfp_device_window window;
    iotfp_device_window_init(&window, f->model);
    for (guint32 frame = 2; frame <= 12; frame += 2) {
        iotfp_packet p = packet(frame, 100 + frame * 10, IOTFP_PORT_WIREGUARD);
        float features[IOTFP_SEQ_N_FEATURES];
        iotfp_seq_next(&seq, &p, frame % 3 ? 1 : -1, features);
        iotfp_device_type_result expected;
        if (!iotfp_device_window_add(&window, f->model, features, NULL, &expected))
            continue;
        for (guint32 member = frame - 2; member <= frame; member++) {
            guint64 index = 99;
            gboolean complete = FALSE;
            iotfp_device_type_result got = { 99, 0 };
            g_assert_true(iotfp_seq_tracker_tunnel_window(f->tracker, 2, member, &index, &complete, &got));
            g_assert_cmpuint(index, ==, (frame - 2) / 4);
            g_assert_true(complete);
            g_assert_cmpuint(got.type, ==, expected.type);
            g_assert_cmpfloat(got.confidence, ==, expected.confidence);
        }
    }
    iotfp_device_window_clear(&window);
    guint64 index;
    gboolean complete;
    /* Frame 1 is no tunnel frame, and comes before the tunnel's first. */
    g_assert_false(iotfp_seq_tracker_tunnel_window(f->tracker, 2, 1, &index, &complete, &result));
    g_assert_false(iotfp_seq_tracker_tunnel_window(f->tracker, 3, 2, &index, &complete, &result));

    /* An incomplete last window has an index and no type. */
    iotfp_packet p = packet(14, 100, IOTFP_PORT_WIREGUARD);
    add(f, &p, 2, 1);
    g_assert_true(iotfp_seq_tracker_tunnel_window(f->tracker, 2, 14, &index, &complete, &result));
    g_assert_cmpuint(index, ==, 3);
    g_assert_false(complete);
}

static void test_turns_into_tunnel(fixture *f, gconstpointer data)
{
    (void)data;
    /* IKE (UDP 500), then ESP: the tunnel's first window starts at the ESP. */
    iotfp_packet ike = packet(1, 300, 500);
    iotfp_packet esp = packet(2, 120, 0);
    esp.transport = IOTFP_TRANSPORT_OTHER;
    esp.ip_proto = IOTFP_IP_PROTO_ESP;
    add(f, &ike, 1, 1);
    add(f, &esp, 1, 1);
    guint64 index;
    gboolean complete;
    iotfp_device_type_result result;
    g_assert_false(iotfp_seq_tracker_tunnel_window(f->tracker, 1, 1, &index, &complete, &result));
    g_assert_true(iotfp_seq_tracker_tunnel_window(f->tracker, 1, 2, &index, &complete, &result));
    g_assert_cmpuint(index, ==, 0);
    g_assert_true(complete);
    g_assert_false(iotfp_seq_tracker_conv_type(f->tracker, 1, &result));
}

static void test_no_model_types_nothing(void)
{
    iotfp_seq_tracker *tracker = iotfp_seq_tracker_new(NULL);
    g_assert_null(iotfp_seq_tracker_model(tracker));
    for (guint32 frame = 1; frame <= 10; frame++) {
        iotfp_packet p = packet(frame, 100, IOTFP_PORT_WIREGUARD);
        iotfp_frame_record record = { .conv_id = 1, .role = IOTFP_ROLE_MEMBER, .direction = 1 };
        iotfp_seq_tracker_add(tracker, &p, &record);
    }
    iotfp_device_type_result result;
    guint64 index;
    gboolean complete;
    g_assert_false(iotfp_seq_tracker_conv_type(tracker, 1, &result));
    g_assert_false(iotfp_seq_tracker_tunnel_window(tracker, 1, 5, &index, &complete, &result));
    iotfp_seq_tracker_free(tracker);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, fixture, NULL, setup, fn, teardown)
    ADD("/seq-tracker/conversation-type", test_conversation_type_is_mean_of_first_windows);
    ADD("/seq-tracker/tunnel-windows", test_tunnel_windows);
    ADD("/seq-tracker/turns-into-tunnel", test_turns_into_tunnel);
    g_test_add_func("/seq-tracker/no-model", test_no_model_types_nothing);
    return g_test_run();
}
