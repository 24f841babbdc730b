/* Xiaomi miIO: the UDP protocol of Mijia devices, on port 54321 on the LAN and
 * 8053 to Xiaomi's cloud. Every packet starts with a 32-byte big-endian
 * header:
 *
 *   0  magic      21 31
 *   2  length     of the whole packet, header included
 *   4  unknown    0, or ff ff ff ff in hellos and cloud pings
 *   8  device id  the device's "did"
 *  12  stamp      the device's clock in seconds; clients echo it
 *  16  checksum   MD5(header[0:16] || token || body)
 *
 * The body is AES-128-CBC with PKCS#7 padding, key = MD5(token) and
 * IV = MD5(key || token), under the device's 16-byte token.
 *
 * This file parses and computes digests (GLib's MD5); the cipher itself is
 * left to the caller, which has a crypto library (libgcrypt in Wireshark). */
#ifndef IOTFP_MIIO_H
#define IOTFP_MIIO_H

#include <glib.h>

#include "addr.h"

#define IOTFP_MIIO_HEADER_LEN 32
#define IOTFP_MIIO_MAGIC 0x2131u
#define IOTFP_MIIO_TOKEN_LEN 16
#define IOTFP_MIIO_CHECKSUM_LEN 16
#define IOTFP_MIIO_BLOCK_LEN 16
#define IOTFP_MIIO_LAN_PORT 54321
#define IOTFP_MIIO_CLOUD_PORT 8053
/* The device id (and unknown field) of a hello request and of cloud pings. */
#define IOTFP_MIIO_ID_NONE 0xffffffffu

typedef enum {
    IOTFP_MIIO_OK,              /* a sound header: hello reply, keepalive or data */
    IOTFP_MIIO_HELLO,           /* the hello request: 32 bytes, all ff after the length */
    IOTFP_MIIO_TOO_SHORT,       /* fewer than 32 bytes to parse */
    IOTFP_MIIO_BAD_MAGIC,       /* not 21 31 */
    IOTFP_MIIO_BAD_LENGTH,      /* length field smaller than the header */
    IOTFP_MIIO_LENGTH_MISMATCH, /* length field differs from the datagram's length */
    IOTFP_MIIO_UNALIGNED,       /* body not whole 16-byte AES blocks */
} iotfp_miio_status;

typedef enum {
    IOTFP_MIIO_TYPE_HELLO = 1,       /* request: unknown, device id, stamp, checksum all ff */
    IOTFP_MIIO_TYPE_HELLO_REPLY = 2, /* 32 bytes, unknown 0, checksum all ff or all 00 */
    IOTFP_MIIO_TYPE_KEEPALIVE = 3,   /* any other 32-byte packet: keepalives, pings, acks */
    IOTFP_MIIO_TYPE_DATA = 4,        /* a header and an encrypted body */
} iotfp_miio_type;

typedef struct {
    guint16 magic;
    guint16 length;
    guint32 unknown;
    guint32 device_id;
    guint32 stamp;
    guint8 checksum[IOTFP_MIIO_CHECKSUM_LEN];
} iotfp_miio_header;

/* Decodes the header at the start of data, of which captured bytes are
 * there; datagram_len is the length of the whole datagram (more than
 * captured when a capture cut it short). Fills out (when not NULL) as soon
 * as 32 bytes are there, whatever the status, so that a dissector can still
 * show the fields. */
iotfp_miio_status iotfp_miio_parse(const guint8 *data, gsize captured, gsize datagram_len, iotfp_miio_header *out);

iotfp_miio_type iotfp_miio_classify(const iotfp_miio_header *header);

/* key = MD5(token), iv = MD5(key || token). */
void iotfp_miio_derive(const guint8 token[IOTFP_MIIO_TOKEN_LEN], guint8 key[16], guint8 iv[16]);

/* MD5(packet[0:16] || token || packet[32:len]): the checksum a sender with
 * this token puts in packet[16:32]. len is at least the header's 32. */
void iotfp_miio_checksum(const guint8 *packet, gsize len, const guint8 token[IOTFP_MIIO_TOKEN_LEN],
                         guint8 out[IOTFP_MIIO_CHECKSUM_LEN]);
gboolean iotfp_miio_checksum_matches(const guint8 *packet, gsize len, const guint8 token[IOTFP_MIIO_TOKEN_LEN]);

/* PKCS#7: the decrypted body's last byte n (1 to 16) says how many bytes of
 * value n end it. On success sets *text_len to the length before them. */
gboolean iotfp_miio_unpad(const guint8 *plain, gsize len, gsize *text_len);

/* Senders such as python-miio end the JSON with a NUL before padding: the
 * length of text without its trailing NULs. */
gsize iotfp_miio_strip_nuls(const guint8 *text, gsize len);

/* A token as users copy it from apps and tools: exactly 32 hex digits. */
gboolean iotfp_miio_parse_token(const char *text, guint8 token[IOTFP_MIIO_TOKEN_LEN], GError **error);

/* What a token belongs to: a device id, or the address of the device. */
typedef struct {
    gboolean is_address;
    guint32 device_id;
    iotfp_addr addr;
} iotfp_miio_key;

/* A device id in decimal (369215617) or in hex with 0x (0x1601c881), or an
 * IPv4 or IPv6 address. */
gboolean iotfp_miio_parse_key(const char *text, iotfp_miio_key *key, GError **error);

#endif
