/* What a conversation has shown so far that can tell its IoT platform: a
 * small set of (kind, value) features such as port 8053, magic miio or
 * sni use1-api.tplinkra.com, and the platform the rules decided from them
 * (platform_rules.h).
 *
 * Memory is bounded per conversation: at most IOTFP_CONV_FEATURES_MAX
 * features, at most IOTFP_CONV_FEATURES_PER_KIND of one kind (so that many
 * ports cannot crowd out a later SNI), each value cut to
 * IOTFP_FEATURE_VALUE_MAX bytes, plus one evidence string naming each of them
 * at most once: under 9 KiB at worst, usually under 500 bytes. A feature is
 * stored once, when first seen; later packets showing it again allocate
 * nothing. */
#ifndef IOTFP_CONV_FEATURES_H
#define IOTFP_CONV_FEATURES_H

#include "analysis.h"

typedef enum {
    IOTFP_FEATURE_TRANSPORT,    /* "tcp" or "udp" */
    IOTFP_FEATURE_PORT,         /* the service side's port, decimal */
    IOTFP_FEATURE_MAGIC,        /* a protocol recognised by its own framing (filter name: miio, tuya) */
    IOTFP_FEATURE_SNI,          /* TLS server name sent in this conversation */
    IOTFP_FEATURE_NAME,         /* the peer's name learned from DNS or SNI, as iotfp.cloud shows it */
    IOTFP_FEATURE_HTTP_HOST,    /* HTTP Host header */
    IOTFP_FEATURE_HTTP_SERVER,  /* HTTP (or SSDP) Server header */
    IOTFP_FEATURE_MQTT_CLIENT,  /* MQTT CONNECT client id (plain MQTT) */
    IOTFP_FEATURE_TLS_PSK_HINT, /* TLS-PSK identity hint of the server */
    IOTFP_FEATURE_N_KINDS
} iotfp_feature_kind;

#define IOTFP_CONV_FEATURES_MAX 16
#define IOTFP_CONV_FEATURES_PER_KIND 4
/* Host names fit (253); longer Server headers and client ids are cut. */
#define IOTFP_FEATURE_VALUE_MAX 255

typedef struct {
    guint8 kind;  /* iotfp_feature_kind */
    char *value;  /* printable ASCII, at most IOTFP_FEATURE_VALUE_MAX bytes */
} iotfp_feature;

typedef struct iotfp_conv_features iotfp_conv_features;

/* The rule file's keyword for a kind ("http-server"), and back. */
const char *iotfp_feature_kind_name(iotfp_feature_kind kind);
gboolean iotfp_feature_kind_parse(const char *name, iotfp_feature_kind *kind);

iotfp_conv_features *iotfp_conv_features_new(void);
void iotfp_conv_features_free(iotfp_conv_features *features);

/* Adds the feature unless it is already there or there is no room for it;
 * TRUE when added. Bytes outside printable ASCII become '?', so values can
 * be matched and shown safely whatever the packet held. Empty values are
 * ignored. */
gboolean iotfp_conv_features_add(iotfp_conv_features *features, iotfp_feature_kind kind, const char *value);
/* Transport and service port of one packet of the conversation. The service
 * port is the peer's for cloud and broadcast conversations (the device's own
 * port is ephemeral), and the lower of the two for local ones, where which
 * side serves is a guess. TRUE when something was added. */
gboolean iotfp_conv_features_add_packet(iotfp_conv_features *features, const iotfp_conv *conv,
                                        const iotfp_packet *packet);
/* The peer's learned name. Names are interned by the analysis, so a name seen
 * on the previous packet is recognised by its address alone. */
gboolean iotfp_conv_features_add_name(iotfp_conv_features *features, const char *interned_name);

guint iotfp_conv_features_count(const iotfp_conv_features *features);
const iotfp_feature *iotfp_conv_features_get(const iotfp_conv_features *features, guint index);

/* The decided platform (an interned string: its address stays put for the
 * life of the process, as the event detector's cache requires) and the
 * features that decided it; NULL-safe. With no platform, the evidence is that
 * of the "none" rule that decided there is none (a generic service such as
 * DNS or a CDN), or NULL when no rule held. */
const char *iotfp_conv_features_platform(const iotfp_conv_features *features);
const char *iotfp_conv_features_evidence(const iotfp_conv_features *features);
void iotfp_conv_features_set_platform(iotfp_conv_features *features, const char *interned_platform,
                                      const char *evidence);

#endif
