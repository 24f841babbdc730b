/* One UDP datagram, as a camera, an app or a CS2 server sends it. */
#include <stdint.h>

#include "cs2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotfp_cs2_header header;
    if (iotfp_cs2_parse(data, size, &header)) {
        g_assert_cmpuint(header.length + IOTFP_CS2_HEADER_LEN, ==, size);
        g_assert_nonnull(iotfp_cs2_type_name(header.type));
    }
    return 0;
}
