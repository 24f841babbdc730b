#include "analysis.h"

#include "conv_features.h"
#include "tcp_tracker.h"

typedef struct {
    iotfp_addr low, high; /* the two addresses in iotfp_addr_compare order */
} pair_key;

struct iotfp_analysis {
    iotfp_analysis_config config; /* config.home points to home */
    iotfp_netlist *home;
    GHashTable *convs_by_pair; /* pair_key -> iotfp_conv (owned by convs) */
    GPtrArray *convs;          /* iotfp_conv, index id - 1 */
    GPtrArray *bursts;         /* iotfp_burst, index id - 1 */
    iotfp_frame_index *frames;
    iotfp_tcp_tracker *tcp;
    iotfp_names *names;
};

static guint pair_hash(gconstpointer p)
{
    const pair_key *k = p;
    return iotfp_addr_hash(&k->low) * 31u + iotfp_addr_hash(&k->high);
}

static gboolean pair_equal(gconstpointer a, gconstpointer b)
{
    const pair_key *x = a, *y = b;
    return iotfp_addr_equal(&x->low, &y->low) && iotfp_addr_equal(&x->high, &y->high);
}

static void burst_free(gpointer p)
{
    iotfp_burst_free(p);
}

static void conv_free(gpointer p)
{
    iotfp_conv *conv = p;
    iotfp_conv_features_free(conv->features);
    g_free(conv);
}

iotfp_analysis *iotfp_analysis_new(const iotfp_analysis_config *config)
{
    iotfp_analysis *analysis = g_new0(iotfp_analysis, 1);
    analysis->config = *config;
    analysis->home = iotfp_netlist_copy(config->home);
    analysis->config.home = analysis->home;
    analysis->convs_by_pair = g_hash_table_new_full(pair_hash, pair_equal, g_free, NULL);
    analysis->convs = g_ptr_array_new_with_free_func(conv_free);
    analysis->bursts = g_ptr_array_new_with_free_func(burst_free);
    analysis->frames = iotfp_frame_index_new();
    analysis->tcp = iotfp_tcp_tracker_new();
    analysis->names = iotfp_names_new();
    return analysis;
}

void iotfp_analysis_free(iotfp_analysis *analysis)
{
    if (!analysis)
        return;
    g_hash_table_destroy(analysis->convs_by_pair);
    g_ptr_array_free(analysis->convs, TRUE);
    g_ptr_array_free(analysis->bursts, TRUE);
    iotfp_frame_index_free(analysis->frames);
    iotfp_tcp_tracker_free(analysis->tcp);
    iotfp_names_free(analysis->names);
    iotfp_netlist_free(analysis->home);
    g_free(analysis);
}

/* Which side is the device, and what kind of conversation this is; 0 when
 * the packet belongs to no home device. */
static iotfp_scope classify(const iotfp_analysis *analysis, const iotfp_packet *packet,
                            const iotfp_addr **device, const iotfp_addr **peer)
{
    const iotfp_netlist *home = analysis->config.home;
    gboolean src_home = iotfp_netlist_contains(home, &packet->src);
    gboolean dst_group = packet->link_group || iotfp_addr_is_group(&packet->dst);
    gboolean dst_home = !dst_group && iotfp_netlist_contains(home, &packet->dst);
    *device = &packet->src;
    *peer = &packet->dst;
    if (src_home && dst_group)
        return IOTFP_SCOPE_GROUP;
    if (src_home && dst_home) {
        /* The first packet of a local pair goes to the responder, the device
         * being controlled (phone -> plug); later packets find the pair. */
        *device = &packet->dst;
        *peer = &packet->src;
        return IOTFP_SCOPE_LOCAL;
    }
    if (src_home && !iotfp_addr_is_group(&packet->src))
        return IOTFP_SCOPE_CLOUD;
    if (dst_home) {
        *device = &packet->dst;
        *peer = &packet->src;
        return IOTFP_SCOPE_CLOUD;
    }
    return 0;
}

static iotfp_conv *find_or_add_conv(iotfp_analysis *analysis, const iotfp_packet *packet)
{
    const iotfp_addr *device, *peer;
    iotfp_scope scope = classify(analysis, packet, &device, &peer);
    if (scope == 0)
        return NULL;
    pair_key key;
    gboolean device_low = iotfp_addr_compare(device, peer) <= 0;
    key.low = device_low ? *device : *peer;
    key.high = device_low ? *peer : *device;
    iotfp_conv *conv = g_hash_table_lookup(analysis->convs_by_pair, &key);
    if (conv)
        return conv;
    conv = g_new0(iotfp_conv, 1);
    conv->id = analysis->convs->len + 1;
    conv->scope = (guint8)scope;
    conv->device = *device;
    conv->peer = *peer;
    conv->peer_port = peer == &packet->dst ? packet->dst_port : packet->src_port;
    conv->first_frame = packet->frame;
    g_ptr_array_add(analysis->convs, conv);
    g_hash_table_insert(analysis->convs_by_pair, g_memdup2(&key, sizeof key), conv);
    return conv;
}

static iotfp_role decide_role(iotfp_analysis *analysis, const iotfp_conv *conv,
                              const iotfp_packet *packet, gboolean from_device)
{
    /* Before the TCP tracker: a damaged header must not move its sequence state. */
    if (packet->malformed)
        return IOTFP_ROLE_MALFORMED;
    if (conv->scope == IOTFP_SCOPE_GROUP)
        return IOTFP_ROLE_GROUP;
    if (packet->transport == IOTFP_TRANSPORT_TCP) {
        guint16 device_port = from_device ? packet->src_port : packet->dst_port;
        guint16 peer_port = from_device ? packet->dst_port : packet->src_port;
        if (iotfp_tcp_tracker_is_retransmission(analysis->tcp, conv->id, device_port, peer_port,
                                                from_device, (packet->tcp_flags & IOTFP_TCP_SYN) != 0, packet->tcp_seq,
                                                packet->payload_len))
            return IOTFP_ROLE_RETRANSMISSION;
    }
    return packet->payload_len > 0 ? IOTFP_ROLE_MEMBER : IOTFP_ROLE_NO_PAYLOAD;
}

static iotfp_burst *burst_for(iotfp_analysis *analysis, iotfp_conv *conv, gint64 time_ns)
{
    iotfp_burst *open = conv->open_burst;
    /* A member stamped before the burst's latest packet (clock steps, merged
     * captures) gives a negative idle time and stays in the burst. */
    if (open && time_ns - open->end_ns <= analysis->config.burst_gap_ns)
        return open;
    iotfp_burst *burst = iotfp_burst_new(analysis->bursts->len + 1, conv->id);
    g_ptr_array_add(analysis->bursts, burst);
    conv->open_burst = burst;
    conv->n_bursts++;
    return burst;
}

const iotfp_frame_record *iotfp_analysis_add(iotfp_analysis *analysis, const iotfp_packet *packet)
{
    iotfp_conv *conv = find_or_add_conv(analysis, packet);
    if (!conv)
        return NULL;
    gboolean from_device = iotfp_addr_equal(&packet->src, &conv->device);
    iotfp_frame_record record = {
        .conv_id = conv->id,
        .role = (guint8)decide_role(analysis, conv, packet, from_device),
        .direction = from_device ? 1 : -1,
    };
    conv->last_frame = packet->frame;
    conv->pkts++;
    if (record.role == IOTFP_ROLE_MEMBER) {
        iotfp_burst *burst = burst_for(analysis, conv, packet->time_ns);
        gint32 signed_len = (gint32)MIN(packet->payload_len, (guint32)G_MAXINT32);
        iotfp_burst_add(burst, packet->frame, packet->time_ns, from_device ? signed_len : -signed_len);
        iotfp_burst_add_messages(burst, packet->message_len, MIN(packet->n_messages, IOTFP_PACKET_MESSAGES_MAX),
                                 from_device);
        conv->payload_bytes += packet->payload_len;
        record.burst_id = burst->id;
    }
    iotfp_frame_index_set(analysis->frames, packet->frame, &record);
    return iotfp_frame_index_get(analysis->frames, packet->frame);
}

const iotfp_frame_record *iotfp_analysis_frame(const iotfp_analysis *analysis, guint32 frame)
{
    return iotfp_frame_index_get(analysis->frames, frame);
}

guint32 iotfp_analysis_n_convs(const iotfp_analysis *analysis)
{
    return analysis->convs->len;
}

guint32 iotfp_analysis_n_bursts(const iotfp_analysis *analysis)
{
    return analysis->bursts->len;
}

const iotfp_conv *iotfp_analysis_conv(const iotfp_analysis *analysis, guint32 conv_id)
{
    if (conv_id == 0 || conv_id > analysis->convs->len)
        return NULL;
    return g_ptr_array_index(analysis->convs, conv_id - 1);
}

const iotfp_burst *iotfp_analysis_burst(const iotfp_analysis *analysis, guint32 burst_id)
{
    if (burst_id == 0 || burst_id > analysis->bursts->len)
        return NULL;
    return g_ptr_array_index(analysis->bursts, burst_id - 1);
}

iotfp_conv_features *iotfp_analysis_conv_features(iotfp_analysis *analysis, guint32 conv_id)
{
    if (conv_id == 0 || conv_id > analysis->convs->len)
        return NULL;
    iotfp_conv *conv = g_ptr_array_index(analysis->convs, conv_id - 1);
    if (!conv->features)
        conv->features = iotfp_conv_features_new();
    return conv->features;
}

void iotfp_analysis_learn_name(iotfp_analysis *analysis, const iotfp_addr *addr, const char *name,
                               iotfp_name_source source)
{
    iotfp_names_learn(analysis->names, addr, name, source);
}

const char *iotfp_analysis_peer_name(const iotfp_analysis *analysis, const iotfp_conv *conv)
{
    return iotfp_names_lookup(analysis->names, &conv->peer);
}
