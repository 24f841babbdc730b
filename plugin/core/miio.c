#include "miio.h"

#include <string.h>

static guint16 be16(const guint8 *p)
{
    return (guint16)(p[0] << 8 | p[1]);
}

static guint32 be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | (guint32)p[3];
}

static gboolean all_bytes(const guint8 *p, gsize len, guint8 value)
{
    for (gsize i = 0; i < len; i++) {
        if (p[i] != value)
            return FALSE;
    }
    return TRUE;
}

iotfp_miio_status iotfp_miio_parse(const guint8 *data, gsize captured, gsize datagram_len, iotfp_miio_header *out)
{
    if (captured < IOTFP_MIIO_HEADER_LEN)
        return IOTFP_MIIO_TOO_SHORT;
    iotfp_miio_header header = {
        .magic = be16(data),
        .length = be16(data + 2),
        .unknown = be32(data + 4),
        .device_id = be32(data + 8),
        .stamp = be32(data + 12),
    };
    memcpy(header.checksum, data + 16, IOTFP_MIIO_CHECKSUM_LEN);
    if (out)
        *out = header;
    if (header.magic != IOTFP_MIIO_MAGIC)
        return IOTFP_MIIO_BAD_MAGIC;
    if (header.length < IOTFP_MIIO_HEADER_LEN)
        return IOTFP_MIIO_BAD_LENGTH;
    if (header.length != datagram_len)
        return IOTFP_MIIO_LENGTH_MISMATCH;
    if ((header.length - IOTFP_MIIO_HEADER_LEN) % IOTFP_MIIO_BLOCK_LEN != 0)
        return IOTFP_MIIO_UNALIGNED;
    if (iotfp_miio_classify(&header) == IOTFP_MIIO_TYPE_HELLO)
        return IOTFP_MIIO_HELLO;
    return IOTFP_MIIO_OK;
}

iotfp_miio_type iotfp_miio_classify(const iotfp_miio_header *header)
{
    if (header->length > IOTFP_MIIO_HEADER_LEN)
        return IOTFP_MIIO_TYPE_DATA;
    gboolean checksum_ff = all_bytes(header->checksum, IOTFP_MIIO_CHECKSUM_LEN, 0xff);
    if (header->unknown == IOTFP_MIIO_ID_NONE && header->device_id == IOTFP_MIIO_ID_NONE
        && header->stamp == 0xffffffffu && checksum_ff)
        return IOTFP_MIIO_TYPE_HELLO;
    /* python-miio's reading of a hello reply: a checksum field that is
     * neither all ff nor all 00 is taken for the token (some firmware sends
     * it there), which makes such a reply look like any other 32-byte
     * packet. */
    if (header->unknown == 0 && header->device_id != IOTFP_MIIO_ID_NONE
        && (checksum_ff || all_bytes(header->checksum, IOTFP_MIIO_CHECKSUM_LEN, 0x00)))
        return IOTFP_MIIO_TYPE_HELLO_REPLY;
    return IOTFP_MIIO_TYPE_KEEPALIVE;
}

static void md5(const guint8 *a, gsize a_len, const guint8 *b, gsize b_len, const guint8 *c, gsize c_len,
                guint8 out[16])
{
    GChecksum *checksum = g_checksum_new(G_CHECKSUM_MD5);
    g_checksum_update(checksum, a, (gssize)a_len);
    if (b_len)
        g_checksum_update(checksum, b, (gssize)b_len);
    if (c_len)
        g_checksum_update(checksum, c, (gssize)c_len);
    gsize digest_len = 16;
    g_checksum_get_digest(checksum, out, &digest_len);
    g_checksum_free(checksum);
}

void iotfp_miio_derive(const guint8 token[IOTFP_MIIO_TOKEN_LEN], guint8 key[16], guint8 iv[16])
{
    md5(token, IOTFP_MIIO_TOKEN_LEN, NULL, 0, NULL, 0, key);
    md5(key, 16, token, IOTFP_MIIO_TOKEN_LEN, NULL, 0, iv);
}

void iotfp_miio_checksum(const guint8 *packet, gsize len, const guint8 token[IOTFP_MIIO_TOKEN_LEN],
                         guint8 out[IOTFP_MIIO_CHECKSUM_LEN])
{
    g_return_if_fail(len >= IOTFP_MIIO_HEADER_LEN);
    md5(packet, 16, token, IOTFP_MIIO_TOKEN_LEN, packet + IOTFP_MIIO_HEADER_LEN, len - IOTFP_MIIO_HEADER_LEN, out);
}

gboolean iotfp_miio_checksum_matches(const guint8 *packet, gsize len, const guint8 token[IOTFP_MIIO_TOKEN_LEN])
{
    if (len < IOTFP_MIIO_HEADER_LEN)
        return FALSE;
    guint8 computed[IOTFP_MIIO_CHECKSUM_LEN];
    iotfp_miio_checksum(packet, len, token, computed);
    return memcmp(computed, packet + 16, IOTFP_MIIO_CHECKSUM_LEN) == 0;
}

gboolean iotfp_miio_unpad(const guint8 *plain, gsize len, gsize *text_len)
{
    if (len == 0 || len % IOTFP_MIIO_BLOCK_LEN != 0)
        return FALSE;
    guint8 n = plain[len - 1];
    if (n == 0 || n > IOTFP_MIIO_BLOCK_LEN || !all_bytes(plain + len - n, n, n))
        return FALSE;
    *text_len = len - n;
    return TRUE;
}

gsize iotfp_miio_strip_nuls(const guint8 *text, gsize len)
{
    while (len > 0 && text[len - 1] == 0)
        len--;
    return len;
}

gboolean iotfp_miio_parse_token(const char *text, guint8 token[IOTFP_MIIO_TOKEN_LEN], GError **error)
{
    gsize len = strlen(text);
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isxdigit(text[i])) {
            g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE,
                        "token '%s': '%c' at position %" G_GSIZE_FORMAT " is not a hex digit; a token is 32 hex "
                        "digits such as 00112233445566778899aabbccddeeff",
                        text, g_ascii_isprint(text[i]) ? text[i] : '?', i + 1);
            return FALSE;
        }
    }
    if (len != 2 * IOTFP_MIIO_TOKEN_LEN) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE,
                    "token '%s' has %" G_GSIZE_FORMAT " hex digits; a token is 32 hex digits (16 bytes)", text, len);
        return FALSE;
    }
    for (gsize i = 0; i < IOTFP_MIIO_TOKEN_LEN; i++)
        token[i] = (guint8)(g_ascii_xdigit_value(text[2 * i]) << 4 | g_ascii_xdigit_value(text[2 * i + 1]));
    return TRUE;
}

gboolean iotfp_miio_parse_key(const char *text, iotfp_miio_key *key, GError **error)
{
    iotfp_miio_key parsed = { 0 };
    guint64 id;
    gboolean hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (hex ? g_ascii_string_to_unsigned(text + 2, 16, 0, G_MAXUINT32, &id, NULL)
            : g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT32, &id, NULL)) {
        parsed.device_id = (guint32)id;
    } else if (iotfp_addr_parse(&parsed.addr, text)) {
        parsed.is_address = TRUE;
    } else {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE,
                    "'%s' is neither a device ID, in decimal (369215617) or hex with 0x (0x1601c881), "
                    "nor an IPv4 or IPv6 address",
                    text);
        return FALSE;
    }
    *key = parsed;
    return TRUE;
}
