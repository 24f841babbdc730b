/* Platform rules and conversation features: parsing (strict, file:line
 * errors, all or nothing), matching semantics, and the bundled rules file on
 * feature sets taken from the real captures. */
#include <string.h>

#include "conv_features.h"
#include "platform_rules.h"

static gboolean parse(iotfp_platform_rules *rules, const char *text, GError **error)
{
    return iotfp_platform_rules_parse(rules, text, strlen(text), "test.rules", error);
}

static iotfp_platform_rules *rules_from(const char *text)
{
    iotfp_platform_rules *rules = iotfp_platform_rules_new();
    GError *error = NULL;
    g_assert_true(parse(rules, text, &error));
    g_assert_no_error(error);
    return rules;
}

/* Features from "kind value" pairs, e.g. features_of("port", "443", "sni", "x", NULL). */
static iotfp_conv_features *features_of(const char *kind, ...)
{
    iotfp_conv_features *features = iotfp_conv_features_new();
    va_list args;
    va_start(args, kind);
    for (const char *k = kind; k; k = va_arg(args, const char *)) {
        iotfp_feature_kind parsed;
        g_assert_true(iotfp_feature_kind_parse(k, &parsed));
        g_assert_true(iotfp_conv_features_add(features, parsed, va_arg(args, const char *)));
    }
    va_end(args);
    return features;
}

/* The platform and evidence, "platform: evidence", "none: evidence" when a
 * "none" rule decided, or "-" when no rule held. */
static char *decide(const iotfp_platform_rules *rules, const iotfp_conv_features *features)
{
    GString *evidence = g_string_new(NULL);
    const char *platform = iotfp_platform_rules_match(rules, features, evidence);
    char *result = platform ? g_strdup_printf("%s: %s", platform, evidence->str)
                 : evidence->len ? g_strdup_printf("none: %s", evidence->str) : g_strdup("-");
    g_string_free(evidence, TRUE);
    return result;
}

static void assert_decides(const iotfp_platform_rules *rules, iotfp_conv_features *features, const char *expected)
{
    char *result = decide(rules, features);
    g_assert_cmpstr(result, ==, expected);
    g_free(result);
    iotfp_conv_features_free(features);
}

static void test_glob(void)
{
    g_assert_true(iotfp_glob_match("*.meethue.com", "ws.meethue.com"));
    g_assert_true(iotfp_glob_match("*.meethue.com", "a.b.MEETHUE.com"));
    g_assert_false(iotfp_glob_match("*.meethue.com", "meethue.com"));
    g_assert_false(iotfp_glob_match("*.meethue.com", "ws.meethue.com.evil.net"));
    g_assert_true(iotfp_glob_match("*IpBridge*", "Hue/1.0 UPnP/1.0 IpBridge/1.57.0"));
    g_assert_true(iotfp_glob_match("clients?.google.com", "clients3.google.com"));
    g_assert_false(iotfp_glob_match("clients?.google.com", "clients.google.com"));
    g_assert_true(iotfp_glob_match("*", ""));
    g_assert_true(iotfp_glob_match("", ""));
    g_assert_false(iotfp_glob_match("", "a"));
    g_assert_true(iotfp_glob_match("*.iot.*.amazonaws.com", "a30hje92j76kem.iot.us-west-2.amazonaws.com"));
    g_assert_false(iotfp_glob_match("*.iot.*.amazonaws.com", "iot.us-west-2.amazonaws.com"));
    /* Many stars against a long near-miss must stay fast (no exponential backtracking). */
    char text[256];
    memset(text, 'a', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    g_assert_false(iotfp_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
}

static void test_features_bounded(void)
{
    iotfp_conv_features *features = iotfp_conv_features_new();
    g_assert_true(iotfp_conv_features_add(features, IOTFP_FEATURE_PORT, "443"));
    g_assert_false(iotfp_conv_features_add(features, IOTFP_FEATURE_PORT, "443"));
    g_assert_false(iotfp_conv_features_add(features, IOTFP_FEATURE_PORT, ""));
    g_assert_false(iotfp_conv_features_add(features, IOTFP_FEATURE_PORT, NULL));
    /* The same value under another kind is another feature. */
    g_assert_true(iotfp_conv_features_add(features, IOTFP_FEATURE_NAME, "443"));
    /* A kind gets at most its share, so that ports cannot crowd out a later SNI. */
    for (guint i = 1; i < IOTFP_CONV_FEATURES_PER_KIND; i++) {
        char port[8];
        g_snprintf(port, sizeof port, "%u", 1000 + i);
        g_assert_true(iotfp_conv_features_add(features, IOTFP_FEATURE_PORT, port));
    }
    g_assert_false(iotfp_conv_features_add(features, IOTFP_FEATURE_PORT, "9999"));
    g_assert_true(iotfp_conv_features_add(features, IOTFP_FEATURE_SNI, "a.example"));
    /* And the whole set is bounded. */
    const iotfp_feature_kind kinds[] = { IOTFP_FEATURE_NAME, IOTFP_FEATURE_HTTP_HOST, IOTFP_FEATURE_HTTP_SERVER,
                                         IOTFP_FEATURE_MQTT_CLIENT, IOTFP_FEATURE_SNI };
    guint added = 0;
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++)
        for (guint i = 0; i < IOTFP_CONV_FEATURES_PER_KIND; i++) {
            char value[16];
            g_snprintf(value, sizeof value, "v%u", i);
            added += iotfp_conv_features_add(features, kinds[k], value);
        }
    g_assert_cmpuint(iotfp_conv_features_count(features), ==, IOTFP_CONV_FEATURES_MAX);
    g_assert_cmpuint(added, ==, IOTFP_CONV_FEATURES_MAX - 6);
    g_assert_null(iotfp_conv_features_get(features, IOTFP_CONV_FEATURES_MAX));
    iotfp_conv_features_free(features);
}

static void test_features_sanitised(void)
{
    iotfp_conv_features *features = iotfp_conv_features_new();
    char long_value[1000];
    memset(long_value, 'x', sizeof long_value - 1);
    long_value[sizeof long_value - 1] = '\0';
    g_assert_true(iotfp_conv_features_add(features, IOTFP_FEATURE_HTTP_SERVER, long_value));
    g_assert_true(iotfp_conv_features_add(features, IOTFP_FEATURE_MQTT_CLIENT, "dev\001ice\xc3\xa9"));
    g_assert_cmpuint(strlen(iotfp_conv_features_get(features, 0)->value), ==, IOTFP_FEATURE_VALUE_MAX);
    g_assert_cmpstr(iotfp_conv_features_get(features, 1)->value, ==, "dev?ice??");
    /* A longer value with the same first bytes is the same, cut, feature. */
    long_value[500] = 'y';
    g_assert_false(iotfp_conv_features_add(features, IOTFP_FEATURE_HTTP_SERVER, long_value));
    iotfp_conv_features_free(features);
}

static void set_addr(iotfp_addr *addr, const char *text)
{
    g_assert_true(iotfp_addr_parse(addr, text));
}

static void test_features_from_packets(void)
{
    iotfp_conv conv = { .scope = IOTFP_SCOPE_CLOUD };
    set_addr(&conv.device, "192.168.1.161");
    set_addr(&conv.peer, "36.156.49.114");
    iotfp_packet packet = { .transport = IOTFP_TRANSPORT_UDP, .src_port = 54321, .dst_port = 8053 };
    packet.src = conv.device;
    packet.dst = conv.peer;
    iotfp_conv_features *features = iotfp_conv_features_new();
    g_assert_true(iotfp_conv_features_add_packet(features, &conv, &packet));
    /* The answer shows the same service port: nothing new. */
    packet.src = conv.peer;
    packet.dst = conv.device;
    packet.src_port = 8053;
    packet.dst_port = 54321;
    g_assert_false(iotfp_conv_features_add_packet(features, &conv, &packet));
    g_assert_cmpuint(iotfp_conv_features_count(features), ==, 2);
    g_assert_cmpstr(iotfp_conv_features_get(features, 0)->value, ==, "udp");
    g_assert_cmpstr(iotfp_conv_features_get(features, 1)->value, ==, "8053");
    /* Packets without ports (ICMP) show nothing. */
    packet.transport = IOTFP_TRANSPORT_OTHER;
    g_assert_false(iotfp_conv_features_add_packet(features, &conv, &packet));
    iotfp_conv_features_free(features);

    /* Local: the lower port serves, whichever side the analysis took for the device. */
    conv.scope = IOTFP_SCOPE_LOCAL;
    set_addr(&conv.peer, "192.168.1.222");
    packet = (iotfp_packet){ .transport = IOTFP_TRANSPORT_TCP, .src_port = 40123, .dst_port = 9999 };
    packet.src = conv.peer;
    packet.dst = conv.device;
    features = iotfp_conv_features_new();
    g_assert_true(iotfp_conv_features_add_packet(features, &conv, &packet));
    g_assert_cmpstr(iotfp_conv_features_get(features, 1)->value, ==, "9999");
    iotfp_conv_features_free(features);

    /* Names are interned by the analysis: the same pointer is not looked at again. */
    features = iotfp_conv_features_new();
    const char *name = g_intern_string("use1-api.tplinkra.com");
    g_assert_true(iotfp_conv_features_add_name(features, name));
    g_assert_false(iotfp_conv_features_add_name(features, name));
    g_assert_false(iotfp_conv_features_add_name(features, NULL));
    g_assert_true(iotfp_conv_features_add_name(features, g_intern_string("euw1-api.tplinkra.com")));
    g_assert_false(iotfp_conv_features_add_name(features, name)); /* back to a known name */
    g_assert_cmpuint(iotfp_conv_features_count(features), ==, 2);
    iotfp_conv_features_free(features);
}

static const char semantics[] =
    "iotfp-platforms 1\n"
    "# comment line\n"
    "platform none\n"
    "sufficient port 123          # NTP\n"
    "reject magic special\n"
    "\n"
    "platform tplink\n"
    "sufficient any sni *.tplinkra.com | name *.tplinkra.com\n"
    "sufficient magic tplink-smarthome\n"
    "\n"
    "platform gated\n"
    "require transport udp\n"
    "require port 8053\n"
    "\n"
    "platform both\n"
    "require http-host *.both.example\n"
    "sufficient http-server Both*\n"
    "sufficient mqtt-client both-*\n"
    "reject any http-host www.* | port 80\n";

static void test_semantics(void)
{
    iotfp_platform_rules *rules = rules_from(semantics);
    g_assert_cmpuint(iotfp_platform_rules_count(rules), ==, 4);
    const GPtrArray *magic = iotfp_platform_rules_magic_names(rules);
    g_assert_cmpuint(magic->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(magic, 0), ==, "special");
    g_assert_cmpstr(g_ptr_array_index(magic, 1), ==, "tplink-smarthome");

    /* A sufficient condition alone decides; evidence names the feature. */
    assert_decides(rules, features_of("port", "443", "sni", "use1-api.tplinkra.com", NULL),
                   "tplink: sni use1-api.tplinkra.com");
    assert_decides(rules, features_of("transport", "tcp", "magic", "tplink-smarthome", NULL),
                   "tplink: magic tplink-smarthome");
    /* Without sufficient lines, the requires together are sufficient. */
    assert_decides(rules, features_of("transport", "udp", "port", "8053", NULL),
                   "gated: transport udp, port 8053");
    assert_decides(rules, features_of("transport", "tcp", "port", "8053", NULL), "-");
    /* With both, every require must hold and one sufficient. */
    assert_decides(rules, features_of("http-host", "hub.both.example", "mqtt-client", "both-17", NULL),
                   "both: mqtt-client both-17, http-host hub.both.example");
    assert_decides(rules, features_of("http-server", "Both/2", NULL), "-");
    assert_decides(rules, features_of("http-host", "hub.both.example", NULL), "-");
    /* A negative feature vetoes whatever else holds. */
    assert_decides(rules, features_of("http-host", "hub.both.example", "http-server", "Both/2", "port", "80", NULL),
                   "-");
    /* "none" decides first: NTP never gets a platform... */
    assert_decides(rules, features_of("port", "123", "name", "ntp.tplinkra.com", NULL), "none: port 123");
    /* ...unless its own negative feature lets the next rules speak. */
    assert_decides(rules, features_of("port", "123", "magic", "special", "name", "ntp.tplinkra.com", NULL),
                   "tplink: name ntp.tplinkra.com");
    /* Nothing known, nothing decided. */
    assert_decides(rules, features_of("port", "443", NULL), "-");

    /* apply stores the result and clears it again when nothing holds. */
    iotfp_conv_features *features = features_of("sni", "a.tplinkra.com", NULL);
    iotfp_platform_rules_apply(rules, features);
    g_assert_true(iotfp_conv_features_platform(features) == g_intern_string("tplink"));
    g_assert_cmpstr(iotfp_conv_features_evidence(features), ==, "sni a.tplinkra.com");
    g_assert_true(iotfp_conv_features_add(features, IOTFP_FEATURE_PORT, "123"));
    iotfp_platform_rules_apply(rules, features);
    g_assert_null(iotfp_conv_features_platform(features));
    g_assert_cmpstr(iotfp_conv_features_evidence(features), ==, "port 123"); /* why there is none */
    iotfp_conv_features_free(features);
    g_assert_null(iotfp_conv_features_platform(NULL));
    iotfp_platform_rules_free(rules);
}

static void test_layering(void)
{
    iotfp_platform_rules *rules = rules_from("iotfp-platforms 1\n"
                                             "platform first\nsufficient name *.example\n"
                                             "platform second\nsufficient name *.example\n");
    iotfp_conv_features *features = features_of("name", "a.example", NULL);
    char *result = decide(rules, features);
    g_assert_cmpstr(result, ==, "first: name a.example");
    g_free(result);
    /* A file read later takes precedence, to add a platform or to correct one. */
    GError *error = NULL;
    g_assert_true(parse(rules, "iotfp-platforms 1\nplatform user\nsufficient name a.*\n", &error));
    result = decide(rules, features);
    g_assert_cmpstr(result, ==, "user: name a.example");
    g_free(result);
    g_assert_true(parse(rules, "iotfp-platforms 1\nplatform none\nsufficient name a.example\n", &error));
    assert_decides(rules, features, "none: name a.example");
    g_assert_cmpuint(iotfp_platform_rules_count(rules), ==, 4);
    iotfp_platform_rules_free(rules);
}

/* Each bad file is refused with this message, and the set stays as it was. */
static void assert_refused(const char *text, gsize len, const char *message)
{
    iotfp_platform_rules *rules = rules_from("iotfp-platforms 1\nplatform kept\nsufficient magic kept\n");
    GError *error = NULL;
    g_assert_false(iotfp_platform_rules_parse(rules, text, len, "bad.rules", &error));
    g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE);
    if (!strstr(error->message, message))
        g_error("expected '%s' in '%s'", message, error->message);
    g_error_free(error);
    g_assert_cmpuint(iotfp_platform_rules_count(rules), ==, 1);
    g_assert_cmpuint(iotfp_platform_rules_magic_names(rules)->len, ==, 1);
    assert_decides(rules, features_of("magic", "kept", NULL), "kept: magic kept");
    iotfp_platform_rules_free(rules);
}

static void refused(const char *text, const char *message)
{
    assert_refused(text, strlen(text), message);
}

static void test_malformed(void)
{
    refused("", "bad.rules:1: empty file");
    refused("# only a comment\n\n", "bad.rules:2: empty file");
    refused("iotfp-signature 1\n", "bad.rules:1: not a platform rules file");
    refused("platform tuya\n", "bad.rules:1: not a platform rules file");
    refused("iotfp-platforms 3\n", "bad.rules:1: version 3 is not supported (this plugin reads versions 1 to 2)");
    refused("iotfp-platforms 2\nplatform acme\nsufficient port 8883\n", "bad.rules: cut short: no closing 'end'");
    refused("iotfp-platforms one\n", "bad.rules:1: version 'one' is not a whole number");
    refused("iotfp-platforms 1 2\n", "bad.rules:1: not a platform rules file");
    refused("iotfp-platforms 1\nsufficient port 1\n", "bad.rules:2: 'sufficient' before any 'platform'");
    refused("iotfp-platforms 1\nplatfrom x\n", "bad.rules:2: unknown keyword 'platfrom'");
    refused("iotfp-platforms 1\nplatform\n", "bad.rules:2: 'platform' takes one name");
    refused("iotfp-platforms 1\nplatform a b\n", "bad.rules:2: 'platform' takes one name");
    refused("iotfp-platforms 1\nplatform Tuya\n", "bad.rules:2: 'Tuya' is not a platform name");
    refused("iotfp-platforms 1\nplatform -x\n", "bad.rules:2: '-x' is not a platform name");
    refused("iotfp-platforms 1\nplatform abcdefghijklmnopqrstuvwxyz0123456789\n", "is not a platform name");
    refused("iotfp-platforms 1\nplatform x\nrequire dns *.x\n",
            "bad.rules:3: unknown feature kind 'dns' (transport, port, magic, sni, name, http-host, http-server, "
            "mqtt-client, tls-psk-hint)");
    refused("iotfp-platforms 1\nplatform x\nrequire port 65536\n",
            "bad.rules:3: port '65536' is not a number from 0 to 65535");
    refused("iotfp-platforms 1\nplatform x\nrequire port *\n", "port '*' is not a number");
    refused("iotfp-platforms 1\nplatform x\nrequire transport sctp\n", "transport 'sctp' is neither tcp nor udp");
    refused("iotfp-platforms 1\nplatform x\nrequire magic Mi*\n", "magic 'Mi*' is not a protocol filter name");
    refused("iotfp-platforms 1\nplatform x\nrequire sni\n", "bad.rules:3: a condition is a feature kind and a pattern");
    refused("iotfp-platforms 1\nplatform x\nrequire sni a b\n", "a condition is a feature kind and a pattern");
    refused("iotfp-platforms 1\nplatform x\nrequire\n", "a condition is a feature kind and a pattern");
    refused("iotfp-platforms 1\nplatform x\nrequire sni a | name b\n", "bad.rules:3: alternatives need 'any'");
    refused("iotfp-platforms 1\nplatform x\nrequire any sni a\n", "'any' needs two or more alternatives");
    refused("iotfp-platforms 1\nplatform x\nrequire any sni a |\n", "a condition is a feature kind and a pattern");
    refused("iotfp-platforms 1\nplatform x\nrequire any sni a || name b\n", "a condition is a feature kind");
    refused("iotfp-platforms 1\nplatform x\nrequire any sni a | dns b\n", "unknown feature kind 'dns'");
    /* A rule that could never decide is reported at its own line. */
    refused("iotfp-platforms 1\nplatform x\nreject port 1\nplatform y\nsufficient port 2\n",
            "bad.rules:2: platform 'x' has no 'require' or 'sufficient' condition");
    refused("iotfp-platforms 1\nplatform y\nsufficient port 2\nplatform x\n",
            "bad.rules:4: platform 'x' has no 'require' or 'sufficient' condition");
    refused("iotfp-platforms 1\nplatform x\nsufficient http-server caf\xc3\xa9\n",
            "bad.rules:3: unexpected byte 0xc3 outside a comment");
    /* Bad lines after good ones still refuse the whole file. */
    refused("iotfp-platforms 1\nplatform x\nsufficient port 1\nplatform y\nsufficient port x\n", "bad.rules:5:");
}

static void test_truncated_and_binary(void)
{
    /* Every prefix of a good file either parses or is refused with a line
     * number; none crashes. Cut mid-keyword, it names the broken line. */
    gsize len = strlen(semantics);
    for (gsize cut = 0; cut < len; cut++) {
        iotfp_platform_rules *rules = iotfp_platform_rules_new();
        GError *error = NULL;
        if (!iotfp_platform_rules_parse(rules, semantics, cut, "cut.rules", &error)) {
            g_assert_true(g_str_has_prefix(error->message, "cut.rules:"));
            g_error_free(error);
        }
        iotfp_platform_rules_free(rules);
    }
    refused("iotfp-platforms 1\nplatform x\nsufficient sn", "bad.rules:3: a condition is a feature kind and a pattern");
    refused("iotfp-platforms 1\nplatform x\nsuffic", "bad.rules:3: unknown keyword 'suffic'");
    refused("iotfp-plat", "bad.rules:1: not a platform rules file");
    static const char junk[] = "\x7f" "ELF\x02\x01\x01\0\0\0\xff\xfe";
    assert_refused(junk, sizeof junk - 1, "bad.rules: not a text file");
    assert_refused("iotfp-platforms 1\n\xff\xfe\n", 21, "bad.rules: not a text file");
    assert_refused("iotfp-platforms 1\0\n", 19, "bad.rules: not a text file");
}

static void test_limits(void)
{
    /* A huge line is refused before it is split into words. */
    GString *text = g_string_new("iotfp-platforms 1\nplatform x\nsufficient http-server ");
    for (guint i = 0; i < IOTFP_PLATFORM_RULES_MAX_LINE; i++)
        g_string_append_c(text, 'a');
    refused(text->str, "bad.rules:3: line longer than 1024 bytes");
    /* Even a comment. */
    g_string_assign(text, "iotfp-platforms 1\n#");
    for (guint i = 0; i < 100000; i++)
        g_string_append_c(text, 'a');
    refused(text->str, "bad.rules:2: line longer than 1024 bytes");

    g_string_assign(text, "iotfp-platforms 1\nplatform x\nsufficient http-server ");
    for (guint i = 0; i <= IOTFP_PLATFORM_PATTERN_MAX; i++)
        g_string_append_c(text, 'a');
    refused(text->str, "bad.rules:3: pattern longer than 255 characters");

    g_string_assign(text, "iotfp-platforms 1\nplatform x\nsufficient any port 1");
    for (guint i = 0; i < IOTFP_PLATFORM_CONDITION_MAX_ALTERNATIVES; i++)
        g_string_append(text, " | port 2");
    refused(text->str, "bad.rules:3: more than 16 alternatives");

    g_string_assign(text, "iotfp-platforms 1\nplatform x\n");
    for (guint i = 0; i <= IOTFP_PLATFORM_RULE_MAX_CONDITIONS; i++)
        g_string_append(text, "sufficient port 1\n");
    refused(text->str, "bad.rules:67: more than 64 conditions in one rule");

    g_string_assign(text, "iotfp-platforms 1\n");
    for (guint i = 0; i < IOTFP_PLATFORM_RULES_MAX_RULES; i++)
        g_string_append(text, "platform x\nsufficient port 1\n");
    /* The set already holds one rule: the file's last rule is one too many. */
    refused(text->str, "more than 1024 rules in all");

    gsize big = IOTFP_PLATFORM_RULES_MAX_BYTES + 1;
    char *huge = g_malloc(big);
    memset(huge, '#', big);
    assert_refused(huge, big, "bad.rules: larger than 1048576 bytes");
    g_free(huge);
    g_string_free(text, TRUE);
}

static void test_load_missing_file(void)
{
    iotfp_platform_rules *rules = iotfp_platform_rules_new();
    GError *error = NULL;
    g_assert_false(iotfp_platform_rules_load(rules, "/nonexistent/platforms.rules", NULL, &error));
    g_assert_error(error, IOTFP_ERROR, IOTFP_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "/nonexistent/platforms.rules"));
    g_error_free(error);
    iotfp_platform_rules_free(rules);
}

/* The bundled file on feature sets the real captures show (see the README's
 * Platforms table and tests/tshark/test_platforms_realdata.py). */
static void test_bundled_rules(void)
{
    iotfp_platform_rules *rules = iotfp_platform_rules_new();
    GError *error = NULL;
    g_assert_true(iotfp_platform_rules_load(rules, IOTFP_BUNDLED_RULES, NULL, &error));
    g_assert_no_error(error);

    assert_decides(rules, features_of("transport", "udp", "port", "8053", "magic", "miio", NULL),
                   "mijia: magic miio");
    assert_decides(rules, features_of("transport", "udp", "port", "32100", "name", "xiaomi5.p2psy2.io.mi.com", NULL),
                   "mijia: name xiaomi5.p2psy2.io.mi.com");
    assert_decides(rules, features_of("transport", "tcp", "port", "2002", "magic", "joylink", NULL),
                   "joylink: magic joylink");
    assert_decides(rules, features_of("port", "8886", "tls-psk-hint", "1dHRsc2NjbHltbGx3eWh50000000000000000", NULL),
                   "tuya: tls-psk-hint 1dHRsc2NjbHltbGx3eWh50000000000000000");
    assert_decides(rules, features_of("port", "6667", "magic", "tuya", NULL), "tuya: magic tuya");
    assert_decides(rules, features_of("port", "9999", "magic", "tplink-smarthome", NULL),
                   "tplink: magic tplink-smarthome");
    assert_decides(rules, features_of("port", "443", "name", "n-devs.tplinkcloud.com", NULL),
                   "tplink: name n-devs.tplinkcloud.com");
    assert_decides(rules, features_of("port", "443", "sni", "use1-api.tplinkra.com", NULL),
                   "tplink: sni use1-api.tplinkra.com");
    assert_decides(rules, features_of("port", "443", "sni", "data.meethue.com", NULL), "hue: sni data.meethue.com");
    assert_decides(rules, features_of("port", "443", "sni", "www.meethue.com", NULL), "-");
    assert_decides(rules, features_of("port", "443", "sni", "smartthings.com", NULL), "smartthings: sni smartthings.com");
    assert_decides(rules, features_of("port", "443", "name", "dc.connect.smartthings.com", NULL),
                   "smartthings: name dc.connect.smartthings.com");
    assert_decides(rules, features_of("port", "8883", "name", "a30hje92j76kem.iot.us-west-2.amazonaws.com", NULL),
                   "aws-iot: name a30hje92j76kem.iot.us-west-2.amazonaws.com");
    assert_decides(rules, features_of("port", "443", "sni", "mqtt.2030.ltsapis.goog", NULL),
                   "google-iot: sni mqtt.2030.ltsapis.goog");
    assert_decides(rules, features_of("port", "443", "name", "VS-cam.u011.immedia-semi.com", NULL),
                   "blink: name VS-cam.u011.immedia-semi.com");
    /* SSDP: generic, unless a Hue bridge announces itself. */
    assert_decides(rules, features_of("port", "1900", NULL), "none: port 1900");
    assert_decides(rules, features_of("port", "1900", "http-server", "Hue/1.0 UPnP/1.0 IpBridge/1.57.0", NULL),
                   "hue: http-server Hue/1.0 UPnP/1.0 IpBridge/1.57.0");
    /* Non-IoT services get no platform, whoever runs them. */
    assert_decides(rules, features_of("port", "123", "name", "ntp1.aliyun.com", NULL), "none: port 123");
    assert_decides(rules, features_of("port", "53", "transport", "udp", NULL), "none: port 53");
    assert_decides(rules, features_of("port", "443", "name", "d1.cloudfront.net", NULL),
                   "none: name d1.cloudfront.net");
    assert_decides(rules, features_of("port", "443", "name", "connectivitycheck.gstatic.com", NULL),
                   "none: name connectivitycheck.gstatic.com");
    /* A lock maker's own cloud is its platform; the Hue bridge's Philips portal is Hue's. */
    assert_decides(rules, features_of("port", "443", "name", "api.allegionengage.com", NULL),
                   "allegion: name api.allegionengage.com");
    assert_decides(rules, features_of("port", "443", "name", "www.ecdinterface.philips.com", NULL),
                   "hue: name www.ecdinterface.philips.com");
    assert_decides(rules, features_of("port", "443", "name", "www.meethue.com", NULL), "-");
    /* The IoT Sentinel devices' clouds, by the names of their setups (2016). */
    assert_decides(rules, features_of("port", "443", "name", "api.dch.dlink.com", NULL), "dlink: name api.dch.dlink.com");
    assert_decides(rules, features_of("port", "443", "name", "signal.mydlink.com", NULL),
                   "dlink: name signal.mydlink.com");
    assert_decides(rules, features_of("port", "8443", "name", "api.xbcs.net", NULL), "wemo: name api.xbcs.net");
    assert_decides(rules, features_of("port", "80", "name", "www.myedimax.com", NULL), "edimax: name www.myedimax.com");
    assert_decides(rules, features_of("port", "80", "name", "icomen.yunext.com", NULL),
                   "yunext: name icomen.yunext.com");
    assert_decides(rules, features_of("port", "443", "name", "scalews.withings.net", NULL),
                   "withings: name scalews.withings.net");
    assert_decides(rules, features_of("port", "80", "name", "www.fitbit.com", NULL), "fitbit: name www.fitbit.com");
    assert_decides(rules, features_of("port", "443", "name", "dcp.cpp.philips.com", NULL),
                   "hue: name dcp.cpp.philips.com");
    /* Generic services they also use stay without a platform. */
    assert_decides(rules, features_of("port", "443", "name", "s3-us-west-2.amazonaws.com", NULL),
                   "none: name s3-us-west-2.amazonaws.com");
    assert_decides(rules, features_of("port", "80", "name", "www.google.com", NULL), "none: name www.google.com");
    assert_decides(rules, features_of("port", "8883", "name", "s3k7odshaiipe8-ats.iot.us-east-1.amazonaws.com", NULL),
                   "aws-iot: name s3k7odshaiipe8-ats.iot.us-east-1.amazonaws.com");
    assert_decides(rules, features_of("port", "443", "name", "ticks2.bugsense.com", NULL),
                   "none: name ticks2.bugsense.com");
    /* Ports alone say nothing: 443 and 8883 (MQTT over TLS) serve every cloud. */
    assert_decides(rules, features_of("transport", "tcp", "port", "8883", NULL), "-");
    assert_decides(rules, features_of("transport", "tcp", "port", "2002", NULL), "-");
    iotfp_platform_rules_free(rules);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/platform/glob", test_glob);
    g_test_add_func("/platform/features-bounded", test_features_bounded);
    g_test_add_func("/platform/features-sanitised", test_features_sanitised);
    g_test_add_func("/platform/features-from-packets", test_features_from_packets);
    g_test_add_func("/platform/semantics", test_semantics);
    g_test_add_func("/platform/layering", test_layering);
    g_test_add_func("/platform/malformed", test_malformed);
    g_test_add_func("/platform/truncated-binary", test_truncated_and_binary);
    g_test_add_func("/platform/limits", test_limits);
    g_test_add_func("/platform/missing-file", test_load_missing_file);
    g_test_add_func("/platform/bundled", test_bundled_rules);
    return g_test_run();
}
