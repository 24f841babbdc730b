#include "seq_tracker.h"

#include "seq_features.h"

/* One window of a tunnel: the frames from first_frame on, up to the next
 * window's first frame, belong to it. */
typedef struct {
    guint64 index;
    guint32 first_frame;
    gboolean complete;
    iotfp_device_type_result result;
} tunnel_window;

typedef struct {
    iotfp_seq_state seq;
    iotfp_device_window window;  /* hidden is NULL while the model does not run */
    float *probability_sum;      /* n_classes; only while a conversation is being typed */
    guint typed_windows;         /* complete windows a conversation's type is the mean of */
    iotfp_device_type_result type;
    GArray *tunnel_windows;      /* tunnel_window; NULL until the sequence is a tunnel */
} sequence;

struct iotfp_seq_tracker {
    iotfp_device_model *model;
    GPtrArray *sequences;  /* sequence or NULL, index conversation id - 1 */
    float *probabilities;  /* n_classes, scratch for the window just completed */
};

static void sequence_free(gpointer data)
{
    sequence *s = data;
    if (!s)
        return;
    iotfp_device_window_clear(&s->window);
    g_free(s->probability_sum);
    if (s->tunnel_windows)
        g_array_free(s->tunnel_windows, TRUE);
    g_free(s);
}

iotfp_seq_tracker *iotfp_seq_tracker_new(iotfp_device_model *model)
{
    iotfp_seq_tracker *tracker = g_new0(iotfp_seq_tracker, 1);
    tracker->model = iotfp_device_model_ref(model);
    tracker->sequences = g_ptr_array_new_with_free_func(sequence_free);
    if (model)
        tracker->probabilities = g_new0(float, iotfp_device_model_n_classes(model));
    return tracker;
}

void iotfp_seq_tracker_free(iotfp_seq_tracker *tracker)
{
    if (!tracker)
        return;
    g_ptr_array_free(tracker->sequences, TRUE);
    g_free(tracker->probabilities);
    iotfp_device_model_unref(tracker->model);
    g_free(tracker);
}

const iotfp_device_model *iotfp_seq_tracker_model(const iotfp_seq_tracker *tracker)
{
    return tracker->model;
}

static sequence *sequence_for(iotfp_seq_tracker *tracker, guint32 conv_id)
{
    if (conv_id > tracker->sequences->len)
        g_ptr_array_set_size(tracker->sequences, conv_id);
    sequence **slot = (sequence **)&g_ptr_array_index(tracker->sequences, conv_id - 1);
    if (!*slot) {
        *slot = g_new0(sequence, 1);
        (*slot)->probability_sum = g_new0(float, iotfp_device_model_n_classes(tracker->model));
        iotfp_device_window_init(&(*slot)->window, tracker->model);
    }
    return *slot;
}

static const sequence *sequence_of(const iotfp_seq_tracker *tracker, guint32 conv_id)
{
    if (!tracker->model || conv_id == 0 || conv_id > tracker->sequences->len)
        return NULL;
    return g_ptr_array_index(tracker->sequences, conv_id - 1);
}

/* A conversation's type is the mean of its windows' probabilities. */
static void add_conversation_window(iotfp_seq_tracker *tracker, sequence *s)
{
    guint n_classes = iotfp_device_model_n_classes(tracker->model);
    guint best = 0;
    for (guint k = 0; k < n_classes; k++) {
        s->probability_sum[k] += tracker->probabilities[k];
        if (s->probability_sum[k] > s->probability_sum[best])
            best = k;
    }
    s->typed_windows++;
    s->type.type = best;
    s->type.confidence = s->probability_sum[best] / (float)s->typed_windows;
    if (s->typed_windows == IOTFP_SEQ_TYPE_WINDOWS) {
        /* Typed for good: the model stops running for this conversation. */
        iotfp_device_window_clear(&s->window);
        g_clear_pointer(&s->probability_sum, g_free);
    }
}

static tunnel_window *current_tunnel_window(sequence *s, guint64 index, guint32 frame)
{
    if (!s->tunnel_windows)
        s->tunnel_windows = g_array_new(FALSE, FALSE, sizeof(tunnel_window));
    GArray *windows = s->tunnel_windows;
    if (windows->len == 0 || g_array_index(windows, tunnel_window, windows->len - 1).index != index) {
        /* A sequence that turns into a tunnel mid-window starts its first
         * tunnel window at the turning frame. */
        tunnel_window fresh = { .index = index, .first_frame = frame };
        g_array_append_val(windows, fresh);
    }
    return &g_array_index(windows, tunnel_window, windows->len - 1);
}

void iotfp_seq_tracker_add(iotfp_seq_tracker *tracker, const iotfp_packet *packet,
                           const iotfp_frame_record *record)
{
    if (!tracker->model || !record || record->conv_id == 0)
        return;
    sequence *s = sequence_for(tracker, record->conv_id);
    /* A conversation typed for good costs a counter, unless it turns into a tunnel. */
    if (!s->seq.tunnel && !s->window.hidden && !iotfp_seq_is_tunnel_packet(packet)) {
        iotfp_seq_skip(&s->seq, packet);
        return;
    }
    float features[IOTFP_SEQ_N_FEATURES];
    guint64 index = iotfp_seq_next(&s->seq, packet, record->direction, features);
    guint window_size = iotfp_device_model_window(tracker->model);
    tunnel_window *tunnel = s->seq.tunnel ? current_tunnel_window(s, index / window_size, packet->frame) : NULL;
    if (!s->window.hidden) {
        /* A typed conversation that turned into a tunnel: the model resumes
         * at the next window boundary, so that windows stay aligned. */
        if (index % window_size != 0)
            return;
        iotfp_device_window_init(&s->window, tracker->model);
    }
    iotfp_device_type_result result;
    if (!iotfp_device_window_add(&s->window, tracker->model, features, tracker->probabilities, &result))
        return;
    if (tunnel) {
        tunnel->complete = TRUE;
        tunnel->result = result;
    } else {
        add_conversation_window(tracker, s);
    }
}

gboolean iotfp_seq_tracker_conv_type(const iotfp_seq_tracker *tracker, guint32 conv_id,
                                     iotfp_device_type_result *result)
{
    const sequence *s = sequence_of(tracker, conv_id);
    if (!s || s->seq.tunnel || s->typed_windows == 0)
        return FALSE;
    *result = s->type;
    return TRUE;
}

gboolean iotfp_seq_tracker_tunnel_window(const iotfp_seq_tracker *tracker, guint32 conv_id, guint32 frame,
                                         guint64 *window, gboolean *complete, iotfp_device_type_result *result)
{
    const sequence *s = sequence_of(tracker, conv_id);
    if (!s || !s->tunnel_windows || s->tunnel_windows->len == 0)
        return FALSE;
    const GArray *windows = s->tunnel_windows;
    if (frame < g_array_index(windows, tunnel_window, 0).first_frame)
        return FALSE;
    /* The last window starting at or before the frame. */
    guint low = 0, high = windows->len - 1;
    while (low < high) {
        guint mid = low + (high - low + 1) / 2;
        if (g_array_index(windows, tunnel_window, mid).first_frame <= frame)
            low = mid;
        else
            high = mid - 1;
    }
    const tunnel_window *found = &g_array_index(windows, tunnel_window, low);
    *window = found->index;
    *complete = found->complete;
    if (found->complete)
        *result = found->result;
    return TRUE;
}
