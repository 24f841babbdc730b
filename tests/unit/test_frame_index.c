#include "frame_index.h"

static void test_set_get_and_gaps(void)
{
    iotfp_frame_index *index = iotfp_frame_index_new();
    g_assert_null(iotfp_frame_index_get(index, 1));
    iotfp_frame_record member = { .conv_id = 3, .burst_id = 9, .role = IOTFP_ROLE_MEMBER, .direction = -1 };
    iotfp_frame_index_set(index, 1, &member);
    /* Far beyond the first chunk, and a gap in between. */
    iotfp_frame_record ack = { .conv_id = 4, .role = IOTFP_ROLE_NO_PAYLOAD, .direction = 1 };
    iotfp_frame_index_set(index, 5000000, &ack);

    const iotfp_frame_record *got = iotfp_frame_index_get(index, 1);
    g_assert_nonnull(got);
    g_assert_cmpuint(got->conv_id, ==, 3);
    g_assert_cmpuint(got->burst_id, ==, 9);
    g_assert_cmpint(got->direction, ==, -1);
    got = iotfp_frame_index_get(index, 5000000);
    g_assert_nonnull(got);
    g_assert_cmpuint(got->role, ==, IOTFP_ROLE_NO_PAYLOAD);
    g_assert_null(iotfp_frame_index_get(index, 2));
    g_assert_null(iotfp_frame_index_get(index, 3000000));
    g_assert_null(iotfp_frame_index_get(index, G_MAXUINT32));

    iotfp_frame_record none = { 0 };
    iotfp_frame_index_set(index, 1, &none);
    g_assert_null(iotfp_frame_index_get(index, 1));
    iotfp_frame_index_free(index);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/frame-index/set-get-gaps", test_set_get_and_gaps);
    return g_test_run();
}
