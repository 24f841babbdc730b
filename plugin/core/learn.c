#include "learn.h"

#include <string.h>

#include "addr.h"
#include "event_classifier.h"
#include "shape_distance.h"

/* Distances are only computed up to this: beyond it two bursts are simply
 * "far" (about five packets apart), which keeps cross-validation cheap. */
#define LEARN_REACH 5.0
/* A class with a single sample has no spread to learn a threshold from: it
 * accepts one packet more or less, or one packet of a different size. */
#define SINGLE_SAMPLE_THRESHOLD 1.0
/* Unlabelled bursts are kept as "other" samples up to this many distinct
 * shapes; a week of heartbeats is mostly the same few shapes. */
#define MAX_OTHER_SAMPLES 400
/* Differences this small are the noise of one event's traffic (a counter or
 * a timestamp of another width in a TLS record): about 1% of each packet. */
#define NOISE_PER_PACKET 0.02
/* The error that counts more: an invented event (a false alarm) against a
 * missed one. */
#define FALSE_ALARM_WEIGHT 2

static const guint k_choices[] = { 1, 3, 5 };
static const double margin_choices[] = { 1.0, 1.5, 2.0, 3.0 };
/* Tried in this order; a tie keeps the earlier: the more tolerant floor,
 * since one packet more or less is the commonest variation of an event. */
static const double floor_choices[] = { 1.0, 0.5, 0.25 };

typedef struct {
    char *name;
    GPtrArray *samples; /* const iotfp_learn_burst * */
} draft_class;

/* Labels miss events (a lock turned by hand, not in the app's log) and now
 * and then name a burst that is everyday traffic (a status report that
 * happened to follow the tap). Both show as shapes seen with and without a
 * label. A shape seen unlabelled more often than labelled does not reveal
 * the event: it is learned as "other". An unlabelled burst that is
 * practically a shape kept as an event is probably an event nobody labelled:
 * it is not learned as "other". */
static gboolean near(const iotfp_learn_burst *a, const iotfp_learn_burst *b)
{
    double noise = NOISE_PER_PACKET * MAX(a->n, b->n);
    return iotfp_shape_distance(a->shape, a->n, b->shape, b->n, noise) <= noise;
}

static void sort_by_evidence(const iotfp_learn_burst *bursts, guint n, GPtrArray *events, GPtrArray *others,
                             guint *relabelled, guint *dropped)
{
    gboolean *is_event = g_new0(gboolean, n);
    for (guint i = 0; i < n; i++) {
        if (!bursts[i].event || bursts[i].n == 0)
            continue;
        guint labelled = 0, unlabelled = 0;
        for (guint j = 0; j < n; j++)
            if (bursts[j].n && near(&bursts[i], &bursts[j])) {
                if (bursts[j].event)
                    labelled++;
                else
                    unlabelled++;
            }
        is_event[i] = unlabelled <= labelled;
        if (is_event[i])
            g_ptr_array_add(events, (gpointer)&bursts[i]);
        else
            (*relabelled)++;
    }
    for (guint i = 0; i < n; i++) {
        if (is_event[i] || bursts[i].n == 0)
            continue;
        gboolean like_event = FALSE;
        for (guint j = 0; j < n && !like_event; j++)
            like_event = is_event[j] && near(&bursts[i], &bursts[j]);
        if (!like_event)
            g_ptr_array_add(others, (gpointer)&bursts[i]);
        else
            (*dropped)++;
    }
    g_free(is_event);
}

static void draft_class_free(gpointer data)
{
    draft_class *c = data;
    g_free(c->name);
    g_ptr_array_free(c->samples, TRUE);
    g_free(c);
}

static draft_class *find_class(GPtrArray *classes, const char *name)
{
    for (guint i = 0; i < classes->len; i++) {
        draft_class *c = g_ptr_array_index(classes, i);
        if (strcmp(c->name, name) == 0)
            return c;
    }
    draft_class *c = g_new0(draft_class, 1);
    c->name = g_strdup(name);
    c->samples = g_ptr_array_new();
    g_ptr_array_add(classes, c);
    return c;
}

static gboolean same_shape(const iotfp_learn_burst *a, const iotfp_learn_burst *b)
{
    return a->n == b->n && memcmp(a->shape, b->shape, a->n * sizeof(gint32)) == 0;
}

/* Distinct shapes of the other bursts, evenly thinned to MAX_OTHER_SAMPLES. */
static void add_other_samples(draft_class *other, GPtrArray *others)
{
    GPtrArray *distinct = g_ptr_array_new();
    for (guint i = 0; i < others->len; i++) {
        const iotfp_learn_burst *burst = g_ptr_array_index(others, i);
        gboolean seen = FALSE;
        for (guint j = 0; j < distinct->len && !seen; j++)
            seen = same_shape(g_ptr_array_index(distinct, j), burst);
        if (!seen)
            g_ptr_array_add(distinct, (gpointer)burst);
    }
    guint keep = MIN(distinct->len, MAX_OTHER_SAMPLES);
    for (guint i = 0; i < keep; i++)
        g_ptr_array_add(other->samples, g_ptr_array_index(distinct, (guint)((guint64)i * distinct->len / keep)));
    g_ptr_array_free(distinct, TRUE);
}

/* A signature holding the given classes, every threshold set to reach. */
static iotfp_signature *draft_signature(draft_class **classes, guint n_classes, guint k, double reach)
{
    iotfp_signature *sig = iotfp_signature_new("draft");
    sig->burst_gap_ms = 1;
    sig->k = k;
    for (guint i = 0; i < n_classes; i++) {
        iotfp_event_class *event = iotfp_signature_add_event(sig, classes[i]->name);
        event->threshold = reach;
        for (guint s = 0; s < classes[i]->samples->len; s++) {
            const iotfp_learn_burst *b = g_ptr_array_index(classes[i]->samples, s);
            iotfp_event_class_add_sample(event, b->shape, b->n);
        }
    }
    return sig;
}

/* A sample is confusable when a sample of the other class is practically the
 * same traffic (within noise) and at least as near as its nearest classmate.
 * A sample that is merely far from its own class (a variable event) is not:
 * that is no evidence that the other class's traffic looks the same. Returns
 * the share of the pair's samples that are not confusable. */
static double separability(draft_class *a, draft_class *b, guint *samples)
{
    draft_class *pair[] = { a, b };
    iotfp_signature *sig = draft_signature(pair, 2, 1, LEARN_REACH);
    iotfp_event_classifier *classifier = iotfp_event_classifier_new(sig);
    guint n = iotfp_event_classifier_n_samples(classifier), own = 0;
    for (guint i = 0; i < n; i++) {
        const iotfp_event_class *truth;
        const GArray *lengths;
        iotfp_event_classifier_sample(classifier, i, &truth, &lengths);
        double nearest_own = LEARN_REACH + 1, nearest_other = LEARN_REACH + 1;
        for (guint j = 0; j < n; j++) {
            const iotfp_event_class *cls;
            const GArray *other;
            if (j == i)
                continue;
            iotfp_event_classifier_sample(classifier, j, &cls, &other);
            double d = iotfp_shape_distance((const gint32 *)(gpointer)lengths->data, lengths->len,
                                            (const gint32 *)(gpointer)other->data, other->len, LEARN_REACH);
            if (cls == truth)
                nearest_own = MIN(nearest_own, d);
            else
                nearest_other = MIN(nearest_other, d);
        }
        double noise = NOISE_PER_PACKET * lengths->len;
        if (nearest_other > MIN(nearest_own, noise))
            own++;
    }
    iotfp_event_classifier_free(classifier);
    iotfp_signature_free(sig);
    *samples = n;
    return n ? (double)own / n : 1.0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "b|a" + "c" -> "a|b|c": merged names are sorted, so the same merge always
 * gets the same name. */
static char *merged_name(const char *a, const char *b)
{
    gchar *joined = g_strconcat(a, "|", b, NULL);
    gchar **parts = g_strsplit(joined, "|", -1);
    qsort(parts, g_strv_length(parts), sizeof *parts, compare_names);
    gchar *name = g_strjoinv("|", parts);
    g_strfreev(parts);
    g_free(joined);
    return name;
}

/* Repeatedly merges the least separable pair of event classes while it is
 * below IOTFP_LEARN_MIN_SEPARABILITY. */
static void merge_indistinguishable(GPtrArray *events, GPtrArray *merges)
{
    for (;;) {
        guint best_a = 0, best_b = 0, best_samples = 0;
        double best = IOTFP_LEARN_MIN_SEPARABILITY;
        for (guint a = 0; a < events->len; a++)
            for (guint b = a + 1; b < events->len; b++) {
                draft_class *ca = g_ptr_array_index(events, a), *cb = g_ptr_array_index(events, b);
                guint samples;
                double s = separability(ca, cb, &samples);
                if (s < best) {
                    best = s;
                    best_a = a;
                    best_b = b;
                    best_samples = samples;
                }
            }
        if (best >= IOTFP_LEARN_MIN_SEPARABILITY)
            return;
        draft_class *ca = g_ptr_array_index(events, best_a), *cb = g_ptr_array_index(events, best_b);
        iotfp_learn_merge *merge = g_new0(iotfp_learn_merge, 1);
        merge->a = g_strdup(ca->name);
        merge->b = g_strdup(cb->name);
        merge->separability = best;
        merge->samples = best_samples;
        g_ptr_array_add(merges, merge);
        char *name = merged_name(ca->name, cb->name);
        g_free(ca->name);
        ca->name = name;
        g_ptr_array_extend(ca->samples, cb->samples, NULL, NULL);
        g_ptr_array_remove_index(events, best_b);
    }
}

typedef struct {
    guint k;
    double margin, floor;
    guint right, as_other, other_as_event;
} trial;

/* Each class's threshold: the furthest any of its samples lies from its
 * nearest classmate, widened by margin, at least floor. */
static void set_thresholds(iotfp_signature *sig, const double *spread, double margin, double floor)
{
    for (guint e = 0; e < sig->events->len; e++) {
        iotfp_event_class *event = g_ptr_array_index(sig->events, e);
        double t = spread[e] < 0 ? SINGLE_SAMPLE_THRESHOLD : spread[e] * margin;
        event->threshold = MIN(LEARN_REACH, MAX(floor, t));
    }
}

/* Per class, the largest nearest-classmate distance; -1 for one sample. */
static double *class_spreads(iotfp_signature *sig)
{
    double *spread = g_new(double, sig->events->len);
    for (guint e = 0; e < sig->events->len; e++) {
        const iotfp_event_class *event = g_ptr_array_index(sig->events, e);
        spread[e] = event->samples->len < 2 ? -1.0 : 0.0;
        for (guint i = 0; i < event->samples->len; i++) {
            const GArray *x = g_ptr_array_index(event->samples, i);
            double nearest = LEARN_REACH;
            for (guint j = 0; j < event->samples->len; j++) {
                const GArray *y = g_ptr_array_index(event->samples, j);
                if (i != j)
                    nearest = MIN(nearest, iotfp_shape_distance((const gint32 *)(gpointer)x->data, x->len,
                                                                (const gint32 *)(gpointer)y->data, y->len,
                                                                LEARN_REACH));
            }
            if (event->samples->len >= 2)
                spread[e] = MAX(spread[e], nearest);
        }
    }
    return spread;
}

/* The nearest sample of any other class, from any of this class's samples. */
static double class_margin(const iotfp_event_class *event, const iotfp_event_class *other)
{
    double nearest = IOTFP_LEARN_MARGIN_CAP + 1;
    for (guint i = 0; i < event->samples->len; i++) {
        const GArray *a = g_ptr_array_index(event->samples, i);
        for (guint j = 0; j < other->samples->len; j++) {
            const GArray *b = g_ptr_array_index(other->samples, j);
            nearest = MIN(nearest, iotfp_shape_distance((const gint32 *)(gpointer)a->data, a->len,
                                                        (const gint32 *)(gpointer)b->data, b->len, nearest));
        }
    }
    return nearest;
}

/* What iotfp-learn reports of each event: how far the traffic it must not be
 * taken for lies. */
static void set_margins(const iotfp_signature *sig, iotfp_learn_event_report **per_event)
{
    for (guint e = 0; e < sig->events->len; e++) {
        if (!per_event[e])
            continue;
        const iotfp_event_class *event = g_ptr_array_index(sig->events, e);
        per_event[e]->margin_to_class = per_event[e]->margin_to_other = IOTFP_LEARN_MARGIN_CAP + 1;
        for (guint o = 0; o < sig->events->len; o++) {
            const iotfp_event_class *other = g_ptr_array_index(sig->events, o);
            if (o == e)
                continue;
            double margin = class_margin(event, other);
            if (strcmp(other->name, IOTFP_EVENT_OTHER) == 0) {
                per_event[e]->margin_to_other = margin;
            } else if (margin < per_event[e]->margin_to_class || !per_event[e]->nearest_class) {
                per_event[e]->margin_to_class = margin;
                g_free(per_event[e]->nearest_class);
                per_event[e]->nearest_class = g_strdup(other->name);
            }
        }
    }
}

/* Leave-one-out over every sample with the signature's current k and thresholds. */
static void score(iotfp_signature *sig, trial *t, iotfp_learn_event_report **per_event)
{
    iotfp_event_classifier *classifier = iotfp_event_classifier_new(sig);
    t->right = t->as_other = t->other_as_event = 0;
    for (guint i = 0; i < iotfp_event_classifier_n_samples(classifier); i++) {
        const iotfp_event_class *truth;
        const GArray *lengths;
        iotfp_event_match match;
        iotfp_event_classifier_sample(classifier, i, &truth, &lengths);
        iotfp_event_classifier_classify_without(classifier, (const gint32 *)(gpointer)lengths->data, lengths->len,
                                                i, &match);
        gboolean truth_is_other = strcmp(truth->name, IOTFP_EVENT_OTHER) == 0;
        if (truth_is_other) {
            t->other_as_event += match.event != NULL;
            continue;
        }
        iotfp_learn_event_report *report = NULL;
        for (guint e = 0; per_event && e < sig->events->len; e++)
            if (g_ptr_array_index(sig->events, e) == truth)
                report = per_event[e];
        gboolean right = match.event == truth;
        t->right += right;
        t->as_other += match.event == NULL;
        if (report) {
            report->right += right;
            report->as_other += match.event == NULL;
        }
    }
    iotfp_event_classifier_free(classifier);
}

static gboolean better(const trial *a, const trial *b)
{
    long score_a = (long)a->right - FALSE_ALARM_WEIGHT * (long)a->other_as_event;
    long score_b = (long)b->right - FALSE_ALARM_WEIGHT * (long)b->other_as_event;
    return score_a > score_b;
}

static void report_event_free(gpointer data)
{
    iotfp_learn_event_report *report = data;
    g_free(report->event);
    g_free(report->nearest_class);
    g_free(report);
}

static void merge_free(gpointer data)
{
    iotfp_learn_merge *merge = data;
    g_free(merge->a);
    g_free(merge->b);
    g_free(merge);
}

void iotfp_learn_report_free(iotfp_learn_report *report)
{
    if (!report)
        return;
    g_ptr_array_free(report->merges, TRUE);
    g_ptr_array_free(report->events, TRUE);
    g_free(report);
}

iotfp_signature *iotfp_learn(const iotfp_learn_burst *bursts, guint n, const iotfp_learn_options *options,
                             iotfp_learn_report **report_out, GError **error)
{
    GPtrArray *event_bursts = g_ptr_array_new(), *other_bursts = g_ptr_array_new();
    guint relabelled = 0, dropped = 0;
    sort_by_evidence(bursts, n, event_bursts, other_bursts, &relabelled, &dropped);
    GPtrArray *events = g_ptr_array_new_with_free_func(draft_class_free);
    for (guint i = 0; i < event_bursts->len; i++) {
        const iotfp_learn_burst *burst = g_ptr_array_index(event_bursts, i);
        g_ptr_array_add(find_class(events, burst->event)->samples, (gpointer)burst);
    }
    g_ptr_array_free(event_bursts, TRUE);
    if (events->len == 0 || !options->model || options->burst_gap_ms == 0) {
        g_ptr_array_free(other_bursts, TRUE);
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE,
                    events->len == 0 ? "no labelled burst to learn from" : "a model name and the burst gap are needed");
        g_ptr_array_free(events, TRUE);
        return NULL;
    }
    iotfp_learn_report *report = g_new0(iotfp_learn_report, 1);
    report->merges = g_ptr_array_new_with_free_func(merge_free);
    report->events = g_ptr_array_new_with_free_func(report_event_free);
    report->labelled_as_other = relabelled;
    report->unlabelled_like_events = dropped;
    merge_indistinguishable(events, report->merges);

    /* Event classes first, "other" last: the file reads as what the model does. */
    draft_class *other = g_new0(draft_class, 1);
    other->name = g_strdup(IOTFP_EVENT_OTHER);
    other->samples = g_ptr_array_new();
    add_other_samples(other, other_bursts);
    g_ptr_array_free(other_bursts, TRUE);
    report->other_samples = other->samples->len;
    if (other->samples->len)
        g_ptr_array_add(events, other);
    else
        draft_class_free(other);

    iotfp_signature *sig = draft_signature((draft_class **)events->pdata, events->len, 1, LEARN_REACH);
    double *spread = class_spreads(sig);
    trial best = { 0 };
    gboolean have_best = FALSE;
    for (gsize ki = 0; ki < G_N_ELEMENTS(k_choices); ki++)
        for (gsize mi = 0; mi < G_N_ELEMENTS(margin_choices); mi++)
            for (gsize fi = 0; fi < G_N_ELEMENTS(floor_choices); fi++) {
                trial t = { k_choices[ki], margin_choices[mi], floor_choices[fi], 0, 0, 0 };
                sig->k = t.k;
                set_thresholds(sig, spread, t.margin, t.floor);
                score(sig, &t, NULL);
                /* Ties keep the earlier choice: smaller k, then as the lists order. */
                if (!have_best || better(&t, &best)) {
                    best = t;
                    have_best = TRUE;
                }
            }
    sig->k = best.k;
    set_thresholds(sig, spread, best.margin, best.floor);
    g_free(spread);

    g_free(sig->model);
    sig->model = g_strdup(options->model);
    sig->platform = g_strdup(options->platform);
    sig->burst_gap_ms = options->burst_gap_ms;
    for (guint i = 0; options->matches && i < options->matches->len; i++) {
        iotfp_match match = g_array_index(options->matches, iotfp_match, i);
        match.pattern = g_strdup(match.pattern);
        g_array_append_val(sig->matches, match);
    }
    iotfp_learn_event_report **per_event = g_new0(iotfp_learn_event_report *, sig->events->len);
    for (guint e = 0; e < sig->events->len; e++) {
        iotfp_event_class *event = g_ptr_array_index(sig->events, e);
        if (strcmp(event->name, IOTFP_EVENT_OTHER) == 0)
            continue;
        /* A merged class is as sensitive as its most sensitive member. */
        gchar **members = g_strsplit(event->name, "|", -1);
        for (gchar **m = members; options->privacy && *m && !event->privacy; m++) {
            const char *kind = g_hash_table_lookup(options->privacy, *m);
            event->privacy = g_strdup(kind);
        }
        g_strfreev(members);
        per_event[e] = g_new0(iotfp_learn_event_report, 1);
        per_event[e]->event = g_strdup(event->name);
        per_event[e]->samples = event->samples->len;
        per_event[e]->threshold = event->threshold;
        g_ptr_array_add(report->events, per_event[e]);
    }
    set_margins(sig, per_event);
    trial final = best;
    score(sig, &final, per_event);
    report->k = sig->k;
    report->other_as_event = final.other_as_event;
    g_free(per_event);
    g_ptr_array_free(events, TRUE);
    if (report_out)
        *report_out = report;
    else
        iotfp_learn_report_free(report);
    return sig;
}
