/* The analysis of one capture: conversations between home devices and their
 * peers, their bursts, and what was decided about every frame. Fed once per
 * frame in capture order (Wireshark's first pass); read any number of times. */
#ifndef IOTFP_ANALYSIS_H
#define IOTFP_ANALYSIS_H

#include "addr.h"
#include "burst.h"
#include "frame_index.h"
#include "names.h"
#include "packet.h"

typedef enum {
    IOTFP_SCOPE_CLOUD = 1,  /* a home device and an address outside home */
    IOTFP_SCOPE_LOCAL,      /* two home addresses; the device is the responder */
    IOTFP_SCOPE_GROUP,      /* a home device to a broadcast or multicast group */
} iotfp_scope;

/* Platform evidence of a conversation (conv_features.h), which includes this file. */
typedef struct iotfp_conv_features iotfp_conv_features;

typedef struct {
    guint32 id;             /* from 1, in order of first packet */
    guint8 scope;           /* iotfp_scope */
    iotfp_addr device;
    iotfp_addr peer;        /* cloud endpoint, local initiator, or group */
    guint16 peer_port;      /* the peer's port in the first packet: the service */
    guint32 first_frame;
    guint32 last_frame;
    guint32 pkts;           /* every packet, members or not */
    guint64 payload_bytes;  /* payload of members */
    guint32 n_bursts;
    iotfp_burst *open_burst; /* the latest burst; a new one starts after the gap */
    iotfp_conv_features *features; /* NULL until iotfp_analysis_conv_features; freed with the conv */
} iotfp_conv;

typedef struct {
    const iotfp_netlist *home;  /* copied: the caller may free or replace its list */
    gint64 burst_gap_ns;        /* idle time that ends a burst */
} iotfp_analysis_config;

/* Default idle gap. On the IoTEvent captures 1.5 s keeps multi-second device
 * exchanges whole while events 2-5 s apart stay separate (see README). */
#define IOTFP_DEFAULT_BURST_GAP_MS 1500

typedef struct iotfp_analysis iotfp_analysis;

iotfp_analysis *iotfp_analysis_new(const iotfp_analysis_config *config);
void iotfp_analysis_free(iotfp_analysis *analysis);

/* Decides and records the frame's conversation, role and burst. Returns the
 * record, or NULL when the frame is not analysed. */
const iotfp_frame_record *iotfp_analysis_add(iotfp_analysis *analysis, const iotfp_packet *packet);
const iotfp_frame_record *iotfp_analysis_frame(const iotfp_analysis *analysis, guint32 frame);

guint32 iotfp_analysis_n_convs(const iotfp_analysis *analysis);
guint32 iotfp_analysis_n_bursts(const iotfp_analysis *analysis);
/* Ids from 1; NULL when out of range. */
const iotfp_conv *iotfp_analysis_conv(const iotfp_analysis *analysis, guint32 conv_id);
const iotfp_burst *iotfp_analysis_burst(const iotfp_analysis *analysis, guint32 burst_id);
/* The conversation's platform features, created on first use (first pass
 * only: later passes read conv->features). NULL when out of range. */
iotfp_conv_features *iotfp_analysis_conv_features(iotfp_analysis *analysis, guint32 conv_id);

void iotfp_analysis_learn_name(iotfp_analysis *analysis, const iotfp_addr *addr, const char *name,
                               iotfp_name_source source);
/* The learned name of the conversation's peer, or NULL. */
const char *iotfp_analysis_peer_name(const iotfp_analysis *analysis, const iotfp_conv *conv);

#endif
