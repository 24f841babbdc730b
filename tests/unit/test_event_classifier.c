#include <string.h>

#include "event_classifier.h"

static iotfp_signature *make_signature(guint k)
{
    iotfp_signature *sig = iotfp_signature_new("plug");
    sig->burst_gap_ms = 1500;
    sig->k = k;
    /* An extra or missing packet costs 1: power_on tolerates one, power_off none. */
    iotfp_event_class *on = iotfp_signature_add_event(sig, "power_on");
    on->threshold = 1.5;
    on->privacy = g_strdup("power");
    const gint32 on1[] = { 142, -1452, 126, -51, 530 }, on2[] = { 142, -1452, 126, -51, 530, -34 };
    iotfp_event_class_add_sample(on, on1, G_N_ELEMENTS(on1));
    iotfp_event_class_add_sample(on, on2, G_N_ELEMENTS(on2));
    iotfp_event_class *off = iotfp_signature_add_event(sig, "power_off");
    off->threshold = 0.5;
    const gint32 off1[] = { 142, -1452, 126, -51, 612 };
    iotfp_event_class_add_sample(off, off1, G_N_ELEMENTS(off1));
    iotfp_event_class *other = iotfp_signature_add_event(sig, IOTFP_EVENT_OTHER);
    const gint32 beat[] = { 32, -32 };
    iotfp_event_class_add_sample(other, beat, G_N_ELEMENTS(beat));
    return sig;
}

#define CLASSIFY(c, shape, m) iotfp_event_classifier_classify(c, shape, G_N_ELEMENTS(shape), m)

static void test_nearest_class_wins(void)
{
    iotfp_signature *sig = make_signature(1);
    iotfp_event_classifier *c = iotfp_event_classifier_new(sig);
    iotfp_event_match m;
    const gint32 on[] = { 142, -1452, 126, -51, 531 };
    CLASSIFY(c, on, &m);
    g_assert_nonnull(m.event);
    g_assert_cmpstr(m.event->name, ==, "power_on");
    g_assert_cmpfloat(m.distance, >, 0.0);
    g_assert_cmpfloat(m.distance, <, 0.01);
    const gint32 off[] = { 142, -1452, 126, -51, 610 };
    CLASSIFY(c, off, &m);
    g_assert_cmpstr(m.event->name, ==, "power_off");
    /* An extra packet still finds its event. */
    const gint32 longer[] = { 142, -1452, 126, -51, 530, -34, -34 };
    CLASSIFY(c, longer, &m);
    g_assert_cmpstr(m.event->name, ==, "power_on");
    iotfp_event_classifier_free(c);
    iotfp_signature_free(sig);
}

static void test_rejection(void)
{
    iotfp_signature *sig = make_signature(1);
    iotfp_event_classifier *c = iotfp_event_classifier_new(sig);
    iotfp_event_match m;
    /* Nearest is the heartbeat sample: other. */
    const gint32 beat[] = { 32, -32 };
    CLASSIFY(c, beat, &m);
    g_assert_null(m.event);
    g_assert_cmpstr(m.nearest->name, ==, IOTFP_EVENT_OTHER);
    /* As near to a heartbeat as to an event: no claim. */
    iotfp_event_classifier_free(c);
    const gint32 like_beat[] = { 142, -1452, 126, -51, 530 };
    iotfp_event_class_add_sample(g_ptr_array_index(sig->events, 2), like_beat, G_N_ELEMENTS(like_beat));
    c = iotfp_event_classifier_new(sig);
    CLASSIFY(c, like_beat, &m);
    g_assert_null(m.event);
    /* Far from everything: other, with no distance. */
    const gint32 video[] = { -1448, -1448, -1448, -1448, -1448, -1448, -1448, -1448, -1448, -1448 };
    CLASSIFY(c, video, &m);
    g_assert_null(m.event);
    g_assert_null(m.nearest);
    g_assert_cmpfloat(m.distance, <, 0.0);
    /* Nearest to power_off (0.78 away, against 0.94 from power_on), but beyond
     * its threshold: other, and the distance says how far. */
    const gint32 odd[] = { 142, -1452, 126, -51, 1000 };
    CLASSIFY(c, odd, &m);
    g_assert_null(m.event);
    g_assert_cmpstr(m.nearest->name, ==, "power_off");
    g_assert_cmpfloat(m.distance, >, 0.5);
    iotfp_event_classifier_free(c);
    iotfp_signature_free(sig);
}

static void test_votes_and_leave_one_out(void)
{
    iotfp_signature *sig = make_signature(3);
    iotfp_event_classifier *c = iotfp_event_classifier_new(sig);
    iotfp_event_match m;
    /* Nearest is power_off, but two power_on samples outvote it. */
    const gint32 near_off[] = { 142, -1452, 126, -51, 600 };
    CLASSIFY(c, near_off, &m);
    g_assert_cmpstr(m.event->name, ==, "power_on");
    g_assert_cmpuint(iotfp_event_classifier_n_samples(c), ==, 4);

    /* Leaving each sample out and classifying it: the CV loop of iotfp-learn. */
    sig->k = 1;
    guint right = 0;
    for (guint i = 0; i < iotfp_event_classifier_n_samples(c); i++) {
        const iotfp_event_class *truth;
        const GArray *lengths;
        iotfp_event_classifier_sample(c, i, &truth, &lengths);
        iotfp_event_classifier_classify_without(c, (const gint32 *)(gpointer)lengths->data, lengths->len, i, &m);
        g_assert_cmpfloat(m.distance, !=, 0.0); /* it never finds itself */
        right += m.nearest == truth;
    }
    /* The two power_on samples are one packet (1.0) apart, while power_off's
     * sample is 0.27 from the shorter one: only the longer power_on sample
     * finds its own class. */
    g_assert_cmpuint(right, ==, 1);
    iotfp_event_classifier_free(c);
    iotfp_signature_free(sig);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/classifier/nearest", test_nearest_class_wins);
    g_test_add_func("/classifier/rejection", test_rejection);
    g_test_add_func("/classifier/votes-loo", test_votes_and_leave_one_out);
    return g_test_run();
}
