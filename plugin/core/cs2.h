/* CS2 Network's peer-to-peer protocol ("PPPP"), which many IP cameras and
 * baby monitors use to reach their phone app: the camera logs in to the
 * vendor's CS2 servers (UDP 32100), the app asks them for it, and the two
 * punch a hole through NAT or are relayed. Each UDP datagram is one message:
 * the magic 0xF1, a type, and the big-endian length of what follows the
 * 4-byte header. Video, audio and commands travel in DRW messages, on a
 * channel and with an index; their payload is the vendor's and often
 * encrypted. Type names are those of public analyses of the protocol.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef IOTFP_CS2_H
#define IOTFP_CS2_H

#include <glib.h>

#define IOTFP_CS2_MAGIC 0xF1
#define IOTFP_CS2_HEADER_LEN 4
/* DRW and DRW_ACK bodies open with 0xD1, then the channel. */
#define IOTFP_CS2_DRW_MARKER 0xD1
#define IOTFP_CS2_DRW_HEADER_LEN 4

typedef enum {
    IOTFP_CS2_HELLO = 0x00,
    IOTFP_CS2_HELLO_ACK = 0x01,
    IOTFP_CS2_DEV_LGN = 0x10,
    IOTFP_CS2_DEV_LGN_ACK = 0x11,
    IOTFP_CS2_DEV_LGN_CRC = 0x12,
    IOTFP_CS2_DEV_LGN_ACK_CRC = 0x13,
    IOTFP_CS2_P2P_REQ = 0x20,
    IOTFP_CS2_P2P_REQ_ACK = 0x21,
    IOTFP_CS2_LAN_SEARCH = 0x30,
    IOTFP_CS2_PUNCH_TO = 0x40,
    IOTFP_CS2_PUNCH_PKT = 0x41,
    IOTFP_CS2_P2P_RDY = 0x42,
    IOTFP_CS2_P2P_RDY_ACK = 0x43,
    IOTFP_CS2_DRW = 0xD0,
    IOTFP_CS2_DRW_ACK = 0xD1,
    IOTFP_CS2_ALIVE = 0xE0,
    IOTFP_CS2_ALIVE_ACK = 0xE1,
    IOTFP_CS2_CLOSE = 0xF0,
} iotfp_cs2_type;

typedef struct {
    guint8 type;
    guint16 length;  /* bytes after the header */
} iotfp_cs2_header;

#define IOTFP_CS2_N_TYPES 18

/* The message's name, or NULL for a type not in the list above. */
const char *iotfp_cs2_type_name(guint8 type);
/* The i-th known type and its name, i below IOTFP_CS2_N_TYPES: for the
 * dissector's value_string, so that the names are written once. */
void iotfp_cs2_type_at(guint i, guint8 *type, const char **name);

/* TRUE when data is exactly one CS2 message: the magic, a known type and a
 * length that accounts for every byte after the header. Two bytes of
 * magic and type alone would take other protocols' datagrams (QUIC's long
 * header can start with 0xF1); the exact length does not. */
gboolean iotfp_cs2_parse(const guint8 *data, gsize len, iotfp_cs2_header *out);

#endif
