/* miio_encoder.c - real Xiaomi miIO packets for generated captures. */
#include "miio_encoder.h"

#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

#define MIIO_MAGIC 0x2131
#define MIIO_BLOCK_LEN 16
#define NS_PER_S G_GINT64_CONSTANT(1000000000)

static void
init_gcrypt(void)
{
    static gboolean done;
    if (done)
        return;
    if (!gcry_check_version(GCRYPT_VERSION))
        g_error("miio: libgcrypt %s is older than the %s built against", gcry_check_version(NULL),
                GCRYPT_VERSION);
    gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    done = TRUE;
}

static void
md5(const guint8 *a, gsize a_len, const guint8 *b, gsize b_len, guint8 out[16])
{
    GChecksum *checksum = g_checksum_new(G_CHECKSUM_MD5);
    g_checksum_update(checksum, a, (gssize)a_len);
    if (b_len)
        g_checksum_update(checksum, b, (gssize)b_len);
    gsize len = 16;
    g_checksum_get_digest(checksum, out, &len);
    g_checksum_free(checksum);
}

static void
put_be16(guint8 *p, guint16 v)
{
    p[0] = (guint8)(v >> 8);
    p[1] = (guint8)v;
}

static void
put_be32(guint8 *p, guint32 v)
{
    p[0] = (guint8)(v >> 24);
    p[1] = (guint8)(v >> 16);
    p[2] = (guint8)(v >> 8);
    p[3] = (guint8)v;
}

/* AES-128-CBC of text with PKCS#7 padding: always 1 to 16 bytes of it. */
static GByteArray *
encrypt(const guint8 *text, gsize len, const guint8 token[MIIO_TOKEN_LEN])
{
    init_gcrypt();
    guint8 key[16], iv[16];
    md5(token, MIIO_TOKEN_LEN, NULL, 0, key);
    md5(key, sizeof key, token, MIIO_TOKEN_LEN, iv);

    guint8 pad = (guint8)(MIIO_BLOCK_LEN - len % MIIO_BLOCK_LEN);
    GByteArray *buf = g_byte_array_sized_new((guint)(len + pad));
    g_byte_array_append(buf, text, (guint)len);
    for (guint8 i = 0; i < pad; i++)
        g_byte_array_append(buf, &pad, 1);

    gcry_cipher_hd_t cipher;
    if (gcry_cipher_open(&cipher, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CBC, 0) != 0
        || gcry_cipher_setkey(cipher, key, sizeof key) != 0 || gcry_cipher_setiv(cipher, iv, sizeof iv) != 0
        || gcry_cipher_encrypt(cipher, buf->data, buf->len, NULL, 0) != 0)
        g_error("miio: AES-128-CBC encryption failed in libgcrypt");
    gcry_cipher_close(cipher);
    return buf;
}

void
miio_encode(GByteArray *out, MiioMessageKind kind, const char *json, guint32 device_id, guint32 stamp,
            const guint8 token[MIIO_TOKEN_LEN])
{
    guint8 header[MIIO_HEADER_LEN];
    GByteArray *body = NULL;
    if (kind == MIIO_MSG_JSON)
        /* With its terminating NUL, as python-miio sends it. */
        body = encrypt((const guint8 *)json, strlen(json) + 1, token);
    gsize length = MIIO_HEADER_LEN + (body ? body->len : 0);
    if (length > G_MAXUINT16)
        g_error("miio: a %" G_GSIZE_FORMAT "-byte packet does not fit the length field", length);

    put_be16(header, MIIO_MAGIC);
    put_be16(header + 2, (guint16)length);
    put_be32(header + 4, 0);
    put_be32(header + 8, device_id);
    put_be32(header + 12, stamp);
    switch (kind) {
    case MIIO_MSG_HELLO:
        memset(header + 4, 0xff, MIIO_HEADER_LEN - 4);
        break;
    case MIIO_MSG_HELLO_REPLY:
        memset(header + 16, 0xff, 16);
        break;
    case MIIO_MSG_HELLO_REPLY_TOKEN:
        memcpy(header + 16, token, MIIO_TOKEN_LEN);
        break;
    case MIIO_MSG_KEEPALIVE:
    case MIIO_MSG_JSON: {
        /* MD5(header[0:16] || token || body) */
        GChecksum *checksum = g_checksum_new(G_CHECKSUM_MD5);
        g_checksum_update(checksum, header, 16);
        g_checksum_update(checksum, token, MIIO_TOKEN_LEN);
        if (body)
            g_checksum_update(checksum, body->data, body->len);
        gsize digest_len = 16;
        g_checksum_get_digest(checksum, header + 16, &digest_len);
        g_checksum_free(checksum);
        break;
    }
    case MIIO_MSG_NONE:
        g_error("miio: no message to encode");
    }
    g_byte_array_append(out, header, sizeof header);
    if (body) {
        g_byte_array_append(out, body->data, body->len);
        g_byte_array_unref(body);
    }
}

static void
parse_token(const char *text, guint8 token[MIIO_TOKEN_LEN])
{
    if (strlen(text) != 2 * MIIO_TOKEN_LEN)
        g_error("miio: token \"%s\" is not 32 hex digits", text);
    for (guint i = 0; i < MIIO_TOKEN_LEN; i++) {
        gint high = g_ascii_xdigit_value(text[2 * i]), low = g_ascii_xdigit_value(text[2 * i + 1]);
        if (high < 0 || low < 0)
            g_error("miio: token \"%s\" is not 32 hex digits", text);
        token[i] = (guint8)(high << 4 | low);
    }
}

void
miio_device_payload(GByteArray *out, const DeviceSpec *spec, const ExchangeSpec *exchange, guint index,
                    gint64 now_ns)
{
    const MiioDeviceSpec *miio = spec->miio;
    const MiioMessage *messages = NULL;
    if (exchange == spec->heartbeat)
        messages = miio->heartbeat;
    else if (spec->events != NULL && exchange >= spec->events && exchange < spec->events + spec->n_event_kinds)
        messages = miio->events[exchange - spec->events];
    if (messages == NULL || index >= MAX_EXCHANGE_MESSAGES || messages[index].kind == MIIO_MSG_NONE)
        g_error("miio: device %s has no miIO message %u for exchange %s", spec->label, index, exchange->tag.name);

    guint8 token[MIIO_TOKEN_LEN];
    parse_token(miio->token, token);
    guint32 stamp = (guint32)(now_ns / NS_PER_S - miio->boot_s);
    guint before = out->len;
    miio_encode(out, messages[index].kind, messages[index].json, miio->device_id, stamp, token);
    if (out->len - before != (guint)abs(exchange->messages[index]))
        g_error("miio: device %s, exchange %s, message %u: the table says %d bytes, the miIO packet has %u",
                spec->label, exchange->tag.name, index, abs(exchange->messages[index]), out->len - before);
}
