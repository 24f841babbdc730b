#include "packet_summary.h"

#include <epan/address.h>

#include "field_values.h"

#define IPV6_HEADER_LEN 40

static struct {
    int ip_len;
    int ip_proto;
    int ipv6_plen;
    int ipv6_nxt;
    int tcp_hdr_len;
    int tcp_seq_raw;
    int tcp_flags;
    int tcp_len;
    int udp_length;
    int dns_response;
    int dns_query_name;
    int dns_a;
    int dns_aaaa;
    int tls_sni;
    int tls_content_type;
    int tls_opaque_type;
    int tls_record_length;
} hf;

#define TLS_APPLICATION_DATA 23
#define TLS_RECORD_LENGTH_OFFSET 3 /* type, version, then the length */

/* ICMP errors quote an IP and transport header cut short on purpose. */
static int proto_icmp = -1, proto_icmpv6 = -1;

GArray *iotfp_summary_wanted_fields(void)
{
    hf.ip_len = iotfp_field_id("ip.len");
    hf.ip_proto = iotfp_field_id("ip.proto");
    hf.ipv6_plen = iotfp_field_id("ipv6.plen");
    hf.ipv6_nxt = iotfp_field_id("ipv6.nxt");
    hf.tcp_hdr_len = iotfp_field_id("tcp.hdr_len");
    hf.tcp_seq_raw = iotfp_field_id("tcp.seq_raw");
    hf.tcp_flags = iotfp_field_id("tcp.flags");
    hf.tcp_len = iotfp_field_id("tcp.len");
    hf.udp_length = iotfp_field_id("udp.length");
    hf.dns_response = iotfp_field_id("dns.flags.response");
    hf.dns_query_name = iotfp_field_id("dns.qry.name");
    hf.dns_a = iotfp_field_id("dns.a");
    hf.dns_aaaa = iotfp_field_id("dns.aaaa");
    hf.tls_sni = iotfp_field_id("tls.handshake.extensions_server_name");
    hf.tls_content_type = iotfp_field_id("tls.record.content_type");
    hf.tls_opaque_type = iotfp_field_id("tls.record.opaque_type");
    hf.tls_record_length = iotfp_field_id("tls.record.length");

    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");

    const int ids[] = { hf.ip_len, hf.ip_proto, hf.ipv6_plen, hf.ipv6_nxt, hf.tcp_hdr_len, hf.tcp_seq_raw,
                        hf.tcp_flags, hf.tcp_len, hf.udp_length, hf.dns_response, hf.dns_query_name, hf.dns_a,
                        hf.dns_aaaa, hf.tls_sni, hf.tls_content_type, hf.tls_opaque_type, hf.tls_record_length };
    return iotfp_field_id_array(ids, G_N_ELEMENTS(ids));
}

static gboolean to_core_addr(const address *from, iotfp_addr *to)
{
    if (from->type == AT_IPv4 && from->len == 4)
        iotfp_addr_set_ipv4(to, from->data);
    else if (from->type == AT_IPv6 && from->len == 16)
        iotfp_addr_set_ipv6(to, from->data);
    else
        return FALSE;
    return TRUE;
}

static gboolean is_link_group(const address *dl_dst)
{
    /* The I/G bit: set for Ethernet broadcast and multicast. */
    return dl_dst->type == AT_ETHER && dl_dst->len == 6 && (((const guint8 *)dl_dst->data)[0] & 1);
}

static gboolean in_icmp_error(packet_info *pinfo)
{
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); layer; layer = wmem_list_frame_next(layer)) {
        int proto_id = GPOINTER_TO_INT(wmem_list_frame_data(layer));
        if (proto_id == proto_icmp || proto_id == proto_icmpv6)
            return TRUE;
    }
    return FALSE;
}

/* Whether the innermost IP header claims more bytes than the wire carried
 * from it on (a lying total length: the transport's length is then a guess). */
static gboolean ip_length_exceeds_wire(proto_tree *tree)
{
    guint32 claimed, room;
    if (iotfp_field_last_uint_with_room(tree, hf.ip_len, 2, &claimed, &room) && claimed > room)
        return TRUE;
    /* The payload length counts what follows the 40-byte fixed header. */
    return iotfp_field_last_uint_with_room(tree, hf.ipv6_plen, 4, &claimed, &room) && room >= IPV6_HEADER_LEN &&
           claimed > room - IPV6_HEADER_LEN;
}

/* The TLS application-data records that end in this packet (packet.h): TLS
 * shows each record on the frame that completes it, whatever segments it
 * took. A record's type is three bytes before its length; TLS 1.3 calls it
 * the opaque type. */
static void read_messages(proto_tree *tree, iotfp_packet *packet)
{
    GPtrArray *lengths = iotfp_field_occurrences(tree, hf.tls_record_length);
    for (guint i = 0; lengths && i < lengths->len && packet->n_messages < IOTFP_PACKET_MESSAGES_MAX; i++) {
        field_info *length = g_ptr_array_index(lengths, i);
        guint32 type;
        if (!iotfp_field_uint_beside(tree, hf.tls_content_type, length, -TLS_RECORD_LENGTH_OFFSET, &type) &&
            !iotfp_field_uint_beside(tree, hf.tls_opaque_type, length, -TLS_RECORD_LENGTH_OFFSET, &type))
            continue;
        if (type == TLS_APPLICATION_DATA)
            packet->message_len[packet->n_messages++] =
                (guint16)fvalue_get_uinteger(iotfp_field_value(length));
    }
}

gboolean iotfp_summary_build(packet_info *pinfo, proto_tree *tree, iotfp_packet *packet)
{
    memset(packet, 0, sizeof *packet);
    if (!to_core_addr(&pinfo->net_src, &packet->src) || !to_core_addr(&pinfo->net_dst, &packet->dst))
        return FALSE;
    packet->frame = pinfo->num;
    packet->time_ns = (gint64)pinfo->abs_ts.secs * G_GINT64_CONSTANT(1000000000) + pinfo->abs_ts.nsecs;
    packet->link_group = is_link_group(&pinfo->dl_dst);
    packet->src_port = (guint16)pinfo->srcport;
    packet->dst_port = (guint16)pinfo->destport;

    guint32 value, room;
    /* The header that set net_src: the innermost, as for the ports. */
    if (packet->src.family == IOTFP_AF_INET) {
        if (iotfp_field_last_uint(tree, hf.ip_len, &value))
            packet->ip_len = value;
        if (iotfp_field_last_uint(tree, hf.ip_proto, &value))
            packet->ip_proto = (guint8)value;
    } else {
        if (iotfp_field_last_uint(tree, hf.ipv6_plen, &value))
            packet->ip_len = value + IPV6_HEADER_LEN;
        if (iotfp_field_last_uint(tree, hf.ipv6_nxt, &value))
            packet->ip_proto = (guint8)value;
    }
    if (pinfo->ptype == PT_TCP) {
        packet->transport = IOTFP_TRANSPORT_TCP;
        /* No tcp.len: the TCP header is cut short. A header length below the
         * fixed 20 bytes still gets a tcp.len, counted from the bogus length. */
        packet->malformed = !iotfp_field_last_uint(tree, hf.tcp_len, &value) ||
                            (iotfp_field_last_uint(tree, hf.tcp_hdr_len, &room) && room < 20);
        packet->payload_len = packet->malformed ? 0 : value;
        if (iotfp_field_last_uint(tree, hf.tcp_seq_raw, &value))
            packet->tcp_seq = value;
        if (iotfp_field_last_uint(tree, hf.tcp_flags, &value))
            packet->tcp_flags = (guint8)value;
    } else if (pinfo->ptype == PT_UDP && iotfp_field_last_uint_with_room(tree, hf.udp_length, 4, &value, &room)) {
        packet->transport = IOTFP_TRANSPORT_UDP;
        /* The length field counts the 8-byte header and cannot exceed the wire. */
        packet->malformed = value < 8 || value > room;
        packet->payload_len = packet->malformed ? 0 : value - 8;
    } else if (iotfp_field_last_uint(tree, hf.udp_length, &value) && value < 8) {
        /* The UDP dissector gives up on such a length before it sets the port type. */
        packet->transport = IOTFP_TRANSPORT_UDP;
        packet->malformed = TRUE;
    }
    packet->malformed = (packet->malformed || ip_length_exceeds_wire(tree)) && !in_icmp_error(pinfo);
    if (packet->malformed)
        packet->payload_len = 0;
    else if (packet->transport == IOTFP_TRANSPORT_TCP)
        read_messages(tree, packet);
    return TRUE;
}

static void learn_dns_answers(proto_tree *tree, iotfp_analysis *analysis)
{
    guint32 response;
    if (!iotfp_field_last_uint(tree, hf.dns_response, &response) || !response)
        return;
    /* Answers are named after the query, not the CNAME target: the query is
     * what the device asked for (a CDN's name says nothing about the device). */
    const char *query = iotfp_field_first_string(tree, hf.dns_query_name);
    if (!query)
        return;
    GPtrArray *found = iotfp_field_occurrences(tree, hf.dns_a);
    for (guint i = 0; found && i < found->len; i++) {
        guint32 network_order = fvalue_get_uinteger(iotfp_field_value(g_ptr_array_index(found, i)));
        iotfp_addr addr;
        iotfp_addr_set_ipv4(&addr, (const guint8 *)&network_order);
        iotfp_analysis_learn_name(analysis, &addr, query, IOTFP_NAME_FROM_DNS);
    }
    found = iotfp_field_occurrences(tree, hf.dns_aaaa);
    for (guint i = 0; found && i < found->len; i++) {
        const guint8 *bytes = fvalue_get_bytes(iotfp_field_value(g_ptr_array_index(found, i)));
        iotfp_addr addr;
        iotfp_addr_set_ipv6(&addr, bytes);
        iotfp_analysis_learn_name(analysis, &addr, query, IOTFP_NAME_FROM_DNS);
    }
}

void iotfp_summary_learn_names(packet_info *pinfo, proto_tree *tree, iotfp_analysis *analysis)
{
    learn_dns_answers(tree, analysis);
    const char *sni = iotfp_field_first_string(tree, hf.tls_sni);
    iotfp_addr server;
    if (sni && to_core_addr(&pinfo->net_dst, &server))
        iotfp_analysis_learn_name(analysis, &server, sni, IOTFP_NAME_FROM_SNI);
}
