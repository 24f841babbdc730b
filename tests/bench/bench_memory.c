/* Memory the analysis keeps per conversation, per burst and per frame,
 * measured with glibc's allocator statistics (bytes handed out, allocator
 * overhead included) while the core is fed synthetic traffic the way the
 * plugin feeds it: every packet through iotfp_analysis_add, its
 * conversation's platform features (transport and port, as the glue adds
 * them), and every burst classified once (the detector's per-burst cache).
 * Also prints the structure sizes the figures come from. A measurement to
 * read, not a test. */
#include <malloc.h>
#include <stdio.h>

#include "analysis.h"
#include "conv_features.h"
#include "detector.h"

#define CONVS 10000
#define BURSTS_PER_CONV 10
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
    const iotfp_conv *conv = iotfp_analysis_conv(f->analysis, record->conv_id);
    iotfp_conv_features_add_packet(iotfp_analysis_conv_features(f->analysis, record->conv_id), conv, &p);
    const iotfp_burst *burst = iotfp_analysis_burst(f->analysis, record->burst_id);
    if (burst) {
        iotfp_conv_facts facts = { conv->peer_port, NULL, NULL };
        iotfp_detector_classify(f->detector, burst, &facts, NULL);
    }
}

static void feeder_init(feeder *f, iotfp_netlist *home)
{
    iotfp_analysis_config config = { .home = home, .burst_gap_ns = 1500 * MS };
    f->analysis = iotfp_analysis_new(&config);
    f->signatures = iotfp_signature_set_new();
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
    feeder_init(&f, home);
    size_t before = heap_in_use();
    gint64 t = 0;
    for (guint b = 0; b < bursts; b++, t += 5000)
        for (guint c = 0; c < convs; c++)
            for (guint i = 0; i < packets; i++)
                feed(&f, c, (guint16)(40000 + c % 20000), t + i, 100 + i, 1000 + b * 10000 + i * 200, i % 2 == 0);
    size_t grown = heap_in_use() - before;
    feeder_clear(&f);
    return grown;
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
    printf("  per conversation (with one TCP connection and its platform features): %.0f B\n", per_conv);
    printf("  per 2-packet burst (frames included): %.0f B, plus %.1f B per packet while its shape holds under %u lengths\n", per_burst,
           per_packet_in_shape, IOTFP_SHAPE_MAX);
    printf("  per frame once a burst's shape is full: %.1f B\n", per_frame);
    printf("  10k conversations with one 2-packet burst each: %.2f MiB\n", small / 1048576.0);
    iotfp_netlist_free(home);
    return 0;
}
