/* A miIO datagram as it comes off the network, whole or cut short by a
 * capture's snapshot length; and the same bytes as a row of the miio_tokens
 * table, which users type. */
#include <stdint.h>
#include <string.h>

#include "miio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const guint8 token[IOTFP_MIIO_TOKEN_LEN] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                                    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };

static void datagram(const guint8 *data, gsize captured, gsize datagram_len)
{
    iotfp_miio_header header;
    iotfp_miio_status status = iotfp_miio_parse(data, captured, datagram_len, &header);
    if (status == IOTFP_MIIO_TOO_SHORT)
        return;
    g_assert_cmpint(iotfp_miio_classify(&header), >=, IOTFP_MIIO_TYPE_HELLO);
    if (status != IOTFP_MIIO_OK || captured < header.length)
        return;
    g_assert_cmpuint(header.length, >=, IOTFP_MIIO_HEADER_LEN);
    (void)iotfp_miio_checksum_matches(data, header.length, token);
    /* The body standing in for decrypted text. */
    gsize body_len = header.length - IOTFP_MIIO_HEADER_LEN, text_len = 0;
    if (iotfp_miio_unpad(data + IOTFP_MIIO_HEADER_LEN, body_len, &text_len)) {
        g_assert_cmpuint(text_len, <, body_len);
        g_assert_cmpuint(iotfp_miio_strip_nuls(data + IOTFP_MIIO_HEADER_LEN, text_len), <=, text_len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    datagram(data, size, size);
    /* Cut by a snapshot length: the datagram was longer than captured. */
    if (size > 0)
        datagram(data, size, size + data[0]);

    char *text = g_strndup((const char *)data, size);
    char **cells = g_strsplit(text, ",", 2);
    iotfp_miio_key key;
    guint8 parsed[IOTFP_MIIO_TOKEN_LEN];
    GError *error = NULL;
    if (cells[0] != NULL && !iotfp_miio_parse_key(cells[0], &key, &error))
        g_clear_error(&error);
    if (cells[0] != NULL && cells[1] != NULL && !iotfp_miio_parse_token(cells[1], parsed, &error))
        g_clear_error(&error);
    g_strfreev(cells);
    g_free(text);
    return 0;
}
