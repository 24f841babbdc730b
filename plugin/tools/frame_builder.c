/* frame_builder.c - Ethernet II + IPv4/IPv6 + TCP/UDP frames. */
#define _POSIX_C_SOURCE 200112L /* inet_pton / inet_ntop under -std=c11 */

#include "frame_builder.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IPV4_HEADER_LEN 20
#define IPV6_HEADER_LEN 40
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IPV4_FLAG_DONT_FRAGMENT 0x4000
#define TCP_OPTION_MSS 2
#define TCP_OPTION_MSS_LEN 4

gboolean
ip_address_parse(const char *text, IpAddress *address)
{
    memset(address, 0, sizeof *address);
    if (inet_pton(AF_INET, text, address->bytes) == 1) {
        address->family = IP_FAMILY_V4;
        return TRUE;
    }
    if (inet_pton(AF_INET6, text, address->bytes) == 1) {
        address->family = IP_FAMILY_V6;
        return TRUE;
    }
    memset(address, 0, sizeof *address);
    return FALSE;
}

void
ip_address_format(const IpAddress *address, char text[IP_ADDRESS_STRLEN])
{
    int af = address->family == IP_FAMILY_V4 ? AF_INET : AF_INET6;
    if (inet_ntop(af, address->bytes, text, IP_ADDRESS_STRLEN) == NULL)
        g_error("ip_address_format: invalid address family %u", address->family);
}

void
net_host_init(NetHost *host, const char *mac_text, const char *ip_text,
              guint8 ttl, guint16 first_ip_id)
{
    memset(host, 0, sizeof *host);
    int consumed = 0;
    guint8 *m = host->mac;
    if (sscanf(mac_text, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n",
               &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &consumed) != 6
        || mac_text[consumed] != '\0')
        g_error("net_host_init: malformed MAC address \"%s\"", mac_text);
    if (!ip_address_parse(ip_text, &host->ip))
        g_error("net_host_init: malformed IP address \"%s\"", ip_text);
    host->ttl = ttl;
    host->next_ip_id = first_ip_id;
}

static gsize
ip_header_len(const IpAddress *address)
{
    return address->family == IP_FAMILY_V4 ? IPV4_HEADER_LEN : IPV6_HEADER_LEN;
}

gsize
tcp_max_segment_size(const NetHost *src)
{
    return FRAME_MAX_LEN - ETH_HEADER_LEN - ip_header_len(&src->ip) - TCP_HEADER_LEN;
}

static void
put_be16(guint8 *out, guint16 value)
{
    out[0] = (guint8)(value >> 8);
    out[1] = (guint8)value;
}

static void
put_be32(guint8 *out, guint32 value)
{
    out[0] = (guint8)(value >> 24);
    out[1] = (guint8)(value >> 16);
    out[2] = (guint8)(value >> 8);
    out[3] = (guint8)value;
}

/* RFC 1071 one's-complement sum; only the last chunk may have odd length. */
static guint64
checksum_add(guint64 sum, const guint8 *data, gsize len)
{
    gsize i = 0;
    for (; i + 1 < len; i += 2)
        sum += (guint64)((data[i] << 8) | data[i + 1]);
    if (i < len)
        sum += (guint64)(data[i] << 8);
    return sum;
}

static guint16
checksum_finish(guint64 sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (guint16)~sum;
}

/* Writes the Ethernet and IP headers for a transport segment of
 * transport_len bytes and returns the offset of the transport header. */
static gsize
build_ip_headers(guint8 *frame, NetHost *src, const NetHost *dst,
                 guint8 protocol, gsize transport_len)
{
    if (src->ip.family != dst->ip.family)
        g_error("frame_builder: source and destination families differ");
    gsize ip_len = ip_header_len(&src->ip);
    if (ETH_HEADER_LEN + ip_len + transport_len > FRAME_MAX_LEN)
        g_error("frame_builder: %" G_GSIZE_FORMAT "-byte segment exceeds the MTU",
                transport_len);

    memcpy(frame, dst->mac, ETH_ADDR_LEN);
    memcpy(frame + ETH_ADDR_LEN, src->mac, ETH_ADDR_LEN);
    guint8 *ip = frame + ETH_HEADER_LEN;
    if (src->ip.family == IP_FAMILY_V4) {
        put_be16(frame + 12, ETHERTYPE_IPV4);
        ip[0] = 0x45; /* version 4, 5-word header */
        ip[1] = 0;    /* DSCP/ECN */
        put_be16(ip + 2, (guint16)(IPV4_HEADER_LEN + transport_len));
        put_be16(ip + 4, src->next_ip_id++);
        put_be16(ip + 6, IPV4_FLAG_DONT_FRAGMENT);
        ip[8] = src->ttl;
        ip[9] = protocol;
        put_be16(ip + 10, 0);
        memcpy(ip + 12, src->ip.bytes, 4);
        memcpy(ip + 16, dst->ip.bytes, 4);
        put_be16(ip + 10, checksum_finish(checksum_add(0, ip, IPV4_HEADER_LEN)));
    } else {
        put_be16(frame + 12, ETHERTYPE_IPV6);
        put_be32(ip, 6u << 28); /* version 6, no traffic class or flow label */
        put_be16(ip + 4, (guint16)transport_len);
        ip[6] = protocol;
        ip[7] = src->ttl;
        memcpy(ip + 8, src->ip.bytes, 16);
        memcpy(ip + 24, dst->ip.bytes, 16);
    }
    return ETH_HEADER_LEN + ip_len;
}

/* Checksum of a TCP or UDP segment including the IP pseudo-header. */
static guint16
transport_checksum(const NetHost *src, const NetHost *dst, guint8 protocol,
                   const guint8 *segment, gsize segment_len)
{
    guint8 pseudo[40] = { 0 };
    gsize pseudo_len;
    if (src->ip.family == IP_FAMILY_V4) {
        memcpy(pseudo, src->ip.bytes, 4);
        memcpy(pseudo + 4, dst->ip.bytes, 4);
        pseudo[9] = protocol;
        put_be16(pseudo + 10, (guint16)segment_len);
        pseudo_len = 12;
    } else {
        memcpy(pseudo, src->ip.bytes, 16);
        memcpy(pseudo + 16, dst->ip.bytes, 16);
        put_be32(pseudo + 32, (guint32)segment_len);
        pseudo[39] = protocol;
        pseudo_len = 40;
    }
    return checksum_finish(checksum_add(checksum_add(0, pseudo, pseudo_len),
                                        segment, segment_len));
}

static gsize
pad_to_ethernet_minimum(guint8 *frame, gsize len)
{
    if (len >= ETH_MIN_FRAME_LEN)
        return len;
    memset(frame + len, 0, ETH_MIN_FRAME_LEN - len);
    return ETH_MIN_FRAME_LEN;
}

gsize
frame_build_tcp(guint8 *frame, NetHost *src, guint16 src_port,
                const NetHost *dst, guint16 dst_port, const TcpHeaderFields *tcp,
                const guint8 *payload, gsize payload_len)
{
    gsize header_len = TCP_HEADER_LEN + (tcp->mss_option ? TCP_OPTION_MSS_LEN : 0);
    gsize offset = build_ip_headers(frame, src, dst, IP_PROTO_TCP,
                                    header_len + payload_len);
    guint8 *segment = frame + offset;
    put_be16(segment, src_port);
    put_be16(segment + 2, dst_port);
    put_be32(segment + 4, tcp->seq);
    put_be32(segment + 8, tcp->ack);
    segment[12] = (guint8)((header_len / 4) << 4);
    segment[13] = tcp->flags;
    put_be16(segment + 14, tcp->window);
    put_be16(segment + 16, 0); /* checksum, filled below */
    put_be16(segment + 18, 0); /* urgent pointer */
    if (tcp->mss_option) {
        segment[20] = TCP_OPTION_MSS;
        segment[21] = TCP_OPTION_MSS_LEN;
        put_be16(segment + 22, tcp->mss_option);
    }
    if (payload_len > 0)
        memcpy(segment + header_len, payload, payload_len);
    gsize segment_len = header_len + payload_len;
    put_be16(segment + 16,
             transport_checksum(src, dst, IP_PROTO_TCP, segment, segment_len));
    return pad_to_ethernet_minimum(frame, offset + segment_len);
}

gsize
frame_build_udp(guint8 *frame, NetHost *src, guint16 src_port,
                const NetHost *dst, guint16 dst_port,
                const guint8 *payload, gsize payload_len)
{
    gsize segment_len = UDP_HEADER_LEN + payload_len;
    gsize offset = build_ip_headers(frame, src, dst, IP_PROTO_UDP, segment_len);
    guint8 *segment = frame + offset;
    put_be16(segment, src_port);
    put_be16(segment + 2, dst_port);
    put_be16(segment + 4, (guint16)segment_len);
    put_be16(segment + 6, 0);
    if (payload_len > 0)
        memcpy(segment + UDP_HEADER_LEN, payload, payload_len);
    guint16 checksum = transport_checksum(src, dst, IP_PROTO_UDP, segment, segment_len);
    /* A computed zero is sent as all ones: zero means "no checksum" (RFC 768). */
    put_be16(segment + 6, checksum == 0 ? 0xffff : checksum);
    return pad_to_ethernet_minimum(frame, offset + segment_len);
}

/* Typical initial windows of Linux clients and servers. */
#define TCP_CLIENT_WINDOW 64240
#define TCP_SERVER_WINDOW 65160

void
tcp_flow_init(TcpFlow *flow, NetHost *client, guint16 client_port,
              NetHost *server, guint16 server_port,
              guint32 client_isn, guint32 server_isn)
{
    memset(flow, 0, sizeof *flow);
    flow->host[TCP_FROM_CLIENT] = client;
    flow->host[TCP_FROM_SERVER] = server;
    flow->port[TCP_FROM_CLIENT] = client_port;
    flow->port[TCP_FROM_SERVER] = server_port;
    flow->next_seq[TCP_FROM_CLIENT] = client_isn;
    flow->next_seq[TCP_FROM_SERVER] = server_isn;
    flow->window[TCP_FROM_CLIENT] = TCP_CLIENT_WINDOW;
    flow->window[TCP_FROM_SERVER] = TCP_SERVER_WINDOW;
    flow->last_data = g_byte_array_new();
}

void
tcp_flow_clear(TcpFlow *flow)
{
    if (flow->last_data != NULL)
        g_byte_array_unref(flow->last_data);
    memset(flow, 0, sizeof *flow);
}

static TcpDirection
peer_of(TcpDirection from)
{
    return from == TCP_FROM_CLIENT ? TCP_FROM_SERVER : TCP_FROM_CLIENT;
}

static gsize
build_flow_segment(TcpFlow *flow, TcpDirection from, guint32 seq, guint8 flags,
                   guint16 mss_option, const guint8 *payload, gsize payload_len,
                   guint8 *frame)
{
    TcpDirection to = peer_of(from);
    TcpHeaderFields fields = {
        .seq = seq,
        .ack = (flags & TCP_FLAG_ACK) ? flow->next_seq[to] : 0,
        .flags = flags,
        .window = flow->window[from],
        .mss_option = mss_option,
    };
    return frame_build_tcp(frame, flow->host[from], flow->port[from],
                           flow->host[to], flow->port[to], &fields,
                           payload, payload_len);
}

/* SYN and FIN occupy one sequence number each. */
static gsize
build_control_segment(TcpFlow *flow, TcpDirection from, guint8 flags,
                      guint16 mss_option, guint8 *frame)
{
    guint32 seq = flow->next_seq[from];
    flow->next_seq[from] = seq + 1;
    return build_flow_segment(flow, from, seq, flags, mss_option, NULL, 0, frame);
}

gsize
tcp_flow_syn(TcpFlow *flow, guint8 *frame)
{
    guint16 mss = (guint16)tcp_max_segment_size(flow->host[TCP_FROM_CLIENT]);
    return build_control_segment(flow, TCP_FROM_CLIENT, TCP_FLAG_SYN, mss, frame);
}

gsize
tcp_flow_syn_ack(TcpFlow *flow, guint8 *frame)
{
    guint16 mss = (guint16)tcp_max_segment_size(flow->host[TCP_FROM_SERVER]);
    return build_control_segment(flow, TCP_FROM_SERVER,
                                 TCP_FLAG_SYN | TCP_FLAG_ACK, mss, frame);
}

gsize
tcp_flow_ack(TcpFlow *flow, TcpDirection from, guint8 *frame)
{
    return build_flow_segment(flow, from, flow->next_seq[from], TCP_FLAG_ACK, 0,
                              NULL, 0, frame);
}

gsize
tcp_flow_data(TcpFlow *flow, TcpDirection from, const guint8 *payload,
              gsize payload_len, guint8 *frame)
{
    if (payload_len == 0 || payload_len > tcp_max_segment_size(flow->host[from]))
        g_error("tcp_flow_data: payload of %" G_GSIZE_FORMAT
                " bytes does not fit one segment", payload_len);
    guint32 seq = flow->next_seq[from];
    flow->next_seq[from] = seq + (guint32)payload_len;
    flow->last_data_direction = from;
    flow->last_data_seq = seq;
    g_byte_array_set_size(flow->last_data, 0);
    g_byte_array_append(flow->last_data, payload, (guint)payload_len);
    return build_flow_segment(flow, from, seq, TCP_FLAG_PSH | TCP_FLAG_ACK, 0,
                              payload, payload_len, frame);
}

gsize
tcp_flow_retransmit_last_data(TcpFlow *flow, guint8 *frame)
{
    if (flow->last_data->len == 0)
        g_error("tcp_flow_retransmit_last_data: no data segment sent yet");
    return build_flow_segment(flow, flow->last_data_direction, flow->last_data_seq,
                              TCP_FLAG_PSH | TCP_FLAG_ACK, 0, flow->last_data->data,
                              flow->last_data->len, frame);
}

gsize
tcp_flow_fin(TcpFlow *flow, TcpDirection from, guint8 *frame)
{
    return build_control_segment(flow, from, TCP_FLAG_FIN | TCP_FLAG_ACK, 0, frame);
}
