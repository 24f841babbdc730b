#include "tuya.h"

#include <string.h>

/* 3.4 pads every payload, even an empty one, to whole AES blocks. */
#define AES_BLOCK 16

static guint16 be16(const guint8 *p)
{
    return (guint16)(p[0] << 8 | p[1]);
}

static guint32 be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | (guint32)p[3];
}

iotfp_tuya_status iotfp_tuya_parse_header(const guint8 *data, gsize len, iotfp_tuya_header *out)
{
    if (len < 4)
        return IOTFP_TUYA_TOO_SHORT;
    iotfp_tuya_header header = { 0 };
    gsize min_length, uncounted;
    switch (be32(data)) {
    case IOTFP_TUYA_PREFIX_55AA:
        if (len < IOTFP_TUYA_HEADER_LEN_55AA)
            return IOTFP_TUYA_TOO_SHORT;
        header.format = IOTFP_TUYA_FORMAT_55AA;
        header.header_len = IOTFP_TUYA_HEADER_LEN_55AA;
        header.seq = be32(data + 4);
        header.cmd = be32(data + 8);
        header.length = be32(data + 12);
        min_length = IOTFP_TUYA_CRC_LEN + IOTFP_TUYA_SUFFIX_LEN;
        uncounted = 0;
        break;
    case IOTFP_TUYA_PREFIX_6699:
        if (len < IOTFP_TUYA_HEADER_LEN_6699)
            return IOTFP_TUYA_TOO_SHORT;
        header.format = IOTFP_TUYA_FORMAT_6699;
        header.header_len = IOTFP_TUYA_HEADER_LEN_6699;
        header.unknown = be16(data + 4);
        header.seq = be32(data + 6);
        header.cmd = be32(data + 10);
        header.length = be32(data + 14);
        min_length = IOTFP_TUYA_IV_LEN + IOTFP_TUYA_TAG_LEN;
        uncounted = IOTFP_TUYA_SUFFIX_LEN;
        break;
    default:
        return IOTFP_TUYA_BAD_PREFIX;
    }
    iotfp_tuya_status status = IOTFP_TUYA_BAD_LENGTH;
    if (header.length >= min_length && header.length <= IOTFP_TUYA_MAX_LENGTH) {
        header.frame_len = header.header_len + header.length + uncounted;
        status = IOTFP_TUYA_OK;
    }
    if (out)
        *out = header;
    return status;
}

/* 4 when the bytes from start to end open with a return code, else 0. */
static gsize retcode_len(const guint8 *data, gsize start, gsize end)
{
    return end - start >= 4 && be32(data + start) < 0x100 ? 4 : 0;
}

/* Whether, with a 32-byte HMAC before the suffix, the payload would be whole
 * AES blocks, as 3.4 sends it. */
static gboolean fits_hmac(const guint8 *data, const iotfp_tuya_frame *frame)
{
    gsize start = frame->header.header_len;
    if (frame->suffix_offset < start + IOTFP_TUYA_HMAC_LEN)
        return FALSE;
    gsize end = frame->suffix_offset - IOTFP_TUYA_HMAC_LEN;
    gsize payload_len = end - start - retcode_len(data, start, end);
    return payload_len >= AES_BLOCK && payload_len % AES_BLOCK == 0;
}

static void layout_55aa(const guint8 *data, iotfp_tuya_frame *frame)
{
    gsize crc_offset = frame->suffix_offset - IOTFP_TUYA_CRC_LEN;
    frame->crc = be32(data + crc_offset);
    frame->crc_computed = iotfp_tuya_crc32(data, crc_offset);
    if (frame->crc != frame->crc_computed && fits_hmac(data, frame)) {
        frame->trailer = IOTFP_TUYA_TRAILER_HMAC;
        frame->trailer_len = IOTFP_TUYA_HMAC_LEN;
    } else {
        frame->trailer = IOTFP_TUYA_TRAILER_CRC32;
        frame->trailer_len = IOTFP_TUYA_CRC_LEN;
    }
    frame->trailer_offset = frame->suffix_offset - frame->trailer_len;

    gsize start = frame->header.header_len;
    gsize rc = retcode_len(data, start, frame->trailer_offset);
    frame->has_retcode = rc != 0;
    frame->retcode = rc ? be32(data + start) : 0;
    frame->payload_offset = start + rc;
    frame->payload_len = frame->trailer_offset - frame->payload_offset;

    /* 3.1 to 3.3 put the version in clear before what they encrypt (3.4
     * encrypts it along). */
    const guint8 *payload = data + frame->payload_offset;
    if (frame->payload_len >= 3 && payload[0] == '3' && payload[1] == '.' && g_ascii_isdigit(payload[2]))
        memcpy(frame->version, payload, 3);
}

static void layout_6699(iotfp_tuya_frame *frame)
{
    frame->iv_offset = frame->header.header_len;
    frame->payload_offset = frame->iv_offset + IOTFP_TUYA_IV_LEN;
    frame->trailer = IOTFP_TUYA_TRAILER_GCM_TAG;
    frame->trailer_len = IOTFP_TUYA_TAG_LEN;
    frame->trailer_offset = frame->suffix_offset - IOTFP_TUYA_TAG_LEN;
    frame->payload_len = frame->trailer_offset - frame->payload_offset;
}

iotfp_tuya_status iotfp_tuya_parse_frame(const guint8 *data, gsize len, iotfp_tuya_frame *out)
{
    memset(out, 0, sizeof *out);
    iotfp_tuya_status status = iotfp_tuya_parse_header(data, len, &out->header);
    if (status != IOTFP_TUYA_OK)
        return status;
    if (len < out->header.frame_len)
        return IOTFP_TUYA_TOO_SHORT;
    out->suffix_offset = out->header.frame_len - IOTFP_TUYA_SUFFIX_LEN;
    out->suffix = be32(data + out->suffix_offset);
    if (out->header.format == IOTFP_TUYA_FORMAT_6699) {
        out->suffix_ok = out->suffix == IOTFP_TUYA_SUFFIX_6699;
        layout_6699(out);
    } else {
        out->suffix_ok = out->suffix == IOTFP_TUYA_SUFFIX_55AA;
        layout_55aa(data, out);
    }
    return IOTFP_TUYA_OK;
}

guint32 iotfp_tuya_crc32(const guint8 *data, gsize len)
{
    guint32 crc = 0xFFFFFFFFu;
    for (gsize i = 0; i < len; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 1) ? crc >> 1 ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}
