#include <string.h>

#include "joylink.h"

/* A heartbeat from JD's cloud to a gateway in the IoTEvent capture, whose
 * converter rebuilt each header from the recorded length (the body is filler). */
static const guint8 heartbeat[] = {
    0xcc, 0x55, 0x34, 0x12, 0x00, 0x00, 0x10, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x04, 0x00, 0x78, 0x07,
    0x18, 0x7c, 0x07, 0xe4, 0xd5, 0x63, 0x6e, 0x9b, 0xc3, 0xc4, 0x00, 0xb2, 0x72, 0x44, 0xb8, 0xcd,
};

static void test_real_heartbeat(void)
{
    iotfp_joylink_header header;
    g_assert_cmpint(iotfp_joylink_parse(heartbeat, sizeof heartbeat, &header), ==, IOTFP_JOYLINK_OK);
    g_assert_cmphex(header.magic, ==, IOTFP_JOYLINK_MAGIC_CLOUD);
    g_assert_cmpuint(header.optlen, ==, 0);
    g_assert_cmpuint(header.payloadlen, ==, 16);
    g_assert_cmpuint(header.version, ==, 1);
    g_assert_cmpuint(header.type, ==, IOTFP_JOYLINK_TYPE_HEARTBEAT);
    g_assert_cmpuint(header.total, ==, 0);
    g_assert_cmpuint(header.index, ==, 0);
    g_assert_cmpuint(header.enctype, ==, IOTFP_JOYLINK_ENC_SESSIONKEY_AES);
    g_assert_cmpuint(header.reserved, ==, 0);
    g_assert_cmphex(header.crc, ==, 0x0778);
    g_assert_cmpuint(iotfp_joylink_frame_len(&header), ==, sizeof heartbeat);
    g_assert_cmpuint(iotfp_joylink_problems(&header), ==, 0);
    g_assert_cmphex(iotfp_joylink_crc16(heartbeat + IOTFP_JOYLINK_HEADER_LEN,
                                        sizeof heartbeat - IOTFP_JOYLINK_HEADER_LEN), ==, header.crc);
}

static void test_crc_check_value(void)
{
    /* The catalogue check value of CRC-16/CCITT-FALSE. */
    g_assert_cmphex(iotfp_joylink_crc16((const guint8 *)"123456789", 9), ==, 0x29b1);
    g_assert_cmphex(iotfp_joylink_crc16(NULL, 0), ==, 0xffff);
}

static void test_crc_mismatch(void)
{
    guint8 frame[sizeof heartbeat];
    memcpy(frame, heartbeat, sizeof frame);
    frame[sizeof frame - 1] ^= 0x01;
    iotfp_joylink_header header;
    g_assert_cmpint(iotfp_joylink_parse(frame, sizeof frame, &header), ==, IOTFP_JOYLINK_OK);
    g_assert_cmphex(iotfp_joylink_crc16(frame + IOTFP_JOYLINK_HEADER_LEN, header.payloadlen), !=, header.crc);
}

static void test_too_short(void)
{
    iotfp_joylink_header header = { .magic = 42 };
    for (gsize len = 0; len < IOTFP_JOYLINK_HEADER_LEN; len++)
        g_assert_cmpint(iotfp_joylink_parse(heartbeat, len, &header), ==, IOTFP_JOYLINK_TOO_SHORT);
    g_assert_cmpuint(header.magic, ==, 42);
    /* The header alone is enough: the payload may follow in another segment. */
    g_assert_cmpint(iotfp_joylink_parse(heartbeat, IOTFP_JOYLINK_HEADER_LEN, NULL), ==, IOTFP_JOYLINK_OK);
}

static void test_bad_magic(void)
{
    guint8 frame[sizeof heartbeat];
    memcpy(frame, heartbeat, sizeof frame);
    frame[0] = 0xcd;
    iotfp_joylink_header header;
    g_assert_cmpint(iotfp_joylink_parse(frame, sizeof frame, &header), ==, IOTFP_JOYLINK_BAD_MAGIC);
    g_assert_cmphex(header.magic, ==, 0x123455cd);
    g_assert_false(iotfp_joylink_is_magic(header.magic));
    g_assert_true(iotfp_joylink_is_magic(IOTFP_JOYLINK_MAGIC_CLOUD));
    g_assert_true(iotfp_joylink_is_magic(IOTFP_JOYLINK_MAGIC_LAN));
    /* Big-endian magic: the right bytes in the wrong order. */
    const guint8 swapped[IOTFP_JOYLINK_HEADER_LEN] = { 0x12, 0x34, 0x55, 0xcc };
    g_assert_cmpint(iotfp_joylink_parse(swapped, sizeof swapped, NULL), ==, IOTFP_JOYLINK_BAD_MAGIC);
}

static void test_lan_magic(void)
{
    /* A LAN scan answer: no encryption, 26 bytes of JSON. */
    const guint8 scan[IOTFP_JOYLINK_HEADER_LEN] = {
        0xbb, 0x55, 0x34, 0x12, 0x00, 0x00, 0x1a, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x34, 0x12,
    };
    iotfp_joylink_header header;
    g_assert_cmpint(iotfp_joylink_parse(scan, sizeof scan, &header), ==, IOTFP_JOYLINK_OK);
    g_assert_cmphex(header.magic, ==, IOTFP_JOYLINK_MAGIC_LAN);
    g_assert_cmpuint(header.type, ==, IOTFP_JOYLINK_TYPE_SCAN);
    g_assert_cmphex(header.crc, ==, 0x1234);
    g_assert_cmpuint(iotfp_joylink_frame_len(&header), ==, IOTFP_JOYLINK_HEADER_LEN + 26);
    /* Clear payloads need no AES alignment. */
    g_assert_cmpuint(iotfp_joylink_problems(&header), ==, 0);
}

static void set_lengths(guint8 *frame, guint16 optlen, guint16 payloadlen)
{
    frame[4] = (guint8)optlen;
    frame[5] = (guint8)(optlen >> 8);
    frame[6] = (guint8)payloadlen;
    frame[7] = (guint8)(payloadlen >> 8);
}

static void test_absurd_lengths(void)
{
    guint8 frame[IOTFP_JOYLINK_HEADER_LEN];
    memcpy(frame, heartbeat, sizeof frame);
    iotfp_joylink_header header;

    set_lengths(frame, IOTFP_JOYLINK_MAX_OPTLEN, IOTFP_JOYLINK_MAX_PAYLOADLEN);
    g_assert_cmpint(iotfp_joylink_parse(frame, sizeof frame, &header), ==, IOTFP_JOYLINK_OK);
    g_assert_cmpuint(iotfp_joylink_frame_len(&header), ==,
                     IOTFP_JOYLINK_HEADER_LEN + IOTFP_JOYLINK_MAX_OPTLEN + IOTFP_JOYLINK_MAX_PAYLOADLEN);

    set_lengths(frame, IOTFP_JOYLINK_MAX_OPTLEN + 1, 16);
    g_assert_cmpint(iotfp_joylink_parse(frame, sizeof frame, &header), ==, IOTFP_JOYLINK_BAD_LENGTH);
    g_assert_cmpuint(header.optlen, ==, IOTFP_JOYLINK_MAX_OPTLEN + 1);

    set_lengths(frame, 0, 0xffff);
    g_assert_cmpint(iotfp_joylink_parse(frame, sizeof frame, &header), ==, IOTFP_JOYLINK_BAD_LENGTH);
    g_assert_cmpuint(header.payloadlen, ==, 0xffff);
}

static void test_problems(void)
{
    iotfp_joylink_header header;
    g_assert_cmpint(iotfp_joylink_parse(heartbeat, sizeof heartbeat, &header), ==, IOTFP_JOYLINK_OK);

    header.payloadlen = 20;
    g_assert_cmpuint(iotfp_joylink_problems(&header), ==, IOTFP_JOYLINK_PROBLEM_UNALIGNED);
    header.enctype = IOTFP_JOYLINK_ENC_NONE;
    g_assert_cmpuint(iotfp_joylink_problems(&header), ==, 0);
    header.enctype = IOTFP_JOYLINK_ENC_PSK_AES; /* sent in clear by the SDK */
    g_assert_cmpuint(iotfp_joylink_problems(&header), ==, 0);
    header.enctype = IOTFP_JOYLINK_ENC_ECDH;
    g_assert_cmpuint(iotfp_joylink_problems(&header), ==, IOTFP_JOYLINK_PROBLEM_UNALIGNED);

    header.payloadlen = 32;
    header.total = 2;
    header.index = 2;
    g_assert_cmpuint(iotfp_joylink_problems(&header), ==, 0);
    header.index = 3;
    g_assert_cmpuint(iotfp_joylink_problems(&header), ==, IOTFP_JOYLINK_PROBLEM_INDEX);
    header.payloadlen = 33;
    g_assert_cmpuint(iotfp_joylink_problems(&header), ==,
                     IOTFP_JOYLINK_PROBLEM_INDEX | IOTFP_JOYLINK_PROBLEM_UNALIGNED);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/joylink/real-heartbeat", test_real_heartbeat);
    g_test_add_func("/joylink/crc-check-value", test_crc_check_value);
    g_test_add_func("/joylink/crc-mismatch", test_crc_mismatch);
    g_test_add_func("/joylink/too-short", test_too_short);
    g_test_add_func("/joylink/bad-magic", test_bad_magic);
    g_test_add_func("/joylink/lan-magic", test_lan_magic);
    g_test_add_func("/joylink/absurd-lengths", test_absurd_lengths);
    g_test_add_func("/joylink/problems", test_problems);
    return g_test_run();
}
