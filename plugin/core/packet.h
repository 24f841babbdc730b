/* What the core needs to know about one captured packet. The Wireshark glue
 * fills it from the dissection; tests fill it by hand. */
#ifndef IOTFP_PACKET_H
#define IOTFP_PACKET_H

#include "addr.h"

typedef enum {
    IOTFP_TRANSPORT_OTHER = 0,
    IOTFP_TRANSPORT_TCP,
    IOTFP_TRANSPORT_UDP,
} iotfp_transport;

typedef struct {
    guint32 frame;        /* 1-based, in capture order */
    gint64 time_ns;       /* absolute capture time; need not be monotonic */
    iotfp_addr src, dst;  /* innermost IP header */
    guint16 src_port, dst_port;
    guint8 transport;     /* iotfp_transport */
    gboolean link_group;  /* link-layer destination is broadcast or multicast */
    gboolean tcp_syn;
    guint32 tcp_seq;      /* raw sequence number */
    guint32 payload_len;  /* transport payload bytes */
    gboolean malformed;   /* a header's length contradicts the bytes on the wire, or the
                             transport header is incomplete: payload_len is unknown */
} iotfp_packet;

#endif
