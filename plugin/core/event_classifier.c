#include "event_classifier.h"

#include <string.h>

#include "burst.h"
#include "shape_distance.h"

typedef struct {
    const GArray *lengths;
    const iotfp_event_class *event;
    gboolean is_other;
} indexed_sample;

struct iotfp_event_classifier {
    const iotfp_signature *signature;
    GArray *samples;    /* indexed_sample, sorted by length */
    guint *first_of_length; /* first sample index per length 0..IOTFP_SHAPE_MAX+1 */
    double reach;       /* largest event threshold: no sample further away can win */
};

typedef struct {
    double distance;
    guint sample;
} neighbour;

static gint by_length(gconstpointer a, gconstpointer b)
{
    const indexed_sample *x = a, *y = b;
    return (x->lengths->len > y->lengths->len) - (x->lengths->len < y->lengths->len);
}

iotfp_event_classifier *iotfp_event_classifier_new(const iotfp_signature *signature)
{
    iotfp_event_classifier *classifier = g_new0(iotfp_event_classifier, 1);
    classifier->signature = signature;
    classifier->samples = g_array_new(FALSE, FALSE, sizeof(indexed_sample));
    for (guint e = 0; e < signature->events->len; e++) {
        const iotfp_event_class *event = g_ptr_array_index(signature->events, e);
        gboolean is_other = strcmp(event->name, IOTFP_EVENT_OTHER) == 0;
        if (!is_other)
            classifier->reach = MAX(classifier->reach, event->threshold);
        for (guint s = 0; s < event->samples->len; s++) {
            indexed_sample sample = { g_ptr_array_index(event->samples, s), event, is_other };
            g_array_append_val(classifier->samples, sample);
        }
    }
    g_array_sort(classifier->samples, by_length);
    classifier->first_of_length = g_new(guint, IOTFP_SHAPE_MAX + 2);
    guint i = 0;
    for (guint len = 0; len <= IOTFP_SHAPE_MAX + 1; len++) {
        while (i < classifier->samples->len &&
               MIN(g_array_index(classifier->samples, indexed_sample, i).lengths->len, IOTFP_SHAPE_MAX + 1) < len)
            i++;
        classifier->first_of_length[len] = i;
    }
    return classifier;
}

void iotfp_event_classifier_free(iotfp_event_classifier *classifier)
{
    if (!classifier)
        return;
    g_array_free(classifier->samples, TRUE);
    g_free(classifier->first_of_length);
    g_free(classifier);
}

const iotfp_signature *iotfp_event_classifier_signature(const iotfp_event_classifier *classifier)
{
    return classifier->signature;
}

guint iotfp_event_classifier_n_samples(const iotfp_event_classifier *classifier)
{
    return classifier->samples->len;
}

void iotfp_event_classifier_sample(const iotfp_event_classifier *classifier, guint index,
                                   const iotfp_event_class **event, const GArray **lengths)
{
    const indexed_sample *sample = &g_array_index(classifier->samples, indexed_sample, index);
    *event = sample->event;
    *lengths = sample->lengths;
}

/* Keeps the k nearest in ascending order; ties keep the earlier sample. */
static void offer(neighbour *best, guint k, guint *count, neighbour candidate)
{
    guint pos = *count < k ? (*count)++ : k;
    if (pos == k && candidate.distance >= best[k - 1].distance)
        return;
    if (pos == k)
        pos = k - 1;
    while (pos > 0 && best[pos - 1].distance > candidate.distance) {
        best[pos] = best[pos - 1];
        pos--;
    }
    best[pos] = candidate;
}

void iotfp_event_classifier_classify_without(const iotfp_event_classifier *classifier, const gint32 *shape,
                                             guint n, guint left_out, iotfp_event_match *match)
{
    memset(match, 0, sizeof *match);
    match->distance = -1.0;
    guint k = MAX(1, MIN(classifier->signature->k, IOTFP_SIGNATURE_MAX_K));
    neighbour best[IOTFP_SIGNATURE_MAX_K];
    guint count = 0;
    double reach = classifier->reach;
    double nearest_other = G_MAXDOUBLE;
    n = MIN(n, IOTFP_SHAPE_MAX);
    guint slack = (guint)(reach / IOTFP_INDEL_COST);
    guint lo = n > slack ? n - slack : 0, hi = MIN(IOTFP_SHAPE_MAX + 1, n + slack + 1);
    for (guint i = classifier->first_of_length[lo]; i < classifier->first_of_length[hi]; i++) {
        if (i == left_out)
            continue;
        const indexed_sample *sample = &g_array_index(classifier->samples, indexed_sample, i);
        double d = iotfp_shape_distance(shape, n, (const gint32 *)(gpointer)sample->lengths->data,
                                        sample->lengths->len, reach);
        if (d <= reach)
            offer(best, k, &count, (neighbour){ d, i });
        if (sample->is_other)
            nearest_other = MIN(nearest_other, d);
    }
    if (count == 0)
        return;
    /* Majority vote; a tie goes to the class of the nearest among the tied. */
    const indexed_sample *winner = NULL;
    guint winner_votes = 0;
    for (guint a = 0; a < count; a++) {
        const indexed_sample *candidate = &g_array_index(classifier->samples, indexed_sample, best[a].sample);
        guint votes = 0;
        for (guint b = 0; b < count; b++)
            votes += g_array_index(classifier->samples, indexed_sample, best[b].sample).event == candidate->event;
        if (votes > winner_votes) {
            winner = candidate;
            winner_votes = votes;
        }
    }
    /* best[] is sorted, so the winner's first occurrence is its nearest sample. */
    for (guint a = 0; a < count; a++)
        if (g_array_index(classifier->samples, indexed_sample, best[a].sample).event == winner->event) {
            match->distance = best[a].distance;
            break;
        }
    match->nearest = winner->event;
    if (winner->is_other || match->distance > winner->event->threshold)
        return;
    /* A burst that looks as much like a device's non-event traffic (an
     * hourly status report identical to a lock event) as like the event
     * does not show that the event happened: no claim. */
    if (nearest_other <= match->distance)
        return;
    match->event = winner->event;
}

void iotfp_event_classifier_classify(const iotfp_event_classifier *classifier, const gint32 *shape, guint n,
                                     iotfp_event_match *match)
{
    iotfp_event_classifier_classify_without(classifier, shape, n, G_MAXUINT, match);
}
