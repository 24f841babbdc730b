/* CS2 P2P messages: what is one, and what only looks like one. */
#include <string.h>

#include "cs2.h"

static void test_messages(void)
{
    iotfp_cs2_header header;
    const guint8 hello[] = { 0xF1, 0x00, 0x00, 0x00 };
    g_assert_true(iotfp_cs2_parse(hello, sizeof hello, &header));
    g_assert_cmpuint(header.type, ==, IOTFP_CS2_HELLO);
    g_assert_cmpuint(header.length, ==, 0);
    /* A DRW_ACK as the Xiaomi camera of shfw sends them. */
    const guint8 drw_ack[] = { 0xF1, 0xD1, 0x00, 0x06, 0xD1, 0x02, 0x00, 0x01, 0x12, 0x34 };
    g_assert_true(iotfp_cs2_parse(drw_ack, sizeof drw_ack, &header));
    g_assert_cmpuint(header.type, ==, IOTFP_CS2_DRW_ACK);
    g_assert_cmpuint(header.length, ==, 6);
    g_assert_cmpstr(iotfp_cs2_type_name(IOTFP_CS2_DRW), ==, "DRW");
}

static void test_look_alikes(void)
{
    iotfp_cs2_header header;
    const guint8 one_short[] = { 0xF1, 0xD0, 0x00, 0x07, 0xD1, 0x00, 0x00, 0x01, 0x00, 0x00 };
    g_assert_false(iotfp_cs2_parse(one_short, sizeof one_short, &header));
    /* A QUIC long header: 0xF1 then a version, 00 00 00 01. */
    const guint8 quic[] = { 0xF1, 0x00, 0x00, 0x00, 0x01, 0x08 };
    g_assert_false(iotfp_cs2_parse(quic, sizeof quic, &header));
    const guint8 unknown_type[] = { 0xF1, 0x77, 0x00, 0x00 };
    g_assert_false(iotfp_cs2_parse(unknown_type, sizeof unknown_type, &header));
    g_assert_null(iotfp_cs2_type_name(0x77));
    const guint8 other_magic[] = { 0xF2, 0x00, 0x00, 0x00 };
    g_assert_false(iotfp_cs2_parse(other_magic, sizeof other_magic, &header));
    const guint8 cut[] = { 0xF1, 0x00, 0x00 };
    g_assert_false(iotfp_cs2_parse(cut, sizeof cut, &header));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cs2/messages", test_messages);
    g_test_add_func("/cs2/look-alikes", test_look_alikes);
    return g_test_run();
}
