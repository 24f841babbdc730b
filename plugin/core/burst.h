/* A burst: the packets of one conversation between two idle gaps. Its shape,
 * the signed payload lengths (+ device to remote, - remote to device), is what
 * event signatures match; where a record layer is visible, they may match its
 * messages instead, which the MSS, segmentation offload and retransmissions
 * at the capture point leave alone. */
#ifndef IOTFP_BURST_H
#define IOTFP_BURST_H

#include <glib.h>

/* Lengths kept per burst. Event bursts are tens of packets long; a bulk
 * transfer would otherwise cost memory and quadratic rendering time. */
#define IOTFP_SHAPE_MAX 100

typedef struct {
    guint32 id;           /* capture-wide, from 1 */
    guint32 conv_id;
    guint32 first_frame;
    guint32 last_frame;
    gint64 start_ns;      /* earliest member time */
    gint64 end_ns;        /* latest member time */
    guint32 pkts;
    guint64 bytes;        /* payload bytes, the sum of |shape| */
    GArray *shape;        /* gint32, the first IOTFP_SHAPE_MAX lengths */
    GArray *messages;     /* gint32 signed message lengths (packet.h), the first IOTFP_SHAPE_MAX;
                           * NULL while the burst has none */
} iotfp_burst;

iotfp_burst *iotfp_burst_new(guint32 id, guint32 conv_id);
void iotfp_burst_free(iotfp_burst *burst);
/* signed_len > 0 from the device, < 0 towards it. */
void iotfp_burst_add(iotfp_burst *burst, guint32 frame, gint64 time_ns, gint32 signed_len);
/* The messages that end in a member packet, in the member's direction. */
void iotfp_burst_add_messages(iotfp_burst *burst, const guint16 *lengths, guint n, gboolean from_device);
/* "+267 -123 +54", with " ... (+N more)" when longer than IOTFP_SHAPE_MAX. */
void iotfp_burst_format_shape(const iotfp_burst *burst, GString *out);
/* Its two parts, for texts kept up to date as a burst grows (shape_text.h):
 * the lengths from index `from` on (each after a space but the first), and
 * the " ... (+N more)" that follows them when the shape is full. */
void iotfp_burst_append_lengths(const iotfp_burst *burst, guint from, GString *out);
void iotfp_burst_append_more(const iotfp_burst *burst, GString *out);
/* The message lengths as text, "+523 -1223 -29", from index `from` on (each
 * after a space but the first); nothing when it has none. */
void iotfp_burst_append_messages_text(const iotfp_burst *burst, guint from, GString *out);

#endif
