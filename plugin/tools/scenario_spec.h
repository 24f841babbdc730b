/* scenario_spec.h - the vocabulary of scenario tables.
 *
 * A scenario is data: a home (router, capture window) and a table of
 * devices, each described by how it talks (transport, DNS lookup, peer),
 * what it says (exchanges of payload sizes for its user events and
 * heartbeat) and which anomalies to plant. scenario.c turns tables into
 * traffic; scenario_tables.c holds the tables.
 */
#ifndef IOTFP_SCENARIO_SPEC_H
#define IOTFP_SCENARIO_SPEC_H

#include <glib.h>

#include "truth.h"

/* One application-level exchange: transport payload sizes in order, positive
 * from the device, negative to it; a 0 ends the list. For TLS devices each
 * size is one application-data record, sent in as many segments as needed. */
#define MAX_EXCHANGE_MESSAGES 6
typedef struct {
    EventTag tag;
    gint messages[MAX_EXCHANGE_MESSAGES];
} ExchangeSpec;

typedef enum {
    TRANSPORT_UDP,            /* opaque datagrams to a fixed endpoint */
    TRANSPORT_TLS_PER_EVENT,  /* a new TLS connection for every action */
    TRANSPORT_TLS_PERSISTENT, /* one TLS connection, opened at start-up */
    TRANSPORT_TCP_PER_EVENT,  /* a new plain TCP connection for every action */
} DeviceTransport;

typedef enum {
    LOOKUP_NONE,
    LOOKUP_A,         /* an A query before connecting */
    LOOKUP_AAAA_AND_A /* AAAA and A in parallel, as getaddrinfo does */
} DnsLookup;

/* A device speaking Xiaomi miIO (miio_encoder.h). */
typedef struct MiioDeviceSpec MiioDeviceSpec;

typedef struct {
    const char *label;             /* names the device's random stream */
    DeviceTransport transport;
    const char *mac;
    const char *address;
    const char *peer_address;      /* cloud, other home device or broadcast */
    guint16 peer_port;
    const char *peer_name;         /* DNS and SNI name; NULL when reached by address */
    DnsLookup lookup;
    const char *peer_aaaa_address; /* AAAA answer, for LOOKUP_AAAA_AND_A */
    gboolean compress_dns;         /* answers point back to the question name */
    guint server_flight_size;      /* TLS ServerHello record size */
    const ExchangeSpec *setup;     /* first exchange of a persistent connection */
    const ExchangeSpec *events;    /* the device's events, used in turn; their
                                      tags say which are user events */
    guint n_event_kinds;
    guint event_count;             /* events in the capture */
    const ExchangeSpec *heartbeat; /* periodic exchange, or NULL */
    guint heartbeat_interval_s;
    /* Planted anomalies, by 1-based event number (0: none). */
    guint retransmitted_event; /* the first device message is retransmitted */
    guint backdated_event;     /* the first cloud message's second segment is
                                  stamped 5 ms before its first */
    const MiioDeviceSpec *miio; /* TRANSPORT_UDP only: real miIO packets
                                   instead of opaque ones */
    gboolean joylink;           /* not TLS: JD Joylink 2.0 frames instead of
                                   opaque payloads */
} DeviceSpec;

typedef struct {
    const char *name;
    gint64 start_s;                /* epoch seconds of the capture start */
    gint64 duration_s;
    /* Nobody home from away_from_s to away_to_s after the start: devices
     * keep their heartbeats, but no user event happens (0, 0: none). */
    gint64 away_from_s, away_to_s;
    const char *router_mac;
    const char *router_address;    /* also the home's DNS resolver */
    const DeviceSpec *devices;
    guint n_devices;
} ScenarioSpec;

/* The known scenarios. */
extern const ScenarioSpec scenario_table[];
extern const guint scenario_table_len;

#endif /* IOTFP_SCENARIO_SPEC_H */
