/* frame_builder.h - Ethernet II + IPv4/IPv6 + TCP/UDP frames with valid
 * checksums, and a TCP flow helper that keeps both sides' seq/ack straight.
 *
 * Frames are built into a caller buffer of at least FRAME_MAX_LEN bytes.
 * Violating a documented bound is a programming error and aborts.
 */
#ifndef IOTFP_FRAME_BUILDER_H
#define IOTFP_FRAME_BUILDER_H

#include <glib.h>

#define ETH_ADDR_LEN 6
#define ETH_HEADER_LEN 14
/* Shortest Ethernet frame without FCS: shorter frames are zero-padded, as
 * they appear on the wire, so readers must take lengths from the IP header. */
#define ETH_MIN_FRAME_LEN 60
/* Ethernet MTU 1500 plus the Ethernet header. */
#define FRAME_MAX_LEN 1514
#define TCP_HEADER_LEN 20
#define UDP_HEADER_LEN 8

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10

enum {
    IP_FAMILY_V4 = 4,
    IP_FAMILY_V6 = 6,
};

/* Only byte members: the struct has no padding, so it can be hashed and
 * compared as raw memory. Unused bytes of an IPv4 address are zero. */
typedef struct {
    guint8 family; /* IP_FAMILY_V4 or IP_FAMILY_V6 */
    guint8 bytes[16];
} IpAddress;

/* Enough for any formatted IPv6 address (INET6_ADDRSTRLEN). */
#define IP_ADDRESS_STRLEN 46

gboolean ip_address_parse(const char *text, IpAddress *address);
/* Canonical text form (RFC 5952 for IPv6), as Wireshark displays it. */
void ip_address_format(const IpAddress *address, char text[IP_ADDRESS_STRLEN]);

/* A host as seen at the capture point on the home LAN. */
typedef struct {
    guint8 mac[ETH_ADDR_LEN]; /* for remote hosts: the router's MAC */
    IpAddress ip;
    guint8 ttl;               /* TTL / hop limit on arrival at the capture point */
    guint16 next_ip_id;       /* IPv4 identification counter of this sender */
} NetHost;

/* Aborts on malformed text: host tables are part of the program. */
void net_host_init(NetHost *host, const char *mac_text, const char *ip_text,
                   guint8 ttl, guint16 first_ip_id);

/* Largest TCP payload of a segment without options between these hosts. */
gsize tcp_max_segment_size(const NetHost *src);

typedef struct {
    guint32 seq;
    guint32 ack;
    guint8 flags;         /* TCP_FLAG_* */
    guint16 window;
    guint16 mss_option;   /* when non-zero, an MSS option is added (SYNs) */
} TcpHeaderFields;

/* Both return the frame length; src and dst must be of the same family. */
gsize frame_build_tcp(guint8 *frame, NetHost *src, guint16 src_port,
                      const NetHost *dst, guint16 dst_port,
                      const TcpHeaderFields *tcp,
                      const guint8 *payload, gsize payload_len);
gsize frame_build_udp(guint8 *frame, NetHost *src, guint16 src_port,
                      const NetHost *dst, guint16 dst_port,
                      const guint8 *payload, gsize payload_len);

typedef enum {
    TCP_FROM_CLIENT = 0,
    TCP_FROM_SERVER = 1,
} TcpDirection;

/* One TCP connection. Every segment acknowledges everything the peer has
 * sent so far, as seen from a capture point between the two. */
typedef struct {
    NetHost *host[2];       /* indexed by TcpDirection of the sender */
    guint16 port[2];
    guint32 next_seq[2];
    guint16 window[2];
    /* The most recent data segment, kept for tcp_flow_retransmit_last_data. */
    TcpDirection last_data_direction;
    guint32 last_data_seq;
    GByteArray *last_data;
} TcpFlow;

void tcp_flow_init(TcpFlow *flow, NetHost *client, guint16 client_port,
                   NetHost *server, guint16 server_port,
                   guint32 client_isn, guint32 server_isn);
void tcp_flow_clear(TcpFlow *flow);

gsize tcp_flow_syn(TcpFlow *flow, guint8 *frame);
gsize tcp_flow_syn_ack(TcpFlow *flow, guint8 *frame);
/* A pure ACK: no payload, no flags but ACK. */
gsize tcp_flow_ack(TcpFlow *flow, TcpDirection from, guint8 *frame);
/* A PSH|ACK data segment; payload_len <= tcp_max_segment_size(sender). */
gsize tcp_flow_data(TcpFlow *flow, TcpDirection from, const guint8 *payload,
                    gsize payload_len, guint8 *frame);
/* The last data segment again: same seq, same bytes, current ack. */
gsize tcp_flow_retransmit_last_data(TcpFlow *flow, guint8 *frame);
gsize tcp_flow_fin(TcpFlow *flow, TcpDirection from, guint8 *frame);

#endif /* IOTFP_FRAME_BUILDER_H */
