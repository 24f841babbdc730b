/* Activity inference cost per event with the bundled rules, over synthetic
 * home timelines of growing length: events of seven devices (the bundled
 * signatures' vocabulary, a door lock included) at random gaps of a second to
 * four hours. The cost per event must stay flat as the timeline grows, since
 * inference is one pass. Prints the median time per event over several runs:
 * a benchmark to read, not a test that fails (machines are shared and noisy). */
#include <stdio.h>

#include "activity_infer.h"
#include "median.h"

#define RUNS 5

static const struct {
    const char *model, *event, *privacy;
} vocabulary[] = {
    { "tplink-plug", "power_on", "power" },       { "huawei-lamp", "moshi", "presence" },
    { "smartthings-sensor", "move|nomove", "movement" }, { "jd-gateway", "ds_on/off", "power" },
    { "tuya-plug", "power_on/off|timer_on", "power" }, { "jd-plug", "power_off|power_on", "power" },
    { "schlage-lock", "lock|unlock", "door" },
};

int main(void)
{
    iotfp_activity_rules *rules = iotfp_activity_rules_new();
    GError *error = NULL;
    if (!iotfp_activity_rules_load(rules, IOTFP_BUNDLED_ACTIVITIES, &error)) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    GTimeZone *zone = g_time_zone_new_identifier("+08:00");
    GRand *rand = g_rand_new_with_seed(7);
    printf("events     activities  ns per event (median of %d runs)\n", RUNS);
    for (guint n = 1000; n <= 1000000; n *= 10) {
        iotfp_timeline_event *events = g_new0(iotfp_timeline_event, n);
        gint64 t = 0;
        for (guint i = 0; i < n; i++) {
            /* Mostly busy stretches, sometimes an absence or a night. */
            t += (gint64)(g_rand_int_range(rand, 0, 100) < 97 ? g_rand_int_range(rand, 1, 600)
                                                                : g_rand_int_range(rand, 1800, 4 * 3600)) * 1000000000;
            guint v = (guint)g_rand_int_range(rand, 0, G_N_ELEMENTS(vocabulary));
            events[i] = (iotfp_timeline_event){ t, { "192.168.1.2", vocabulary[v].model, vocabulary[v].event,
                                                     vocabulary[v].privacy } };
        }
        double per_run[RUNS];
        guint found = 0;
        for (guint run = 0; run < RUNS; run++) {
            gint64 start = g_get_monotonic_time();
            GArray *activities = iotfp_activities_infer(rules, events, n, 0, t, zone, NULL);
            per_run[run] = (double)(g_get_monotonic_time() - start) * 1000.0 / n;
            found = activities->len;
            g_array_free(activities, TRUE);
        }
        printf("%8u  %10u  %.0f\n", n, found, median(per_run, RUNS));
        g_free(events);
    }
    g_rand_free(rand);
    g_time_zone_unref(zone);
    iotfp_activity_rules_free(rules);
    return 0;
}
