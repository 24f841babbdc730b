#include "packet_summary.h"

#include <epan/address.h>

#include "field_values.h"

#define IPV6_HEADER_LEN 40

static struct {
    int ip_len;
    int ip_proto;
    int ipv6_plen;
    int ipv6_nxt;
    int tcp_seq_raw;
    int tcp_flags;
    int tcp_len;
    int udp_length;
    int dns_response;
    int dns_query_name;
    int dns_a;
    int dns_aaaa;
    int tls_sni;
} hf;

GArray *iotfp_summary_wanted_fields(void)
{
    hf.ip_len = iotfp_field_id("ip.len");
    hf.ip_proto = iotfp_field_id("ip.proto");
    hf.ipv6_plen = iotfp_field_id("ipv6.plen");
    hf.ipv6_nxt = iotfp_field_id("ipv6.nxt");
    hf.tcp_seq_raw = iotfp_field_id("tcp.seq_raw");
    hf.tcp_flags = iotfp_field_id("tcp.flags");
    hf.tcp_len = iotfp_field_id("tcp.len");
    hf.udp_length = iotfp_field_id("udp.length");
    hf.dns_response = iotfp_field_id("dns.flags.response");
    hf.dns_query_name = iotfp_field_id("dns.qry.name");
    hf.dns_a = iotfp_field_id("dns.a");
    hf.dns_aaaa = iotfp_field_id("dns.aaaa");
    hf.tls_sni = iotfp_field_id("tls.handshake.extensions_server_name");

    const int ids[] = { hf.ip_len,     hf.ip_proto,     hf.ipv6_plen, hf.ipv6_nxt, hf.tcp_seq_raw,
                        hf.tcp_flags,  hf.tcp_len,      hf.udp_length, hf.dns_response,
                        hf.dns_query_name, hf.dns_a, hf.dns_aaaa, hf.tls_sni };
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

    guint32 value;
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
    if (pinfo->ptype == PT_TCP && iotfp_field_last_uint(tree, hf.tcp_len, &value)) {
        packet->transport = IOTFP_TRANSPORT_TCP;
        packet->payload_len = value;
        if (iotfp_field_last_uint(tree, hf.tcp_seq_raw, &value))
            packet->tcp_seq = value;
        if (iotfp_field_last_uint(tree, hf.tcp_flags, &value))
            packet->tcp_flags = (guint8)value;
    } else if (pinfo->ptype == PT_UDP && iotfp_field_last_uint(tree, hf.udp_length, &value)) {
        packet->transport = IOTFP_TRANSPORT_UDP;
        /* The length field counts the 8-byte header; a lying field is not trusted. */
        packet->payload_len = value > 8 ? value - 8 : 0;
    }
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
