#include "decompose.h"

#include <math.h>
#include <string.h>

gboolean iotfp_padding_plaintext_range(const iotfp_padding *padding, guint64 wire_size, guint64 *min, guint64 *max)
{
    if (wire_size < padding->extra_overhead)
        return FALSE;
    guint64 inner = wire_size - padding->extra_overhead;
    switch (padding->kind) {
    case IOTFP_PADDING_NONE:
        *min = *max = inner;
        return TRUE;
    case IOTFP_PADDING_TLS12_GCM:
        if (inner < IOTFP_TLS12_GCM_OVERHEAD)
            return FALSE;
        *min = *max = inner - IOTFP_TLS12_GCM_OVERHEAD;
        return TRUE;
    case IOTFP_PADDING_BLOCK:
        /* PKCS#7 always adds 1..B bytes, so a ciphertext of c bytes holds
         * c-B..c-1 bytes of plaintext. */
        if (padding->block_size == 0 || inner < padding->block_size || inner % padding->block_size != 0)
            return FALSE;
        *min = inner - padding->block_size;
        *max = inner - 1;
        return TRUE;
    }
    return FALSE;
}

gboolean iotfp_padding_wire_size(const iotfp_padding *padding, guint64 plaintext_size, guint64 *wire_size)
{
    guint64 inner;
    switch (padding->kind) {
    case IOTFP_PADDING_NONE:
        inner = plaintext_size;
        break;
    case IOTFP_PADDING_TLS12_GCM:
        if (plaintext_size > G_MAXUINT64 - IOTFP_TLS12_GCM_OVERHEAD)
            return FALSE;
        inner = plaintext_size + IOTFP_TLS12_GCM_OVERHEAD;
        break;
    case IOTFP_PADDING_BLOCK:
        if (padding->block_size == 0 || plaintext_size / padding->block_size + 1 > G_MAXUINT64 / padding->block_size)
            return FALSE;
        inner = (plaintext_size / padding->block_size + 1) * padding->block_size;
        break;
    default:
        return FALSE;
    }
    if (inner > G_MAXUINT64 - padding->extra_overhead)
        return FALSE;
    *wire_size = inner + padding->extra_overhead;
    return TRUE;
}

static gboolean model_valid(const iotfp_decompose_model *model)
{
    if (model->n_actions == 0 || model->n_actions > IOTFP_DECOMPOSE_MAX_KINDS || model->actions == NULL ||
        model->max_actions > IOTFP_DECOMPOSE_MAX_ACTIONS || model->max_candidates > IOTFP_DECOMPOSE_MAX_CANDIDATES)
        return FALSE;
    if (model->padding.kind == IOTFP_PADDING_BLOCK &&
        (model->padding.block_size == 0 || model->padding.block_size > IOTFP_DECOMPOSE_MAX_BLOCK))
        return FALSE;
    if (model->padding.kind > IOTFP_PADDING_TLS12_GCM)
        return FALSE;
    for (guint j = 0; j < model->n_actions; j++) {
        /* A zero-size action would fit any size any number of times. */
        if (model->actions[j].size == 0 || !(model->actions[j].frequency > 0) || !isfinite(model->actions[j].frequency))
            return FALSE;
    }
    return TRUE;
}

/* reach[i*(sizes)+s] has bit m set when content size s is exactly m actions
 * drawn from actions i..n-1 (row n: only the empty multiset, size 0). Every
 * branch the enumeration then takes is checked against it, so it never
 * walks into a dead end: its work is proportional to the candidates it
 * returns. */
typedef struct {
    const iotfp_decompose_model *model;
    const guint32 *reach;
    guint64 sizes;  /* row length: content sizes 0..sizes-1 */
    guint8 *current;
    guint limit;
    gboolean capped;  /* a candidate was found with no room left for it */
    iotfp_decompose_result *result;
} enumeration;

static gboolean reachable(const enumeration *e, guint row, guint64 size, guint count)
{
    return (e->reach[row * e->sizes + size] >> count) & 1u;
}

static void emit(enumeration *e, guint action_count, guint64 content_size)
{
    iotfp_decompose_result *result = e->result;
    if (result->candidates->len >= e->limit) {
        e->capped = TRUE;
        return;
    }
    iotfp_decomposition candidate = { action_count, e->model->base_size + content_size, 0, result->candidates->len, 0 };
    for (guint j = 0; j < e->model->n_actions; j++)
        if (e->current[j] > 0)
            candidate.log_prior += e->current[j] * log(e->model->actions[j].frequency);
    g_array_append_val(result->candidates, candidate);
    g_array_append_vals(result->counts, e->current, e->model->n_actions);
}

/* Multisets of exactly `count` actions from action `action` on, adding up to `size`. */
static void enumerate(enumeration *e, guint action, guint64 size, guint count, guint action_count, guint64 content_size)
{
    const guint n = e->model->n_actions;
    if (action == n) {
        emit(e, action_count, content_size);
        return;
    }
    const guint64 action_size = e->model->actions[action].size;
    for (guint c = 0; c <= count && c * action_size <= size; c++) {
        if (e->capped)
            break;
        if (!reachable(e, action + 1, size - c * action_size, count - c))
            continue;
        e->current[action] = (guint8)c;
        enumerate(e, action + 1, size - c * action_size, count - c, action_count, content_size);
    }
    e->current[action] = 0;
}

static const guint8 *counts_row(const iotfp_decompose_result *result, guint row)
{
    return (const guint8 *)result->counts->data + (gsize)row * result->n_actions;
}

static int compare_candidates(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const iotfp_decompose_result *result = user_data;
    const iotfp_decomposition *x = a, *y = b;
    if (x->action_count != y->action_count)
        return x->action_count < y->action_count ? -1 : 1;
    /* Equal products reached through different factors may differ in the
     * last bits of their logarithms: those count as ties. */
    double gap = x->log_prior - y->log_prior;
    if (fabs(gap) > 1e-9 * MAX(1.0, MAX(fabs(x->log_prior), fabs(y->log_prior))))
        return gap > 0 ? -1 : 1;
    const guint8 *cx = counts_row(result, x->counts_index);
    const guint8 *cy = counts_row(result, y->counts_index);
    for (guint j = 0; j < result->n_actions; j++)
        if (cx[j] != cy[j])
            return cx[j] > cy[j] ? -1 : 1;
    return 0;
}

iotfp_decompose_result *iotfp_decompose(const iotfp_decompose_model *model, guint64 observed_size)
{
    iotfp_decompose_result *result = g_new0(iotfp_decompose_result, 1);
    result->n_actions = model->n_actions;
    result->candidates = g_array_new(FALSE, FALSE, sizeof(iotfp_decomposition));
    result->counts = g_array_new(FALSE, TRUE, sizeof(guint8));
    if (!model_valid(model)) {
        result->status = IOTFP_DECOMPOSE_INVALID_MODEL;
        return result;
    }
    if (!iotfp_padding_plaintext_range(&model->padding, observed_size, &result->plaintext_min, &result->plaintext_max)) {
        result->status = IOTFP_DECOMPOSE_NONE;
        return result;
    }
    /* Sizes near 2^64 would overflow below; they are far beyond the table anyway. */
    if (result->plaintext_max > G_MAXUINT64 - model->tolerance) {
        result->status = IOTFP_DECOMPOSE_TOO_LARGE;
        return result;
    }
    if (result->plaintext_max + model->tolerance < model->base_size) {
        result->status = IOTFP_DECOMPOSE_NONE;
        return result;
    }
    /* Content: what the actions add on top of the base, widened by the tolerance. */
    guint64 content_max = result->plaintext_max + model->tolerance - model->base_size;
    guint64 content_min = result->plaintext_min > model->base_size + (guint64)model->tolerance
                              ? result->plaintext_min - model->tolerance - model->base_size : 0;
    /* Checked before anything is allocated, in an order that cannot overflow. */
    guint64 rows = (guint64)model->n_actions + 1;
    if (content_max >= IOTFP_DECOMPOSE_MAX_TABLE_CELLS / rows) {
        result->status = IOTFP_DECOMPOSE_TOO_LARGE;
        return result;
    }
    guint64 sizes = content_max + 1;
    guint32 *reach = g_new0(guint32, rows * sizes);
    const guint32 allowed = model->max_actions >= 31 ? G_MAXUINT32 : (1u << (model->max_actions + 1)) - 1;
    const guint n = model->n_actions;
    reach[n * sizes] = 1u;
    for (guint i = n; i-- > 0;) {
        guint32 *row = reach + i * sizes;
        const guint32 *next = row + sizes;
        const guint64 action_size = model->actions[i].size;
        for (guint64 s = 0; s < sizes; s++)
            row[s] = next[s] | (s >= action_size ? (row[s - action_size] << 1) & allowed : 0);
    }

    enumeration e = { model, reach, sizes, g_new0(guint8, n),
                      model->max_candidates ? model->max_candidates : IOTFP_DECOMPOSE_DEFAULT_CANDIDATES, FALSE, result };
    /* By increasing action count, so that a cap keeps the simplest answers. */
    for (guint count = 0; count <= model->max_actions && !e.capped; count++)
        for (guint64 s = content_min; s <= content_max && !e.capped; s++)
            if (reachable(&e, 0, s, count))
                enumerate(&e, 0, s, count, count, s);
    g_free(e.current);
    g_free(reach);
    g_array_sort_with_data(result->candidates, compare_candidates, result);
    result->status = e.capped ? IOTFP_DECOMPOSE_CAPPED : result->candidates->len ? IOTFP_DECOMPOSE_OK : IOTFP_DECOMPOSE_NONE;
    return result;
}

void iotfp_decompose_result_free(iotfp_decompose_result *result)
{
    if (result == NULL)
        return;
    g_array_free(result->candidates, TRUE);
    g_array_free(result->counts, TRUE);
    g_free(result);
}

const iotfp_decomposition *iotfp_decompose_best(const iotfp_decompose_result *result)
{
    return result->candidates->len ? &g_array_index(result->candidates, iotfp_decomposition, 0) : NULL;
}

gboolean iotfp_decompose_ambiguous(const iotfp_decompose_result *result)
{
    return result->candidates->len > 1;
}

const guint8 *iotfp_decompose_counts(const iotfp_decompose_result *result, guint candidate)
{
    g_return_val_if_fail(candidate < result->candidates->len, NULL);
    return counts_row(result, g_array_index(result->candidates, iotfp_decomposition, candidate).counts_index);
}

char *iotfp_decompose_format(const iotfp_decompose_model *model, const iotfp_decompose_result *result, guint candidate)
{
    g_return_val_if_fail(candidate < result->candidates->len, NULL);
    const guint8 *counts = iotfp_decompose_counts(result, candidate);
    GString *text = g_string_new(NULL);
    for (guint j = 0; j < model->n_actions; j++) {
        if (counts[j] == 0)
            continue;
        if (text->len)
            g_string_append(text, " + ");
        if (counts[j] > 1)
            g_string_append_printf(text, "%u*", counts[j]);
        g_string_append(text, model->actions[j].name);
    }
    if (text->len == 0)
        g_string_append(text, "(none)");
    return g_string_free(text, FALSE);
}

iotfp_decompose_status iotfp_decompose_collisions(const iotfp_decompose_model *model, iotfp_collision_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!model_valid(model))
        return IOTFP_DECOMPOSE_INVALID_MODEL;
    guint largest_action = 0;
    for (guint j = 0; j < model->n_actions; j++)
        largest_action = MAX(largest_action, model->actions[j].size);
    const guint64 counts = (guint64)model->max_actions + 1;
    const guint64 content_max = (guint64)model->max_actions * largest_action;
    if (content_max >= IOTFP_DECOMPOSE_MAX_TABLE_CELLS / counts)
        return IOTFP_DECOMPOSE_TOO_LARGE;
    const guint64 sizes = content_max + 1;
    /* multisets[m*sizes+s]: multisets of exactly m actions adding s bytes.
     * Adding the actions one at a time, with m and s ascending, lets each
     * action repeat while counting every multiset once. Doubles: the counts
     * outgrow 32 bits and stay exact up to 2^53. */
    double *multisets = g_new0(double, counts * sizes);
    multisets[0] = 1;
    for (guint j = 0; j < model->n_actions; j++) {
        const guint64 action_size = model->actions[j].size;
        /* m actions add at most m*largest_action bytes: the rest stays 0. */
        for (guint64 m = 1; m < counts; m++)
            for (guint64 s = action_size; s <= m * largest_action; s++)
                multisets[m * sizes + s] += multisets[(m - 1) * sizes + s - action_size];
    }
    /* Every padding rule is monotonic, so the plaintexts sharing a wire size
     * are consecutive: one pass groups them. */
    guint64 group_wire = 0;
    double group = 0;
    for (guint64 s = 0; s <= sizes; s++) {
        guint64 wire = 0;
        double here = 0;
        if (s < sizes) {
            for (guint64 m = 0; m < counts; m++)
                here += multisets[m * sizes + s];
            if (!iotfp_padding_wire_size(&model->padding, model->base_size + s, &wire)) {
                g_free(multisets);
                return IOTFP_DECOMPOSE_TOO_LARGE;
            }
        }
        if (s == sizes || (wire != group_wire && group > 0)) {
            if (group > 0) {
                stats->wire_sizes++;
                stats->multisets += group;
                stats->largest_collision = MAX(stats->largest_collision, group);
                if (group == 1)
                    stats->unique_multisets += 1;
            }
            group = 0;
        }
        if (here > 0) {
            group_wire = wire;
            group += here;
        }
    }
    g_free(multisets);
    stats->recoverable_share = stats->multisets > 0 ? stats->unique_multisets / stats->multisets : 0;
    return IOTFP_DECOMPOSE_OK;
}
