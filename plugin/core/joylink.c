#include "joylink.h"

static guint16 le16(const guint8 *p)
{
    return (guint16)(p[0] | p[1] << 8);
}

static guint32 le32(const guint8 *p)
{
    return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

gboolean iotfp_joylink_is_magic(guint32 magic)
{
    return magic == IOTFP_JOYLINK_MAGIC_CLOUD || magic == IOTFP_JOYLINK_MAGIC_LAN;
}

iotfp_joylink_status iotfp_joylink_parse(const guint8 *data, gsize len, iotfp_joylink_header *out)
{
    if (len < IOTFP_JOYLINK_HEADER_LEN)
        return IOTFP_JOYLINK_TOO_SHORT;
    iotfp_joylink_header header = {
        .magic = le32(data),
        .optlen = le16(data + 4),
        .payloadlen = le16(data + 6),
        .version = data[8],
        .type = data[9],
        .total = data[10],
        .index = data[11],
        .enctype = data[12],
        .reserved = data[13],
        .crc = le16(data + 14),
    };
    if (out)
        *out = header;
    if (!iotfp_joylink_is_magic(header.magic))
        return IOTFP_JOYLINK_BAD_MAGIC;
    if (header.optlen > IOTFP_JOYLINK_MAX_OPTLEN || header.payloadlen > IOTFP_JOYLINK_MAX_PAYLOADLEN)
        return IOTFP_JOYLINK_BAD_LENGTH;
    return IOTFP_JOYLINK_OK;
}

gsize iotfp_joylink_frame_len(const iotfp_joylink_header *header)
{
    return IOTFP_JOYLINK_HEADER_LEN + (gsize)header->optlen + header->payloadlen;
}

guint iotfp_joylink_problems(const iotfp_joylink_header *header)
{
    guint problems = 0;
    /* These run the payload (not the options) through padded AES-CBC; the
     * SDK sends "PSK AES" payloads as they are. */
    gboolean aes = header->enctype == IOTFP_JOYLINK_ENC_ECDH || header->enctype == IOTFP_JOYLINK_ENC_ACCESSKEY_AES
                   || header->enctype == IOTFP_JOYLINK_ENC_SESSIONKEY_AES;
    if (aes && header->payloadlen % 16 != 0)
        problems |= IOTFP_JOYLINK_PROBLEM_UNALIGNED;
    if (header->index > header->total)
        problems |= IOTFP_JOYLINK_PROBLEM_INDEX;
    return problems;
}

guint16 iotfp_joylink_crc16(const guint8 *data, gsize len)
{
    guint16 crc = 0xFFFF;
    for (gsize i = 0; i < len; i++) {
        crc ^= (guint16)(data[i] << 8);
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 0x8000) ? (guint16)(crc << 1 ^ 0x1021) : (guint16)(crc << 1);
    }
    return crc;
}
