/* Classification cost per burst against the number of signatures loaded.
 * Each synthetic model has 8 events of 12 samples (10-30 packets each) and
 * 40 "other" samples; one model matches the burst's conversation (port
 * 443), the others are ruled out by their match lines. Half the bursts are
 * noisy copies of that model's samples (the costly case: distances are
 * computed in full), half are unlike anything (pruned early). Prints the
 * median time per burst over several runs: a benchmark to read, not a test
 * that fails (machines are shared and noisy). */
#include <stdio.h>

#include "detector.h"
#include "median.h"

#define EVENTS 8
#define SAMPLES_PER_EVENT 12
#define OTHER_SAMPLES 40
#define BURSTS 2000
#define RUNS 5

static void random_shape(GRand *rand, gint32 *shape, guint n)
{
    for (guint i = 0; i < n; i++)
        shape[i] = g_rand_int_range(rand, 40, 1460) * (g_rand_boolean(rand) ? 1 : -1);
}

static iotfp_signature *synthetic_signature(GRand *rand, guint index, guint port)
{
    gchar *name = g_strdup_printf("model-%u", index);
    iotfp_signature *sig = iotfp_signature_new(name);
    g_free(name);
    sig->burst_gap_ms = 1500;
    iotfp_match match = { IOTFP_MATCH_PORT, port, NULL };
    g_array_append_val(sig->matches, match);
    gint32 shape[30];
    for (guint e = 0; e <= EVENTS; e++) {
        gchar *event_name = e < EVENTS ? g_strdup_printf("event_%u", e) : g_strdup(IOTFP_EVENT_OTHER);
        iotfp_event_class *event = iotfp_signature_add_event(sig, event_name);
        g_free(event_name);
        event->threshold = 1.5;
        guint n = g_rand_int_range(rand, 10, 31);
        random_shape(rand, shape, n);
        for (guint s = 0; s < (e < EVENTS ? SAMPLES_PER_EVENT : OTHER_SAMPLES); s++) {
            shape[g_rand_int_range(rand, 0, n)] += 1; /* a little noise per sample */
            iotfp_event_class_add_sample(event, shape, n);
        }
    }
    return sig;
}

int main(void)
{
    const guint loaded[] = { 1, 10, 100 };
    GRand *rand = g_rand_new_with_seed(42);
    printf("signatures  candidates  samples/model  us per burst (median of %d runs of %d bursts)\n", RUNS, BURSTS);
    for (gsize l = 0; l < G_N_ELEMENTS(loaded); l++) {
        iotfp_signature_set *set = iotfp_signature_set_new();
        for (guint i = 0; i < loaded[l]; i++)
            iotfp_signature_set_add(set, synthetic_signature(rand, i, i == 0 ? 443 : 10000 + i), NULL);
        const iotfp_signature *matching = iotfp_event_classifier_signature(iotfp_signature_set_get(set, 0));
        iotfp_burst **bursts = g_new(iotfp_burst *, BURSTS);
        for (guint b = 0; b < BURSTS; b++) {
            bursts[b] = iotfp_burst_new(b + 1, 1);
            gint32 shape[30];
            guint n = g_rand_int_range(rand, 10, 31);
            random_shape(rand, shape, n);
            if (b % 2 == 0) {
                const iotfp_event_class *event = g_ptr_array_index(matching->events, b / 2 % matching->events->len);
                const GArray *sample = g_ptr_array_index(event->samples, 0);
                n = sample->len;
                for (guint i = 0; i < n; i++)
                    shape[i] = g_array_index(sample, gint32, i) + g_rand_int_range(rand, 0, 3);
            }
            for (guint i = 0; i < n; i++)
                iotfp_burst_add(bursts[b], i + 1, i, shape[i]);
        }
        iotfp_conv_facts facts = { 443, NULL, NULL };
        double per_run[RUNS];
        for (int run = 0; run < RUNS; run++) {
            iotfp_detector *detector = iotfp_detector_new(set);
            gint64 start = g_get_monotonic_time();
            for (guint b = 0; b < BURSTS; b++)
                iotfp_detector_classify(detector, bursts[b], &facts, NULL);
            per_run[run] = (double)(g_get_monotonic_time() - start) / BURSTS;
            iotfp_detector_free(detector);
        }
        printf("%10u  %10u  %13u  %.2f\n", loaded[l], 1u, EVENTS * SAMPLES_PER_EVENT + OTHER_SAMPLES, median(per_run, RUNS));
        for (guint b = 0; b < BURSTS; b++)
            iotfp_burst_free(bursts[b]);
        g_free(bursts);
        iotfp_signature_set_free(set);
    }
    g_rand_free(rand);
    return 0;
}
