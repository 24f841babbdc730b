/* truth.c - ground truth computed from the frames actually written. */
#include "truth.h"

#include <string.h>

/* Protocol constants are spelled out again rather than shared with the
 * builders, so that a wrong value in one is not silently mirrored here. */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IPV6_HEADER_LEN 40
#define NS_PER_SECOND G_GINT64_CONSTANT(1000000000)
#define NS_PER_MICROSECOND 1000
#define DNS_PORT 53
#define DNS_FLAG_RESPONSE 0x8000
#define DNS_RCODE_MASK 0x000f
#define DNS_TYPE_A 1
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1
/* Bounds compression-pointer chains, which could otherwise loop. */
#define DNS_MAX_POINTER_HOPS 16
#define TLS_CONTENT_HANDSHAKE 0x16
#define TLS_HANDSHAKE_CLIENT_HELLO 1
#define TLS_EXT_SERVER_NAME 0
#define TLS_SNI_HOST_NAME 0

struct TruthTracker {
    gint64 burst_gap_ns;
    TruthCounters counters;
    GPtrArray *bursts;           /* TruthBurst*, owned */
    GHashTable *latest_burst;    /* ConversationKey* -> TruthBurst* */
    GHashTable *highest_seq_end; /* TcpDirectionKey* -> guint32 in a pointer */
    GHashTable *names;           /* IpAddress* -> char* */
};

/* Hash keys are byte-only structs without padding: hashed and compared raw. */
typedef struct {
    IpAddress device;
    IpAddress cloud;
} ConversationKey;

typedef struct {
    IpAddress src;
    IpAddress dst;
    guint8 src_port[2];
    guint8 dst_port[2];
} TcpDirectionKey;

G_STATIC_ASSERT(sizeof(ConversationKey) == 2 * sizeof(IpAddress));
G_STATIC_ASSERT(sizeof(TcpDirectionKey) == 2 * sizeof(IpAddress) + 4);

#define DEFINE_RAW_KEY_FUNCS(Type, prefix)                                   \
    static guint prefix##_hash(gconstpointer key)                            \
    {                                                                        \
        guint32 hash = 2166136261u; /* FNV-1a */                             \
        const guint8 *bytes = key;                                           \
        for (gsize i = 0; i < sizeof(Type); i++)                             \
            hash = (hash ^ bytes[i]) * 16777619u;                            \
        return hash;                                                         \
    }                                                                        \
    static gboolean prefix##_equal(gconstpointer a, gconstpointer b)         \
    {                                                                        \
        return memcmp(a, b, sizeof(Type)) == 0;                              \
    }

DEFINE_RAW_KEY_FUNCS(ConversationKey, conversation_key)
DEFINE_RAW_KEY_FUNCS(TcpDirectionKey, tcp_direction_key)
DEFINE_RAW_KEY_FUNCS(IpAddress, ip_address_key)

/* Bounds-checked big-endian reader: reading past the end yields zeros and
 * clears ok, so parsers check once at the end instead of at every field. */
typedef struct {
    const guint8 *data;
    gsize len;
    gsize pos;
    gboolean ok;
} ByteReader;

static ByteReader
byte_reader(const guint8 *data, gsize len)
{
    ByteReader reader = { data, len, 0, TRUE };
    return reader;
}

static gboolean
reader_skip(ByteReader *reader, gsize count)
{
    if (!reader->ok || count > reader->len - reader->pos) {
        reader->ok = FALSE;
        return FALSE;
    }
    reader->pos += count;
    return TRUE;
}

static guint8
reader_u8(ByteReader *reader)
{
    gsize at = reader->pos;
    return reader_skip(reader, 1) ? reader->data[at] : 0;
}

static guint16
reader_u16(ByteReader *reader)
{
    guint16 high = reader_u8(reader);
    return (guint16)((high << 8) | reader_u8(reader));
}

static guint16
read_be16(const guint8 *bytes)
{
    return (guint16)((bytes[0] << 8) | bytes[1]);
}

static void
truth_burst_free(gpointer data)
{
    TruthBurst *burst = data;
    g_string_free(burst->shape, TRUE);
    g_free(burst);
}

TruthTracker *
truth_tracker_new(gint64 burst_gap_ns)
{
    TruthTracker *tracker = g_new0(TruthTracker, 1);
    tracker->burst_gap_ns = burst_gap_ns;
    tracker->bursts = g_ptr_array_new_with_free_func(truth_burst_free);
    tracker->latest_burst = g_hash_table_new_full(conversation_key_hash,
                                                  conversation_key_equal, g_free, NULL);
    tracker->highest_seq_end = g_hash_table_new_full(tcp_direction_key_hash,
                                                     tcp_direction_key_equal, g_free, NULL);
    tracker->names = g_hash_table_new_full(ip_address_key_hash, ip_address_key_equal,
                                           g_free, g_free);
    return tracker;
}

void
truth_tracker_free(TruthTracker *tracker)
{
    if (tracker == NULL)
        return;
    g_ptr_array_unref(tracker->bursts);
    g_hash_table_unref(tracker->latest_burst);
    g_hash_table_unref(tracker->highest_seq_end);
    g_hash_table_unref(tracker->names);
    g_free(tracker);
}

const GPtrArray *
truth_tracker_bursts(const TruthTracker *tracker)
{
    return tracker->bursts;
}

const TruthCounters *
truth_tracker_counters(const TruthTracker *tracker)
{
    return &tracker->counters;
}

typedef enum {
    SCOPE_PUBLIC,
    SCOPE_HOME,
    SCOPE_GROUP, /* broadcast or multicast */
} AddressScope;

static AddressScope
address_scope(const IpAddress *address)
{
    const guint8 *b = address->bytes;
    if (address->family == IP_FAMILY_V4) {
        if ((b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
            || (b[0] & 0xf0) == 224)
            return SCOPE_GROUP;
        if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16)
            || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64))
            return SCOPE_HOME;
        return SCOPE_PUBLIC;
    }
    if (b[0] == 0xff)
        return SCOPE_GROUP;
    if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))
        return SCOPE_HOME;
    return SCOPE_PUBLIC;
}

static void
remember_name(TruthTracker *tracker, const IpAddress *address, const char *name)
{
    if (g_hash_table_contains(tracker->names, address))
        return;
    g_hash_table_insert(tracker->names, g_memdup2(address, sizeof *address),
                        g_strdup(name));
}

/* Reads a possibly compressed DNS name starting at reader->pos and leaves
 * the reader after it; the dotted name goes to name when not NULL. */
static void
read_dns_name(ByteReader *reader, GString *name)
{
    ByteReader cursor = *reader;
    gboolean jumped = FALSE;
    for (guint hops = 0; cursor.ok;) {
        guint8 label_len = reader_u8(&cursor);
        if (label_len == 0)
            break;
        if ((label_len & 0xc0) == 0xc0) {
            gsize target = ((gsize)(label_len & 0x3f) << 8) | reader_u8(&cursor);
            if (!jumped)
                *reader = cursor; /* the name ends at its first pointer */
            jumped = TRUE;
            if (++hops > DNS_MAX_POINTER_HOPS || target >= cursor.len) {
                cursor.ok = FALSE;
                break;
            }
            cursor.pos = target;
            continue;
        }
        gsize label_start = cursor.pos;
        if (reader_skip(&cursor, label_len) && name != NULL) {
            if (name->len > 0)
                g_string_append_c(name, '.');
            g_string_append_len(name, (const char *)cursor.data + label_start,
                                label_len);
        }
    }
    if (!jumped)
        *reader = cursor;
    reader->ok = reader->ok && cursor.ok;
}

/* Names every A/AAAA answer's address after the question name: the name
 * the device asked for, even when the answer went through CNAMEs. */
static void
harvest_dns_names(TruthTracker *tracker, const guint8 *message, gsize len)
{
    ByteReader reader = byte_reader(message, len);
    reader_skip(&reader, 2); /* id */
    guint16 flags = reader_u16(&reader);
    guint16 question_count = reader_u16(&reader);
    guint16 answer_count = reader_u16(&reader);
    reader_skip(&reader, 4); /* authority and additional counts */
    if (!reader.ok || !(flags & DNS_FLAG_RESPONSE) || (flags & DNS_RCODE_MASK) != 0
        || question_count == 0)
        return;

    GString *question_name = g_string_new(NULL);
    for (guint i = 0; i < question_count && reader.ok; i++) {
        read_dns_name(&reader, i == 0 ? question_name : NULL);
        reader_skip(&reader, 4); /* type and class */
    }
    for (guint i = 0; i < answer_count && reader.ok; i++) {
        read_dns_name(&reader, NULL);
        guint16 type = reader_u16(&reader);
        guint16 class = reader_u16(&reader);
        reader_skip(&reader, 4); /* TTL */
        guint16 data_len = reader_u16(&reader);
        gsize data_start = reader.pos;
        if (!reader_skip(&reader, data_len) || class != DNS_CLASS_IN)
            continue;
        IpAddress address = { 0 };
        if (type == DNS_TYPE_A && data_len == 4)
            address.family = IP_FAMILY_V4;
        else if (type == DNS_TYPE_AAAA && data_len == 16)
            address.family = IP_FAMILY_V6;
        else
            continue;
        memcpy(address.bytes, message + data_start, data_len);
        remember_name(tracker, &address, question_name->str);
    }
    g_string_free(question_name, TRUE);
}

/* Names the server after the SNI of a ClientHello that starts this segment
 * (only whole ClientHellos are looked at; the generator never splits one). */
static void
harvest_tls_server_name(TruthTracker *tracker, const IpAddress *server,
                        const guint8 *payload, gsize len)
{
    ByteReader reader = byte_reader(payload, len);
    if (reader_u8(&reader) != TLS_CONTENT_HANDSHAKE)
        return;
    reader_skip(&reader, 4); /* record version and length */
    if (reader_u8(&reader) != TLS_HANDSHAKE_CLIENT_HELLO)
        return;
    reader_skip(&reader, 3 + 2 + 32); /* handshake length, version, random */
    reader_skip(&reader, reader_u8(&reader));  /* session id */
    reader_skip(&reader, reader_u16(&reader)); /* cipher suites */
    reader_skip(&reader, reader_u8(&reader));  /* compression methods */
    guint16 extensions_len = reader_u16(&reader);
    gsize extensions_end = reader.pos + extensions_len;
    while (reader.ok && reader.pos < extensions_end) {
        guint16 type = reader_u16(&reader);
        guint16 extension_len = reader_u16(&reader);
        if (type != TLS_EXT_SERVER_NAME) {
            reader_skip(&reader, extension_len);
            continue;
        }
        reader_skip(&reader, 2); /* server name list length */
        guint8 name_type = reader_u8(&reader);
        guint16 name_len = reader_u16(&reader);
        gsize name_start = reader.pos;
        if (reader_skip(&reader, name_len) && name_type == TLS_SNI_HOST_NAME) {
            char *name = g_strndup((const char *)payload + name_start, name_len);
            remember_name(tracker, server, name);
            g_free(name);
        }
        return;
    }
}

static gboolean
seq_after(guint32 a, guint32 b)
{
    return (gint32)(a - b) > 0; /* modulo 2^32, RFC 1982 style */
}

/* Applies the retransmission rule; returns TRUE when the segment is new data. */
static gboolean
tcp_segment_is_new_data(TruthTracker *tracker, const IpAddress *src,
                        const IpAddress *dst, const guint8 *tcp,
                        gsize payload_len)
{
    TcpDirectionKey key;
    memset(&key, 0, sizeof key);
    key.src = *src;
    key.dst = *dst;
    memcpy(key.src_port, tcp, 2);
    memcpy(key.dst_port, tcp + 2, 2);
    guint32 seq = ((guint32)read_be16(tcp + 4) << 16) | read_be16(tcp + 6);
    gboolean syn = (tcp[13] & 0x02) != 0;
    guint32 end = seq + (guint32)payload_len;

    gpointer stored;
    gboolean seen = !syn && g_hash_table_lookup_extended(tracker->highest_seq_end,
                                                         &key, NULL, &stored);
    guint32 highest = seen ? GPOINTER_TO_UINT(stored) : 0;
    if (seen && !seq_after(end, highest)) {
        if (payload_len > 0)
            tracker->counters.retransmissions++;
        return FALSE;
    }
    g_hash_table_insert(tracker->highest_seq_end, g_memdup2(&key, sizeof key),
                        GUINT_TO_POINTER(end));
    return payload_len > 0;
}

static void
add_member(TruthTracker *tracker, gint64 ts_ns, const IpAddress *device,
           const IpAddress *cloud, gboolean from_device, gsize payload_len,
           const EventTag *tag)
{
    ConversationKey key;
    memset(&key, 0, sizeof key);
    key.device = *device;
    key.cloud = *cloud;
    TruthBurst *burst = g_hash_table_lookup(tracker->latest_burst, &key);
    gint64 idle_ns = burst != NULL ? ts_ns - burst->last_ts_ns : -1;

    if (burst == NULL || idle_ns > tracker->burst_gap_ns) {
        TruthBurst *next = g_new0(TruthBurst, 1);
        next->first_frame = tracker->counters.frames;
        next->first_ts_ns = ts_ns;
        next->device = *device;
        next->cloud = *cloud;
        next->shape = g_string_new(NULL);
        next->event = tag;
        next->gap_before_ns = burst != NULL ? idle_ns : -1;
        g_ptr_array_add(tracker->bursts, next);
        g_hash_table_replace(tracker->latest_burst, g_memdup2(&key, sizeof key), next);
        burst = next;
    } else {
        if (idle_ns < 0)
            tracker->counters.backward_timestamps++;
        burst->max_member_gap_ns = MAX(burst->max_member_gap_ns, idle_ns);
        if (strcmp(burst->event->name, tag->name) != 0)
            burst->mixed_events = TRUE;
        g_string_append_c(burst->shape, ' ');
    }
    burst->last_ts_ns = ts_ns;
    burst->packets++;
    burst->bytes += payload_len;
    g_string_append_printf(burst->shape, "%c%" G_GSIZE_FORMAT,
                           from_device ? '+' : '-', payload_len);
}

void
truth_tracker_add_frame(TruthTracker *tracker, gint64 ts_ns, const guint8 *frame,
                        gsize len, const EventTag *tag)
{
    tracker->counters.frames++;
    ByteReader reader = byte_reader(frame, len);
    reader_skip(&reader, 12); /* MAC addresses */
    guint16 ethertype = reader_u16(&reader);

    if (!reader.ok)
        return;
    const guint8 *ip = frame + reader.pos;
    gsize ip_available = len - reader.pos;
    IpAddress src = { 0 }, dst = { 0 };
    guint8 protocol;
    gsize ip_header_len, ip_payload_len;
    if (ethertype == ETHERTYPE_IPV4 && ip_available >= 20) {
        ip_header_len = (gsize)(ip[0] & 0x0f) * 4;
        gsize total_len = read_be16(ip + 2);
        if (ip_header_len < 20 || total_len < ip_header_len)
            return;
        ip_payload_len = total_len - ip_header_len;
        protocol = ip[9];
        src.family = dst.family = IP_FAMILY_V4;
        memcpy(src.bytes, ip + 12, 4);
        memcpy(dst.bytes, ip + 16, 4);
    } else if (ethertype == ETHERTYPE_IPV6 && ip_available >= IPV6_HEADER_LEN) {
        ip_header_len = IPV6_HEADER_LEN;
        ip_payload_len = read_be16(ip + 4);
        protocol = ip[6]; /* extension headers are never generated */
        src.family = dst.family = IP_FAMILY_V6;
        memcpy(src.bytes, ip + 8, 16);
        memcpy(dst.bytes, ip + 24, 16);
    } else {
        return;
    }
    if (ip_header_len + ip_payload_len > ip_available)
        return;
    const guint8 *transport = ip + ip_header_len;

    gsize payload_len;
    const guint8 *payload;
    gboolean is_member;
    if (protocol == IP_PROTO_TCP) {
        gsize header_len = ip_payload_len >= 20 ? (gsize)(transport[12] >> 4) * 4 : 0;
        if (header_len < 20 || header_len > ip_payload_len)
            return;
        payload = transport + header_len;
        payload_len = ip_payload_len - header_len;
        is_member = tcp_segment_is_new_data(tracker, &src, &dst, transport, payload_len);
        if (is_member)
            harvest_tls_server_name(tracker, &dst, payload, payload_len);
    } else if (protocol == IP_PROTO_UDP) {
        ByteReader udp = byte_reader(transport, ip_payload_len);
        guint16 src_port = reader_u16(&udp);
        reader_skip(&udp, 2);
        guint16 udp_len = reader_u16(&udp);
        if (!udp.ok || udp_len < 8 || udp_len > ip_payload_len)
            return;
        payload = transport + 8;
        payload_len = udp_len - 8u;
        is_member = payload_len > 0;
        if (src_port == DNS_PORT)
            harvest_dns_names(tracker, payload, payload_len);
    } else {
        return;
    }

    gboolean group_frame = (frame[0] & 0x01) != 0; /* Ethernet group address */
    AddressScope src_scope = address_scope(&src);
    AddressScope dst_scope = address_scope(&dst);
    if (!is_member || group_frame || src_scope == SCOPE_GROUP || dst_scope == SCOPE_GROUP)
        return;
    if (src_scope == SCOPE_HOME && dst_scope == SCOPE_PUBLIC)
        add_member(tracker, ts_ns, &src, &dst, TRUE, payload_len, tag);
    else if (src_scope == SCOPE_PUBLIC && dst_scope == SCOPE_HOME)
        add_member(tracker, ts_ns, &dst, &src, FALSE, payload_len, tag);
}

/* Written whole or not at all (GLib writes a temporary file, then renames). */
static gboolean
write_text_file(const char *path, const GString *text, GError **error)
{
    if (g_file_set_contents(path, text->str, (gssize)text->len, error))
        return TRUE;
    g_prefix_error(error, "cannot write %s: ", path);
    return FALSE;
}

static void
append_time(GString *out, gint64 ts_ns)
{
    g_string_append_printf(out, "%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT,
                           ts_ns / NS_PER_SECOND,
                           ts_ns % NS_PER_SECOND / NS_PER_MICROSECOND);
}

gboolean
truth_tracker_write_truth_csv(const TruthTracker *tracker, const char *path,
                              GError **error)
{
    GString *out = g_string_new("first_frame,time,device,cloud,cloud_name,pkts,"
                                "bytes,shape,event\n");
    for (guint i = 0; i < tracker->bursts->len; i++) {
        const TruthBurst *burst = g_ptr_array_index(tracker->bursts, i);
        char device[IP_ADDRESS_STRLEN], cloud[IP_ADDRESS_STRLEN];
        ip_address_format(&burst->device, device);
        ip_address_format(&burst->cloud, cloud);
        const char *cloud_name = g_hash_table_lookup(tracker->names, &burst->cloud);
        g_string_append_printf(out, "%" G_GUINT64_FORMAT ",", burst->first_frame);
        append_time(out, burst->first_ts_ns);
        /* Names come from the generator's own tables, never with commas. */
        g_string_append_printf(out, ",%s,%s,%s,%u,%" G_GUINT64_FORMAT ",%s,%s\n",
                               device, cloud, cloud_name != NULL ? cloud_name : "",
                               burst->packets, burst->bytes, burst->shape->str,
                               burst->event->name);
    }
    gboolean ok = write_text_file(path, out, error);
    g_string_free(out, TRUE);
    return ok;
}

gboolean
truth_tracker_write_labels_csv(const TruthTracker *tracker, const char *path,
                               GError **error)
{
    GString *out = g_string_new("time,device_ip,event\n");
    for (guint i = 0; i < tracker->bursts->len; i++) {
        const TruthBurst *burst = g_ptr_array_index(tracker->bursts, i);
        if (!burst->event->user_event)
            continue;
        char device[IP_ADDRESS_STRLEN];
        ip_address_format(&burst->device, device);
        append_time(out, burst->first_ts_ns);
        g_string_append_printf(out, ",%s,%s\n", device, burst->event->name);
    }
    gboolean ok = write_text_file(path, out, error);
    g_string_free(out, TRUE);
    return ok;
}
