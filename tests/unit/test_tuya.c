#include <string.h>

#include "tuya.h"

/* An app's DP_QUERY_NEW to a motion sensor on TCP 6668, and the sensor's
 * answer, as captured (protocol 3.3 framing). */
static const guint8 query[] = {
    0x00, 0x00, 0x55, 0xaa, 0x00, 0x00, 0x05, 0xc5, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x18,
    0x13, 0xdd, 0xf1, 0x46, 0x4e, 0x0b, 0x45, 0x74, 0xa8, 0xde, 0xe5, 0x6a, 0x47, 0xa4, 0xf8, 0xfc,
    0x42, 0x20, 0xe1, 0xa7, 0x00, 0x00, 0xaa, 0x55,
};
static const guint8 answer[] = {
    0x00, 0x00, 0x55, 0xaa, 0x00, 0x00, 0x05, 0xc5, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x2c,
    0x00, 0x00, 0x00, 0x00, 0xa8, 0x31, 0xf2, 0x93, 0x8e, 0x26, 0x60, 0xf8, 0x68, 0x69, 0x46, 0x69,
    0x31, 0xc0, 0xa5, 0x20, 0x37, 0xd3, 0xb5, 0xae, 0xa4, 0xaa, 0xd2, 0x50, 0xe1, 0xfa, 0x8c, 0xac,
    0x07, 0x43, 0x8e, 0x4c, 0x5e, 0x8e, 0x42, 0x0f, 0x00, 0x00, 0xaa, 0x55,
};

static void put32(GByteArray *out, guint32 value)
{
    const guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };
    g_byte_array_append(out, bytes, 4);
}

/* A 3.1-3.4 frame; a 32-byte trailer stands for a 3.4 HMAC (arbitrary bytes,
 * as the key is unknown here), a 4-byte one is the frame's CRC32. */
static GByteArray *frame_55aa(guint32 cmd, gboolean retcode, const guint8 *payload, gsize payload_len,
                              gsize trailer_len)
{
    GByteArray *out = g_byte_array_new();
    put32(out, IOTFP_TUYA_PREFIX_55AA);
    put32(out, 7);
    put32(out, cmd);
    put32(out, (guint32)((retcode ? 4 : 0) + payload_len + trailer_len + IOTFP_TUYA_SUFFIX_LEN));
    if (retcode)
        put32(out, 0);
    g_byte_array_append(out, payload, (guint)payload_len);
    if (trailer_len == IOTFP_TUYA_CRC_LEN) {
        put32(out, iotfp_tuya_crc32(out->data, out->len));
    } else {
        for (gsize i = 0; i < trailer_len; i++)
            g_byte_array_append(out, (const guint8 *)"\xab", 1);
    }
    put32(out, IOTFP_TUYA_SUFFIX_55AA);
    return out;
}

static const guint8 ciphertext[48] = {
    0x9f, 0x12, 0x33, 0x01, 0xee, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x10, 0x32, 0x54, 0x76, 0x98,
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01,
    0x80, 0x70, 0x60, 0x50, 0x40, 0x30, 0x20, 0x10, 0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08,
};

static void test_real_query(void)
{
    iotfp_tuya_frame frame;
    g_assert_cmpint(iotfp_tuya_parse_frame(query, sizeof query, &frame), ==, IOTFP_TUYA_OK);
    g_assert_cmpint(frame.header.format, ==, IOTFP_TUYA_FORMAT_55AA);
    g_assert_cmpuint(frame.header.seq, ==, 1477);
    g_assert_cmphex(frame.header.cmd, ==, IOTFP_TUYA_CMD_DP_QUERY_NEW);
    g_assert_cmpuint(frame.header.length, ==, 24);
    g_assert_cmpuint(frame.header.frame_len, ==, sizeof query);
    g_assert_false(frame.has_retcode);
    g_assert_cmpuint(frame.payload_offset, ==, 16);
    g_assert_cmpuint(frame.payload_len, ==, 16);
    g_assert_cmpint(frame.trailer, ==, IOTFP_TUYA_TRAILER_CRC32);
    g_assert_cmpuint(frame.trailer_offset, ==, 32);
    g_assert_cmphex(frame.crc, ==, 0x4220e1a7);
    g_assert_cmphex(frame.crc_computed, ==, frame.crc);
    g_assert_true(frame.suffix_ok);
    g_assert_cmpstr(frame.version, ==, "");
}

static void test_real_answer(void)
{
    iotfp_tuya_frame frame;
    g_assert_cmpint(iotfp_tuya_parse_frame(answer, sizeof answer, &frame), ==, IOTFP_TUYA_OK);
    g_assert_cmpuint(frame.header.seq, ==, 1477);
    g_assert_true(frame.has_retcode);
    g_assert_cmpuint(frame.retcode, ==, 0);
    g_assert_cmpuint(frame.payload_offset, ==, 20);
    g_assert_cmpuint(frame.payload_len, ==, 32);
    g_assert_cmpint(frame.trailer, ==, IOTFP_TUYA_TRAILER_CRC32);
    g_assert_cmphex(frame.crc_computed, ==, frame.crc);
    g_assert_true(frame.suffix_ok);
}

static void test_two_frames_in_one_buffer(void)
{
    guint8 both[sizeof query + sizeof answer];
    memcpy(both, query, sizeof query);
    memcpy(both + sizeof query, answer, sizeof answer);
    iotfp_tuya_frame frame;
    g_assert_cmpint(iotfp_tuya_parse_frame(both, sizeof both, &frame), ==, IOTFP_TUYA_OK);
    g_assert_cmpuint(frame.header.frame_len, ==, sizeof query);
    g_assert_cmphex(frame.crc_computed, ==, frame.crc);
    g_assert_cmpint(iotfp_tuya_parse_frame(both + frame.header.frame_len, sizeof both - frame.header.frame_len,
                                           &frame), ==, IOTFP_TUYA_OK);
    g_assert_true(frame.has_retcode);
}

static void test_crc_check_value(void)
{
    /* The catalogue check value of CRC-32 (zlib's). */
    g_assert_cmphex(iotfp_tuya_crc32((const guint8 *)"123456789", 9), ==, 0xcbf43926);
    g_assert_cmphex(iotfp_tuya_crc32(NULL, 0), ==, 0);
}

static void test_too_short(void)
{
    iotfp_tuya_frame frame;
    for (gsize len = 0; len < IOTFP_TUYA_HEADER_LEN_55AA; len++) {
        g_assert_cmpint(iotfp_tuya_parse_frame(query, len, &frame), ==, IOTFP_TUYA_TOO_SHORT);
        g_assert_cmpuint(frame.header.frame_len, ==, 0);
    }
    /* A whole header, but not the whole frame: the length is known. */
    for (gsize len = IOTFP_TUYA_HEADER_LEN_55AA; len < sizeof query; len++) {
        g_assert_cmpint(iotfp_tuya_parse_frame(query, len, &frame), ==, IOTFP_TUYA_TOO_SHORT);
        g_assert_cmpuint(frame.header.frame_len, ==, sizeof query);
        g_assert_cmpint(iotfp_tuya_parse_header(query, len, NULL), ==, IOTFP_TUYA_OK);
    }
}

static void test_bad_prefix(void)
{
    guint8 bytes[sizeof query];
    memcpy(bytes, query, sizeof bytes);
    bytes[2] = 0xaa;
    bytes[3] = 0x55;
    iotfp_tuya_frame frame;
    g_assert_cmpint(iotfp_tuya_parse_frame(bytes, sizeof bytes, &frame), ==, IOTFP_TUYA_BAD_PREFIX);
    g_assert_cmpint(iotfp_tuya_parse_header((const guint8 *)"GET / HTTP/1.1\r\n", 16, NULL), ==,
                    IOTFP_TUYA_BAD_PREFIX);
}

static void set_length(guint8 *bytes, gsize at, guint32 length)
{
    bytes[at] = (guint8)(length >> 24);
    bytes[at + 1] = (guint8)(length >> 16);
    bytes[at + 2] = (guint8)(length >> 8);
    bytes[at + 3] = (guint8)length;
}

static void test_absurd_lengths(void)
{
    guint8 bytes[sizeof query];
    memcpy(bytes, query, sizeof bytes);
    iotfp_tuya_header header;

    set_length(bytes, 12, 0x7fffffff);
    g_assert_cmpint(iotfp_tuya_parse_header(bytes, sizeof bytes, &header), ==, IOTFP_TUYA_BAD_LENGTH);
    g_assert_cmpuint(header.length, ==, 0x7fffffff);
    g_assert_cmpuint(header.frame_len, ==, 0);
    /* No room for a CRC and a suffix. */
    set_length(bytes, 12, 7);
    g_assert_cmpint(iotfp_tuya_parse_header(bytes, sizeof bytes, &header), ==, IOTFP_TUYA_BAD_LENGTH);
    set_length(bytes, 12, IOTFP_TUYA_MAX_LENGTH);
    g_assert_cmpint(iotfp_tuya_parse_header(bytes, sizeof bytes, &header), ==, IOTFP_TUYA_OK);
    g_assert_cmpuint(header.frame_len, ==, IOTFP_TUYA_HEADER_LEN_55AA + IOTFP_TUYA_MAX_LENGTH);

    /* A 3.5 frame needs room for an IV and a tag. */
    guint8 v35[IOTFP_TUYA_HEADER_LEN_6699] = { 0x00, 0x00, 0x66, 0x99 };
    set_length(v35, 14, IOTFP_TUYA_IV_LEN + IOTFP_TUYA_TAG_LEN - 1);
    g_assert_cmpint(iotfp_tuya_parse_header(v35, sizeof v35, NULL), ==, IOTFP_TUYA_BAD_LENGTH);
}

static void test_crc_mismatch(void)
{
    guint8 bytes[sizeof answer];
    memcpy(bytes, answer, sizeof bytes);
    bytes[30] ^= 0x40;
    iotfp_tuya_frame frame;
    g_assert_cmpint(iotfp_tuya_parse_frame(bytes, sizeof bytes, &frame), ==, IOTFP_TUYA_OK);
    /* Before a would-be 32-byte HMAC, too little is left for an AES block:
     * this stays a CRC frame, with a wrong CRC. */
    g_assert_cmpint(frame.trailer, ==, IOTFP_TUYA_TRAILER_CRC32);
    g_assert_cmphex(frame.crc, ==, 0x5e8e420f);
    g_assert_cmphex(frame.crc_computed, !=, frame.crc);
}

static void test_hmac(void)
{
    iotfp_tuya_frame frame;
    GByteArray *request = frame_55aa(IOTFP_TUYA_CMD_SESS_KEY_NEG_START, FALSE, ciphertext, 32, IOTFP_TUYA_HMAC_LEN);
    g_assert_cmpint(iotfp_tuya_parse_frame(request->data, request->len, &frame), ==, IOTFP_TUYA_OK);
    g_assert_cmpint(frame.trailer, ==, IOTFP_TUYA_TRAILER_HMAC);
    g_assert_false(frame.has_retcode);
    g_assert_cmpuint(frame.payload_len, ==, 32);
    g_assert_cmpuint(frame.trailer_offset, ==, 16 + 32);
    g_assert_cmpuint(frame.trailer_len, ==, IOTFP_TUYA_HMAC_LEN);
    g_assert_true(frame.suffix_ok);
    g_byte_array_free(request, TRUE);

    GByteArray *status = frame_55aa(IOTFP_TUYA_CMD_STATUS, TRUE, ciphertext, 48, IOTFP_TUYA_HMAC_LEN);
    g_assert_cmpint(iotfp_tuya_parse_frame(status->data, status->len, &frame), ==, IOTFP_TUYA_OK);
    g_assert_cmpint(frame.trailer, ==, IOTFP_TUYA_TRAILER_HMAC);
    g_assert_true(frame.has_retcode);
    g_assert_cmpuint(frame.payload_offset, ==, 20);
    g_assert_cmpuint(frame.payload_len, ==, 48);
    g_byte_array_free(status, TRUE);

    /* Read with a 32-byte HMAC, this frame would hold one AES block; its
     * CRC matches, and settles it. */
    GByteArray *crc = frame_55aa(IOTFP_TUYA_CMD_STATUS, TRUE, ciphertext, 44, IOTFP_TUYA_CRC_LEN);
    g_assert_cmpint(iotfp_tuya_parse_frame(crc->data, crc->len, &frame), ==, IOTFP_TUYA_OK);
    g_assert_cmpint(frame.trailer, ==, IOTFP_TUYA_TRAILER_CRC32);
    g_assert_cmpuint(frame.payload_len, ==, 44);
    g_byte_array_free(crc, TRUE);
}

static void test_version_header(void)
{
    guint8 payload[15 + 32] = "3.3";
    memcpy(payload + 15, ciphertext, 32);
    GByteArray *control = frame_55aa(IOTFP_TUYA_CMD_CONTROL, FALSE, payload, sizeof payload, IOTFP_TUYA_CRC_LEN);
    iotfp_tuya_frame frame;
    g_assert_cmpint(iotfp_tuya_parse_frame(control->data, control->len, &frame), ==, IOTFP_TUYA_OK);
    g_assert_cmpstr(frame.version, ==, "3.3");
    g_assert_cmpint(frame.trailer, ==, IOTFP_TUYA_TRAILER_CRC32);
    g_assert_cmphex(frame.crc_computed, ==, frame.crc);
    g_byte_array_free(control, TRUE);
}

static void test_bad_suffix(void)
{
    guint8 bytes[sizeof query];
    memcpy(bytes, query, sizeof bytes);
    bytes[sizeof bytes - 1] = 0x56;
    iotfp_tuya_frame frame;
    g_assert_cmpint(iotfp_tuya_parse_frame(bytes, sizeof bytes, &frame), ==, IOTFP_TUYA_OK);
    g_assert_false(frame.suffix_ok);
    g_assert_cmphex(frame.suffix, ==, 0x0000aa56);
}

static void test_protocol_35(void)
{
    GByteArray *out = g_byte_array_new();
    put32(out, IOTFP_TUYA_PREFIX_6699);
    g_byte_array_append(out, (const guint8 *)"\x00\x00", 2);
    put32(out, 9);
    put32(out, IOTFP_TUYA_CMD_CONTROL_NEW);
    put32(out, IOTFP_TUYA_IV_LEN + 5 + IOTFP_TUYA_TAG_LEN);
    g_byte_array_append(out, ciphertext, IOTFP_TUYA_IV_LEN + 5 + IOTFP_TUYA_TAG_LEN);
    put32(out, IOTFP_TUYA_SUFFIX_6699);

    iotfp_tuya_frame frame;
    g_assert_cmpint(iotfp_tuya_parse_frame(out->data, out->len, &frame), ==, IOTFP_TUYA_OK);
    g_assert_cmpint(frame.header.format, ==, IOTFP_TUYA_FORMAT_6699);
    g_assert_cmpuint(frame.header.seq, ==, 9);
    g_assert_cmphex(frame.header.cmd, ==, IOTFP_TUYA_CMD_CONTROL_NEW);
    g_assert_cmpuint(frame.header.frame_len, ==, out->len);
    g_assert_cmpuint(frame.iv_offset, ==, 18);
    g_assert_cmpuint(frame.payload_offset, ==, 30);
    g_assert_cmpuint(frame.payload_len, ==, 5); /* GCM needs no padding */
    g_assert_cmpint(frame.trailer, ==, IOTFP_TUYA_TRAILER_GCM_TAG);
    g_assert_cmpuint(frame.trailer_offset, ==, 35);
    g_assert_true(frame.suffix_ok);

    /* The 3.1-3.4 suffix does not end a 3.5 frame. */
    out->data[out->len - 1] = 0x55;
    out->data[out->len - 2] = 0xaa;
    g_assert_cmpint(iotfp_tuya_parse_frame(out->data, out->len, &frame), ==, IOTFP_TUYA_OK);
    g_assert_false(frame.suffix_ok);
    g_byte_array_free(out, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tuya/real-query", test_real_query);
    g_test_add_func("/tuya/real-answer", test_real_answer);
    g_test_add_func("/tuya/two-frames-in-one-buffer", test_two_frames_in_one_buffer);
    g_test_add_func("/tuya/crc-check-value", test_crc_check_value);
    g_test_add_func("/tuya/too-short", test_too_short);
    g_test_add_func("/tuya/bad-prefix", test_bad_prefix);
    g_test_add_func("/tuya/absurd-lengths", test_absurd_lengths);
    g_test_add_func("/tuya/crc-mismatch", test_crc_mismatch);
    g_test_add_func("/tuya/hmac", test_hmac);
    g_test_add_func("/tuya/version-header", test_version_header);
    g_test_add_func("/tuya/bad-suffix", test_bad_suffix);
    g_test_add_func("/tuya/protocol-3.5", test_protocol_35);
    return g_test_run();
}
