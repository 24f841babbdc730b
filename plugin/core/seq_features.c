#include "seq_features.h"

#include <math.h>

enum {
    F_LENGTH,
    F_DIRECTION,
    F_GAP,
    F_TCP,
    F_UDP,
    F_OTHER,
    F_SYN,
    F_FIN,
    F_RST,
    F_PSH,
    F_ACK,
};

G_STATIC_ASSERT(F_ACK + 1 == IOTFP_SEQ_N_FEATURES);

static gboolean is_tunnel_port(guint16 port, gboolean tcp)
{
    if (tcp)
        return port == IOTFP_PORT_OPENVPN;
    return port == IOTFP_PORT_WIREGUARD || port == IOTFP_PORT_OPENVPN || port == IOTFP_PORT_IPSEC_NAT_T;
}

gboolean iotfp_seq_is_tunnel_packet(const iotfp_packet *packet)
{
    if (packet->transport == IOTFP_TRANSPORT_OTHER)
        return packet->ip_proto == IOTFP_IP_PROTO_ESP;
    gboolean tcp = packet->transport == IOTFP_TRANSPORT_TCP;
    return is_tunnel_port(packet->src_port, tcp) || is_tunnel_port(packet->dst_port, tcp);
}

static float flag(guint8 flags, guint8 bit)
{
    return (flags & bit) ? 1.0f : 0.0f;
}

guint64 iotfp_seq_skip(iotfp_seq_state *state, const iotfp_packet *packet)
{
    state->tunnel = state->tunnel || iotfp_seq_is_tunnel_packet(packet);
    state->last_time_ns = packet->time_ns;
    return state->packets++;
}

guint64 iotfp_seq_next(iotfp_seq_state *state, const iotfp_packet *packet, int direction,
                       float features[IOTFP_SEQ_N_FEATURES])
{
    double gap_ms = 0.0;
    /* A clock step backwards (merged captures) reads as no gap at all. */
    if (state->packets > 0 && packet->time_ns > state->last_time_ns)
        gap_ms = (double)(packet->time_ns - state->last_time_ns) / 1e6;
    gboolean tcp = packet->transport == IOTFP_TRANSPORT_TCP;
    guint8 flags = tcp ? packet->tcp_flags : 0;
    features[F_LENGTH] = (float)log1p((double)packet->ip_len);
    features[F_DIRECTION] = direction > 0 ? 1.0f : -1.0f;
    features[F_GAP] = (float)log1p(gap_ms);
    features[F_TCP] = tcp ? 1.0f : 0.0f;
    features[F_UDP] = packet->transport == IOTFP_TRANSPORT_UDP ? 1.0f : 0.0f;
    features[F_OTHER] = packet->transport == IOTFP_TRANSPORT_OTHER ? 1.0f : 0.0f;
    features[F_SYN] = flag(flags, IOTFP_TCP_SYN);
    features[F_FIN] = flag(flags, IOTFP_TCP_FIN);
    features[F_RST] = flag(flags, IOTFP_TCP_RST);
    features[F_PSH] = flag(flags, IOTFP_TCP_PSH);
    features[F_ACK] = flag(flags, IOTFP_TCP_ACK);
    return iotfp_seq_skip(state, packet);
}
