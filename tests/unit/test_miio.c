#include <string.h>

#include "miio.h"

/* Expected digests below were computed apart from this code, with Python's
 * hashlib, and ciphertexts with the openssl command line:
 *
 *   token = bytes.fromhex(TOKEN_HEX)
 *   key = hashlib.md5(token).digest(); iv = hashlib.md5(key + token).digest()
 *   checksum = hashlib.md5(header[:16] + token + body).digest()
 *   openssl enc -aes-128-cbc -K <key hex> -iv <iv hex> < plaintext
 */

static const guint8 token_00_0f[IOTFP_MIIO_TOKEN_LEN] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const guint8 token_0f_00[IOTFP_MIIO_TOKEN_LEN] = {
    0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00,
};

/* A hello request, as a client broadcasts it to port 54321. */
static const guint8 hello[IOTFP_MIIO_HEADER_LEN] = {
    0x21, 0x31, 0x00, 0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* The hello reply of the Xiaomi camera in the shfw captures (device
 * 0x1601c881, stamp 111): its firmware withholds the token. */
static const guint8 hello_reply[IOTFP_MIIO_HEADER_LEN] = {
    0x21, 0x31, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x16, 0x01, 0xc8, 0x81, 0x00, 0x00, 0x00, 0x6f,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* Device 0x11223344, stamp 3600, token 0f0e...00, body
 * {"id":7,"method":"miIO.info","params":[]} plus a NUL, PKCS#7-padded. */
static const guint8 data_packet[] = {
    0x21, 0x31, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x0e, 0x10,
    0x27, 0x31, 0x76, 0xe3, 0x64, 0x0b, 0xae, 0x9f, 0x40, 0x01, 0x5b, 0x0e, 0xc9, 0xb6, 0xc3, 0x58,
    0xe3, 0x9c, 0x4d, 0x6c, 0x0a, 0x88, 0x0c, 0x24, 0x23, 0x57, 0x6c, 0x28, 0x33, 0xb1, 0x23, 0xae,
    0x2b, 0xe7, 0x9e, 0x3a, 0xec, 0x63, 0x5c, 0xd0, 0xdb, 0xee, 0x4b, 0x74, 0x95, 0xc0, 0x66, 0xb1,
    0x65, 0xd7, 0x6f, 0x29, 0x4a, 0x90, 0x06, 0xd4, 0x05, 0xe4, 0x3c, 0xe5, 0x16, 0x06, 0xb5, 0x35,
};

static void test_hello(void)
{
    iotfp_miio_header header;
    g_assert_cmpint(iotfp_miio_parse(hello, sizeof hello, sizeof hello, &header), ==, IOTFP_MIIO_HELLO);
    g_assert_cmphex(header.magic, ==, IOTFP_MIIO_MAGIC);
    g_assert_cmpuint(header.length, ==, 32);
    g_assert_cmphex(header.unknown, ==, IOTFP_MIIO_ID_NONE);
    g_assert_cmphex(header.device_id, ==, IOTFP_MIIO_ID_NONE);
    g_assert_cmphex(header.stamp, ==, 0xffffffffu);
    g_assert_cmpint(iotfp_miio_classify(&header), ==, IOTFP_MIIO_TYPE_HELLO);
}

static void test_hello_reply(void)
{
    iotfp_miio_header header;
    g_assert_cmpint(iotfp_miio_parse(hello_reply, sizeof hello_reply, sizeof hello_reply, &header), ==,
                    IOTFP_MIIO_OK);
    g_assert_cmphex(header.unknown, ==, 0);
    g_assert_cmpuint(header.device_id, ==, 369215617u);
    g_assert_cmpuint(header.stamp, ==, 111);
    g_assert_cmpint(iotfp_miio_classify(&header), ==, IOTFP_MIIO_TYPE_HELLO_REPLY);

    /* Some firmware sends zeros instead of ff. */
    guint8 zeros[IOTFP_MIIO_HEADER_LEN];
    memcpy(zeros, hello_reply, sizeof zeros);
    memset(zeros + 16, 0, 16);
    g_assert_cmpint(iotfp_miio_parse(zeros, sizeof zeros, sizeof zeros, &header), ==, IOTFP_MIIO_OK);
    g_assert_cmpint(iotfp_miio_classify(&header), ==, IOTFP_MIIO_TYPE_HELLO_REPLY);

    /* With a token in the checksum field it looks like any 32-byte packet. */
    memcpy(zeros + 16, token_00_0f, 16);
    g_assert_cmpint(iotfp_miio_parse(zeros, sizeof zeros, sizeof zeros, &header), ==, IOTFP_MIIO_OK);
    g_assert_cmpint(iotfp_miio_classify(&header), ==, IOTFP_MIIO_TYPE_KEEPALIVE);
}

static void test_cloud_ping(void)
{
    /* The camera's ping to the cloud on 8053: unknown and device id all ff,
     * a Unix time as stamp, and a checksum. */
    const guint8 ping[IOTFP_MIIO_HEADER_LEN] = {
        0x21, 0x31, 0x00, 0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x64, 0x96, 0xcd, 0xfc,
        0x21, 0xa9, 0x85, 0x63, 0xba, 0xa8, 0xde, 0x0a, 0xd2, 0xf1, 0x67, 0x7f, 0x7e, 0xd4, 0x93, 0x4f,
    };
    iotfp_miio_header header;
    g_assert_cmpint(iotfp_miio_parse(ping, sizeof ping, sizeof ping, &header), ==, IOTFP_MIIO_OK);
    g_assert_cmpuint(header.stamp, ==, 1687604732u);
    g_assert_cmpint(iotfp_miio_classify(&header), ==, IOTFP_MIIO_TYPE_KEEPALIVE);
}

static void test_data_packet(void)
{
    iotfp_miio_header header;
    g_assert_cmpint(iotfp_miio_parse(data_packet, sizeof data_packet, sizeof data_packet, &header), ==,
                    IOTFP_MIIO_OK);
    g_assert_cmpuint(header.length, ==, sizeof data_packet);
    g_assert_cmphex(header.device_id, ==, 0x11223344u);
    g_assert_cmpuint(header.stamp, ==, 3600);
    g_assert_cmpint(iotfp_miio_classify(&header), ==, IOTFP_MIIO_TYPE_DATA);
}

static void test_derive(void)
{
    /* hashlib: md5(bytes(range(16))) and md5(key + bytes(range(16))) */
    const guint8 expected_key[16] = {
        0x1a, 0xc1, 0xef, 0x01, 0xe9, 0x6c, 0xaf, 0x1b, 0xe0, 0xd3, 0x29, 0x33, 0x1a, 0x4f, 0xc2, 0xa8,
    };
    const guint8 expected_iv[16] = {
        0x9a, 0xe5, 0x38, 0x3e, 0x3c, 0x6e, 0x06, 0x06, 0xc1, 0x5d, 0xa7, 0x84, 0x7f, 0xcd, 0x1d, 0x42,
    };
    guint8 key[16], iv[16];
    iotfp_miio_derive(token_00_0f, key, iv);
    g_assert_cmpmem(key, sizeof key, expected_key, sizeof expected_key);
    g_assert_cmpmem(iv, sizeof iv, expected_iv, sizeof expected_iv);

    const guint8 expected_key2[16] = {
        0x59, 0xc9, 0xf0, 0x3d, 0xf8, 0x77, 0xed, 0xd9, 0xdb, 0xbe, 0x3e, 0x91, 0x73, 0x12, 0x59, 0xf4,
    };
    const guint8 expected_iv2[16] = {
        0x93, 0x28, 0x8d, 0x64, 0xbf, 0x1a, 0x54, 0xf8, 0xda, 0x24, 0x09, 0x39, 0x34, 0x5a, 0xcd, 0xd7,
    };
    iotfp_miio_derive(token_0f_00, key, iv);
    g_assert_cmpmem(key, sizeof key, expected_key2, sizeof expected_key2);
    g_assert_cmpmem(iv, sizeof iv, expected_iv2, sizeof expected_iv2);
}

static void test_checksum_with_token(void)
{
    guint8 computed[IOTFP_MIIO_CHECKSUM_LEN];
    iotfp_miio_checksum(data_packet, sizeof data_packet, token_0f_00, computed);
    g_assert_cmpmem(computed, sizeof computed, data_packet + 16, 16);
    g_assert_true(iotfp_miio_checksum_matches(data_packet, sizeof data_packet, token_0f_00));
    g_assert_false(iotfp_miio_checksum_matches(data_packet, sizeof data_packet, token_00_0f));

    /* A keepalive has no body: MD5 over the header's first half and the
     * token. Device 0x075bcd15, stamp 86403, token 0001...0f. */
    const guint8 keepalive[IOTFP_MIIO_HEADER_LEN] = {
        0x21, 0x31, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x07, 0x5b, 0xcd, 0x15, 0x00, 0x01, 0x51, 0x83,
        0xee, 0xac, 0xd1, 0xd8, 0x44, 0x38, 0x8d, 0xcc, 0x32, 0xd5, 0xa6, 0x74, 0x2b, 0x1e, 0x1d, 0xf9,
    };
    g_assert_true(iotfp_miio_checksum_matches(keepalive, sizeof keepalive, token_00_0f));

    /* Any flipped bit of the covered bytes breaks it; the checksum field
     * itself is not covered but compared. */
    guint8 copy[sizeof data_packet];
    for (gsize i = 0; i < sizeof copy; i++) {
        memcpy(copy, data_packet, sizeof copy);
        copy[i] ^= 0x01;
        g_assert_false(iotfp_miio_checksum_matches(copy, sizeof copy, token_0f_00));
    }
    g_assert_false(iotfp_miio_checksum_matches(data_packet, IOTFP_MIIO_HEADER_LEN - 1, token_0f_00));
}

static void test_too_short(void)
{
    iotfp_miio_header header = { .length = 42 };
    for (gsize len = 0; len < IOTFP_MIIO_HEADER_LEN; len++)
        g_assert_cmpint(iotfp_miio_parse(data_packet, len, sizeof data_packet, &header), ==, IOTFP_MIIO_TOO_SHORT);
    g_assert_cmpuint(header.length, ==, 42);
}

static void test_truncated_capture(void)
{
    /* A snapshot length cut the body: the header still parses, the
     * datagram's own length is what counts. */
    iotfp_miio_header header;
    g_assert_cmpint(iotfp_miio_parse(data_packet, IOTFP_MIIO_HEADER_LEN, sizeof data_packet, &header), ==,
                    IOTFP_MIIO_OK);
    g_assert_cmpint(iotfp_miio_parse(data_packet, 60, sizeof data_packet, &header), ==, IOTFP_MIIO_OK);
    g_assert_cmpint(iotfp_miio_classify(&header), ==, IOTFP_MIIO_TYPE_DATA);
}

static void test_malformed(void)
{
    guint8 copy[sizeof data_packet];
    iotfp_miio_header header;

    memcpy(copy, data_packet, sizeof copy);
    copy[0] = 0x31; /* "3121": the magic read as little-endian */
    copy[1] = 0x21;
    g_assert_cmpint(iotfp_miio_parse(copy, sizeof copy, sizeof copy, &header), ==, IOTFP_MIIO_BAD_MAGIC);
    g_assert_cmphex(header.magic, ==, 0x3121);

    memcpy(copy, data_packet, sizeof copy);
    copy[2] = 0;
    copy[3] = 31;
    g_assert_cmpint(iotfp_miio_parse(copy, sizeof copy, sizeof copy, &header), ==, IOTFP_MIIO_BAD_LENGTH);
    g_assert_cmpuint(header.length, ==, 31);

    /* The length field and the datagram disagree, both ways. */
    g_assert_cmpint(iotfp_miio_parse(data_packet, sizeof data_packet, sizeof data_packet + 16, NULL), ==,
                    IOTFP_MIIO_LENGTH_MISMATCH);
    g_assert_cmpint(iotfp_miio_parse(data_packet, sizeof data_packet - 16, sizeof data_packet - 16, NULL), ==,
                    IOTFP_MIIO_LENGTH_MISMATCH);

    /* 40 bytes: half a block of body. */
    memcpy(copy, data_packet, sizeof copy);
    copy[3] = 40;
    g_assert_cmpint(iotfp_miio_parse(copy, 40, 40, &header), ==, IOTFP_MIIO_UNALIGNED);

    /* A hello with one byte off is a 32-byte packet of another kind. */
    memcpy(copy, hello, sizeof hello);
    copy[31] = 0xfe;
    g_assert_cmpint(iotfp_miio_parse(copy, 32, 32, &header), ==, IOTFP_MIIO_OK);
    g_assert_cmpint(iotfp_miio_classify(&header), ==, IOTFP_MIIO_TYPE_KEEPALIVE);
}

static void test_unpad(void)
{
    guint8 block[32];
    gsize text_len = 0;
    memset(block, 'a', sizeof block);
    memset(block + 27, 5, 5);
    g_assert_true(iotfp_miio_unpad(block, sizeof block, &text_len));
    g_assert_cmpuint(text_len, ==, 27);

    memset(block + 16, 16, 16); /* a whole block of padding */
    g_assert_true(iotfp_miio_unpad(block, sizeof block, &text_len));
    g_assert_cmpuint(text_len, ==, 16);

    block[31] = 0; /* n = 0 */
    g_assert_false(iotfp_miio_unpad(block, sizeof block, &text_len));
    block[31] = 17; /* beyond a block */
    g_assert_false(iotfp_miio_unpad(block, sizeof block, &text_len));
    memset(block + 27, 5, 5);
    block[28] = 4; /* inconsistent */
    g_assert_false(iotfp_miio_unpad(block, sizeof block, &text_len));
    g_assert_false(iotfp_miio_unpad(block, 0, &text_len));
    g_assert_false(iotfp_miio_unpad(block, 15, &text_len));
    g_assert_cmpuint(text_len, ==, 16); /* untouched on failure */
}

static void test_strip_nuls(void)
{
    const guint8 text[] = { '{', '}', 0, 0 };
    g_assert_cmpuint(iotfp_miio_strip_nuls(text, sizeof text), ==, 2);
    g_assert_cmpuint(iotfp_miio_strip_nuls(text, 2), ==, 2);
    g_assert_cmpuint(iotfp_miio_strip_nuls(text + 2, 2), ==, 0);
}

static void test_parse_token(void)
{
    guint8 token[IOTFP_MIIO_TOKEN_LEN];
    g_assert_true(iotfp_miio_parse_token("000102030405060708090a0b0c0d0e0f", token, NULL));
    g_assert_cmpmem(token, sizeof token, token_00_0f, sizeof token_00_0f);
    g_assert_true(iotfp_miio_parse_token("0F0E0D0C0B0A09080706050403020100", token, NULL));
    g_assert_cmpmem(token, sizeof token, token_0f_00, sizeof token_0f_00);

    const char *bad[] = { "", "000102030405060708090a0b0c0d0e0", "000102030405060708090a0b0c0d0e0f00",
                          "000102030405060708090a0b0c0d0e0g", "00010203 0405060708090a0b0c0d0e0f",
                          "0x0102030405060708090a0b0c0d0e0f" };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *error = NULL;
        g_assert_false(iotfp_miio_parse_token(bad[i], token, &error));
        g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE);
        g_assert_nonnull(strstr(error->message, "32 hex digits"));
        g_error_free(error);
    }
}

static void test_parse_key(void)
{
    iotfp_miio_key key;
    g_assert_true(iotfp_miio_parse_key("369215617", &key, NULL));
    g_assert_false(key.is_address);
    g_assert_cmphex(key.device_id, ==, 0x1601c881u);
    g_assert_true(iotfp_miio_parse_key("0x1601c881", &key, NULL));
    g_assert_cmphex(key.device_id, ==, 0x1601c881u);
    g_assert_true(iotfp_miio_parse_key("0X1601C881", &key, NULL));
    g_assert_cmphex(key.device_id, ==, 0x1601c881u);
    g_assert_true(iotfp_miio_parse_key("4294967295", &key, NULL));
    g_assert_true(iotfp_miio_parse_key("192.168.1.161", &key, NULL));
    g_assert_true(key.is_address);
    g_assert_cmpuint(key.addr.family, ==, IOTFP_AF_INET);
    g_assert_cmpuint(key.addr.bytes[3], ==, 161);
    g_assert_true(iotfp_miio_parse_key("fd00::61", &key, NULL));
    g_assert_cmpuint(key.addr.family, ==, IOTFP_AF_INET6);

    const char *bad[] = { "", "1601c881", "4294967296", "0x", "0x1601c881zz", "-1", "192.168.1", "plug" };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *error = NULL;
        g_assert_false(iotfp_miio_parse_key(bad[i], &key, &error));
        g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE);
        g_assert_nonnull(strstr(error->message, "device ID"));
        g_error_free(error);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/miio/hello", test_hello);
    g_test_add_func("/miio/hello_reply", test_hello_reply);
    g_test_add_func("/miio/cloud_ping", test_cloud_ping);
    g_test_add_func("/miio/data_packet", test_data_packet);
    g_test_add_func("/miio/derive", test_derive);
    g_test_add_func("/miio/checksum_with_token", test_checksum_with_token);
    g_test_add_func("/miio/too_short", test_too_short);
    g_test_add_func("/miio/truncated_capture", test_truncated_capture);
    g_test_add_func("/miio/malformed", test_malformed);
    g_test_add_func("/miio/unpad", test_unpad);
    g_test_add_func("/miio/strip_nuls", test_strip_nuls);
    g_test_add_func("/miio/parse_token", test_parse_token);
    g_test_add_func("/miio/parse_key", test_parse_key);
    return g_test_run();
}
