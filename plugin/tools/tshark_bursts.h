/* tshark_bursts.h - the plugin's bursts of a capture, read by running tshark
 * with the plugin loaded, so that the tools see exactly the segmentation (and,
 * for iotfp-eval, the event decisions) that Wireshark shows a user. */
#ifndef IOTFP_TSHARK_BURSTS_H
#define IOTFP_TSHARK_BURSTS_H

#include <glib.h>

#include "signature.h"
#include "tshark_run.h"

typedef struct {
    guint32 id;            /* iotfp.burst: capture-wide burst number */
    guint32 conv;          /* iotfp.conv */
    guint32 start_frame;   /* iotfp.burst.start */
    guint scope;           /* iotfp.scope: an iotfp_scope, as -T fields prints it */
    char *device;          /* iotfp.device, in the canonical text form of iotfp_addr_format */
    char *cloud;           /* iotfp.cloud: the remote's learned name or address; "" when absent */
    double start;          /* earliest member timestamp, epoch seconds (the core's burst start) */
    GArray *shape;         /* gint32 signed payload lengths, the first IOTFP_SHAPE_MAX of them */
    GArray *messages;      /* gint32 iotfp.burst.messages; NULL when the burst has none */
    GArray *cloud_ports;   /* guint16, each distinct port seen on the remote side of a member */
    /* Filled only when events were asked for (iotfp-eval). */
    char *event;           /* iotfp.event; NULL when no signature applies to the conversation */
    double event_distance; /* iotfp.event.distance; < 0 when absent */
    char *model;           /* iotfp.device.model; NULL when absent */
} iotfp_tool_burst;

typedef struct {
    char *capture;
    GPtrArray *bursts;     /* iotfp_tool_burst, ordered by start, then id */
    double first_time;     /* timestamps of the capture's earliest and latest frames */
    double last_time;
    guint frames;
} iotfp_capture_bursts;

typedef struct {
    const char *program;       /* NULL: $IOTFP_TSHARK, else "tshark" */
    guint burst_gap_ms;        /* passed as -o iotfp.burst_gap:MS */
    gboolean with_events;      /* also read iotfp.event, .distance and iotfp.device.model */
    const char *const *preferences; /* NULL-terminated "name:value" strings, each passed with -o; may be NULL */
} iotfp_tshark_request;

/* Runs tshark over the capture (two passes, so every packet shows its whole
 * burst) and collects the bursts. On failure, the message names the capture
 * and says what tshark reported. */
iotfp_capture_bursts *iotfp_tshark_read_bursts(const char *capture, const iotfp_tshark_request *request,
                                               GError **error);
void iotfp_capture_bursts_free(iotfp_capture_bursts *capture);

gboolean iotfp_tool_burst_has_cloud_port(const iotfp_tool_burst *burst, guint port);

/* What a signature of that kind compares: as iotfp_signature_burst_lengths. */
const GArray *iotfp_tool_burst_lengths(const iotfp_tool_burst *burst, iotfp_shape_kind kind);

/* The lengths a signature of that kind compares, as the plugin writes them,
 * "+142 -1452", for reports. At most max_lengths lengths, then " ..." */
char *iotfp_tool_burst_shape_text(const iotfp_tool_burst *burst, iotfp_shape_kind kind, guint max_lengths);

#endif
