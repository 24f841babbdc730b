#include "tcp_tracker.h"

typedef struct {
    guint32 conv_id;
    guint16 device_port;
    guint16 peer_port;
} connection_key;

typedef struct {
    guint32 highest_end[2]; /* [0] from the device, [1] towards it */
    gboolean seen[2];
} connection_state;

struct iotfp_tcp_tracker {
    GHashTable *connections; /* connection_key -> connection_state, one allocation */
};

typedef struct {
    connection_key key;
    connection_state state;
} connection;

static guint connection_hash(gconstpointer p)
{
    const connection_key *k = p;
    return (k->conv_id * 2654435761u) ^ ((guint)k->device_port << 16 | k->peer_port);
}

static gboolean connection_equal(gconstpointer a, gconstpointer b)
{
    const connection_key *x = a, *y = b;
    return x->conv_id == y->conv_id && x->device_port == y->device_port &&
           x->peer_port == y->peer_port;
}

iotfp_tcp_tracker *iotfp_tcp_tracker_new(void)
{
    iotfp_tcp_tracker *tracker = g_new0(iotfp_tcp_tracker, 1);
    tracker->connections = g_hash_table_new_full(connection_hash, connection_equal, NULL, g_free);
    return tracker;
}

void iotfp_tcp_tracker_free(iotfp_tcp_tracker *tracker)
{
    if (!tracker)
        return;
    g_hash_table_destroy(tracker->connections);
    g_free(tracker);
}

gboolean iotfp_tcp_tracker_is_retransmission(iotfp_tcp_tracker *tracker, guint32 conv_id,
                                             guint16 device_port, guint16 peer_port,
                                             gboolean from_device, gboolean syn,
                                             guint32 seq, guint32 payload_len)
{
    connection_key key = { conv_id, device_port, peer_port };
    connection *conn = g_hash_table_lookup(tracker->connections, &key);
    if (!conn) {
        conn = g_new0(connection, 1);
        conn->key = key;
        g_hash_table_insert(tracker->connections, &conn->key, conn);
    }
    guint dir = from_device ? 0 : 1;
    connection_state *state = &conn->state;
    if (syn)
        state->seen[dir] = FALSE;
    /* A SYN occupies one sequence number before the data. */
    guint32 end = seq + payload_len + (syn ? 1u : 0u);
    /* Serial-number arithmetic, so that wrap-around is not a retransmission. */
    if (state->seen[dir] && (gint32)(end - state->highest_end[dir]) <= 0)
        return payload_len > 0;
    state->highest_end[dir] = end;
    state->seen[dir] = TRUE;
    return FALSE;
}
