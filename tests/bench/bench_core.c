/* What the core costs, without tshark around it (whose timings on a shared
 * machine are mostly noise):
 * - memory per conversation, per burst and per frame, measured with glibc's
 *   allocator statistics (bytes handed out, allocator overhead included),
 *   with the structure sizes the figures come from;
 * - CPU time per packet at 100k, 1M and 5M packets of a synthetic home
 *   whose conversations keep coming (one new every 200 packets, as in a
 *   longer capture), in both of Wireshark's passes: the first builds the
 *   analysis, the second classifies each packet's burst with the bundled
 *   signatures and formats its shape, as tshark -2 -T fields does. Flat
 *   per-packet times mean no cost grows with conversations or bursts.
 * The core is fed the way the plugin feeds it: every packet through
 * iotfp_analysis_add and its conversation's platform features (transport
 * and port, as the glue adds them). Figures to read, not a test. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "analysis.h"
#include "conv_features.h"
#include "detector.h"
#include "shape_text.h"

#define CONVS 10000
#define BURSTS_PER_CONV 10
#define SCALE_RUNS 5
#define MS G_GINT64_CONSTANT(1000000)

typedef struct {
    iotfp_analysis *analysis;
    iotfp_detector *detector;
    iotfp_signature_set *signatures;
    guint32 frame;
} feeder;

static size_t heap_in_use(void)
{
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

static void feed(feeder *f, guint32 cloud, guint16 device_port, gint64 time_ms, guint32 payload, guint32 seq,
                 gboolean from_device)
{
    iotfp_packet p = { 0 };
    guint8 device[4] = { 192, 168, 1, 23 }, remote[4] = { 52, (guint8)(cloud >> 16), (guint8)(cloud >> 8),
                                                          (guint8)cloud };
    p.frame = ++f->frame;
    p.time_ns = time_ms * MS;
    iotfp_addr_set_ipv4(from_device ? &p.src : &p.dst, device);
    iotfp_addr_set_ipv4(from_device ? &p.dst : &p.src, remote);
    p.src_port = from_device ? device_port : 443;
    p.dst_port = from_device ? 443 : device_port;
    p.transport = IOTFP_TRANSPORT_TCP;
    p.tcp_seq = seq;
    p.payload_len = payload;
    const iotfp_frame_record *record = iotfp_analysis_add(f->analysis, &p);
    iotfp_conv_features_add_packet(iotfp_analysis_conv_features(f->analysis, record->conv_id),
                                   iotfp_analysis_conv(f->analysis, record->conv_id), &p);
}

/* What a later pass does for one frame that tshark -2 -T fields shows. */
static void render(feeder *f, iotfp_shape_text_cache *shapes, guint32 frame)
{
    const iotfp_frame_record *record = iotfp_analysis_frame(f->analysis, frame);
    const iotfp_burst *burst = record ? iotfp_analysis_burst(f->analysis, record->burst_id) : NULL;
    if (!burst)
        return;
    const iotfp_conv *conv = iotfp_analysis_conv(f->analysis, record->conv_id);
    iotfp_conv_facts facts = { conv->peer_port, NULL, NULL };
    iotfp_detector_classify(f->detector, burst, &facts, NULL);
    if (shapes)
        iotfp_shape_text(shapes, burst);
}

static void feeder_init(feeder *f, iotfp_netlist *home, const char *signatures)
{
    iotfp_analysis_config config = { .home = home, .burst_gap_ns = 1500 * MS };
    f->analysis = iotfp_analysis_new(&config);
    f->signatures = iotfp_signature_set_new();
    if (signatures) {
        GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
        iotfp_signature_set_load(f->signatures, signatures, NULL, errors);
        for (guint i = 0; i < errors->len; i++)
            fprintf(stderr, "bench_core: %s\n", (char *)g_ptr_array_index(errors, i));
        g_ptr_array_free(errors, TRUE);
    }
    f->detector = iotfp_detector_new(f->signatures);
    f->frame = 0;
}

static void feeder_clear(feeder *f)
{
    iotfp_detector_free(f->detector);
    iotfp_signature_set_free(f->signatures);
    iotfp_analysis_free(f->analysis);
}

/* One burst of `packets` packets (alternating directions) per conversation,
 * `convs` conversations; returns the heap growth. */
static size_t grow(iotfp_netlist *home, guint convs, guint bursts, guint packets)
{
    feeder f;
    feeder_init(&f, home, NULL);
    size_t before = heap_in_use();
    gint64 t = 0;
    for (guint b = 0; b < bursts; b++, t += 5000)
        for (guint c = 0; c < convs; c++)
            for (guint i = 0; i < packets; i++)
                feed(&f, c, (guint16)(40000 + c % 20000), t + i, 100 + i, 1000 + b * 10000 + i * 200, i % 2 == 0);
    /* Every burst classified once: the detector's per-burst cache. */
    for (guint32 frame = 1; frame <= f.frame; frame++)
        render(&f, NULL, frame);
    size_t grown = heap_in_use() - before;
    feeder_clear(&f);
    return grown;
}

/* Seconds of CPU time for both passes over `packets` packets. Bursts of 2
 * to 40 packets, 5 ms apart, go to one of the 64 latest conversations, and
 * a new conversation starts every 200 packets; a conversation's next burst
 * comes seconds later, after the gap, so bursts end as in a real home. */
static void scale(iotfp_netlist *home, guint packets, double *first_pass, double *second_pass)
{
    feeder f;
    feeder_init(&f, home, IOTFP_SIGNATURE_DIR);
    GRand *rand = g_rand_new_with_seed(7);
    guint32 *seq = g_new0(guint32, packets / 200 + 64);
    clock_t start = clock();
    gint64 t = 0;
    for (guint i = 0; i < packets; t += 100) {
        guint c = i / 200 + 63 - (guint)g_rand_int_range(rand, 0, 64);
        guint length = (guint)g_rand_int_range(rand, 2, 41);
        for (guint k = 0; k < length && i < packets; k++, i++, t += 5) {
            guint32 payload = (guint32)g_rand_int_range(rand, 1, 1460);
            feed(&f, c, (guint16)(40000 + c % 20000), t, payload, seq[c] += payload, g_rand_boolean(rand));
        }
    }
    *first_pass = (double)(clock() - start) / CLOCKS_PER_SEC;
    iotfp_shape_text_cache *shapes = iotfp_shape_text_cache_new();
    start = clock();
    for (guint32 frame = 1; frame <= f.frame; frame++)
        render(&f, shapes, frame);
    *second_pass = (double)(clock() - start) / CLOCKS_PER_SEC;
    iotfp_shape_text_cache_free(shapes);
    g_free(seq);
    g_rand_free(rand);
    feeder_clear(&f);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, gsize n)
{
    qsort(values, n, sizeof *values, compare_doubles);
    return values[n / 2];
}

int main(void)
{
    iotfp_netlist *home = iotfp_netlist_parse(IOTFP_DEFAULT_HOME_NETWORKS, NULL);
    printf("structures: conversation %zu B, burst %zu B (+ up to %u lengths of 4 B), frame record %zu B\n",
           sizeof(iotfp_conv), sizeof(iotfp_burst), IOTFP_SHAPE_MAX, sizeof(iotfp_frame_record));

    /* Conversations: one 2-packet burst each; subtract what the bursts and frames cost. */
    size_t small = grow(home, CONVS, 1, 2);
    size_t more_bursts = grow(home, CONVS, BURSTS_PER_CONV, 2);
    /* A 2-packet burst, its two frame records and lengths included. */
    double per_burst = (double)(more_bursts - small) / (CONVS * (BURSTS_PER_CONV - 1));
    /* Frames: the same bursts with 50 more packets each, the shape still under its cap... */
    size_t long_bursts = grow(home, CONVS, 1, 52);
    /* ...and beyond the cap, where a packet adds only its frame record. */
    size_t capped = grow(home, 1000, 1, IOTFP_SHAPE_MAX + 1000);
    size_t capped_less = grow(home, 1000, 1, IOTFP_SHAPE_MAX + 500);
    double per_packet_in_shape = (double)(long_bursts - small) / (CONVS * 50.0);
    double per_frame = (double)(capped - capped_less) / (1000 * 500.0);
    double per_conv = (double)small / CONVS - per_burst - 2 * per_packet_in_shape;
    printf("measured (glibc heap in use, allocator overhead included):\n");
    if (small == 0)
        printf("  (no heap statistics: a sanitizer's allocator replaces glibc's; use a normal build)\n");
    printf("  per conversation (with one TCP connection and its platform features): %.0f B\n", per_conv);
    printf("  per 2-packet burst (frames included): %.0f B, plus %.1f B per packet while its shape holds "
           "under %u lengths\n", per_burst, per_packet_in_shape, IOTFP_SHAPE_MAX);
    printf("  per frame once a burst's shape is full: %.1f B\n", per_frame);
    printf("  10k conversations with one 2-packet burst each: %.2f MiB\n", small / 1048576.0);

    const guint sizes[] = { 100000, 1000000, 5000000 };
    double base_first = 0, base_second = 0;
    printf("\nCPU time per packet, median of %d runs (x: against 100k; 1.00 is linear), bundled signatures "
           "from %s:\n", SCALE_RUNS, IOTFP_SIGNATURE_DIR);
    printf("%10s %11s %18s %18s\n", "packets", "convs", "first pass ns", "later pass ns");
    for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
        /* One run on this shared machine varies by a third. */
        double firsts[SCALE_RUNS], seconds[SCALE_RUNS];
        for (int run = 0; run < SCALE_RUNS; run++)
            scale(home, sizes[i], &firsts[run], &seconds[run]);
        double first = median(firsts, SCALE_RUNS) / sizes[i] * 1e9;
        double second = median(seconds, SCALE_RUNS) / sizes[i] * 1e9;
        if (i == 0) {
            base_first = first;
            base_second = second;
        }
        printf("%10u %11u %12.0f x%.2f %12.0f x%.2f\n", sizes[i], sizes[i] / 200 + 64, first, first / base_first,
               second, second / base_second);
    }
    iotfp_netlist_free(home);
    return 0;
}
