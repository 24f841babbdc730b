/* What the iotfp glue files share. */
#ifndef PACKET_IOTFP_H
#define PACKET_IOTFP_H

#include "analysis.h"
#include "signature_set.h"

#define IOTFP_TAP_NAME "iotfp"

/* The analysis of the capture being dissected; NULL between files. Taps read
 * it when drawing, after every packet they saw was dissected. */
const iotfp_analysis *iotfp_current_analysis(void);

/* What the current analysis knows of a conversation, for choosing the
 * signatures that apply to it. */
iotfp_conv_facts iotfp_current_conv_facts(const iotfp_conv *conv);

#endif
