/* What the iotfp glue files share. */
#ifndef PACKET_IOTFP_H
#define PACKET_IOTFP_H

#include <epan/packet.h>

#include "analysis.h"
#include "detector.h"
#include "signature_set.h"

#define IOTFP_TAP_NAME "iotfp"

/* What the iotfp tap hands its listeners for every analysed packet. The
 * pointers are valid while the listener runs. */
typedef struct {
    const iotfp_conv *conv;
    const iotfp_burst *burst; /* NULL when the packet is in no burst */
} iotfp_tap_info;

/* The analysis of the capture being dissected; NULL between files. Taps read
 * it when drawing, after every packet they saw was dissected. */
const iotfp_analysis *iotfp_current_analysis(void);

/* The event the burst stands for, as the packet tree shows it: complete once
 * the burst is, the burst so far in a single pass. Cached per burst by the
 * detector. NULL when no signature is a candidate for the conversation. */
const iotfp_detection *iotfp_burst_detection(const iotfp_conv *conv, const iotfp_burst *burst);
/* Whether this packet carries the burst's expert items: its first packet,
 * once the burst is complete (a later pass: tshark -2, the GUI), so that
 * each is reported once and from the whole burst. */
gboolean iotfp_burst_expert_packet(const packet_info *pinfo, const iotfp_burst *burst);
/* What the current analysis knows of a conversation, for choosing the
 * signatures that apply to it. */
iotfp_conv_facts iotfp_current_conv_facts(const iotfp_conv *conv);

#endif
