/* The platform rules parser and matcher on arbitrary bytes: users write and
 * share rule files. A file that parses is also matched against a growing
 * conversation, so that whatever a file can say, deciding stays safe. It
 * calls match, not apply: apply interns the platform names it decides, which
 * is bounded for real rule files but would grow without end here. */
#include <stdint.h>

#include "platform_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotfp_platform_rules *rules = iotfp_platform_rules_new();
    GError *error = NULL;
    if (!iotfp_platform_rules_parse(rules, (const char *)data, size, "fuzz.rules", &error)) {
        g_error_free(error);
        iotfp_platform_rules_free(rules);
        return 0;
    }
    static const struct {
        iotfp_feature_kind kind;
        const char *value;
    } seen[] = {
        { IOTFP_FEATURE_TRANSPORT, "udp" },  { IOTFP_FEATURE_PORT, "8053" },
        { IOTFP_FEATURE_MAGIC, "miio" },     { IOTFP_FEATURE_SNI, "use1-api.tplinkra.com" },
        { IOTFP_FEATURE_NAME, "ntp1.aliyun.com" }, { IOTFP_FEATURE_HTTP_SERVER, "Hue/1.0 UPnP/1.0 IpBridge/1.57.0" },
        { IOTFP_FEATURE_HTTP_HOST, "www.ecdinterface.philips.com" }, { IOTFP_FEATURE_MQTT_CLIENT, "d:abc" },
        { IOTFP_FEATURE_TLS_PSK_HINT, "1dHRsc2NjbHltbGx3eWh50000000000000000" },
    };
    /* Growing feature sets, as a conversation shows them packet by packet. */
    iotfp_conv_features *features = iotfp_conv_features_new();
    GString *evidence = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(seen); i++) {
        iotfp_conv_features_add(features, seen[i].kind, seen[i].value);
        g_string_truncate(evidence, 0);
        iotfp_platform_rules_match(rules, features, evidence);
    }
    g_string_free(evidence, TRUE);
    iotfp_conv_features_free(features);
    iotfp_platform_rules_free(rules);
    return 0;
}
