/* The event signatures in force and the user's device-model pins: where they
 * are looked for, the preferences and the table that set them. */
#ifndef IOTFP_EVENT_SIGNATURES_H
#define IOTFP_EVENT_SIGNATURES_H

#include <epan/prefs.h>

#include "addr.h"
#include "signature_set.h"

/* Adds the signature_path preference and the device-model table to the
 * iotfp preferences. */
void iotfp_signatures_register_prefs(module_t *module);

/* Loads the signatures again when the search path changed; reports files
 * that fail to load, once per change. */
void iotfp_signatures_apply_prefs(void);

const iotfp_signature_set *iotfp_signatures(void);

/* The model the user pinned to this device address, or NULL. The string
 * stays put until the table changes (which re-dissects everything). */
const char *iotfp_pinned_model(const iotfp_addr *device);

#endif
