/* Joylink frames one after another, as a TCP stream delivers them. */
#include <stdint.h>

#include "joylink.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotfp_joylink_header header;
    while (iotfp_joylink_parse(data, size, &header) == IOTFP_JOYLINK_OK) {
        gsize frame_len = iotfp_joylink_frame_len(&header);
        g_assert_cmpuint(frame_len, >=, IOTFP_JOYLINK_HEADER_LEN);
        if (frame_len > size)
            break;
        (void)iotfp_joylink_crc16(data + IOTFP_JOYLINK_HEADER_LEN, frame_len - IOTFP_JOYLINK_HEADER_LEN);
        (void)iotfp_joylink_problems(&header);
        data += frame_len;
        size -= frame_len;
    }
    return 0;
}
