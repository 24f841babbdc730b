/* scenario_gateway.h - smart-home gateways that bundle several device
 * actions in one encrypted cloud command, for the action-set analysis.
 *
 * Two gateways, each talking to its cloud over one conversation:
 *  - mijia-gateway: miIO over UDP 8053, JSON bodies encrypted with
 *    AES-128-CBC under a test token (miio_encoder.h), so the plugin's miIO
 *    dissector can decrypt them and confirm the labels;
 *  - tls-gateway: TLS 1.2 on TCP 443, commands in AES-128-GCM
 *    application-data records (5-byte header, 8-byte explicit nonce, 16-byte
 *    tag), really encrypted under a key the capture never shows.
 * A command is one JSON body holding one object per action; the cloud sends
 * it, the gateway acknowledges it and reports the changed properties, the
 * cloud acknowledges the report. Heartbeats run in between, in bursts of
 * their own. JSON ids vary in length, so command sizes vary as real ones do.
 *
 * The vocabulary (actions and their JSON objects) and named scenes come from
 * a built-in table or a gateway file (format in scenario_gateway.c and the
 * README); the mix says how commands are drawn from them, so training and
 * test captures can differ in more than the seed.
 */
#ifndef IOTFP_SCENARIO_GATEWAY_H
#define IOTFP_SCENARIO_GATEWAY_H

#include <glib.h>

#define SCENARIO_GATEWAY_MIIO "mijia-gateway"
#define SCENARIO_GATEWAY_TLS "tls-gateway"
/* The miIO gateway's identity, for the dissector's token table. */
#define SCENARIO_GATEWAY_MIIO_DEVICE_ID 287654321u
#define SCENARIO_GATEWAY_MIIO_TOKEN "00112233445566778899aabbccddeeff"
#define SCENARIO_GATEWAY_DEFAULT_COMMANDS 200

typedef enum {
    GATEWAY_MIX_RANDOM, /* 1 to 5 actions drawn uniformly, repeats allowed */
    GATEWAY_MIX_SCENES, /* the named scenes, sometimes with one extra action */
    GATEWAY_MIX_LARGE,  /* 4 to 8 actions, favouring the first actions of the vocabulary */
} GatewayMix;

typedef struct {
    const char *gateway;      /* SCENARIO_GATEWAY_MIIO or SCENARIO_GATEWAY_TLS */
    guint64 seed;
    GatewayMix mix;
    guint commands;
    const char *vocabulary_path; /* NULL: the built-in vocabulary */
} GatewayRequest;

gboolean scenario_gateway_is_gateway(const char *scenario);
/* "random", "scenes", "large"; FALSE for anything else. */
gboolean scenario_gateway_parse_mix(const char *text, GatewayMix *mix);

/* Writes the capture and, when labels_path is not NULL, its labels
 * (time,device_ip,event with the action names joined by '+'). frames and
 * commands written are returned for the summary line. */
gboolean scenario_gateway_write(const GatewayRequest *request, const char *pcap_path, const char *labels_path,
                                guint64 *frames, GError **error);

#endif /* IOTFP_SCENARIO_GATEWAY_H */
