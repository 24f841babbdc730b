/* Recognises TCP retransmissions from sequence numbers alone, so that burst
 * shapes do not depend on Wireshark's TCP analysis preferences and the
 * command-line tools see the same thing as the plugin. */
#ifndef IOTFP_TCP_TRACKER_H
#define IOTFP_TCP_TRACKER_H

#include <glib.h>

typedef struct iotfp_tcp_tracker iotfp_tcp_tracker;

iotfp_tcp_tracker *iotfp_tcp_tracker_new(void);
void iotfp_tcp_tracker_free(iotfp_tcp_tracker *tracker);

/* A connection is named by its conversation and the two ports; from_device
 * picks the direction. A segment is a retransmission when it ends at or before
 * the highest sequence number already seen in its direction. A SYN restarts the
 * direction's numbering (a reused port pair opens a new connection). */
gboolean iotfp_tcp_tracker_is_retransmission(iotfp_tcp_tracker *tracker, guint32 conv_id,
                                             guint16 device_port, guint16 peer_port,
                                             gboolean from_device, gboolean syn,
                                             guint32 seq, guint32 payload_len);

#endif
