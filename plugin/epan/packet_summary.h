/* Turns Wireshark's dissection of a packet into the core's iotfp_packet and
 * feeds host names seen in DNS answers and TLS SNI to the analysis. */
#ifndef IOTFP_PACKET_SUMMARY_H
#define IOTFP_PACKET_SUMMARY_H

#include <epan/packet.h>

#include "analysis.h"

/* Resolves the other dissectors' fields; call from the handoff, when every
 * protocol is registered. Returns the field ids the post-dissector needs. */
GArray *iotfp_summary_wanted_fields(void);

/* FALSE when the packet has no IPv4/IPv6 addresses. */
gboolean iotfp_summary_build(packet_info *pinfo, proto_tree *tree, iotfp_packet *packet);
void iotfp_summary_learn_names(packet_info *pinfo, proto_tree *tree, iotfp_analysis *analysis);

#endif
