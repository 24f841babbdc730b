/* Device-type inference cost per packet, the plugin's budget being about
 * 2 us per packet for all of iotfp (10% over tshark's ~50k packets/s).
 * For hidden sizes around the recommended one, and for the bundled model when
 * it exists, prints the median over several runs of:
 *   step     one GRU step (iotfp_device_window_add), the model alone;
 *   tunnel   a packet of a VPN tunnel through the tracker: features and a
 *            step, every packet, for as long as the tunnel lasts;
 *   typed    a packet of a conversation already typed (after its first
 *            IOTFP_SEQ_TYPE_WINDOWS windows): what a long conversation costs.
 * Times are this process's CPU time, not wall time, so that other programs
 * on a shared machine inflate them less. A benchmark to read, not a test
 * that fails: machines are shared and noisy. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "device_model.h"
#include "seq_tracker.h"

#define PACKETS 200000
#define RUNS 5
#define WINDOW 32
#define CLASSES 12

static void append_numbers(GString *text, GRand *rand, guint n)
{
    for (guint i = 0; i < n; i++)
        g_string_append_printf(text, " %.5f", g_rand_double_range(rand, -0.5, 0.5));
}

/* A model of the given size with random weights, as a trainer would write it. */
static iotfp_device_model *random_model(GRand *rand, guint hidden)
{
    guint rows = 3 * hidden;
    GString *text = g_string_new("iotfp-device-model 1\nkind gru\n");
    g_string_append_printf(text, "features %d\nwindow %d\nhidden %u\nclasses %d", IOTFP_SEQ_N_FEATURES, WINDOW,
                           hidden, CLASSES);
    for (guint k = 0; k < CLASSES; k++)
        g_string_append_printf(text, " type%u", k);
    g_string_append(text, "\nmean");
    append_numbers(text, rand, IOTFP_SEQ_N_FEATURES);
    g_string_append(text, "\nstd");
    for (guint i = 0; i < IOTFP_SEQ_N_FEATURES; i++)
        g_string_append_printf(text, " %.3f", g_rand_double_range(rand, 0.5, 3.0));
    g_string_append_printf(text, "\nmatrix W_ih %u %d", rows, IOTFP_SEQ_N_FEATURES);
    append_numbers(text, rand, rows * IOTFP_SEQ_N_FEATURES);
    g_string_append_printf(text, "\nmatrix W_hh %u %u", rows, hidden);
    append_numbers(text, rand, rows * hidden);
    g_string_append_printf(text, "\nvector b_ih %u", rows);
    append_numbers(text, rand, rows);
    g_string_append_printf(text, "\nvector b_hh %u", rows);
    append_numbers(text, rand, rows);
    g_string_append_printf(text, "\nmatrix W_out %d %u", CLASSES, hidden);
    append_numbers(text, rand, CLASSES * hidden);
    g_string_append_printf(text, "\nvector b_out %d", CLASSES);
    append_numbers(text, rand, CLASSES);
    g_string_append_c(text, '\n');
    GError *error = NULL;
    iotfp_device_model *model = iotfp_device_model_parse(text->str, text->len, "bench.model", &error);
    if (!model) {
        fprintf(stderr, "bench_device_model: %s\n", error->message);
        exit(1);
    }
    g_string_free(text, TRUE);
    return model;
}

/* Packets of one flow: sizes, directions, flags and gaps that vary. */
static iotfp_packet *random_packets(GRand *rand, guint16 port)
{
    iotfp_packet *packets = g_new0(iotfp_packet, PACKETS);
    gint64 time_ns = G_GINT64_CONSTANT(1700000000000000000);
    for (guint i = 0; i < PACKETS; i++) {
        iotfp_packet *p = &packets[i];
        time_ns += g_rand_int_range(rand, 1, 500000000);
        p->frame = i + 1;
        p->time_ns = time_ns;
        p->transport = port == IOTFP_PORT_WIREGUARD ? IOTFP_TRANSPORT_UDP : IOTFP_TRANSPORT_TCP;
        p->src_port = 40000;
        p->dst_port = port;
        p->ip_len = (guint32)g_rand_int_range(rand, 40, 1500);
        p->tcp_flags = p->transport == IOTFP_TRANSPORT_TCP ? (guint8)g_rand_int_range(rand, 0, 32) : 0;
    }
    return packets;
}

static double cpu_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return (double)now.tv_sec * 1e9 + (double)now.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef enum { MEASURE_STEP, MEASURE_TUNNEL, MEASURE_TYPED } measure;

static double one_run(iotfp_device_model *model, const iotfp_packet *packets, measure what)
{
    iotfp_frame_record record = { .conv_id = 1, .role = IOTFP_ROLE_MEMBER };
    float features[IOTFP_SEQ_N_FEATURES];
    iotfp_seq_state seq = IOTFP_SEQ_STATE_INIT;
    iotfp_device_window window;
    iotfp_device_window_init(&window, model);
    iotfp_seq_tracker *tracker = iotfp_seq_tracker_new(model);
    guint start_at = 0;
    if (what == MEASURE_TYPED) {
        /* Type the conversation first: only the packets after count. */
        start_at = IOTFP_SEQ_TYPE_WINDOWS * iotfp_device_model_window(model);
        for (guint i = 0; i < start_at; i++) {
            record.direction = i % 3 ? 1 : -1;
            iotfp_seq_tracker_add(tracker, &packets[i], &record);
        }
    }
    volatile guint sink = 0;
    double start = cpu_ns();
    for (guint i = start_at; i < PACKETS; i++) {
        record.direction = i % 3 ? 1 : -1;
        if (what == MEASURE_STEP) {
            iotfp_device_type_result result;
            iotfp_seq_next(&seq, &packets[i], record.direction, features);
            if (iotfp_device_window_add(&window, model, features, NULL, &result))
                sink += result.type;
        } else {
            iotfp_seq_tracker_add(tracker, &packets[i], &record);
        }
    }
    double ns = (cpu_ns() - start) / (PACKETS - start_at);
    (void)sink;
    iotfp_seq_tracker_free(tracker);
    iotfp_device_window_clear(&window);
    return ns;
}

static double median_ns(iotfp_device_model *model, const iotfp_packet *packets, measure what)
{
    double per_run[RUNS];
    for (int run = 0; run < RUNS; run++)
        per_run[run] = one_run(model, packets, what);
    qsort(per_run, RUNS, sizeof per_run[0], compare_doubles);
    return per_run[RUNS / 2];
}

static void report(const char *name, iotfp_device_model *model, const iotfp_packet *tunnel,
                   const iotfp_packet *plain)
{
    printf("%-22s %6u %6u %7u %9.0f %9.0f %9.0f\n", name, iotfp_device_model_hidden(model),
           iotfp_device_model_window(model), iotfp_device_model_n_classes(model),
           median_ns(model, tunnel, MEASURE_STEP), median_ns(model, tunnel, MEASURE_TUNNEL),
           median_ns(model, plain, MEASURE_TYPED));
}

int main(void)
{
    GRand *rand = g_rand_new_with_seed(8);
    iotfp_packet *tunnel = random_packets(rand, IOTFP_PORT_WIREGUARD);
    iotfp_packet *plain = random_packets(rand, 443);
    printf("CPU ns per packet, median of %d runs of %d packets\n", RUNS, PACKETS);
    printf("%-22s %6s %6s %7s %9s %9s %9s\n", "model", "hidden", "window", "classes", "step", "tunnel", "typed");
    const guint sizes[] = { 8, 16, 24, 32, 64 };
    for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
        iotfp_device_model *model = random_model(rand, sizes[i]);
        char name[32];
        g_snprintf(name, sizeof name, "random, hidden %u", sizes[i]);
        report(name, model, tunnel, plain);
        iotfp_device_model_unref(model);
    }
    GError *error = NULL;
    iotfp_device_model *bundled = iotfp_device_model_load(IOTFP_BUNDLED_DEVICE_MODEL, &error);
    if (bundled) {
        report("bundled", bundled, tunnel, plain);
        iotfp_device_model_unref(bundled);
    } else {
        printf("bundled model not measured: %s\n", error->message);
        g_error_free(error);
    }
    g_free(tunnel);
    g_free(plain);
    g_rand_free(rand);
    return 0;
}
