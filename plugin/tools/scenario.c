/* scenario.c - smart-home scenarios: device tables turned into traffic.
 *
 * A scenario is a table of devices (scenario_spec.h, scenario_tables.c).
 * Each device has a transport style (UDP, a TLS connection per event, one
 * persistent TLS connection, plain TCP), optional DNS lookups, a list of
 * user events and an optional heartbeat. The engine schedules every device's actions over the capture window, sorts
 * them by start time and plays them one by one into the Capture, which puts
 * the interleaved packets of all devices in time order.
 */
#include "scenario.h"

#include <stdlib.h>
#include <string.h>

#include "frame_builder.h"
#include "joylink.h"
#include "miio_encoder.h"
#include "payloads.h"
#include "prng.h"
#include "scenario_spec.h"

#define US(n) ((gint64)(n) * 1000)
#define MS(n) US((gint64)(n) * 1000)
#define SECONDS(n) MS((gint64)(n) * 1000)

/* Design rules, checked on the truth once the capture is written: members
 * of a burst are close and bursts of a conversation far apart, both well
 * clear of the plugin's 1.5 s gap so that the truth is not borderline. */
#define MAX_MEMBER_GAP_NS MS(500)
#define MIN_BURST_SEPARATION_NS SECONDS(10)

/* Scheduling: no action lasts longer than MAX_ACTION_DURATION_NS and each
 * starts at least ACTION_CLEARANCE_NS after the device's previous action
 * and before its next one, which leaves >= 12 s between bursts. */
#define MAX_ACTION_DURATION_NS SECONDS(3)
#define ACTION_CLEARANCE_NS SECONDS(15)
/* Devices come to life at different moments of the first few seconds. */
#define FIRST_ACTION_DELAY_NS SECONDS(1)
#define FIRST_ACTION_SPREAD_NS SECONDS(3)
#define HEARTBEAT_JITTER_NS MS(50)

#define DELAYED_ACK_NS MS(40)
#define RETRANSMISSION_TIMEOUT_NS MS(200) /* Linux's minimum RTO */
#define BACKDATE_NS MS(5)
#define DNS_ANSWER_TTL 60
#define HOME_TTL 64
#define CLOUD_TTL 52
#define EPHEMERAL_PORT_FIRST 49152
#define EPHEMERAL_PORT_SPREAD 10000

/* Tag of actions without an exchange of their own. */
static const EventTag TAG_OTHER = { "other", FALSE };

G_DEFINE_QUARK(iotfp-scenario-error-quark, scenario_error)

typedef struct {
    const DeviceSpec *spec;
    Prng prng;
    NetHost host;
    NetHost peer;         /* as seen on the LAN: router's MAC for the cloud */
    IpAddress peer_aaaa;  /* for LOOKUP_AAAA_AND_A */
    gint64 peer_rtt_ns;   /* capture point -> peer -> capture point */
    guint16 next_port;    /* ephemeral client ports, in turn */
    guint16 udp_port;
    TcpFlow session;      /* TRANSPORT_TLS_PERSISTENT */
} Device;

typedef enum {
    ACTION_CONNECT,   /* open a persistent connection */
    ACTION_HEARTBEAT,
    ACTION_EVENT,
} ActionKind;

typedef struct {
    gint64 start_ns;
    guint device;
    ActionKind kind;
    guint event_index; /* ACTION_EVENT: 0-based, in the device's time order */
} Action;

typedef struct {
    const ScenarioSpec *spec;
    NetHost resolver;
    Device *devices;
    GArray *actions;      /* Action */
    GByteArray *payload;  /* scratch buffer for the payload being built */
} ScenarioRun;

/* Plays the frames of one action into the capture. */
typedef struct {
    Capture *capture;
    const EventTag *tag;
    gint64 now_ns;        /* nominal time of the latest frame */
    gint64 last_ts_ns;    /* timestamp recorded for it */
    guint8 frame[FRAME_MAX_LEN];
} Emitter;

typedef struct {
    gboolean retransmit_first_device_message;
    gboolean backdate_first_cloud_message;
} Anomalies;

/* One TCP connection being played: who sent the latest segment decides
 * whether the next one is an answer (a round trip later) or a follow-up. */
typedef struct {
    ScenarioRun *run;
    Device *device;
    Emitter *emitter;
    TcpFlow *flow;
    TcpDirection last_sender;
} TcpTalk;

const char *const *
scenario_names(void)
{
    static const char **names; /* built once, kept for the process */
    if (names == NULL) {
        names = g_new0(const char *, scenario_table_len + 1);
        for (guint i = 0; i < scenario_table_len; i++)
            names[i] = scenario_table[i].name;
    }
    return names;
}

/* Random delay in [low_ns, high_ns] with microsecond granularity: all
 * timestamps are whole microseconds, so the truth's 6-decimal times are
 * exact whatever rounding a reader applies. */
static gint64
random_delay(Device *device, gint64 low_ns, gint64 high_ns)
{
    return US(prng_range(&device->prng, low_ns / 1000, high_ns / 1000));
}

/* From a packet passing the capture point to the answer passing it, before
 * the answering side's own processing time. */
static gint64
path_delay(Device *device, gboolean answered_by_peer)
{
    if (answered_by_peer)
        return device->peer_rtt_ns + random_delay(device, 0, MS(4));
    return random_delay(device, MS(1), MS(4)); /* Wi-Fi round trip */
}

static void
emit(Emitter *emitter, gint64 delay_ns, gsize frame_len)
{
    emitter->now_ns += delay_ns;
    emitter->last_ts_ns = emitter->now_ns;
    capture_queue_frame(emitter->capture, emitter->now_ns, emitter->now_ns,
                        emitter->frame, frame_len, emitter->tag);
}

/* Written right after the previous frame, but stamped BACKDATE_NS before
 * it, as captures merged from several interfaces or queues can be. */
static void
emit_backdated(Emitter *emitter, gsize frame_len)
{
    emitter->now_ns += US(1);
    emitter->last_ts_ns -= BACKDATE_NS;
    capture_queue_frame(emitter->capture, emitter->now_ns, emitter->last_ts_ns,
                        emitter->frame, frame_len, emitter->tag);
}

static TcpDirection
other_side(TcpDirection direction)
{
    return direction == TCP_FROM_CLIENT ? TCP_FROM_SERVER : TCP_FROM_CLIENT;
}

/* Sends run->payload from one side, split into MSS-sized segments.
 * think_ns is the sender's processing time before answering, or its pause
 * before a follow-up message. */
static void
tcp_send(TcpTalk *talk, TcpDirection from, gint64 think_ns, gboolean backdate_second_segment)
{
    Emitter *emitter = talk->emitter;
    const GByteArray *payload = talk->run->payload;
    gsize mss = tcp_max_segment_size(talk->flow->host[from]);
    if (backdate_second_segment && payload->len <= mss)
        g_error("scenario: a backdated message must span two segments");

    gint64 delay_ns = think_ns;
    if (from != talk->last_sender) {
        delay_ns += path_delay(talk->device, from == TCP_FROM_SERVER);
        if (think_ns > DELAYED_ACK_NS) {
            /* Slower to answer than the delayed-ACK timer: a pure ACK first. */
            emit(emitter, delay_ns - think_ns + DELAYED_ACK_NS,
                 tcp_flow_ack(talk->flow, from, emitter->frame));
            delay_ns = think_ns - DELAYED_ACK_NS;
        }
    }
    for (gsize offset = 0, segment = 0; offset < payload->len; segment++) {
        gsize chunk = MIN(mss, payload->len - offset);
        gsize frame_len = tcp_flow_data(talk->flow, from, payload->data + offset,
                                        chunk, emitter->frame);
        if (segment == 1 && backdate_second_segment)
            emit_backdated(emitter, frame_len);
        else
            emit(emitter, segment == 0 ? delay_ns
                                       : random_delay(talk->device, US(50), US(300)),
                 frame_len);
        offset += chunk;
    }
    talk->last_sender = from;
}

/* The receiver of the latest message acknowledges it when its delayed-ACK
 * timer fires. */
static void
tcp_acknowledge_last(TcpTalk *talk)
{
    TcpDirection receiver = other_side(talk->last_sender);
    emit(talk->emitter,
         path_delay(talk->device, receiver == TCP_FROM_SERVER) + DELAYED_ACK_NS,
         tcp_flow_ack(talk->flow, receiver, talk->emitter->frame));
    talk->last_sender = receiver;
}

static void
tcp_connect(TcpTalk *talk)
{
    Emitter *emitter = talk->emitter;
    Device *device = talk->device;
    device->next_port++;
    /* Separate statements: the order in which a call's arguments are
     * evaluated is unspecified, and the output must not depend on the
     * compiler. The same goes for every other use of the PRNG. */
    guint32 client_isn = (guint32)prng_next(&device->prng);
    guint32 server_isn = (guint32)prng_next(&device->prng);
    tcp_flow_init(talk->flow, &device->host, device->next_port, &device->peer,
                  device->spec->peer_port, client_isn, server_isn);
    emit(emitter, 0, tcp_flow_syn(talk->flow, emitter->frame));
    emit(emitter, path_delay(device, TRUE), tcp_flow_syn_ack(talk->flow, emitter->frame));
    emit(emitter, path_delay(device, FALSE),
         tcp_flow_ack(talk->flow, TCP_FROM_CLIENT, emitter->frame));
    talk->last_sender = TCP_FROM_CLIENT;
}

static void
tcp_close(TcpTalk *talk)
{
    Emitter *emitter = talk->emitter;
    emit(emitter, random_delay(talk->device, MS(20), MS(150)),
         tcp_flow_fin(talk->flow, TCP_FROM_CLIENT, emitter->frame));
    emit(emitter, path_delay(talk->device, TRUE),
         tcp_flow_fin(talk->flow, TCP_FROM_SERVER, emitter->frame));
    emit(emitter, path_delay(talk->device, FALSE),
         tcp_flow_ack(talk->flow, TCP_FROM_CLIENT, emitter->frame));
}

static void
tls_handshake(TcpTalk *talk)
{
    Device *device = talk->device;
    GByteArray *payload = talk->run->payload;

    g_byte_array_set_size(payload, 0);
    payload_tls_client_hello(payload, &device->prng, device->spec->peer_name);
    tcp_send(talk, TCP_FROM_CLIENT, random_delay(device, US(100), MS(1)), FALSE);

    g_byte_array_set_size(payload, 0);
    payload_tls_server_hello(payload, &device->prng, device->spec->server_flight_size);
    tcp_send(talk, TCP_FROM_SERVER, random_delay(device, MS(1), MS(8)), FALSE);

    g_byte_array_set_size(payload, 0);
    payload_tls_client_finished(payload, &device->prng);
    /* ECDHE on a microcontroller: long enough for a pure ACK to go first. */
    tcp_send(talk, TCP_FROM_CLIENT, random_delay(device, MS(60), MS(250)), FALSE);

    g_byte_array_set_size(payload, 0);
    payload_tls_server_finished(payload, &device->prng);
    tcp_send(talk, TCP_FROM_SERVER, random_delay(device, MS(1), MS(5)), FALSE);
}

static gboolean
uses_tls(const DeviceSpec *spec)
{
    return spec->transport == TRANSPORT_TLS_PER_EVENT
        || spec->transport == TRANSPORT_TLS_PERSISTENT;
}

/* A message of a device that speaks neither TLS nor miIO. */
static void
payload_plain(GByteArray *payload, Device *device, gint size)
{
    if (device->spec->joylink)
        payload_joylink(payload, &device->prng, (gsize)abs(size),
                        size > 0 ? IOTFP_JOYLINK_TYPE_UPLOAD : IOTFP_JOYLINK_TYPE_SERVER_CONTROL);
    else
        payload_opaque(payload, &device->prng, (gsize)abs(size));
}

static void
tcp_exchange(TcpTalk *talk, const ExchangeSpec *exchange, const Anomalies *anomalies)
{
    Device *device = talk->device;
    GByteArray *payload = talk->run->payload;
    gboolean device_has_spoken = FALSE, cloud_has_spoken = FALSE;
    for (guint i = 0; i < MAX_EXCHANGE_MESSAGES && exchange->messages[i] != 0; i++) {
        gint size = exchange->messages[i];
        TcpDirection from = size > 0 ? TCP_FROM_CLIENT : TCP_FROM_SERVER;
        g_byte_array_set_size(payload, 0);
        if (uses_tls(device->spec))
            payload_tls_application_data(payload, &device->prng, (gsize)abs(size));
        else
            payload_plain(payload, device, size);

        if (from == TCP_FROM_SERVER) {
            tcp_send(talk, from, random_delay(device, MS(5), MS(80)),
                     anomalies->backdate_first_cloud_message && !cloud_has_spoken);
            cloud_has_spoken = TRUE;
            continue;
        }
        tcp_send(talk, from, random_delay(device, MS(1), MS(20)), FALSE);
        if (anomalies->retransmit_first_device_message && !device_has_spoken) {
            /* Lost beyond the capture point: the device resends it when its
             * retransmission timer fires, before any ACK from the cloud. */
            emit(talk->emitter,
                 RETRANSMISSION_TIMEOUT_NS + random_delay(device, 0, MS(30)),
                 tcp_flow_retransmit_last_data(talk->flow, talk->emitter->frame));
        }
        device_has_spoken = TRUE;
    }
    tcp_acknowledge_last(talk);
}

static void
udp_exchange(ScenarioRun *run, Device *device, Emitter *emitter,
             const ExchangeSpec *exchange)
{
    const DeviceSpec *spec = device->spec;
    for (guint i = 0; i < MAX_EXCHANGE_MESSAGES && exchange->messages[i] != 0; i++) {
        gint size = exchange->messages[i];
        gboolean from_device = size > 0;
        gint64 delay_ns = 0;
        if (i > 0 && from_device == (exchange->messages[i - 1] > 0)) {
            delay_ns = random_delay(device, US(100), MS(2));
        } else if (i > 0) {
            /* An answer: a round trip plus the answering side's processing. */
            delay_ns = path_delay(device, !from_device);
            delay_ns += from_device ? random_delay(device, MS(1), MS(20))
                                    : random_delay(device, MS(5), MS(60));
        }
        g_byte_array_set_size(run->payload, 0);
        if (spec->miio != NULL)
            miio_device_payload(run->payload, spec, exchange, i, emitter->now_ns + delay_ns);
        else
            payload_plain(run->payload, device, size);
        gsize frame_len = from_device
            ? frame_build_udp(emitter->frame, &device->host, device->udp_port,
                              &device->peer, spec->peer_port,
                              run->payload->data, run->payload->len)
            : frame_build_udp(emitter->frame, &device->peer, spec->peer_port,
                              &device->host, device->udp_port,
                              run->payload->data, run->payload->len);
        emit(emitter, delay_ns, frame_len);
    }
}

/* Resolves the device's peer name with the home resolver; the connection
 * follows a moment after the last answer. */
static void
dns_lookup(ScenarioRun *run, Device *device, Emitter *emitter)
{
    const DeviceSpec *spec = device->spec;
    DnsRecordType types[2];
    guint n_types = 0;
    if (spec->lookup == LOOKUP_NONE)
        return;
    if (spec->lookup == LOOKUP_AAAA_AND_A)
        types[n_types++] = DNS_TYPE_AAAA;
    types[n_types++] = DNS_TYPE_A;

    guint16 port = (guint16)prng_range(&device->prng, 32768, 60999);
    guint16 ids[2];
    for (guint i = 0; i < n_types; i++) {
        ids[i] = (guint16)prng_next(&device->prng);
        g_byte_array_set_size(run->payload, 0);
        payload_dns_query(run->payload, ids[i], spec->peer_name, types[i]);
        emit(emitter, i == 0 ? 0 : random_delay(device, US(100), US(500)),
             frame_build_udp(emitter->frame, &device->host, port, &run->resolver,
                             DNS_PORT, run->payload->data, run->payload->len));
    }
    for (guint i = 0; i < n_types; i++) {
        const IpAddress *answer = types[i] == DNS_TYPE_A ? &device->peer.ip
                                                         : &device->peer_aaaa;
        g_byte_array_set_size(run->payload, 0);
        payload_dns_response(run->payload, ids[i], spec->peer_name, types[i],
                             answer, 1, DNS_ANSWER_TTL, spec->compress_dns);
        emit(emitter, i == 0 ? random_delay(device, MS(2), MS(30))
                             : random_delay(device, US(100), MS(2)),
             frame_build_udp(emitter->frame, &run->resolver, DNS_PORT, &device->host,
                             port, run->payload->data, run->payload->len));
    }
    emitter->now_ns += random_delay(device, US(500), MS(3));
}

static void
run_action(ScenarioRun *run, const Action *action, Emitter *emitter)
{
    Device *device = &run->devices[action->device];
    const DeviceSpec *spec = device->spec;
    const ExchangeSpec *exchange = NULL;
    Anomalies anomalies = { FALSE, FALSE };
    switch (action->kind) {
    case ACTION_CONNECT:
        exchange = spec->setup;
        break;
    case ACTION_HEARTBEAT:
        exchange = spec->heartbeat;
        break;
    case ACTION_EVENT:
        exchange = &spec->events[action->event_index % spec->n_event_kinds];
        anomalies.retransmit_first_device_message =
            action->event_index + 1 == spec->retransmitted_event;
        anomalies.backdate_first_cloud_message =
            action->event_index + 1 == spec->backdated_event;
        break;
    }
    emitter->tag = exchange != NULL ? &exchange->tag : &TAG_OTHER;

    TcpTalk talk = { run, device, emitter, &device->session, TCP_FROM_CLIENT };
    TcpFlow connection;
    switch (spec->transport) {
    case TRANSPORT_UDP:
        dns_lookup(run, device, emitter);
        udp_exchange(run, device, emitter, exchange);
        break;
    case TRANSPORT_TLS_PER_EVENT:
    case TRANSPORT_TCP_PER_EVENT:
        talk.flow = &connection;
        dns_lookup(run, device, emitter);
        tcp_connect(&talk);
        if (uses_tls(spec))
            tls_handshake(&talk);
        tcp_exchange(&talk, exchange, &anomalies);
        tcp_close(&talk);
        tcp_flow_clear(&connection);
        break;
    case TRANSPORT_TLS_PERSISTENT:
        if (action->kind == ACTION_CONNECT) {
            dns_lookup(run, device, emitter);
            tcp_connect(&talk);
            tls_handshake(&talk);
        } else {
            /* Resuming a quiet connection: the first message is not an
             * answer to anything, so it goes out at the action's start. */
            talk.last_sender = exchange->messages[0] > 0 ? TCP_FROM_CLIENT
                                                         : TCP_FROM_SERVER;
        }
        if (exchange != NULL)
            tcp_exchange(&talk, exchange, &anomalies);
        break;
    }
}

static void
add_action(ScenarioRun *run, gint64 start_ns, guint device, ActionKind kind,
           guint event_index)
{
    Action action = { start_ns, device, kind, event_index };
    g_array_append_val(run->actions, action);
}

/* Heartbeats (or, without them, equal periods) divide the device's time
 * into slots; events go to randomly chosen slots, at least
 * ACTION_CLEARANCE_NS after the slot starts and before the next one. */
static void
schedule_device(ScenarioRun *run, guint index)
{
    Device *device = &run->devices[index];
    const DeviceSpec *spec = device->spec;
    gint64 capture_start = SECONDS(run->spec->start_s);
    gint64 window_end = capture_start + SECONDS(run->spec->duration_s)
                        - MAX_ACTION_DURATION_NS;
    gint64 first = capture_start + FIRST_ACTION_DELAY_NS
                   + random_delay(device, 0, FIRST_ACTION_SPREAD_NS);
    gboolean persistent = spec->transport == TRANSPORT_TLS_PERSISTENT;
    if (persistent)
        add_action(run, first, index, ACTION_CONNECT, 0);

    gint64 period;
    if (spec->heartbeat != NULL) {
        period = SECONDS(spec->heartbeat_interval_s);
        for (gint64 slot = persistent ? first + period : first; slot < window_end;
             slot += period)
            add_action(run, slot + random_delay(device, 0, HEARTBEAT_JITTER_NS),
                       index, ACTION_HEARTBEAT, 0);
    } else {
        /* Whole microseconds, like every other time (see random_delay). */
        period = (window_end - first) / spec->event_count / US(1) * US(1);
    }
    if (spec->event_count == 0)
        return;

    /* The slots that start while someone is home. */
    gint64 away_from = capture_start + SECONDS(run->spec->away_from_s);
    gint64 away_to = capture_start + SECONDS(run->spec->away_to_s);
    GArray *slots = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (gint64 slot = first; slot + period <= window_end; slot += period)
        if (slot + period <= away_from || slot >= away_to)
            g_array_append_val(slots, slot);
    if (slots->len < spec->event_count || period < 2 * ACTION_CLEARANCE_NS)
        g_error("scenario %s: no room for %u events of %s", run->spec->name,
                spec->event_count, spec->label);
    guint remaining_events = spec->event_count;
    for (guint i = 0; i < slots->len && remaining_events > 0; i++) {
        /* Selection sampling: an unbiased choice of slots, in time order. */
        if (prng_below(&device->prng, slots->len - i) >= remaining_events)
            continue;
        gint64 start = g_array_index(slots, gint64, i) + ACTION_CLEARANCE_NS
                       + random_delay(device, 0, period - 2 * ACTION_CLEARANCE_NS);
        add_action(run, start, index, ACTION_EVENT,
                   spec->event_count - remaining_events);
        remaining_events--;
    }
    g_array_free(slots, TRUE);
}

static gint
compare_actions(gconstpointer a_ptr, gconstpointer b_ptr)
{
    const Action *a = a_ptr, *b = b_ptr;
    if (a->start_ns != b->start_ns)
        return a->start_ns < b->start_ns ? -1 : 1;
    if (a->device != b->device)
        return a->device < b->device ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return a->event_index < b->event_index ? -1 : a->event_index > b->event_index;
}

/* Table mistakes are programming errors: catch them before any output. */
static void
check_device_spec(const ScenarioSpec *scenario, const DeviceSpec *spec)
{
    const char *problem = NULL;
    if (uses_tls(spec) && spec->peer_name == NULL)
        problem = "TLS needs a peer name for the SNI";
    else if (spec->lookup != LOOKUP_NONE && spec->peer_name == NULL)
        problem = "a DNS lookup needs a peer name";
    else if (spec->lookup == LOOKUP_AAAA_AND_A && spec->peer_aaaa_address == NULL)
        problem = "an AAAA lookup needs an AAAA answer";
    else if (spec->event_count > 0 && spec->n_event_kinds == 0)
        problem = "events need event kinds";
    else if (spec->event_count == 0 && spec->heartbeat == NULL)
        problem = "the device never sends anything";
    else if (spec->transport != TRANSPORT_TLS_PERSISTENT && spec->setup != NULL)
        problem = "only persistent connections have a setup exchange";
    else if (spec->retransmitted_event > spec->event_count
             || spec->backdated_event > spec->event_count)
        problem = "an anomaly names a missing event";
    else if (spec->miio != NULL && spec->transport != TRANSPORT_UDP)
        problem = "miIO runs over UDP";
    if (problem != NULL)
        g_error("scenario %s, device %s: %s", scenario->name, spec->label, problem);
}

/* The NetHost a device talks to: another home device keeps its own MAC,
 * broadcasts go to the broadcast MAC, everything else via the router. */
static void
init_peer_host(const ScenarioSpec *scenario, Device *device)
{
    const DeviceSpec *spec = device->spec;
    const char *peer_mac = scenario->router_mac;
    guint8 ttl = CLOUD_TTL;
    for (guint i = 0; i < scenario->n_devices; i++) {
        if (strcmp(scenario->devices[i].address, spec->peer_address) == 0) {
            peer_mac = scenario->devices[i].mac;
            ttl = HOME_TTL;
        }
    }
    if (strcmp(spec->peer_address, "255.255.255.255") == 0) {
        peer_mac = "ff:ff:ff:ff:ff:ff";
        ttl = HOME_TTL;
    }
    net_host_init(&device->peer, peer_mac, spec->peer_address, ttl,
                  (guint16)prng_next(&device->prng));
    device->peer_rtt_ns = ttl == HOME_TTL ? random_delay(device, MS(2), MS(6))
                                          : random_delay(device, MS(20), MS(70));
}

static void
init_device(const ScenarioSpec *scenario, guint64 seed, Device *device,
            const DeviceSpec *spec)
{
    check_device_spec(scenario, spec);
    memset(device, 0, sizeof *device);
    device->spec = spec;
    device->prng = prng_derive(seed, spec->label);
    net_host_init(&device->host, spec->mac, spec->address, HOME_TTL,
                  (guint16)prng_next(&device->prng));
    init_peer_host(scenario, device);
    if (spec->lookup == LOOKUP_AAAA_AND_A
        && !ip_address_parse(spec->peer_aaaa_address, &device->peer_aaaa))
        g_error("scenario %s: malformed address %s", scenario->name,
                spec->peer_aaaa_address);
    device->next_port = (guint16)(EPHEMERAL_PORT_FIRST
                                  + prng_below(&device->prng, EPHEMERAL_PORT_SPREAD));
    device->udp_port = device->next_port;
}

/* ---- Checking the truth against the design rules ------------------------ */

typedef struct {
    guint user_events;
    guint retransmissions;
    guint backdated_members;
} Expectations;

static Expectations
expectations_of(const ScenarioSpec *scenario)
{
    Expectations expected = { 0, 0, 0 };
    for (guint d = 0; d < scenario->n_devices; d++) {
        const DeviceSpec *spec = &scenario->devices[d];
        for (guint i = 0; i < spec->event_count; i++)
            expected.user_events +=
                spec->events[i % spec->n_event_kinds].tag.user_event ? 1 : 0;
        expected.retransmissions += spec->retransmitted_event > 0 ? 1 : 0;
        expected.backdated_members += spec->backdated_event > 0 ? 1 : 0;
    }
    return expected;
}

static gboolean
check_truth(const ScenarioSpec *scenario, const TruthTracker *truth, GError **error)
{
    const GPtrArray *bursts = truth_tracker_bursts(truth);
    const TruthCounters *counters = truth_tracker_counters(truth);
    Expectations expected = expectations_of(scenario);
    guint user_event_bursts = 0;
    for (guint i = 0; i < bursts->len; i++) {
        const TruthBurst *burst = g_ptr_array_index(bursts, i);
        const char *problem = NULL;
        if (burst->mixed_events)
            problem = "mixes packets of different events";
        else if (burst->max_member_gap_ns >= MAX_MEMBER_GAP_NS)
            problem = "has members too far apart";
        else if (burst->gap_before_ns >= 0 && burst->gap_before_ns < MIN_BURST_SEPARATION_NS)
            problem = "starts too soon after the previous burst";
        if (problem != NULL) {
            g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVARIANT,
                        "scenario %s: the burst at frame %" G_GUINT64_FORMAT " %s",
                        scenario->name, burst->first_frame, problem);
            return FALSE;
        }
        user_event_bursts += burst->event->user_event ? 1 : 0;
    }
    if (user_event_bursts != expected.user_events
        || counters->retransmissions != expected.retransmissions
        || counters->backward_timestamps != expected.backdated_members) {
        g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVARIANT,
                    "scenario %s: expected %u user-event bursts, %u retransmissions "
                    "and %u backdated members; the capture has %u, %" G_GUINT64_FORMAT
                    " and %" G_GUINT64_FORMAT, scenario->name, expected.user_events,
                    expected.retransmissions, expected.backdated_members,
                    user_event_bursts, counters->retransmissions,
                    counters->backward_timestamps);
        return FALSE;
    }
    return TRUE;
}

gboolean
scenario_run(const char *name, guint64 seed, Capture *capture, GError **error)
{
    const ScenarioSpec *scenario = NULL;
    for (guint i = 0; i < scenario_table_len; i++) {
        if (strcmp(scenario_table[i].name, name) == 0)
            scenario = &scenario_table[i];
    }
    if (scenario == NULL) {
        g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_UNKNOWN,
                    "unknown scenario \"%s\"", name);
        return FALSE;
    }

    ScenarioRun run = { .spec = scenario };
    Prng resolver_prng = prng_derive(seed, "resolver");
    net_host_init(&run.resolver, scenario->router_mac, scenario->router_address,
                  HOME_TTL, (guint16)prng_next(&resolver_prng));
    run.devices = g_new0(Device, scenario->n_devices);
    run.actions = g_array_new(FALSE, FALSE, sizeof(Action));
    run.payload = g_byte_array_new();
    for (guint d = 0; d < scenario->n_devices; d++) {
        init_device(scenario, seed, &run.devices[d], &scenario->devices[d]);
        schedule_device(&run, d);
    }
    g_array_sort(run.actions, compare_actions);

    gboolean ok = TRUE;
    Emitter *emitter = g_new0(Emitter, 1);
    emitter->capture = capture;
    for (guint i = 0; ok && i < run.actions->len; i++) {
        const Action *action = &g_array_index(run.actions, Action, i);
        /* Nothing queued from here on is ordered before this action. */
        ok = capture_flush_before(capture, action->start_ns, error);
        emitter->now_ns = emitter->last_ts_ns = action->start_ns;
        run_action(&run, action, emitter);
    }
    ok = ok && capture_flush_all(capture, error)
         && check_truth(scenario, capture_truth(capture), error);

    g_free(emitter);
    for (guint d = 0; d < scenario->n_devices; d++)
        tcp_flow_clear(&run.devices[d].session);
    g_free(run.devices);
    g_array_unref(run.actions);
    g_byte_array_unref(run.payload);
    return ok;
}
