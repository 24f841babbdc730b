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

/* TCP flag bits as they sit in the header. */
#define IOTFP_TCP_FIN 0x01
#define IOTFP_TCP_SYN 0x02
#define IOTFP_TCP_RST 0x04
#define IOTFP_TCP_PSH 0x08
#define IOTFP_TCP_ACK 0x10

#define IOTFP_IP_PROTO_ESP 50

/* Application records ending in one packet that are kept; a packet rarely
 * ends more than two. */
#define IOTFP_PACKET_MESSAGES_MAX 8

typedef struct {
    guint32 frame;        /* 1-based, in capture order */
    gint64 time_ns;       /* absolute capture time; need not be monotonic */
    iotfp_addr src, dst;  /* innermost IP header */
    guint16 src_port, dst_port;
    guint8 transport;     /* iotfp_transport */
    gboolean link_group;  /* link-layer destination is broadcast or multicast */
    guint32 tcp_seq;      /* raw sequence number */
    guint32 payload_len;  /* transport payload bytes */
    gboolean malformed;   /* a header's length contradicts the bytes on the wire, or the
                             transport header is incomplete: payload_len is unknown */
    guint32 ip_len;       /* whole IP packet: IPv4 total length, IPv6 40 + payload length */
    guint8 ip_proto;      /* IPv4 protocol or IPv6 next header (50: ESP) */
    guint8 tcp_flags;     /* TCP header flag bits (IOTFP_TCP_*), 0 for other transports */
    /* The application's own messages that end in this packet, whatever the
     * segments that carried them: TLS application-data records, by their
     * record length. The handshake is left out: certificate chains and
     * session resumption differ between homes and say nothing of the event. */
    guint8 n_messages;
    guint16 message_len[IOTFP_PACKET_MESSAGES_MAX];
} iotfp_packet;

#endif
