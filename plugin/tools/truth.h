/* truth.h - ground truth computed from the frames actually written.
 *
 * The tracker re-dissects every frame on its way into the capture file and
 * applies the plugin's burst semantics to it, so the truth file describes
 * the bytes on disk and cannot drift from a separate model of the scenario:
 *
 *  - a conversation is a (device, remote) address pair where the device is
 *    inside the home networks (RFC 1918, 100.64/10, fc00::/7, fe80::/10);
 *    home<->home traffic is local and broadcast/multicast is broadcast, and
 *    only device<->cloud conversations are tracked;
 *  - a member is a TCP or UDP packet with payload that is not a TCP
 *    retransmission (its seq+len does not pass the highest seq+len already
 *    seen in its direction of the connection; a SYN starts a new connection);
 *  - a conversation's bursts split where the idle time between consecutive
 *    members exceeds the gap; a member stamped earlier than the previous
 *    one never splits;
 *  - cloud names come from DNS answers (the question name) and TLS SNI,
 *    the first one seen for an address winning.
 */
#ifndef IOTFP_TRUTH_H
#define IOTFP_TRUTH_H

#include <glib.h>

#include "frame_builder.h"

/* What the generator was doing when it produced a frame. */
typedef struct {
    const char *name;    /* "power_on", "other", ... */
    gboolean user_event; /* listed in the labels file */
} EventTag;

typedef struct {
    guint64 first_frame;       /* 1-based frame number of the first member */
    gint64 first_ts_ns;
    gint64 last_ts_ns;         /* timestamp of the latest member */
    IpAddress device;
    IpAddress cloud;
    guint packets;
    guint64 bytes;
    GString *shape;            /* "+N -N ..." in frame order */
    const EventTag *event;     /* tag of the first member */
    gboolean mixed_events;     /* members carried different tags */
    gint64 max_member_gap_ns;  /* largest idle time between consecutive members */
    gint64 gap_before_ns;      /* idle time since the conversation's previous
                                  burst, -1 for its first burst */
} TruthBurst;

typedef struct {
    guint64 frames;
    guint64 retransmissions;      /* TCP data segments excluded as retransmissions */
    guint64 backward_timestamps;  /* members stamped before the previous member
                                     of their conversation */
} TruthCounters;

typedef struct TruthTracker TruthTracker;

TruthTracker *truth_tracker_new(gint64 burst_gap_ns);
void truth_tracker_free(TruthTracker *tracker);

/* Must be called for every frame written, in file order. */
void truth_tracker_add_frame(TruthTracker *tracker, gint64 ts_ns,
                             const guint8 *frame, gsize len, const EventTag *tag);

/* TruthBurst pointers in order of their first frame. */
const GPtrArray *truth_tracker_bursts(const TruthTracker *tracker);
const TruthCounters *truth_tracker_counters(const TruthTracker *tracker);

/* The truth file: one row per device<->cloud burst. */
gboolean truth_tracker_write_truth_csv(const TruthTracker *tracker,
                                       const char *path, GError **error);
/* The labels file: one row per burst of a user event. */
gboolean truth_tracker_write_labels_csv(const TruthTracker *tracker,
                                        const char *path, GError **error);

#endif /* IOTFP_TRUTH_H */
