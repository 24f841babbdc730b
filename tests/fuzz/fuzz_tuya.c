/* Tuya frames one after another, as a TCP stream delivers them; every part
 * of a decoded frame must lie inside it, in order. */
#include <stdint.h>

#include "tuya.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotfp_tuya_frame frame;
    while (iotfp_tuya_parse_frame(data, size, &frame) == IOTFP_TUYA_OK) {
        g_assert_cmpuint(frame.header.frame_len, <=, size);
        g_assert_cmpuint(frame.payload_offset, >=, frame.header.header_len);
        g_assert_cmpuint(frame.payload_offset + frame.payload_len, ==, frame.trailer_offset);
        g_assert_cmpuint(frame.trailer_offset + frame.trailer_len, ==, frame.suffix_offset);
        g_assert_cmpuint(frame.suffix_offset + IOTFP_TUYA_SUFFIX_LEN, ==, frame.header.frame_len);
        data += frame.header.frame_len;
        size -= frame.header.frame_len;
    }
    return 0;
}
