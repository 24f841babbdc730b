/* JD Joylink 2.0 frames: the 16-byte little-endian header that JD's device SDK
 * puts before every message to its cloud (TCP) and on the LAN (UDP), and the
 * CRC that covers what follows it. Bodies are AES-encrypted and stay opaque. */
#ifndef IOTFP_JOYLINK_H
#define IOTFP_JOYLINK_H

#include <glib.h>

#define IOTFP_JOYLINK_HEADER_LEN 16
#define IOTFP_JOYLINK_MAGIC_CLOUD 0x123455CCu
#define IOTFP_JOYLINK_MAGIC_LAN 0x123455BBu

/* The SDK's options are a feed id and a nonce (authentication) or a
 * compressed ECDH key: a few dozen bytes. Its largest message, reassembled
 * from numbered fragments, is 20 KiB, so no single frame carries more. Beyond
 * these, a "header" is desynchronised or unrelated bytes. */
#define IOTFP_JOYLINK_MAX_OPTLEN 128
#define IOTFP_JOYLINK_MAX_PAYLOADLEN (20 * 1024)

/* Frame types of the SDK (E_PacketType); others exist in firmware we have
 * not seen, hence no validation against this list. */
typedef enum {
    IOTFP_JOYLINK_TYPE_SCAN = 1,
    IOTFP_JOYLINK_TYPE_WRITE_ACCESSKEY = 2,
    IOTFP_JOYLINK_TYPE_JSON_CONTROL = 3,
    IOTFP_JOYLINK_TYPE_SCRIPT_CONTROL = 4,
    IOTFP_JOYLINK_TYPE_OTA_ORDER = 7,
    IOTFP_JOYLINK_TYPE_OTA_UPLOAD = 8,
    IOTFP_JOYLINK_TYPE_AUTH = 9,
    IOTFP_JOYLINK_TYPE_HEARTBEAT = 10,
    IOTFP_JOYLINK_TYPE_SERVER_CONTROL = 11,
    IOTFP_JOYLINK_TYPE_UPLOAD = 12,
    IOTFP_JOYLINK_TYPE_TIME_TASK = 13,
    IOTFP_JOYLINK_TYPE_MODEL_CODE = 17,
    IOTFP_JOYLINK_TYPE_SDK_VERSION = 18,
    IOTFP_JOYLINK_TYPE_SUB_AUTH = 102,
    IOTFP_JOYLINK_TYPE_SUB_LAN_JSON = 103,
    IOTFP_JOYLINK_TYPE_SUB_LAN_SCRIPT = 104,
    IOTFP_JOYLINK_TYPE_SUB_ADD = 105,
    IOTFP_JOYLINK_TYPE_SUB_HEARTBEAT = 110,
    IOTFP_JOYLINK_TYPE_SUB_CLOUD_CONTROL = 111,
    IOTFP_JOYLINK_TYPE_SUB_UPLOAD = 112,
    IOTFP_JOYLINK_TYPE_SUB_UNBIND = 113,
    IOTFP_JOYLINK_TYPE_AGENT_ADD_SUBDEV = 200,
    IOTFP_JOYLINK_TYPE_AGENT_DEL_SUBDEV = 201,
    IOTFP_JOYLINK_TYPE_AGENT_GET_DEV_LIST = 202,
    IOTFP_JOYLINK_TYPE_AGENT_AUTH = 211,
    IOTFP_JOYLINK_TYPE_AGENT_HEARTBEAT = 212,
    IOTFP_JOYLINK_TYPE_AGENT_UPLOAD = 213,
    IOTFP_JOYLINK_TYPE_AGENT_DEV_CONTROL = 220,
} iotfp_joylink_type;

/* How options and payload are protected (E_EncType). */
typedef enum {
    IOTFP_JOYLINK_ENC_NONE = 0,
    IOTFP_JOYLINK_ENC_PSK_AES = 1,
    IOTFP_JOYLINK_ENC_ECDH = 2,
    IOTFP_JOYLINK_ENC_ACCESSKEY_AES = 3,
    IOTFP_JOYLINK_ENC_SESSIONKEY_AES = 4,
} iotfp_joylink_enctype;

typedef enum {
    IOTFP_JOYLINK_OK,
    IOTFP_JOYLINK_TOO_SHORT,  /* fewer bytes than a header */
    IOTFP_JOYLINK_BAD_MAGIC,  /* neither the cloud nor the LAN magic */
    IOTFP_JOYLINK_BAD_LENGTH, /* optlen or payloadlen beyond the bounds above */
} iotfp_joylink_status;

typedef struct {
    guint32 magic;
    guint16 optlen;
    guint16 payloadlen;
    guint8 version;
    guint8 type;    /* iotfp_joylink_type */
    guint8 total;   /* fragments of the message; 0 when not fragmented */
    guint8 index;   /* 1-based fragment number; 0 when not fragmented */
    guint8 enctype; /* iotfp_joylink_enctype */
    guint8 reserved;
    guint16 crc;
} iotfp_joylink_header;

/* Things a well-formed header can still get wrong, as a bit set. */
typedef enum {
    IOTFP_JOYLINK_PROBLEM_UNALIGNED = 1 << 0, /* an AES-CBC payload is not whole 16-byte blocks */
    IOTFP_JOYLINK_PROBLEM_INDEX = 1 << 1,     /* fragment index beyond the fragment count */
} iotfp_joylink_problem;

/* Either magic: the first four bytes of every frame, little-endian. */
gboolean iotfp_joylink_is_magic(guint32 magic);

/* Decodes the header at the start of data. Fills out (when not NULL) as soon
 * as the 16 bytes are there, even for a bad magic or length, so that a
 * dissector can still show them. */
iotfp_joylink_status iotfp_joylink_parse(const guint8 *data, gsize len, iotfp_joylink_header *out);

/* Header plus options plus payload. */
gsize iotfp_joylink_frame_len(const iotfp_joylink_header *header);

guint iotfp_joylink_problems(const iotfp_joylink_header *header);

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final
 * XOR), as the SDK computes it over the options and payload after the header. */
guint16 iotfp_joylink_crc16(const guint8 *data, gsize len);

#endif
