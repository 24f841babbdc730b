/* The activity rules parser and the inference on arbitrary bytes: users
 * write and share rule files. A file that parses is run over a fixed day of
 * events from several devices, so that whatever a file can say, inferring
 * stays safe and every activity it reports names events of the timeline. */
#include <stdint.h>

#include "activity_infer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HOUR_NS ((gint64)3600 * 1000000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    iotfp_activity_rules *rules = iotfp_activity_rules_new();
    GError *error = NULL;
    if (!iotfp_activity_rules_parse(rules, (const char *)data, size, "fuzz.rules", &error)) {
        g_error_free(error);
        iotfp_activity_rules_free(rules);
        return 0;
    }
    static const struct {
        double hour;
        const char *model, *event, *privacy;
    } day[] = {
        { 6.5, "tplink-plug", "power_on", "power" },    { 6.5, "huawei-lamp", "moshi", "presence" },
        { 6.6, "smartthings-sensor", "move|nomove", "movement" }, { 8.0, "schlage-lock", "lock|unlock", "door" },
        { 8.4, "jd-plug", "power_off|power_on", "power" }, { 12.0, NULL, "other", NULL },
        { 18.0, "schlage-lock", "lock|unlock", "door" }, { 18.1, "tuya-plug", "power_on/off|timer_on", "power" },
        { 23.5, "huawei-lamp", "power_on/off", "power" },
    };
    iotfp_timeline_event timeline[G_N_ELEMENTS(day)];
    for (gsize i = 0; i < G_N_ELEMENTS(day); i++)
        timeline[i] = (iotfp_timeline_event){ (gint64)(day[i].hour * HOUR_NS),
                                              { "192.168.1.2", day[i].model, day[i].event, day[i].privacy } };
    GTimeZone *zone = g_time_zone_new_utc();
    GArray *found = iotfp_activities_infer(rules, timeline, G_N_ELEMENTS(day), 0, 30 * HOUR_NS, zone, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < found->len; i++) {
        const iotfp_activity *a = &g_array_index(found, iotfp_activity, i);
        g_assert_true(a->first <= a->trigger && a->trigger < G_N_ELEMENTS(day));
        g_assert_true(a->rule < iotfp_activity_rules_count(rules));
    }
    g_array_free(found, TRUE);
    g_time_zone_unref(zone);
    iotfp_activity_rules_free(rules);
    return 0;
}
