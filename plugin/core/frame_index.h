/* What the first pass decided about each frame, so that later passes (the GUI,
 * tshark -2) only look it up. Stored in fixed-size chunks: appending never
 * copies what is already stored, and a record costs 12 bytes. */
#ifndef IOTFP_FRAME_INDEX_H
#define IOTFP_FRAME_INDEX_H

#include <glib.h>

typedef enum {
    IOTFP_ROLE_NONE = 0,        /* not analysed: not IP, or no side at home */
    IOTFP_ROLE_MEMBER,          /* counted in a burst */
    IOTFP_ROLE_NO_PAYLOAD,      /* pure ACK, bare SYN or FIN: no information */
    IOTFP_ROLE_RETRANSMISSION,  /* TCP data already seen */
    IOTFP_ROLE_GROUP,           /* broadcast or multicast from a home device */
    IOTFP_ROLE_MALFORMED,       /* lengths not to be trusted: in no burst */
} iotfp_role;

typedef struct {
    guint32 conv_id;   /* 0 with IOTFP_ROLE_NONE */
    guint32 burst_id;  /* 0 unless IOTFP_ROLE_MEMBER */
    guint8 role;       /* iotfp_role */
    gint8 direction;   /* +1 from the device, -1 towards it */
} iotfp_frame_record;

typedef struct iotfp_frame_index iotfp_frame_index;

iotfp_frame_index *iotfp_frame_index_new(void);
void iotfp_frame_index_free(iotfp_frame_index *index);
/* Frame numbers start at 1; gaps are allowed and read back as IOTFP_ROLE_NONE. */
void iotfp_frame_index_set(iotfp_frame_index *index, guint32 frame, const iotfp_frame_record *record);
/* NULL when the frame was never set or has role NONE. */
const iotfp_frame_record *iotfp_frame_index_get(const iotfp_frame_index *index, guint32 frame);

#endif
