/* Tuya's local protocol (protocol versions 3.1 to 3.5): the clear framing
 * around an almost always encrypted payload. All integers are big-endian.
 *
 *   3.1-3.4: 00 00 55 aa, seq u32, cmd u32, length u32,
 *            [return code u32], payload, CRC32 u32 or HMAC-SHA256 (3.4),
 *            00 00 aa 55; length counts everything after itself.
 *   3.5:     00 00 66 99, u16, seq u32, cmd u32, length u32,
 *            IV (12), payload, AES-GCM tag (16), 00 00 99 66;
 *            length counts IV, payload and tag, not the suffix. */
#ifndef IOTFP_TUYA_H
#define IOTFP_TUYA_H

#include <glib.h>

#define IOTFP_TUYA_PREFIX_55AA 0x000055AAu
#define IOTFP_TUYA_SUFFIX_55AA 0x0000AA55u
#define IOTFP_TUYA_PREFIX_6699 0x00006699u
#define IOTFP_TUYA_SUFFIX_6699 0x00009966u
#define IOTFP_TUYA_HEADER_LEN_55AA 16
#define IOTFP_TUYA_HEADER_LEN_6699 18
/* Enough bytes to know the length of a frame of either layout. */
#define IOTFP_TUYA_HEADER_LEN_MAX IOTFP_TUYA_HEADER_LEN_6699
#define IOTFP_TUYA_CRC_LEN 4
#define IOTFP_TUYA_HMAC_LEN 32
#define IOTFP_TUYA_IV_LEN 12
#define IOTFP_TUYA_TAG_LEN 16
#define IOTFP_TUYA_SUFFIX_LEN 4

/* Far above any local message (JSON of a few KiB at most): a larger length
 * comes from desynchronised or unrelated bytes. */
#define IOTFP_TUYA_MAX_LENGTH (64 * 1024)

/* Command codes, from Tuya's lan_protocol.h as tinytuya lists them. 3 to 5
 * were bind and rename commands before 3.4 reused them for the session key
 * negotiation. */
typedef enum {
    IOTFP_TUYA_CMD_UDP = 0x00,
    IOTFP_TUYA_CMD_AP_CONFIG = 0x01,
    IOTFP_TUYA_CMD_ACTIVE = 0x02,
    IOTFP_TUYA_CMD_SESS_KEY_NEG_START = 0x03,
    IOTFP_TUYA_CMD_SESS_KEY_NEG_RESP = 0x04,
    IOTFP_TUYA_CMD_SESS_KEY_NEG_FINISH = 0x05,
    IOTFP_TUYA_CMD_UNBIND = 0x06,
    IOTFP_TUYA_CMD_CONTROL = 0x07,
    IOTFP_TUYA_CMD_STATUS = 0x08,
    IOTFP_TUYA_CMD_HEART_BEAT = 0x09,
    IOTFP_TUYA_CMD_DP_QUERY = 0x0a,
    IOTFP_TUYA_CMD_QUERY_WIFI = 0x0b,
    IOTFP_TUYA_CMD_TOKEN_BIND = 0x0c,
    IOTFP_TUYA_CMD_CONTROL_NEW = 0x0d,
    IOTFP_TUYA_CMD_ENABLE_WIFI = 0x0e,
    IOTFP_TUYA_CMD_WIFI_INFO = 0x0f,
    IOTFP_TUYA_CMD_DP_QUERY_NEW = 0x10,
    IOTFP_TUYA_CMD_SCENE_EXECUTE = 0x11,
    IOTFP_TUYA_CMD_UPDATEDPS = 0x12,
    IOTFP_TUYA_CMD_UDP_NEW = 0x13,
    IOTFP_TUYA_CMD_AP_CONFIG_NEW = 0x14,
    IOTFP_TUYA_CMD_BROADCAST_LPV34 = 0x23,
    IOTFP_TUYA_CMD_REQ_DEVINFO = 0x25,
    IOTFP_TUYA_CMD_LAN_EXT_STREAM = 0x40,
} iotfp_tuya_command;

typedef enum {
    IOTFP_TUYA_OK,
    IOTFP_TUYA_TOO_SHORT,  /* fewer bytes than the header, or than the frame it announces */
    IOTFP_TUYA_BAD_PREFIX, /* neither 00 00 55 aa nor 00 00 66 99 */
    IOTFP_TUYA_BAD_LENGTH, /* length too small for the trailer, or beyond IOTFP_TUYA_MAX_LENGTH */
} iotfp_tuya_status;

typedef enum {
    IOTFP_TUYA_FORMAT_55AA, /* 3.1 to 3.4 */
    IOTFP_TUYA_FORMAT_6699, /* 3.5 */
} iotfp_tuya_format;

typedef struct {
    iotfp_tuya_format format;
    guint16 unknown; /* 6699 only: the 16 bits between prefix and seq */
    guint32 seq;
    guint32 cmd; /* iotfp_tuya_command */
    guint32 length;
    gsize header_len;
    gsize frame_len; /* from the prefix to the end of the suffix; 0 for a bad length */
} iotfp_tuya_header;

/* How the frame's integrity is protected. */
typedef enum {
    IOTFP_TUYA_TRAILER_CRC32,   /* zlib's CRC32 of everything before it */
    IOTFP_TUYA_TRAILER_HMAC,    /* 3.4: HMAC-SHA256 under the session key, unverifiable */
    IOTFP_TUYA_TRAILER_GCM_TAG, /* 3.5: authenticates the encrypted payload */
} iotfp_tuya_trailer;

/* Offsets are from the prefix. */
typedef struct {
    iotfp_tuya_header header;
    gboolean has_retcode;
    guint32 retcode;
    gsize iv_offset; /* 6699 only */
    gsize payload_offset;
    gsize payload_len;
    iotfp_tuya_trailer trailer;
    gsize trailer_offset;
    gsize trailer_len;
    guint32 crc;          /* CRC32 trailer only: as sent */
    guint32 crc_computed; /* CRC32 trailer only */
    gsize suffix_offset;
    guint32 suffix;
    gboolean suffix_ok;
    /* "3.3" when the payload opens with a clear protocol version, else "". */
    char version[4];
} iotfp_tuya_frame;

/* Decodes the header at the start of data. Fills out (when not NULL) as soon
 * as a whole header is there, even for a bad length, so that a dissector can
 * still show it. */
iotfp_tuya_status iotfp_tuya_parse_header(const guint8 *data, gsize len, iotfp_tuya_header *out);

/* Decodes the frame at the start of data, which must hold all of it. A wrong
 * suffix or CRC is reported in out, not as a failure. out->header is filled
 * as iotfp_tuya_parse_header fills it (all zero when not), the rest only on
 * success.
 *
 * Which trailer a 55AA frame carries is not written in it: a matching CRC32
 * settles it; failing that, a payload of whole AES blocks before 32 bytes
 * makes it a 3.4 HMAC. A return code (device to app) is recognised by its
 * value, below 256, where a payload would start with encrypted or text bytes. */
iotfp_tuya_status iotfp_tuya_parse_frame(const guint8 *data, gsize len, iotfp_tuya_frame *out);

/* zlib's CRC-32 (reflected 0x04C11DB7, init and final XOR 0xFFFFFFFF). */
guint32 iotfp_tuya_crc32(const guint8 *data, gsize len);

#endif
