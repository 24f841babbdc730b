#include <string.h>

#include "addr.h"
#include "signature.h"
#include "signature_set.h"

static const char good[] =
    "# TP-Link HS110, learned from tplink-plug.pcap\n"
    "iotfp-signature 1\n"
    "model tplink-plug\n"
    "platform tplink\n"
    "match port 443\n"
    "match cloud *.tplinkra.com\n"
    "burst_gap_ms 1500\n"
    "k 3\n"
    "\n"
    "event power_on   # the plug switches on\n"
    "privacy power\n"
    "threshold 0.25\n"
    "sample +142 -1452 -1452 -853 +126 -51 +530\n"
    "sample\t+142 -1452 -1452 -853 +126 -51 +530 -34\n"
    "event power_off|power_on\n"
    "threshold 1\n"
    "sample +213 -69\n"
    "event other\n"
    "sample +32 -32\r\n";

static iotfp_signature *parse(const char *text, GError **error)
{
    return iotfp_signature_parse(text, strlen(text), "test.sig", error);
}

static void test_good_file(void)
{
    GError *error = NULL;
    iotfp_signature *sig = parse(good, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(sig->model, ==, "tplink-plug");
    g_assert_cmpstr(sig->platform, ==, "tplink");
    g_assert_cmpuint(sig->k, ==, 3);
    g_assert_cmpuint(sig->burst_gap_ms, ==, 1500);
    g_assert_cmpuint(sig->matches->len, ==, 2);
    g_assert_cmpuint(g_array_index(sig->matches, iotfp_match, 0).port, ==, 443);
    g_assert_cmpstr(g_array_index(sig->matches, iotfp_match, 1).pattern, ==, "*.tplinkra.com");
    g_assert_cmpuint(sig->events->len, ==, 3);
    const iotfp_event_class *on = iotfp_signature_find_event(sig, "power_on");
    g_assert_cmpstr(on->privacy, ==, "power");
    g_assert_cmpfloat(on->threshold, ==, 0.25);
    g_assert_cmpuint(on->samples->len, ==, 2);
    const GArray *second = g_ptr_array_index(on->samples, 1);
    g_assert_cmpuint(second->len, ==, 8);
    g_assert_cmpint(g_array_index(second, gint32, 1), ==, -1452);
    g_assert_cmpint(g_array_index(second, gint32, 7), ==, -34);
    g_assert_null(iotfp_signature_find_event(sig, "power_off|power_on")->privacy);
    g_assert_nonnull(iotfp_signature_find_event(sig, "other"));

    /* What the writer writes, the parser reads back unchanged. */
    char *text = iotfp_signature_format(sig);
    iotfp_signature *again = parse(text, &error);
    g_assert_no_error(error);
    char *text_again = iotfp_signature_format(again);
    g_assert_cmpstr(text, ==, text_again);
    g_free(text);
    g_free(text_again);
    iotfp_signature_free(again);
    g_assert_cmpint(sig->shape, ==, IOTFP_SHAPE_SEGMENTS);

    /* A messages signature reads back as one. */
    sig->shape = IOTFP_SHAPE_MESSAGES;
    text = iotfp_signature_format(sig);
    g_assert_nonnull(strstr(text, "\nshape messages\n"));
    again = parse(text, &error);
    g_assert_no_error(error);
    g_assert_cmpint(again->shape, ==, IOTFP_SHAPE_MESSAGES);
    g_free(text);
    iotfp_signature_free(again);
    iotfp_signature_free(sig);
}

static void expect_error(const char *text, gsize len, const char *fragment)
{
    GError *error = NULL;
    iotfp_signature *sig = iotfp_signature_parse(text, len, "bad.sig", &error);
    g_assert_null(sig);
    g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE);
    if (!strstr(error->message, fragment))
        g_error("message '%s' lacks '%s'", error->message, fragment);
    /* Every message starts with the file name. */
    g_assert_true(g_str_has_prefix(error->message, "bad.sig:"));
    g_error_free(error);
}

#define BAD(text, fragment) expect_error(text, strlen(text), fragment)
#define HEAD "iotfp-signature 1\nmodel m\nburst_gap_ms 1500\n"

static void test_malformed(void)
{
    BAD("", "empty file");
    BAD("# only a comment\n", "empty file");
    BAD("iotfp-signature 3\nmodel m\n", "bad.sig:1: version 3 is not supported");
    /* Version 2 ends with 'end': a file cut short is refused, whole classes and all. */
    BAD("iotfp-signature 2\nmodel m\nburst_gap_ms 1500\nevent e\nthreshold 1\nsample +1\n",
        "bad.sig: cut short: no closing 'end' line");
    BAD("iotfp-signature 2\nmodel m\nburst_gap_ms 1500\nevent e\nthreshold 1\nsample +1\nend\nk 2\n",
        "bad.sig:8: 'k' after the closing 'end' line");
    BAD("iotfp-signature 99999999999999999999\n", "not a whole number");
    BAD("p0f-signature 1\n", "first line must be");
    BAD("model m\niotfp-signature 1\n", "bad.sig:1:");
    BAD("iotfp-signature 1\nburst_gap_ms 1500\n", "no 'model'");
    BAD("iotfp-signature 1\nmodel m\n", "no 'burst_gap_ms'");
    BAD(HEAD "model n\n", "bad.sig:4: 'model' given twice");
    BAD(HEAD "model\n", "takes one value");
    BAD(HEAD "colour red\n", "unknown keyword 'colour'");
    BAD(HEAD "shape packets\n", "bad.sig:4: shape 'packets' is neither segments nor messages");
    BAD(HEAD "shape messages\nshape segments\n", "bad.sig:5: 'shape' given twice");
    BAD(HEAD "sample +1\n", "'sample' before any 'event'");
    BAD(HEAD "threshold 1\n", "'threshold' before any 'event'");
    BAD(HEAD "event e\n", "event 'e' has no sample");
    BAD(HEAD "event e\nsample\n", "empty sample");
    BAD(HEAD "event e\nsample +1 x\n", "'x' is not a signed payload length");
    BAD(HEAD "event e\nsample 142\n", "'142' is not a signed");
    BAD(HEAD "event e\nsample +0\n", "'+0' is not");
    BAD(HEAD "event e\nsample +99999999999999999999999\n", "is not a signed");
    BAD(HEAD "event e\nsample +65536\n", "is not a signed");
    BAD(HEAD "event e\nthreshold -1\nsample +1\n", "threshold '-1'");
    BAD(HEAD "event e\nthreshold nan\nsample +1\n", "threshold 'nan'");
    BAD(HEAD "event e\nthreshold 1e999\nsample +1\n", "threshold '1e999'");
    BAD(HEAD "event e\nsample +1\nevent e\nsample +1\n", "event 'e' given twice");
    BAD(HEAD "event |e\nsample +1\n", "not a valid event name");
    BAD(HEAD "event a||b\nsample +1\n", "not a valid event name");
    BAD(HEAD "event a;rm\nsample +1\n", "not a valid event name");
    BAD("iotfp-signature 1\nmodel m|n\n", "not a valid model");
    BAD(HEAD "k 0\n", "k must be at least 1");
    BAD(HEAD "k 16\n", "from 0 to 15");
    BAD(HEAD "match port 70000\n", "port '70000'");
    BAD(HEAD "match colour red\n", "unknown match kind");
    BAD(HEAD "match port\n", "'match' takes a kind and a value");
    BAD(HEAD "burst_gap_ms 3600001\n", "burst_gap_ms '3600001'");

    GString *long_sample = g_string_new(HEAD "event e\nsample");
    for (int i = 0; i < 101; i++)
        g_string_append(long_sample, " +1");
    BAD(long_sample->str, "at most 100 lengths");
    g_string_free(long_sample, TRUE);
}

static void test_truncated_and_binary(void)
{
    /* Every prefix of a good file either parses or fails cleanly. */
    gsize len = strlen(good);
    for (gsize cut = 0; cut < len; cut++) {
        GError *error = NULL;
        iotfp_signature *sig = iotfp_signature_parse(good, cut, "cut.sig", &error);
        g_assert_true((sig == NULL) != (error == NULL));
        iotfp_signature_free(sig);
        g_clear_error(&error);
    }
    static const char junk[] = "iotfp-signature 1\n\x7f" "ELF\x02\x01\x01\0\0\0garbage";
    expect_error(junk, sizeof junk - 1, "not a text file");
    static const char latin1[] = "iotfp-signature 1\nmodel caf\xe9\n";
    expect_error(latin1, sizeof latin1 - 1, "not a text file");
}

static void test_limits(void)
{
    GString *many = g_string_new(HEAD "event e\nthreshold 1\n");
    for (int i = 0; i < IOTFP_SIGNATURE_MAX_SAMPLES + 1; i++)
        g_string_append(many, "sample +1\n");
    expect_error(many->str, many->len, "more than 20000 samples");
    g_string_free(many, TRUE);

    GError *error = NULL;
    g_assert_null(iotfp_signature_parse(good, IOTFP_SIGNATURE_MAX_BYTES + 1, "huge.sig", &error));
    g_assert_nonnull(strstr(error->message, "larger than"));
    g_clear_error(&error);

    /* Garbage is refused by where it is, never quoted whole: a 10 MB line,
     * and a word too long for any field within a line of legal length. */
    GString *garbage = g_string_new(HEAD "event e\nthreshold 1\nsample +1 ");
    for (int i = 0; i < 10 * 1000 * 1000; i++)
        g_string_append_c(garbage, 'x');
    expect_error(garbage->str, garbage->len, "bad.sig:6: line longer than 4096 bytes");
    g_assert_null(iotfp_signature_parse(garbage->str, garbage->len, "bad.sig", &error));
    g_assert_cmpuint(strlen(error->message), <, 100);
    g_clear_error(&error);
    g_string_truncate(garbage, strlen(HEAD "event e\nthreshold 1\nsample +1 ") + 4000);
    g_assert_null(iotfp_signature_parse(garbage->str, garbage->len, "bad.sig", &error));
    g_assert_true(g_str_has_prefix(error->message, "bad.sig:6: 'xxxx"));
    g_assert_true(g_str_has_suffix(error->message, "..."));
    g_assert_cmpuint(strlen(error->message), <=, strlen("bad.sig:6: ") + IOTFP_MESSAGE_MAX + 3);
    g_clear_error(&error);
    g_string_free(garbage, TRUE);
}

static const char gateway[] =
    "iotfp-signature 1\n"
    "model mijia-gateway\n"
    "match port 8053\n"
    "burst_gap_ms 1500\n"
    "action lamp1.on 41 0.25   # name, bytes, prior\n"
    "action lamp1.off 42 0.125\n"
    "action_command to-device 2\n"
    "action_padding block 16\n"
    "action_overhead 32\n"
    "action_base 61\n"
    "action_tolerance 2\n";

static void test_action_model(void)
{
    GError *error = NULL;
    iotfp_signature *sig = parse(gateway, &error);
    g_assert_no_error(error);
    const iotfp_action_model *model = sig->action_model;
    g_assert_nonnull(model);
    g_assert_cmpuint(sig->events->len, ==, 0);
    g_assert_cmpuint(model->decompose.padding.kind, ==, IOTFP_PADDING_BLOCK);
    g_assert_cmpuint(model->decompose.padding.block_size, ==, 16);
    g_assert_cmpuint(model->decompose.padding.extra_overhead, ==, 32);
    g_assert_cmpuint(model->decompose.base_size, ==, 61);
    g_assert_cmpuint(model->decompose.tolerance, ==, 2);
    g_assert_cmpuint(model->decompose.max_actions, ==, IOTFP_SIGNATURE_DEFAULT_MAX_ACTIONS);
    g_assert_cmpuint(model->decompose.n_actions, ==, 2);
    g_assert_cmpstr(model->decompose.actions[1].name, ==, "lamp1.off");
    g_assert_cmpuint(model->decompose.actions[1].size, ==, 42);
    g_assert_cmpfloat(model->decompose.actions[1].frequency, ==, 0.125);
    g_assert_cmpuint(model->command_direction, ==, IOTFP_COMMAND_TO_DEVICE);
    g_assert_cmpuint(model->command_index, ==, 2);

    /* The second packet towards the device is the command... */
    const gint32 shape[] = { -96, +80, +48, -144, -64 };
    guint size = 0;
    g_assert_true(iotfp_action_model_command_size(model, shape, G_N_ELEMENTS(shape), &size));
    g_assert_cmpuint(size, ==, 144);
    g_assert_false(iotfp_action_model_command_size(model, shape, 3, &size));
    g_assert_false(iotfp_action_model_command_size(model, shape, 0, &size));
    /* ...of a burst the cloud opens: a heartbeat the device opens has none. */
    const gint32 heartbeat[] = { +32, -32, -144 };
    g_assert_false(iotfp_action_model_command_size(model, heartbeat, G_N_ELEMENTS(heartbeat), &size));

    /* The model decomposes: base 61 + 41 = 102 plaintext -> 112 + 32. */
    iotfp_decompose_result *result = iotfp_decompose(&model->decompose, 144);
    g_assert_cmpuint(result->status, ==, IOTFP_DECOMPOSE_OK);
    iotfp_decompose_result_free(result);

    char *text = iotfp_signature_format(sig);
    iotfp_signature *again = parse(text, &error);
    g_assert_no_error(error);
    char *text_again = iotfp_signature_format(again);
    g_assert_cmpstr(text, ==, text_again);
    g_assert_cmpuint(again->action_model->command_index, ==, 2);
    g_assert_cmpfloat(again->action_model->decompose.actions[0].frequency, ==, 0.25);
    g_free(text);
    g_free(text_again);
    iotfp_signature_free(again);
    iotfp_signature_free(sig);

    /* Other paddings and directions round-trip too. */
    iotfp_signature *tls = iotfp_signature_new("tls-gateway");
    tls->burst_gap_ms = 1500;
    iotfp_padding gcm = { IOTFP_PADDING_TLS12_GCM, 0, 0 };
    iotfp_action_model *tls_model =
        iotfp_signature_set_action_model(tls, &gcm, 120, 0, 12, IOTFP_COMMAND_FROM_DEVICE, 1);
    iotfp_action_model_add(tls_model, "fan.speed_2", 37, 1.0 / 3.0);
    text = iotfp_signature_format(tls);
    again = parse(text, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(again->action_model->decompose.padding.kind, ==, IOTFP_PADDING_TLS12_GCM);
    g_assert_cmpuint(again->action_model->command_direction, ==, IOTFP_COMMAND_FROM_DEVICE);
    g_assert_cmpuint(again->action_model->decompose.max_actions, ==, 12);
    g_assert_cmpfloat(again->action_model->decompose.actions[0].frequency, ==, 1.0 / 3.0);
    g_free(text);
    iotfp_signature_free(again);
    iotfp_signature_free(tls);
}

#define GW HEAD "action a 10 1\naction_padding none\naction_base 5\naction_command to-device 1\n"

static void test_action_model_malformed(void)
{
    GError *error = NULL;
    iotfp_signature *sig = parse(GW, &error);
    g_assert_no_error(error);
    iotfp_signature_free(sig);

    BAD(HEAD "action_base 5\n", "an action model with no 'action'");
    BAD(HEAD "action a 10 1\naction_base 5\naction_command to-device 1\n", "needs 'action_padding'");
    BAD(HEAD "action a 10 1\naction_padding none\naction_command to-device 1\n", "needs 'action_padding'");
    BAD(HEAD "action a 10 1\naction_padding none\naction_base 5\n", "needs 'action_padding'");
    BAD(GW "action a 11 1\n", "bad.sig:8: action 'a' given twice");
    BAD(GW "action b 0 1\n", "adds 0 bytes");
    BAD(GW "action b 10 0\n", "action prior '0'");
    BAD(GW "action b 10 nan\n", "action prior 'nan'");
    BAD(GW "action b 10\n", "'action' takes a name");
    BAD(GW "action b+c 10 1\n", "not a valid action name");
    BAD(GW "action b 70000 1\n", "action size '70000'");
    BAD(GW "action_padding none\n", "'action_padding' given twice");
    BAD(GW "action_base 6\n", "'action_base' given twice");
    BAD(GW "action_command to-device 2\n", "'action_command' given twice");
    BAD(HEAD "action_padding block 0\n", "block size must be at least 1");
    BAD(HEAD "action_padding block 257\n", "block size '257'");
    BAD(HEAD "action_padding cbc\n", "'action_padding' is 'none'");
    BAD(HEAD "action_command sideways 1\n", "'action_command' is 'to-device N'");
    BAD(HEAD "action_command to-device 0\n", "message numbers start at 1");
    BAD(HEAD "action_max 0\n", "action_max must be at least 1");
    BAD(HEAD "action_max 32\n", "action_max '32'");
    BAD(HEAD "action_colour red\n", "unknown keyword 'action_colour'");
    /* The posterior's prior (action_prior.h). */
    BAD(GW "action_residual -1 0.5 0.6\n", "bad.sig:8: action_residual: the probabilities add up to 1.1, not 1");
    BAD(GW "action_residual x 1\n", "'action_residual' takes the smallest residual");
    BAD(GW "action_residual 0 1\naction_residual 0 1\n", "'action_residual' given twice");
    BAD(GW "action_residual 0 -1 2\n", "'-1' is not a probability");
    BAD(GW "action_max 2\naction_counts 0.5 0.5\n", "'action_counts' gives 2 probabilities, action_max 2 needs 3");
    BAD(GW "action_scene 3 a+b\n", "scene action 'b' is not an 'action' given before it");
    BAD(GW "action_scene 0 a\n", "a scene seen 0 times");
    BAD(GW "action_scene 2 a\naction_scene 1 a\n", "scene 'a' given twice");
    BAD(GW "action_scene 2 a 1,1\n", "scene hours: 2 counts, not 24");
    BAD(GW "action_scene 2 a 1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n", "scene hours add up to 1");
    BAD(GW "action_scene 2 a\naction b 3 1\n", "'action' after an 'action_scene'");
    BAD(GW "action_max 1\naction_scene 1 a+a\n", "a scene of 2 actions, beyond action_max 1");

    GString *many = g_string_new(GW);
    for (int i = 0; i < IOTFP_SIGNATURE_MAX_ACTION_KINDS; i++)
        g_string_append_printf(many, "action a%d 1 1\n", i);
    expect_error(many->str, many->len, "more than 256 actions");
    g_string_free(many, TRUE);
}

static const char gateway_with_prior[] =
    "iotfp-signature 1\n"
    "model gw\n"
    "burst_gap_ms 1500\n"
    "action_padding none\n"
    "action_base 10\n"
    "action_command to-device 1\n"
    "action_tolerance 1\n"
    "action_max 3\n"
    "action a 5 0.5\n"
    "action b 10 0.5\n"
    "action_residual -1 0.25 0.5 0.25\n"
    "action_counts 0.1 0.3 0.3 0.3\n"
    "action_scene 9 a+a 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,9,0,0,0,0\n"
    "action_scene 1 b 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0\n";

/* Round trip of the prior lines, and what the posterior makes of them:
 * size 20 is a+a (a scene seen 9 times) or b (seen once); the scene wins,
 * most of all at its own hour, and the probabilities of all candidates add
 * up to at most 1. At noon, b's only hour, b wins. */
static void test_action_prior(void)
{
    GError *error = NULL;
    iotfp_signature *sig = parse(gateway_with_prior, &error);
    g_assert_no_error(error);
    char *text = iotfp_signature_format(sig);
    iotfp_signature *again = parse(text, &error);
    g_assert_no_error(error);
    char *text_again = iotfp_signature_format(again);
    g_assert_cmpstr(text, ==, text_again);
    g_assert_nonnull(strstr(text, "action_scene 9 a+a 0,0,"));
    g_assert_nonnull(strstr(text, "action_residual -1 0.25 0.5 0.25\n"));
    const iotfp_action_model *model = again->action_model;
    g_assert_cmpuint(model->prior.scenes->len, ==, 2);
    double at_habit = 0, elsewhere = 0;
    for (gint hour = 0; hour < IOTFP_ACTION_HOURS; hour += 19) {
        iotfp_decompose_result *result = iotfp_decompose(&model->decompose, 20);
        iotfp_action_rank(&model->decompose, &model->prior, result, hour);
        g_assert_cmpuint(result->candidates->len, >=, 2);
        char *best = iotfp_decompose_format(&model->decompose, result, 0);
        g_assert_cmpstr(best, ==, "2*a");
        g_free(best);
        double sum = 0;
        for (guint c = 0; c < result->candidates->len; c++) {
            double p = g_array_index(result->candidates, iotfp_decomposition, c).probability;
            g_assert_cmpfloat(p, >=, 0);
            if (c > 0)
                g_assert_cmpfloat(p, <=, g_array_index(result->candidates, iotfp_decomposition, c - 1).probability);
            sum += p;
        }
        g_assert_cmpfloat(sum, <=, 1 + 1e-9);
        *(hour == 19 ? &at_habit : &elsewhere) = iotfp_decompose_best(result)->probability;
        iotfp_decompose_result_free(result);
    }
    g_assert_cmpfloat(at_habit, >, elsewhere);
    iotfp_decompose_result *noon = iotfp_decompose(&model->decompose, 20);
    iotfp_action_rank(&model->decompose, &model->prior, noon, 12);
    char *best = iotfp_decompose_format(&model->decompose, noon, 0);
    g_assert_cmpstr(best, ==, "b");
    g_free(best);
    iotfp_decompose_result_free(noon);
    g_free(text);
    g_free(text_again);
    iotfp_signature_free(sig);
    iotfp_signature_free(again);
}

static void test_load_missing_file(void)
{
    iotfp_signature_set *set = iotfp_signature_set_new();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    g_assert_cmpuint(iotfp_signature_set_load(set, "/nonexistent/dir/x.sig", NULL, errors), ==, 0);
    g_assert_cmpuint(errors->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(errors, 0), "/nonexistent/dir/x.sig"));
    g_ptr_array_free(errors, TRUE);
    iotfp_signature_set_free(set);
}

/* Every match line must hold; cloud globs ignore case, as DNS names do. */
static void test_matches(void)
{
    const char *text = "iotfp-signature 1\nmodel m\nmatch port 443\nmatch cloud *.tplinkra.com\n"
                       "burst_gap_ms 1500\n\nevent on\nthreshold 1\nsample +1 -2\n";
    GError *error = NULL;
    iotfp_signature *sig = iotfp_signature_parse(text, strlen(text), "m.sig", &error);
    g_assert_no_error(error);
    iotfp_conv_facts facts = { 443, "use1-api.tplinkra.com", NULL };
    g_assert_true(iotfp_signature_matches(sig, &facts));
    facts.cloud_name = "USE1-API.TPLinkRA.com";
    g_assert_true(iotfp_signature_matches(sig, &facts));
    facts.cloud_name = "tplinkra.com.evil.example";
    g_assert_false(iotfp_signature_matches(sig, &facts));
    facts.cloud_name = NULL;
    g_assert_false(iotfp_signature_matches(sig, &facts));
    facts = (iotfp_conv_facts){ 8883, "use1-api.tplinkra.com", NULL };
    g_assert_false(iotfp_signature_matches(sig, &facts));
    iotfp_signature_free(sig);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/signature/good", test_good_file);
    g_test_add_func("/signature/matches", test_matches);
    g_test_add_func("/signature/malformed", test_malformed);
    g_test_add_func("/signature/truncated-binary", test_truncated_and_binary);
    g_test_add_func("/signature/limits", test_limits);
    g_test_add_func("/signature/missing-file", test_load_missing_file);
    g_test_add_func("/signature/action-model", test_action_model);
    g_test_add_func("/signature/action-model-malformed", test_action_model_malformed);
    g_test_add_func("/signature/action-prior", test_action_prior);
    return g_test_run();
}
