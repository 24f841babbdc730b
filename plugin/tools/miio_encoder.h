/* miio_encoder.h - real Xiaomi miIO packets for generated captures.
 *
 * A device table entry with a .miio spec sends miIO packets instead of
 * opaque bytes: hellos, keepalives, and JSON commands and replies encrypted
 * under a fixed test token (AES-128-CBC with libgcrypt, key = MD5(token),
 * IV = MD5(key || token), PKCS#7 padding) with correct checksums
 * (MD5(header[0:16] || token || body)). The dissector decrypts them when
 * given the token. This file does its own MD5 and AES and shares no code
 * with the plugin, so that a capture checks the dissector rather than
 * agreeing with it by construction.
 */
#ifndef IOTFP_MIIO_ENCODER_H
#define IOTFP_MIIO_ENCODER_H

#include <glib.h>

#include "scenario_spec.h"

#define MIIO_HEADER_LEN 32
#define MIIO_TOKEN_LEN 16

typedef enum {
    MIIO_MSG_NONE = 0,          /* ends a shorter list */
    MIIO_MSG_HELLO,             /* 21 31 00 20, then all ff */
    MIIO_MSG_HELLO_REPLY,       /* device id and stamp, checksum all ff (token withheld) */
    MIIO_MSG_HELLO_REPLY_TOKEN, /* device id and stamp, the token in the checksum field,
                                   as some firmware sends it */
    MIIO_MSG_KEEPALIVE,         /* 32 bytes, checksum over the header and token */
    MIIO_MSG_JSON,              /* json, NUL-terminated as python-miio sends it, encrypted */
} MiioMessageKind;

typedef struct {
    MiioMessageKind kind;
    const char *json; /* MIIO_MSG_JSON */
} MiioMessage;

/* The miIO side of a DeviceSpec: whom its packets are about and what they
 * say, message by message of its exchanges. */
struct MiioDeviceSpec {
    guint32 device_id;
    const char *token; /* 32 hex digits */
    gint64 boot_s;     /* epoch seconds at which the device's stamp was 0 */
    /* One list per event kind of the DeviceSpec, in the same order; the
     * sizes in the DeviceSpec's exchanges must be those of these packets. */
    const MiioMessage (*events)[MAX_EXCHANGE_MESSAGES];
    const MiioMessage *heartbeat; /* MAX_EXCHANGE_MESSAGES entries, or NULL */
};

/* Appends one miIO packet about device_id, stamped stamp. token is 16
 * bytes; json is read for MIIO_MSG_JSON only. */
void miio_encode(GByteArray *out, MiioMessageKind kind, const char *json, guint32 device_id, guint32 stamp,
                 const guint8 token[MIIO_TOKEN_LEN]);

/* Appends the packet that message index of exchange is for the miIO device
 * spec (spec->miio), sent at now_ns. Aborts when the table's size for that
 * message is not the packet's. */
void miio_device_payload(GByteArray *out, const DeviceSpec *spec, const ExchangeSpec *exchange, guint index,
                         gint64 now_ns);

#endif /* IOTFP_MIIO_ENCODER_H */
