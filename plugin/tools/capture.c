/* capture.c - the single path from generated frames to the capture file. */
#include "capture.h"

#include <string.h>

#include "pcap_writer.h"

struct Capture {
    PcapWriter *writer;  /* NULL once closed */
    TruthTracker *truth;
    GSequence *queue;    /* QueuedFrame*, sorted by (order_ns, serial) */
    guint64 next_serial;
};

typedef struct {
    gint64 order_ns;
    guint64 serial;      /* keeps frames of equal order_ns in queueing order */
    gint64 ts_ns;
    const EventTag *tag;
    gsize len;
    guint8 bytes[];
} QueuedFrame;

static gint
compare_queued_frames(gconstpointer a_ptr, gconstpointer b_ptr, gpointer unused)
{
    (void)unused;
    const QueuedFrame *a = a_ptr, *b = b_ptr;
    if (a->order_ns != b->order_ns)
        return a->order_ns < b->order_ns ? -1 : 1;
    return a->serial < b->serial ? -1 : a->serial > b->serial;
}

Capture *
capture_open(const char *pcap_path, gint64 burst_gap_ns, GError **error)
{
    PcapWriter *writer = pcap_writer_open(pcap_path, error);
    if (writer == NULL)
        return NULL;
    Capture *capture = g_new0(Capture, 1);
    capture->writer = writer;
    capture->truth = truth_tracker_new(burst_gap_ns);
    capture->queue = g_sequence_new(g_free);
    return capture;
}

void
capture_queue_frame(Capture *capture, gint64 order_ns, gint64 ts_ns,
                    const guint8 *frame, gsize len, const EventTag *tag)
{
    g_return_if_fail(capture->writer != NULL);
    QueuedFrame *queued = g_malloc(sizeof *queued + len);
    queued->order_ns = order_ns;
    queued->serial = capture->next_serial++;
    queued->ts_ns = ts_ns;
    queued->tag = tag;
    queued->len = len;
    memcpy(queued->bytes, frame, len);
    g_sequence_insert_sorted(capture->queue, queued, compare_queued_frames, NULL);
}

/* Writes queued frames in order while they are ordered before limit_ns
 * (or all of them, without a limit). */
static gboolean
write_queued_frames(Capture *capture, gboolean limited, gint64 limit_ns,
                    GError **error)
{
    g_return_val_if_fail(capture->writer != NULL, FALSE);
    while (!g_sequence_is_empty(capture->queue)) {
        GSequenceIter *first = g_sequence_get_begin_iter(capture->queue);
        const QueuedFrame *queued = g_sequence_get(first);
        if (limited && queued->order_ns >= limit_ns)
            break;
        if (!pcap_writer_write(capture->writer, queued->ts_ns, queued->bytes,
                               queued->len, error))
            return FALSE;
        truth_tracker_add_frame(capture->truth, queued->ts_ns, queued->bytes,
                                queued->len, queued->tag);
        g_sequence_remove(first);
    }
    return TRUE;
}

gboolean
capture_flush_before(Capture *capture, gint64 order_ns, GError **error)
{
    return write_queued_frames(capture, TRUE, order_ns, error);
}

gboolean
capture_flush_all(Capture *capture, GError **error)
{
    return write_queued_frames(capture, FALSE, 0, error);
}

const TruthTracker *
capture_truth(const Capture *capture)
{
    return capture->truth;
}

gboolean
capture_close(Capture *capture, GError **error)
{
    g_return_val_if_fail(capture->writer != NULL, FALSE);
    gboolean flushed = capture_flush_all(capture, error);
    PcapWriter *writer = capture->writer;
    capture->writer = NULL;
    /* Close even when flushing failed, but report the first error only. */
    return pcap_writer_close(writer, flushed ? error : NULL) && flushed;
}

void
capture_free(Capture *capture)
{
    if (capture == NULL)
        return;
    if (capture->writer != NULL)
        pcap_writer_close(capture->writer, NULL);
    truth_tracker_free(capture->truth);
    g_sequence_free(capture->queue);
    g_free(capture);
}
