/* capture.h - the single path from generated frames to the capture file.
 *
 * Devices generate their bursts one after another, but their packets
 * interleave in time, so frames are queued and written in order of a
 * nominal time. The timestamp written is separate from that order, which
 * is how a scenario plants out-of-order timestamps. Every frame written is
 * also handed to the truth tracker, in file order.
 *
 * The queue only holds frames not yet flushed: a scenario flushes up to the
 * start of each action it runs, so memory stays bounded by the bursts that
 * overlap in time, whatever the capture size.
 */
#ifndef IOTFP_CAPTURE_H
#define IOTFP_CAPTURE_H

#include <glib.h>

#include "truth.h"

typedef struct Capture Capture;

Capture *capture_open(const char *pcap_path, gint64 burst_gap_ns, GError **error);

/* Queues a copy of frame. Frames are written by increasing order_ns, ties
 * in queueing order; ts_ns is the timestamp recorded for the frame. */
void capture_queue_frame(Capture *capture, gint64 order_ns, gint64 ts_ns,
                         const guint8 *frame, gsize len, const EventTag *tag);

/* Writes every queued frame whose order_ns is before order_ns. The caller
 * promises to queue nothing ordered before it afterwards. */
gboolean capture_flush_before(Capture *capture, gint64 order_ns, GError **error);
gboolean capture_flush_all(Capture *capture, GError **error);

/* The truth over every frame flushed so far. */
const TruthTracker *capture_truth(const Capture *capture);

/* Flushes the queue and closes the pcap file; the truth stays available. */
gboolean capture_close(Capture *capture, GError **error);
void capture_free(Capture *capture);

#endif /* IOTFP_CAPTURE_H */
