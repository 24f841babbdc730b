/* seq_features.h - the per-packet features a device-type model reads.
 *
 * A sequence is every packet of one conversation (analysis.h: a home device
 * and one peer address, whatever the ports, bare ACKs included). A VPN tunnel
 * is such a conversation too: the home end of the tunnel and the VPN server,
 * so all the devices behind it form one sequence. The plugin and the
 * iotfp-sequences tool both call iotfp_seq_next, so a model learns from
 * exactly the numbers it later sees.
 *
 * Features of one packet, N = IOTFP_SEQ_N_FEATURES = 11:
 *   f0  log1p(IP length): IPv4 total length, IPv6 40 + payload length
 *   f1  direction: +1 from the home side, -1 towards it
 *   f2  log1p(milliseconds since the sequence's previous packet); 0 for its
 *       first packet and for a packet stamped earlier than the previous one
 *   f3  1 for TCP, else 0
 *   f4  1 for UDP, else 0
 *   f5  1 for anything else (ESP, ICMP...), else 0
 *   f6  TCP SYN   (0 or 1; 0 for non-TCP)
 *   f7  TCP FIN
 *   f8  TCP RST
 *   f9  TCP PSH
 *   f10 TCP ACK
 *
 * Windows: consecutive, non-overlapping runs of W packets of a sequence,
 * counted from its first packet; packet i (from 0) is in window i / W, and
 * only complete windows are classified.
 *
 * Tunnels: a packet of ESP (IP protocol 50), of UDP port 51820 (WireGuard),
 * 1194 (OpenVPN) or 4500 (IPsec NAT traversal), or of TCP port 1194, on
 * either side, is a tunnel packet. A sequence is a tunnel from its first
 * tunnel packet on (IKE on UDP 500 may come before ESP). */
#ifndef IOTFP_SEQ_FEATURES_H
#define IOTFP_SEQ_FEATURES_H

#include <glib.h>

#include "packet.h"

#define IOTFP_SEQ_N_FEATURES 11

#define IOTFP_PORT_WIREGUARD 51820
#define IOTFP_PORT_OPENVPN 1194
#define IOTFP_PORT_IPSEC_NAT_T 4500

/* The state of one sequence: a few bytes, updated in O(1) per packet. */
typedef struct {
    guint64 packets;      /* packets seen so far */
    gint64 last_time_ns;  /* time of the latest packet */
    gboolean tunnel;      /* a tunnel packet was seen */
} iotfp_seq_state;

#define IOTFP_SEQ_STATE_INIT { 0, 0, FALSE }

gboolean iotfp_seq_is_tunnel_packet(const iotfp_packet *packet);

/* Writes the features of the sequence's next packet and advances the state.
 * direction: +1 when the packet comes from the home side, -1 otherwise.
 * Returns the packet's index in the sequence, from 0. */
guint64 iotfp_seq_next(iotfp_seq_state *state, const iotfp_packet *packet, int direction,
                       float features[IOTFP_SEQ_N_FEATURES]);

/* Advances the state past the packet without computing its features: for
 * sequences whose features nobody reads any more. Returns the index. */
guint64 iotfp_seq_skip(iotfp_seq_state *state, const iotfp_packet *packet);

#endif
