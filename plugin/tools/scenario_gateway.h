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
    GATEWAY_MIX_FAVOURITES, /* an owner's habits (GatewayHabits): favourite scenes at habitual times */
} GatewayMix;

/* The owner of mix "favourites": most commands are a few favourite scenes,
 * each at its habitual time of day, the rest random sets of 1 to 5 actions
 * at any time from 06:00 to 24:00 (UTC). The scenes, their popularity and
 * their times come from `home`, not from the capture's seed, so two captures
 * of one home (two seeds) share them, as two weeks of one household do.
 * Text form for --habits: "favourites=12,share=0.85,home=1,spread=45,zipf=1,
 * actions=2-5,per-day=20", any subset, in any order. */
typedef struct {
    guint favourites;     /* scenes the owner repeats */
    double share;         /* of the commands, from the favourites */
    guint64 home;         /* draws the scenes, their popularity and times */
    guint spread_min;     /* minutes a scene's time varies around its habit (standard deviation) */
    double zipf;          /* the r-th favourite is chosen in proportion to 1/r^zipf */
    guint min_actions, max_actions; /* in one favourite scene */
    guint per_day;        /* commands a day */
} GatewayHabits;

#define GATEWAY_HABITS_DEFAULT { 12, 0.85, 1, 45, 1.0, 2, 5, 20 }

typedef struct {
    const char *gateway;      /* SCENARIO_GATEWAY_MIIO or SCENARIO_GATEWAY_TLS */
    guint64 seed;
    GatewayMix mix;
    guint commands;
    const char *vocabulary_path; /* NULL: the built-in vocabulary */
    GatewayHabits habits;        /* mix "favourites" */
} GatewayRequest;

gboolean scenario_gateway_is_gateway(const char *scenario);
/* "random", "scenes", "large", "favourites"; FALSE for anything else. */
gboolean scenario_gateway_parse_mix(const char *text, GatewayMix *mix);
/* Overrides habits with the KEY=VALUE,... of text; the message of what is
 * wrong (to free), or NULL. */
char *scenario_gateway_parse_habits(const char *text, GatewayHabits *habits);

/* Writes the capture and, when labels_path is not NULL, its labels
 * (time,device_ip,event with the action names joined by '+'). frames and
 * commands written are returned for the summary line. */
gboolean scenario_gateway_write(const GatewayRequest *request, const char *pcap_path, const char *labels_path,
                                guint64 *frames, GError **error);

#endif /* IOTFP_SCENARIO_GATEWAY_H */
