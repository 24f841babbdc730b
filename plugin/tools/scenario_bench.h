/* scenario_bench.h - the "bench" scenario: a busy 30-device home streamed
 * to a capture of a requested size, for tshark speed benchmarks.
 *
 * Unlike the table scenarios (scenario.h) it has no ground truth: its web
 * and video traffic breaks the design rules that truth checking enforces,
 * and a truth tracker keeps every burst, so it would grow with the capture.
 * The bench scenario writes straight to a PcapWriter and keeps only a
 * bounded amount of state per device, so memory stays constant whatever
 * the packet count.
 */
#ifndef IOTFP_SCENARIO_BENCH_H
#define IOTFP_SCENARIO_BENCH_H

#include <glib.h>

#define SCENARIO_BENCH_NAME "bench"
#define SCENARIO_BENCH_DEFAULT_PACKETS 100000

typedef struct {
    guint64 frames;
    guint64 iot_frames;   /* frames of the IoT devices' cloud conversations */
    guint64 iot_events;   /* user-event bursts started */
    guint64 heartbeats;
    guint64 web_pages;
    guint64 video_chunks;
    guint64 dns_lookups;
    gint64 duration_ns;   /* first to last frame */
} BenchSummary;

/* Writes exactly `packets` frames of the bench home to pcap_path. */
gboolean scenario_bench_write(const char *pcap_path, guint64 seed, guint64 packets,
                              BenchSummary *summary, GError **error);

#endif /* IOTFP_SCENARIO_BENCH_H */
