#include <string.h>

#include "event_classifier.h"
#include "learn.h"

/* Burst shapes with a little size noise, as TLS records of the same event. */
static gint32 *noisy(GRand *rand, const gint32 *base, guint n)
{
    gint32 *shape = g_new(gint32, n);
    for (guint i = 0; i < n; i++)
        shape[i] = base[i] + (base[i] > 0 ? 1 : -1) * g_rand_int_range(rand, 0, 3);
    return shape;
}

typedef struct {
    GArray *bursts; /* iotfp_learn_burst */
    GPtrArray *owned;
    GRand *rand;
} dataset;

static void add(dataset *d, const char *event, const gint32 *base, guint n, guint copies)
{
    for (guint c = 0; c < copies; c++) {
        gint32 *shape = noisy(d->rand, base, n);
        g_ptr_array_add(d->owned, shape);
        iotfp_learn_burst b = { event, shape, n };
        g_array_append_val(d->bursts, b);
    }
}

static void dataset_init(dataset *d)
{
    d->bursts = g_array_new(FALSE, FALSE, sizeof(iotfp_learn_burst));
    d->owned = g_ptr_array_new_with_free_func(g_free);
    d->rand = g_rand_new_with_seed(3);
}

static void dataset_clear(dataset *d)
{
    g_array_free(d->bursts, TRUE);
    g_ptr_array_free(d->owned, TRUE);
    g_rand_free(d->rand);
}

static const gint32 plug_on[] = { 142, -1452, -1452, -853, 126, -51, 530 };
static const gint32 plug_off[] = { 142, -1452, -1452, -853, 126, -51, 612, -34 };
static const gint32 toggle[] = { -144, 96, 96 };
static const gint32 beat[] = { 32, -32 };

static iotfp_signature *learn(dataset *d, iotfp_learn_report **report)
{
    GHashTable *privacy = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(privacy, "power_on", "power");
    iotfp_learn_options options = { .model = "plug", .platform = "tplink", .burst_gap_ms = 1500,
                                    .privacy = privacy };
    GError *error = NULL;
    iotfp_signature *sig = iotfp_learn((iotfp_learn_burst *)(gpointer)d->bursts->data, d->bursts->len, &options,
                                       report, &error);
    g_assert_no_error(error);
    g_hash_table_destroy(privacy);
    return sig;
}

static void test_separable_classes_stay_apart(void)
{
    dataset d;
    dataset_init(&d);
    add(&d, "power_on", plug_on, G_N_ELEMENTS(plug_on), 6);
    add(&d, "power_off", plug_off, G_N_ELEMENTS(plug_off), 6);
    add(&d, NULL, beat, G_N_ELEMENTS(beat), 20);
    iotfp_learn_report *report;
    iotfp_signature *sig = learn(&d, &report);
    g_assert_cmpuint(report->merges->len, ==, 0);
    g_assert_nonnull(iotfp_signature_find_event(sig, "power_on"));
    g_assert_nonnull(iotfp_signature_find_event(sig, "power_off"));
    g_assert_cmpstr(iotfp_signature_find_event(sig, "power_on")->privacy, ==, "power");
    g_assert_null(iotfp_signature_find_event(sig, "power_off")->privacy);
    /* Twenty noisy heartbeats are a handful of distinct shapes. */
    const iotfp_event_class *other = iotfp_signature_find_event(sig, IOTFP_EVENT_OTHER);
    g_assert_nonnull(other);
    g_assert_cmpuint(other->samples->len, <=, 9);
    g_assert_cmpuint(report->other_as_event, ==, 0);
    for (guint i = 0; i < report->events->len; i++) {
        const iotfp_learn_event_report *e = g_ptr_array_index(report->events, i);
        g_assert_cmpuint(e->right, ==, e->samples);
        g_assert_cmpfloat(e->threshold, >, 0.0);
        /* The margins name the other class, and lie beyond the threshold:
         * what kept the classes apart. */
        g_assert_cmpstr(e->nearest_class, ==, strcmp(e->event, "power_on") == 0 ? "power_off" : "power_on");
        g_assert_cmpfloat(e->margin_to_class, >, e->threshold);
        g_assert_cmpfloat(e->margin_to_other, >, 0.0);
    }
    g_assert_cmpstr(sig->model, ==, "plug");
    g_assert_cmpuint(sig->burst_gap_ms, ==, 1500);

    /* What was learned recognises a new burst, and the file round-trips. */
    iotfp_event_classifier *c = iotfp_event_classifier_new(sig);
    iotfp_event_match m;
    gint32 *fresh = noisy(d.rand, plug_off, G_N_ELEMENTS(plug_off));
    iotfp_event_classifier_classify(c, fresh, G_N_ELEMENTS(plug_off), &m);
    g_assert_nonnull(m.event);
    g_assert_cmpstr(m.event->name, ==, "power_off");
    g_free(fresh);
    iotfp_event_classifier_free(c);
    char *text = iotfp_signature_format(sig);
    iotfp_signature *back = iotfp_signature_parse(text, strlen(text), "learned.sig", NULL);
    g_assert_nonnull(back);
    iotfp_signature_free(back);
    g_free(text);
    iotfp_learn_report_free(report);
    iotfp_signature_free(sig);
    dataset_clear(&d);
}

static void test_identical_classes_merge(void)
{
    dataset d;
    dataset_init(&d);
    /* Same traffic for on and off, as jd-plug sends: no method can tell them apart. */
    add(&d, "power_on", toggle, G_N_ELEMENTS(toggle), 4);
    add(&d, "power_off", toggle, G_N_ELEMENTS(toggle), 5);
    add(&d, "timer", plug_on, G_N_ELEMENTS(plug_on), 3);
    iotfp_learn_report *report;
    iotfp_signature *sig = learn(&d, &report);
    g_assert_cmpuint(report->merges->len, ==, 1);
    const iotfp_learn_merge *merge = g_ptr_array_index(report->merges, 0);
    g_assert_cmpfloat(merge->separability, <, IOTFP_LEARN_MIN_SEPARABILITY);
    g_assert_cmpuint(merge->samples, ==, 9);
    const iotfp_event_class *merged = iotfp_signature_find_event(sig, "power_off|power_on");
    g_assert_nonnull(merged);
    g_assert_cmpuint(merged->samples->len, ==, 9);
    /* The merged class is privacy-sensitive because power_on is. */
    g_assert_cmpstr(merged->privacy, ==, "power");
    g_assert_nonnull(iotfp_signature_find_event(sig, "timer"));
    g_assert_null(iotfp_signature_find_event(sig, "power_on"));
    iotfp_learn_report_free(report);
    iotfp_signature_free(sig);
    dataset_clear(&d);
}

static void test_single_samples(void)
{
    dataset d;
    dataset_init(&d);
    /* One sample each, different traffic: they stay apart. */
    add(&d, "water", toggle, G_N_ELEMENTS(toggle), 1);
    add(&d, "nowater", plug_on, G_N_ELEMENTS(plug_on), 1);
    /* One sample each, the same bytes: identical traffic is evidence enough. */
    static const gint32 same[] = { 213, -69 };
    iotfp_learn_burst on = { "power_on", same, 2 }, timer = { "timer_on", same, 2 };
    g_array_append_val(d.bursts, on);
    g_array_append_val(d.bursts, timer);
    iotfp_learn_report *report;
    iotfp_signature *sig = learn(&d, &report);
    g_assert_cmpuint(report->merges->len, ==, 1);
    g_assert_nonnull(iotfp_signature_find_event(sig, "power_on|timer_on"));
    g_assert_nonnull(iotfp_signature_find_event(sig, "water"));
    g_assert_nonnull(iotfp_signature_find_event(sig, "nowater"));
    iotfp_learn_report_free(report);
    iotfp_signature_free(sig);
    dataset_clear(&d);
}

static void test_one_sided_confusion_does_not_merge(void)
{
    dataset d;
    dataset_init(&d);
    /* gnhx is always the same; timer_off varies, and strays towards gnhx. */
    static const gint32 gnhx[] = { -211, 201, 238, -60, 238, -60 };
    static const gint32 timer1[] = { -199, 201, 206, -60, 286, -60 };
    static const gint32 timer2[] = { -199, 201, 492, -60, -60 };
    iotfp_learn_burst bursts[] = { { "gnhx", gnhx, 6 }, { "gnhx", gnhx, 6 }, { "timer_off", timer1, 6 },
                                   { "timer_off", timer2, 5 } };
    g_array_append_vals(d.bursts, bursts, G_N_ELEMENTS(bursts));
    iotfp_learn_report *report;
    iotfp_signature *sig = learn(&d, &report);
    g_assert_cmpuint(report->merges->len, ==, 0);
    g_assert_nonnull(iotfp_signature_find_event(sig, "gnhx"));
    iotfp_learn_report_free(report);
    iotfp_signature_free(sig);
    dataset_clear(&d);
}

static void test_nothing_to_learn(void)
{
    iotfp_learn_burst unlabelled = { NULL, beat, G_N_ELEMENTS(beat) };
    iotfp_learn_options options = { .model = "plug", .burst_gap_ms = 1500 };
    GError *error = NULL;
    g_assert_null(iotfp_learn(&unlabelled, 1, &options, NULL, &error));
    g_assert_nonnull(strstr(error->message, "no labelled burst"));
    g_error_free(error);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/learn/separable", test_separable_classes_stay_apart);
    g_test_add_func("/learn/identical-merge", test_identical_classes_merge);
    g_test_add_func("/learn/single-samples", test_single_samples);
    g_test_add_func("/learn/one-sided", test_one_sided_confusion_does_not_merge);
    g_test_add_func("/learn/nothing", test_nothing_to_learn);
    return g_test_run();
}
