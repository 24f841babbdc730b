/* scenario_bench.c - the "bench" scenario: a busy 30-device home streamed
 * to a capture of any size (scenario_bench.h).
 *
 * The home: 24 IoT devices modelled on the bundled signatures (their event
 * shapes are the signatures' samples, so the plugin's classifier does real
 * work on them), each keeping one cloud conversation alive with events and
 * heartbeats; 4 laptops and phones browsing the web (a DNS lookup, a new TLS
 * connection and a download per page); 2 TVs streaming video in chunks over
 * one TLS connection each. IoT traffic ends up a minority of the packets
 * (about a tenth), as in a real home, where video dominates.
 *
 * Streaming: every device is a source with a small queue of frames it has
 * generated ahead. The writer repeatedly takes the earliest frame of all
 * sources; a source whose queue is empty generates its next action (or the
 * next slice of a download) only when its next start time is the earliest,
 * so frames leave in time order and memory is bounded by one action or
 * DOWNLOAD_SLICE_SEGMENTS segments per source.
 */
#include "scenario_bench.h"

#include <stdlib.h>
#include <string.h>

#include "frame_builder.h"
#include "payloads.h"
#include "pcap_writer.h"
#include "prng.h"

#define US(n) ((gint64)(n) * 1000)
#define MS(n) US((gint64)(n) * 1000)
#define SECONDS(n) MS((gint64)(n) * 1000)

#define BENCH_START_S 1700100000 /* 2023-11-16 02:00:00 UTC */
#define HOME_TTL 64
#define CLOUD_TTL 52
#define DNS_ANSWER_TTL 300
#define EPHEMERAL_PORT_FIRST 49152
#define EPHEMERAL_PORT_SPREAD 10000
#define DELAYED_ACK_NS MS(40)

/* IoT cadence: a busy automated home. Actions of one device are at least
 * IOT_MIN_PAUSE_NS apart, far above the plugin's 1.5 s burst gap, so each
 * action is one burst. */
#define IOT_MIN_PAUSE_NS SECONDS(4)
#define IOT_MAX_PAUSE_NS SECONDS(16)
#define IOT_HEARTBEAT_NS SECONDS(30)

/* Web: one page, one connection; pages a few seconds to a minute apart. */
#define WEB_MIN_PAUSE_NS SECONDS(5)
#define WEB_MAX_PAUSE_NS SECONDS(40)
#define WEB_MIN_PAGE_BYTES (20 * 1024)
#define WEB_MAX_PAGE_BYTES (300 * 1024)

/* Video: adaptive streaming fetches a segment of a few hundred kB every few
 * seconds over a persistent connection. */
#define VIDEO_MIN_PAUSE_NS SECONDS(5)
#define VIDEO_MAX_PAUSE_NS SECONDS(12)
#define VIDEO_MIN_CHUNK_BYTES (300 * 1024)
#define VIDEO_MAX_CHUNK_BYTES (1000 * 1024)

/* Bulk data goes out in TLS records of the largest size, split into MSS
 * segments; the client ACKs every second segment, as Linux does. */
#define TLS_RECORD_BODY 16384
#define DOWNLOAD_SLICE_SEGMENTS 64
#define ACK_EVERY_SEGMENTS 2
/* Random bytes standing for ciphertext are taken from one pool filled at
 * start: generating fresh random bytes for gigabytes of video would make
 * the generator, not tshark, the slow part. */
#define CIPHERTEXT_POOL_LEN (64 * 1024)

#define N_IOT_DEVICES 24
#define N_WEB_CLIENTS 4
#define N_VIDEO_CLIENTS 2
#define N_SOURCES (N_IOT_DEVICES + N_WEB_CLIENTS + N_VIDEO_CLIENTS)

#define MAX_SHAPE 16
typedef struct {
    gint sizes[MAX_SHAPE]; /* signed payload sizes, + from the device; 0 ends */
} Shape;

/* One kind of IoT device, after a bundled signature. */
typedef struct {
    const char *model;
    gboolean udp;          /* datagrams instead of one TLS connection */
    guint16 port;
    const char *name_suffix; /* cloud name is "<device>.<suffix>"; NULL: by address */
    Shape heartbeat;
    Shape events[4];       /* first samples of the signature's events */
    guint n_events;
} IotModel;

static const IotModel IOT_MODELS[] = {
    { "tplink-plug", FALSE, 443, "tplinkcloud.com", { { +45, -45 } },
      { { { -253, +137, +142, -1452, -1452, -1452, -853, -853, +126, -51, +531, -34, -1176 } },
        { { +142, -1452, -1452, -1452, -853, -853, +126, -51, +530, -1175, -34 } } }, 2 },
    { "huawei-lamp", FALSE, 443, "iot.hicloud.example.com", { { +45, -45 } },
      { { { -168, +201, +206, -60 } },
        { { -188, +201, +206, -60, -171, +201, +206, -60 } },
        { { -211, +201, +238, -60, +238, -60 } },
        { { -247, +201, +270, -60, +206, -60 } } }, 4 },
    { "jd-gateway", TRUE, 2002, NULL, { { +48, -48 } },
      { { { -32, +32, +32, +32, -32 } },
        { { -288, +48, +32, -32 } },
        { { -32, +32, +32, -32, +32, -32, -32 } } }, 3 },
    { "jd-plug", TRUE, 2002, NULL, { { +48, -48 } },
      { { { -144, +96, +96 } } }, 1 },
    { "smartthings-plug", FALSE, 443, "api.smartthings.example.com", { { +47, -47 } },
      { { { -216, +47, +351, -47, +352, -47 } } }, 1 },
    { "smartthings-sensor", FALSE, 443, "api.smartthings.example.com", { { +47, -47 } },
      { { { +358, -47 } }, { { +351, -47 } } }, 2 },
    { "tuya-plug", FALSE, 8883, "m1.tuyaus.com", { { +69, -69 } },
      { { { +213, -69 } }, { { -261, +197 } } }, 2 },
};

static const char *const WEB_SITES[] = {
    "www.example.com", "news.example.org", "mail.example.net", "shop.example.com",
    "search.example.com", "social.example.org", "docs.example.net", "weather.example.com",
};
#define VIDEO_SITE "edge-video-1.akamaihd.net"

typedef enum { SOURCE_IOT, SOURCE_WEB, SOURCE_VIDEO } SourceKind;

typedef struct {
    gint64 ts_ns;
    gsize len;
    gboolean iot;
    guint8 bytes[FRAME_MAX_LEN];
} PendingFrame;

typedef struct {
    SourceKind kind;
    const IotModel *model;   /* SOURCE_IOT */
    char cloud_name[64];     /* "" when reached by address */
    Prng prng;
    NetHost host;
    NetHost peer;            /* the cloud or web server, via the router */
    gint64 peer_rtt_ns;
    TcpFlow flow;
    gboolean flow_open;
    guint16 next_port;
    gint64 now_ns;           /* time of this source's latest frame */
    gint64 next_action_ns;
    gint64 last_heartbeat_ns;
    /* A download in progress (server to client, in TLS records). */
    guint64 download_left;
    guint32 record_left;     /* bytes of the current record still to send */
    guint32 record_sent;     /* bytes of the current record already sent */
    guint unacked_segments;
    gint64 first_segment_delay_ns; /* round trip + server think, once */
    gboolean close_after_download;
    GArray *pending;         /* PendingFrame, from index head on */
    guint head;
} Source;

typedef struct {
    Source sources[N_SOURCES];
    NetHost resolver;
    GByteArray *payload;
    guint8 ciphertext[CIPHERTEXT_POOL_LEN];
    guint8 frame[FRAME_MAX_LEN];
    BenchSummary *summary;
} BenchRun;

static gint64
random_delay(Source *source, gint64 low_ns, gint64 high_ns)
{
    return US(prng_range(&source->prng, low_ns / 1000, high_ns / 1000));
}

/* Queues run->frame, built by the caller, delay_ns after the source's
 * latest frame. */
static void
emit(BenchRun *run, Source *source, gint64 delay_ns, gsize len)
{
    source->now_ns += delay_ns;
    g_array_set_size(source->pending, source->pending->len + 1);
    PendingFrame *pending = &g_array_index(source->pending, PendingFrame,
                                           source->pending->len - 1);
    pending->ts_ns = source->now_ns;
    pending->len = len;
    pending->iot = source->kind == SOURCE_IOT;
    memcpy(pending->bytes, run->frame, len);
}

static void
dns_lookup(BenchRun *run, Source *source, const char *name)
{
    guint16 port = (guint16)prng_range(&source->prng, 32768, 60999);
    guint16 id = (guint16)prng_next(&source->prng);
    g_byte_array_set_size(run->payload, 0);
    payload_dns_query(run->payload, id, name, DNS_TYPE_A);
    emit(run, source, 0,
         frame_build_udp(run->frame, &source->host, port, &run->resolver, DNS_PORT,
                         run->payload->data, run->payload->len));
    g_byte_array_set_size(run->payload, 0);
    payload_dns_response(run->payload, id, name, DNS_TYPE_A, &source->peer.ip, 1,
                         DNS_ANSWER_TTL, TRUE);
    emit(run, source, random_delay(source, MS(2), MS(30)),
         frame_build_udp(run->frame, &run->resolver, DNS_PORT, &source->host, port,
                         run->payload->data, run->payload->len));
    source->now_ns += random_delay(source, US(500), MS(3));
    run->summary->dns_lookups++;
}

/* One message of at most one MSS in run->payload, as one segment. */
static void
tcp_message(BenchRun *run, Source *source, TcpDirection from, gint64 delay_ns)
{
    emit(run, source, delay_ns,
         tcp_flow_data(&source->flow, from, run->payload->data, run->payload->len,
                       run->frame));
}

static void
tcp_ack(BenchRun *run, Source *source, TcpDirection from, gint64 delay_ns)
{
    emit(run, source, delay_ns, tcp_flow_ack(&source->flow, from, run->frame));
}

/* Connection and TLS handshake, with the SNI the plugin names clouds by. */
static void
tls_connect(BenchRun *run, Source *source, const char *server_name, guint16 port)
{
    /* Ephemeral ports in turn, wrapping within the IANA range. */
    guint16 client_port = (guint16)(source->next_port + 1);
    source->next_port = client_port < EPHEMERAL_PORT_FIRST ? EPHEMERAL_PORT_FIRST : client_port;
    guint32 client_isn = (guint32)prng_next(&source->prng);
    guint32 server_isn = (guint32)prng_next(&source->prng);
    tcp_flow_init(&source->flow, &source->host, source->next_port, &source->peer,
                  port, client_isn, server_isn);
    source->flow_open = TRUE;
    gint64 rtt = source->peer_rtt_ns;
    emit(run, source, 0, tcp_flow_syn(&source->flow, run->frame));
    emit(run, source, rtt, tcp_flow_syn_ack(&source->flow, run->frame));
    tcp_ack(run, source, TCP_FROM_CLIENT, random_delay(source, US(50), US(300)));

    g_byte_array_set_size(run->payload, 0);
    payload_tls_client_hello(run->payload, &source->prng, server_name);
    tcp_message(run, source, TCP_FROM_CLIENT, random_delay(source, US(100), MS(1)));
    g_byte_array_set_size(run->payload, 0);
    payload_tls_server_hello(run->payload, &source->prng,
                             (gsize)prng_range(&source->prng, 1100, 1400));
    tcp_message(run, source, TCP_FROM_SERVER, rtt + random_delay(source, MS(1), MS(5)));
    g_byte_array_set_size(run->payload, 0);
    payload_tls_client_finished(run->payload, &source->prng);
    tcp_message(run, source, TCP_FROM_CLIENT, random_delay(source, MS(2), MS(20)));
    g_byte_array_set_size(run->payload, 0);
    payload_tls_server_finished(run->payload, &source->prng);
    tcp_message(run, source, TCP_FROM_SERVER, rtt + random_delay(source, MS(1), MS(3)));
}

static void
tcp_close(BenchRun *run, Source *source)
{
    emit(run, source, random_delay(source, MS(5), MS(50)),
         tcp_flow_fin(&source->flow, TCP_FROM_CLIENT, run->frame));
    emit(run, source, source->peer_rtt_ns,
         tcp_flow_fin(&source->flow, TCP_FROM_SERVER, run->frame));
    tcp_ack(run, source, TCP_FROM_CLIENT, random_delay(source, US(50), US(300)));
    tcp_flow_clear(&source->flow);
    source->flow_open = FALSE;
}

/* An IoT exchange: one segment or datagram per size of the shape. */
static void
iot_exchange(BenchRun *run, Source *source, const Shape *shape)
{
    const IotModel *model = source->model;
    for (guint i = 0; i < MAX_SHAPE && shape->sizes[i] != 0; i++) {
        gint size = shape->sizes[i];
        gboolean from_device = size > 0;
        gint64 delay = 0;
        if (i > 0 && from_device == (shape->sizes[i - 1] > 0))
            delay = random_delay(source, US(100), MS(2));
        else if (i > 0)
            delay = source->peer_rtt_ns + (from_device ? random_delay(source, MS(1), MS(20))
                                                       : random_delay(source, MS(5), MS(60)));
        g_byte_array_set_size(run->payload, 0);
        if (model->udp) {
            payload_opaque(run->payload, &source->prng, (gsize)abs(size));
            emit(run, source, delay, from_device
                 ? frame_build_udp(run->frame, &source->host, source->next_port, &source->peer,
                                   model->port, run->payload->data, run->payload->len)
                 : frame_build_udp(run->frame, &source->peer, model->port, &source->host,
                                   source->next_port, run->payload->data, run->payload->len));
        } else {
            payload_tls_application_data(run->payload, &source->prng, (gsize)abs(size));
            tcp_message(run, source, from_device ? TCP_FROM_CLIENT : TCP_FROM_SERVER, delay);
        }
    }
    if (!model->udp) {
        gboolean last_from_device = shape->sizes[0] > 0;
        for (guint i = 0; i < MAX_SHAPE && shape->sizes[i] != 0; i++)
            last_from_device = shape->sizes[i] > 0;
        tcp_ack(run, source, last_from_device ? TCP_FROM_SERVER : TCP_FROM_CLIENT,
                DELAYED_ACK_NS + random_delay(source, 0, MS(5)));
    }
}

static void
iot_action(BenchRun *run, Source *source)
{
    const IotModel *model = source->model;
    if (!model->udp && !source->flow_open) {
        dns_lookup(run, source, source->cloud_name);
        tls_connect(run, source, source->cloud_name, model->port);
        source->last_heartbeat_ns = source->now_ns;
    } else if (source->now_ns - source->last_heartbeat_ns >= IOT_HEARTBEAT_NS) {
        iot_exchange(run, source, &model->heartbeat);
        source->last_heartbeat_ns = source->now_ns;
        run->summary->heartbeats++;
    } else {
        guint event = (guint)prng_below(&source->prng, model->n_events);
        iot_exchange(run, source, &model->events[event]);
        run->summary->iot_events++;
    }
    source->next_action_ns = source->now_ns
                             + random_delay(source, IOT_MIN_PAUSE_NS, IOT_MAX_PAUSE_NS);
}

/* The next DOWNLOAD_SLICE_SEGMENTS segments of the download in progress. */
static void
download_slice(BenchRun *run, Source *source)
{
    gsize mss = tcp_max_segment_size(&source->peer);
    for (guint s = 0; s < DOWNLOAD_SLICE_SEGMENTS && source->download_left > 0; s++) {
        g_byte_array_set_size(run->payload, 0);
        gsize chunk = (gsize)MIN((guint64)mss, source->download_left);
        while (run->payload->len < chunk) {
            if (source->record_left == 0) {
                /* A new record: its header, then ciphertext. */
                guint64 body = MIN((guint64)TLS_RECORD_BODY,
                                   source->download_left - run->payload->len);
                body = MAX(body, (guint64)TLS_RECORD_HEADER_LEN + 1) - TLS_RECORD_HEADER_LEN;
                guint8 header[TLS_RECORD_HEADER_LEN] = { 0x17, 0x03, 0x03,
                                                         (guint8)(body >> 8), (guint8)body };
                source->record_left = (guint32)(TLS_RECORD_HEADER_LEN + body);
                source->record_sent = 0;
                gsize take = MIN((gsize)TLS_RECORD_HEADER_LEN, chunk - run->payload->len);
                g_byte_array_append(run->payload, header, (guint)take);
                source->record_left -= (guint32)take;
                source->record_sent += (guint32)take;
                continue;
            }
            if (source->record_sent < TLS_RECORD_HEADER_LEN) {
                /* The header was split across segments: finish it. */
                guint32 body = source->record_left + source->record_sent - TLS_RECORD_HEADER_LEN;
                guint8 header[TLS_RECORD_HEADER_LEN] = { 0x17, 0x03, 0x03,
                                                         (guint8)(body >> 8), (guint8)body };
                gsize take = MIN((gsize)(TLS_RECORD_HEADER_LEN - source->record_sent),
                                 chunk - run->payload->len);
                g_byte_array_append(run->payload, header + source->record_sent, (guint)take);
                source->record_left -= (guint32)take;
                source->record_sent += (guint32)take;
                continue;
            }
            gsize take = MIN((gsize)source->record_left, chunk - run->payload->len);
            gsize offset = (gsize)prng_below(&source->prng, CIPHERTEXT_POOL_LEN - take);
            g_byte_array_append(run->payload, run->ciphertext + offset, (guint)take);
            source->record_left -= (guint32)take;
            source->record_sent += (guint32)take;
        }
        source->download_left -= chunk;
        gint64 delay = source->first_segment_delay_ns > 0 ? source->first_segment_delay_ns
                                                          : random_delay(source, US(100), US(400));
        source->first_segment_delay_ns = 0;
        tcp_message(run, source, TCP_FROM_SERVER, delay);
        if (++source->unacked_segments == ACK_EVERY_SEGMENTS || source->download_left == 0) {
            tcp_ack(run, source, TCP_FROM_CLIENT, random_delay(source, US(20), US(100)));
            source->unacked_segments = 0;
        }
    }
    if (source->download_left > 0)
        return;
    gint64 pause_low = source->kind == SOURCE_WEB ? WEB_MIN_PAUSE_NS : VIDEO_MIN_PAUSE_NS;
    gint64 pause_high = source->kind == SOURCE_WEB ? WEB_MAX_PAUSE_NS : VIDEO_MAX_PAUSE_NS;
    if (source->close_after_download)
        tcp_close(run, source);
    source->next_action_ns = source->now_ns + random_delay(source, pause_low, pause_high);
}

/* A request of the client, answered by a download of `bytes`. */
static void
start_download(BenchRun *run, Source *source, guint64 bytes)
{
    g_byte_array_set_size(run->payload, 0);
    payload_tls_application_data(run->payload, &source->prng,
                                 (gsize)prng_range(&source->prng, 300, 800));
    tcp_message(run, source, TCP_FROM_CLIENT, random_delay(source, MS(1), MS(10)));
    source->download_left = bytes;
    source->record_left = 0;
    source->unacked_segments = 0;
    source->first_segment_delay_ns = source->peer_rtt_ns + random_delay(source, MS(5), MS(60));
    download_slice(run, source);
}

static void
web_action(BenchRun *run, Source *source)
{
    guint site = (guint)prng_below(&source->prng, G_N_ELEMENTS(WEB_SITES));
    char address[32];
    g_snprintf(address, sizeof address, "93.184.216.%u", 10 + site);
    net_host_init(&source->peer, "02:00:00:00:01:01", address, CLOUD_TTL,
                  (guint16)prng_next(&source->prng));
    dns_lookup(run, source, WEB_SITES[site]);
    tls_connect(run, source, WEB_SITES[site], 443);
    source->close_after_download = TRUE;
    run->summary->web_pages++;
    start_download(run, source, (guint64)prng_range(&source->prng, WEB_MIN_PAGE_BYTES,
                                                    WEB_MAX_PAGE_BYTES));
}

static void
video_action(BenchRun *run, Source *source)
{
    if (!source->flow_open) {
        dns_lookup(run, source, VIDEO_SITE);
        tls_connect(run, source, VIDEO_SITE, 443);
        source->next_action_ns = source->now_ns + random_delay(source, MS(50), MS(200));
        return;
    }
    source->close_after_download = FALSE;
    run->summary->video_chunks++;
    start_download(run, source, (guint64)prng_range(&source->prng, VIDEO_MIN_CHUNK_BYTES,
                                                    VIDEO_MAX_CHUNK_BYTES));
}

/* Generates the source's next frames; at least one. */
static void
refill(BenchRun *run, Source *source)
{
    if (source->download_left > 0) {
        download_slice(run, source);
        return;
    }
    source->now_ns = source->next_action_ns;
    switch (source->kind) {
    case SOURCE_IOT:
        iot_action(run, source);
        break;
    case SOURCE_WEB:
        web_action(run, source);
        break;
    case SOURCE_VIDEO:
        video_action(run, source);
        break;
    }
}

/* The earliest time the source's next frame can have. */
static gint64
source_key(const Source *source)
{
    if (source->head < source->pending->len)
        return g_array_index(source->pending, PendingFrame, source->head).ts_ns;
    return source->download_left > 0 ? source->now_ns : source->next_action_ns;
}

static void
init_source(BenchRun *run, guint64 seed, guint index)
{
    Source *source = &run->sources[index];
    char label[32], mac[32], address[32], peer[32];
    memset(source, 0, sizeof *source);
    if (index < N_IOT_DEVICES) {
        source->kind = SOURCE_IOT;
        source->model = &IOT_MODELS[index % G_N_ELEMENTS(IOT_MODELS)];
        g_snprintf(label, sizeof label, "bench-iot-%u", index);
        if (source->model->name_suffix != NULL)
            g_snprintf(source->cloud_name, sizeof source->cloud_name, "dev%u.%s", index,
                       source->model->name_suffix);
        g_snprintf(peer, sizeof peer, "203.0.113.%u", 10 + index);
    } else if (index < N_IOT_DEVICES + N_WEB_CLIENTS) {
        source->kind = SOURCE_WEB;
        g_snprintf(label, sizeof label, "bench-web-%u", index);
        g_snprintf(peer, sizeof peer, "93.184.216.10");
    } else {
        source->kind = SOURCE_VIDEO;
        g_snprintf(label, sizeof label, "bench-video-%u", index);
        g_snprintf(peer, sizeof peer, "198.51.100.%u", 200 + index - N_IOT_DEVICES - N_WEB_CLIENTS);
    }
    g_snprintf(mac, sizeof mac, "02:00:00:00:02:%02x", index + 16);
    g_snprintf(address, sizeof address, "192.168.1.%u", 100 + index);
    source->prng = prng_derive(seed, label);
    net_host_init(&source->host, mac, address, HOME_TTL, (guint16)prng_next(&source->prng));
    net_host_init(&source->peer, "02:00:00:00:01:01", peer, CLOUD_TTL,
                  (guint16)prng_next(&source->prng));
    source->peer_rtt_ns = random_delay(source, MS(15), MS(80));
    source->next_port = (guint16)(EPHEMERAL_PORT_FIRST
                                  + prng_below(&source->prng, EPHEMERAL_PORT_SPREAD));
    /* Devices come to life over the first few seconds. */
    source->next_action_ns = SECONDS(BENCH_START_S) + random_delay(source, MS(10), SECONDS(5));
    source->pending = g_array_new(FALSE, FALSE, sizeof(PendingFrame));
}

gboolean
scenario_bench_write(const char *pcap_path, guint64 seed, guint64 packets,
                     BenchSummary *summary, GError **error)
{
    PcapWriter *writer = pcap_writer_open(pcap_path, error);
    if (writer == NULL)
        return FALSE;
    BenchRun *run = g_new0(BenchRun, 1);
    memset(summary, 0, sizeof *summary);
    run->summary = summary;
    run->payload = g_byte_array_new();
    Prng pool_prng = prng_derive(seed, "bench-ciphertext");
    prng_fill(&pool_prng, run->ciphertext, sizeof run->ciphertext);
    Prng resolver_prng = prng_derive(seed, "bench-resolver");
    net_host_init(&run->resolver, "02:00:00:00:01:01", "192.168.1.1", HOME_TTL,
                  (guint16)prng_next(&resolver_prng));
    for (guint i = 0; i < N_SOURCES; i++)
        init_source(run, seed, i);

    gboolean ok = TRUE;
    gint64 first_ts = -1, last_ts = -1;
    while (ok && summary->frames < packets) {
        /* A linear scan over 30 sources costs less than a heap's upkeep. */
        Source *earliest = &run->sources[0];
        for (guint i = 1; i < N_SOURCES; i++) {
            if (source_key(&run->sources[i]) < source_key(earliest))
                earliest = &run->sources[i];
        }
        if (earliest->head == earliest->pending->len) {
            g_array_set_size(earliest->pending, 0);
            earliest->head = 0;
            refill(run, earliest);
            continue;
        }
        const PendingFrame *frame = &g_array_index(earliest->pending, PendingFrame,
                                                   earliest->head++);
        ok = pcap_writer_write(writer, frame->ts_ns, frame->bytes, frame->len, error);
        if (first_ts < 0)
            first_ts = frame->ts_ns;
        last_ts = frame->ts_ns;
        summary->frames++;
        summary->iot_frames += frame->iot ? 1 : 0;
    }
    summary->duration_ns = last_ts - first_ts;

    for (guint i = 0; i < N_SOURCES; i++) {
        if (run->sources[i].flow_open)
            tcp_flow_clear(&run->sources[i].flow);
        g_array_unref(run->sources[i].pending);
    }
    g_byte_array_unref(run->payload);
    g_free(run);
    /* Close even after a failed write, but report the first error only. */
    return pcap_writer_close(writer, ok ? error : NULL) && ok;
}
