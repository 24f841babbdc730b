#include "conv_features.h"

#include <string.h>

struct iotfp_conv_features {
    iotfp_feature items[IOTFP_CONV_FEATURES_MAX];
    guint8 n;
    guint8 per_kind[IOTFP_FEATURE_N_KINDS];
    guint8 transports;        /* bit per iotfp_transport already added */
    guint32 last_port;        /* the port added last time; above 65535: none yet */
    const char *last_name;    /* the name given to add_name last time */
    const char *platform;     /* interned */
    char *evidence;
};

static const char *const kind_names[IOTFP_FEATURE_N_KINDS] = {
    [IOTFP_FEATURE_TRANSPORT] = "transport",
    [IOTFP_FEATURE_PORT] = "port",
    [IOTFP_FEATURE_MAGIC] = "magic",
    [IOTFP_FEATURE_SNI] = "sni",
    [IOTFP_FEATURE_NAME] = "name",
    [IOTFP_FEATURE_HTTP_HOST] = "http-host",
    [IOTFP_FEATURE_HTTP_SERVER] = "http-server",
    [IOTFP_FEATURE_MQTT_CLIENT] = "mqtt-client",
    [IOTFP_FEATURE_TLS_PSK_HINT] = "tls-psk-hint",
};

const char *iotfp_feature_kind_name(iotfp_feature_kind kind)
{
    return kind < IOTFP_FEATURE_N_KINDS ? kind_names[kind] : "?";
}

gboolean iotfp_feature_kind_parse(const char *name, iotfp_feature_kind *kind)
{
    for (guint k = 0; k < IOTFP_FEATURE_N_KINDS; k++)
        if (strcmp(name, kind_names[k]) == 0) {
            *kind = (iotfp_feature_kind)k;
            return TRUE;
        }
    return FALSE;
}

iotfp_conv_features *iotfp_conv_features_new(void)
{
    iotfp_conv_features *features = g_new0(iotfp_conv_features, 1);
    features->last_port = G_MAXUINT32;
    return features;
}

void iotfp_conv_features_free(iotfp_conv_features *features)
{
    if (!features)
        return;
    for (guint i = 0; i < features->n; i++)
        g_free(features->items[i].value);
    g_free(features->evidence);
    g_free(features);
}

/* The value as stored: cut, and printable ASCII only. Writes at most
 * IOTFP_FEATURE_VALUE_MAX + 1 bytes. */
static void normalise(const char *value, char *out)
{
    gsize i = 0;
    for (; value[i] && i < IOTFP_FEATURE_VALUE_MAX; i++)
        out[i] = g_ascii_isprint(value[i]) ? value[i] : '?';
    out[i] = '\0';
}

gboolean iotfp_conv_features_add(iotfp_conv_features *features, iotfp_feature_kind kind, const char *value)
{
    if (kind >= IOTFP_FEATURE_N_KINDS || !value || !*value)
        return FALSE;
    char stored[IOTFP_FEATURE_VALUE_MAX + 1];
    normalise(value, stored);
    for (guint i = 0; i < features->n; i++)
        if (features->items[i].kind == kind && strcmp(features->items[i].value, stored) == 0)
            return FALSE;
    if (features->n == IOTFP_CONV_FEATURES_MAX || features->per_kind[kind] == IOTFP_CONV_FEATURES_PER_KIND)
        return FALSE;
    features->items[features->n].kind = (guint8)kind;
    features->items[features->n].value = g_strdup(stored);
    features->n++;
    features->per_kind[kind]++;
    return TRUE;
}

gboolean iotfp_conv_features_add_packet(iotfp_conv_features *features, const iotfp_conv *conv,
                                        const iotfp_packet *packet)
{
    if (packet->transport != IOTFP_TRANSPORT_TCP && packet->transport != IOTFP_TRANSPORT_UDP)
        return FALSE;
    gboolean added = FALSE;
    guint8 bit = (guint8)(1u << packet->transport);
    if (!(features->transports & bit)) {
        features->transports |= bit;
        added = iotfp_conv_features_add(features, IOTFP_FEATURE_TRANSPORT,
                                        packet->transport == IOTFP_TRANSPORT_TCP ? "tcp" : "udp");
    }
    guint16 port;
    if (conv->scope == IOTFP_SCOPE_LOCAL)
        port = MIN(packet->src_port, packet->dst_port);
    else
        port = iotfp_addr_equal(&packet->src, &conv->peer) ? packet->src_port : packet->dst_port;
    /* Nearly every packet repeats its conversation's port; writing it as
     * text for the lookup is the costly part. */
    if (port == features->last_port)
        return added;
    features->last_port = port;
    char text[8];
    g_snprintf(text, sizeof text, "%u", port);
    return iotfp_conv_features_add(features, IOTFP_FEATURE_PORT, text) || added;
}

gboolean iotfp_conv_features_add_name(iotfp_conv_features *features, const char *interned_name)
{
    if (!interned_name || interned_name == features->last_name)
        return FALSE;
    features->last_name = interned_name;
    return iotfp_conv_features_add(features, IOTFP_FEATURE_NAME, interned_name);
}

guint iotfp_conv_features_count(const iotfp_conv_features *features)
{
    return features->n;
}

const iotfp_feature *iotfp_conv_features_get(const iotfp_conv_features *features, guint index)
{
    return index < features->n ? &features->items[index] : NULL;
}

const char *iotfp_conv_features_platform(const iotfp_conv_features *features)
{
    return features ? features->platform : NULL;
}

const char *iotfp_conv_features_evidence(const iotfp_conv_features *features)
{
    return features ? features->evidence : NULL;
}

void iotfp_conv_features_set_platform(iotfp_conv_features *features, const char *interned_platform,
                                      const char *evidence)
{
    features->platform = interned_platform;
    if (g_strcmp0(features->evidence, evidence) != 0) {
        g_free(features->evidence);
        features->evidence = g_strdup(evidence);
    }
}
