#include <string.h>

#include "action_detector.h"

/* A gateway on port 8053 whose commands are the cloud's first packet, and a
 * second gateway model only reachable by a pin. */
static const char mijia[] =
    "iotfp-signature 1\nmodel mijia-gateway\nmatch port 8053\nburst_gap_ms 1500\n"
    "action_padding none\naction_base 10\naction_command to-device 1\naction_max 4\n"
    "action lamp.on 20 0.5\naction plug.off 30 0.25\naction fan.on 50 0.25\n";
static const char pinned_only[] =
    "iotfp-signature 1\nmodel other-gateway\nmatch port 1\nburst_gap_ms 1500\n"
    "action_padding none\naction_base 0\naction_command to-device 1\naction big 1000 1\n";
static const char events_only[] =
    "iotfp-signature 1\nmodel plug\nmatch port 8053\nburst_gap_ms 1500\nevent power_on\nsample +10\n";

static iotfp_signature_set *signature_set(void)
{
    iotfp_signature_set *set = iotfp_signature_set_new();
    const char *texts[] = { events_only, mijia, pinned_only };
    for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
        GError *error = NULL;
        iotfp_signature *signature = iotfp_signature_parse(texts[i], strlen(texts[i]), "test.sig", &error);
        g_assert_no_error(error);
        g_assert_true(iotfp_signature_set_add(set, signature, &error));
    }
    return set;
}

static void test_decompose_command(void)
{
    iotfp_signature_set *set = signature_set();
    iotfp_action_detector *detector = iotfp_action_detector_new(set);
    const iotfp_conv_facts facts = { 8053, NULL, NULL };
    iotfp_burst *burst = iotfp_burst_new(1, 1);

    /* The cloud opens with 90 bytes, 80 past the base: plug.off + fan.on,
     * lamp.on + 2 plug.off, or 4 lamp.on; fewest actions first. */
    iotfp_burst_add(burst, 1, 0, -90);
    const iotfp_action_detection *detection = iotfp_action_detector_decompose(detector, burst, &facts, NULL);
    g_assert_nonnull(detection);
    g_assert_cmpstr(detection->model->model, ==, "mijia-gateway");
    g_assert_cmpuint(detection->command_size, ==, 90);
    g_assert_cmpuint(detection->result->status, ==, IOTFP_DECOMPOSE_OK);
    g_assert_true(iotfp_decompose_ambiguous(detection->result));
    const iotfp_action_model *model = detection->model->action_model;
    char *best = iotfp_action_set_format(model, detection->result, 0);
    char *second = iotfp_action_set_format(model, detection->result, 1);
    g_assert_cmpuint(detection->result->candidates->len, ==, 3);
    g_assert_cmpstr(best, ==, "plug.off+fan.on");
    g_assert_cmpstr(second, ==, "lamp.on+plug.off+plug.off");
    g_free(best);
    g_free(second);

    /* Cached while the burst stays the same; recomputed when it grows. */
    g_assert_true(iotfp_action_detector_decompose(detector, burst, &facts, NULL) == detection);
    iotfp_burst_add(burst, 2, 1, +40);
    detection = iotfp_action_detector_decompose(detector, burst, &facts, NULL);
    g_assert_cmpuint(detection->command_size, ==, 90);

    /* A pin to a model with an action model wins over the matches. */
    detection = iotfp_action_detector_decompose(detector, burst, &facts, "other-gateway");
    g_assert_cmpstr(detection->model->model, ==, "other-gateway");
    g_assert_cmpuint(detection->result->status, ==, IOTFP_DECOMPOSE_NONE);
    g_assert_null(iotfp_decompose_best(detection->result));
    /* A pin to a model without one: the device has no action sets, whatever matches. */
    g_assert_null(iotfp_action_detector_decompose(detector, burst, &facts, "plug"));
    /* A pin to a model that is not loaded leaves the matching models in charge. */
    detection = iotfp_action_detector_decompose(detector, burst, &facts, "unknown-model");
    g_assert_cmpstr(detection->model->model, ==, "mijia-gateway");

    iotfp_burst_free(burst);
    iotfp_action_detector_free(detector);
    iotfp_signature_set_free(set);
}

static void test_no_command(void)
{
    iotfp_signature_set *set = signature_set();
    iotfp_action_detector *detector = iotfp_action_detector_new(set);
    /* A heartbeat the gateway opens carries no command. */
    iotfp_burst *heartbeat = iotfp_burst_new(1, 1);
    iotfp_burst_add(heartbeat, 1, 0, +32);
    iotfp_burst_add(heartbeat, 2, 1, -32);
    const iotfp_conv_facts facts = { 8053, NULL, NULL };
    g_assert_null(iotfp_action_detector_decompose(detector, heartbeat, &facts, NULL));
    /* No action model matches another port. */
    iotfp_burst *command = iotfp_burst_new(7, 2);
    iotfp_burst_add(command, 3, 0, -90);
    const iotfp_conv_facts elsewhere = { 443, NULL, NULL };
    g_assert_null(iotfp_action_detector_decompose(detector, command, &elsewhere, NULL));
    /* The empty set formats as "". */
    const iotfp_conv_facts gateway = { 8053, NULL, NULL };
    iotfp_burst *empty = iotfp_burst_new(3, 3);
    iotfp_burst_add(empty, 4, 0, -10);
    const iotfp_action_detection *detection = iotfp_action_detector_decompose(detector, empty, &gateway, NULL);
    char *text = iotfp_action_set_format(detection->model->action_model, detection->result, 0);
    g_assert_cmpstr(text, ==, "");
    g_free(text);
    iotfp_burst_free(heartbeat);
    iotfp_burst_free(command);
    iotfp_burst_free(empty);
    iotfp_action_detector_free(detector);
    iotfp_signature_set_free(set);
}

/* The timeline holds every burst's result while it looks up the next ones:
 * a result must not move when the cache grows for a later burst. */
static void test_results_stay_put(void)
{
    iotfp_signature_set *set = signature_set();
    iotfp_action_detector *detector = iotfp_action_detector_new(set);
    const iotfp_conv_facts facts = { 8053, NULL, NULL };
    iotfp_burst *first = iotfp_burst_new(1, 1);
    iotfp_burst_add(first, 1, 0, -90);
    const iotfp_action_detection *held = iotfp_action_detector_decompose(detector, first, &facts, NULL);
    g_assert_nonnull(held);
    for (guint32 id = 2; id <= 5000; id++) {
        iotfp_burst *later = iotfp_burst_new(id, 1);
        iotfp_burst_add(later, id, 0, -40);
        g_assert_nonnull(iotfp_action_detector_decompose(detector, later, &facts, NULL));
        iotfp_burst_free(later);
    }
    g_assert_true(iotfp_action_detector_decompose(detector, first, &facts, NULL) == held);
    g_assert_cmpuint(held->command_size, ==, 90);
    g_assert_cmpuint(held->result->candidates->len, ==, 3);
    iotfp_burst_free(first);
    iotfp_action_detector_free(detector);
    iotfp_signature_set_free(set);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/action_detector/decompose_command", test_decompose_command);
    g_test_add_func("/action_detector/no_command", test_no_command);
    g_test_add_func("/action_detector/results_stay_put", test_results_stay_put);
    return g_test_run();
}
