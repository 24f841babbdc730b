/* seq_tracker.h - device types of a capture's sequences, by a device model
 * (device_model.h) over the per-packet features of seq_features.h.
 *
 * A conversation gets one type: the mean of the class probabilities of its
 * first IOTFP_SEQ_TYPE_WINDOWS complete windows, argmax. After those windows
 * its model state is freed and the model no longer runs for it, so a
 * conversation costs at most IOTFP_SEQ_TYPE_WINDOWS x W model steps, however
 * long it lasts; each later packet costs a counter update (about 10 ns,
 * `make bench`), unless the conversation turns into a tunnel.
 *
 * A VPN tunnel carries many devices, one after the other: the model runs on
 * it for as long as it lasts, and each of its windows gets a type of its own.
 *
 * Fed once per analysed frame in capture order (the first pass); read any
 * number of times afterwards. */
#ifndef IOTFP_SEQ_TRACKER_H
#define IOTFP_SEQ_TRACKER_H

#include <glib.h>

#include "device_model.h"
#include "frame_index.h"
#include "packet.h"

#define IOTFP_SEQ_TYPE_WINDOWS 4

typedef struct iotfp_seq_tracker iotfp_seq_tracker;

/* model may be NULL: then nothing is tracked and nothing is typed. The
 * tracker holds a reference to the model. */
iotfp_seq_tracker *iotfp_seq_tracker_new(iotfp_device_model *model);
void iotfp_seq_tracker_free(iotfp_seq_tracker *tracker);
const iotfp_device_model *iotfp_seq_tracker_model(const iotfp_seq_tracker *tracker);

/* The frame's packet and what the analysis decided about it. */
void iotfp_seq_tracker_add(iotfp_seq_tracker *tracker, const iotfp_packet *packet,
                           const iotfp_frame_record *record);

/* The type of a conversation that is no tunnel, from the complete windows so
 * far (all IOTFP_SEQ_TYPE_WINDOWS of them once the first pass is over).
 * FALSE when it is a tunnel or has no complete window yet. */
gboolean iotfp_seq_tracker_conv_type(const iotfp_seq_tracker *tracker, guint32 conv_id,
                                     iotfp_device_type_result *result);

/* For a frame of a tunnel conversation: its window's index (from 0) and, when
 * the window is complete, its type. FALSE for frames outside tunnels. */
gboolean iotfp_seq_tracker_tunnel_window(const iotfp_seq_tracker *tracker, guint32 conv_id, guint32 frame,
                                         guint64 *window, gboolean *complete, iotfp_device_type_result *result);

#endif
