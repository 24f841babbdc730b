/* scenario.h - smart-home scenarios: device tables turned into traffic. */
#ifndef IOTFP_SCENARIO_H
#define IOTFP_SCENARIO_H

#include <glib.h>

#include "capture.h"

/* The plugin's default idle gap, used to cut the ground truth into bursts. */
#define SCENARIO_BURST_GAP_NS (G_GINT64_CONSTANT(1500) * 1000 * 1000)

#define SCENARIO_ERROR (scenario_error_quark())
GQuark scenario_error_quark(void);

typedef enum {
    SCENARIO_ERROR_UNKNOWN,   /* no scenario of that name */
    SCENARIO_ERROR_INVARIANT, /* the capture breaks a scenario design rule */
} ScenarioError;

/* NULL-terminated names of the known scenarios. */
const char *const *scenario_names(void);

/* Generates the named scenario into capture, flushes it, then checks the
 * truth computed from the written frames against the scenario's design
 * rules (gaps well clear of the burst gap, one burst per user event, the
 * planted anomalies detected), so that broken ground truth never ships. */
gboolean scenario_run(const char *name, guint64 seed, Capture *capture,
                      GError **error);

#endif /* IOTFP_SCENARIO_H */
