/* What the iotfp glue files share. */
#ifndef PACKET_IOTFP_H
#define PACKET_IOTFP_H

#include "analysis.h"
#include "detector.h"

#define IOTFP_TAP_NAME "iotfp"

/* The analysis of the capture being dissected; NULL between files. Taps read
 * it when drawing, after every packet they saw was dissected. */
const iotfp_analysis *iotfp_current_analysis(void);

/* The event of a burst of the current capture, through the detector's
 * per-burst cache (complete once the burst is); NULL when no signature is a
 * candidate for the conversation. */
const iotfp_detection *iotfp_classify_burst(const iotfp_conv *conv, const iotfp_burst *burst);

#endif
