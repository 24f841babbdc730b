/* device_type.h - the device-type model in force: its preference, and the
 * search for the bundled file. */
#ifndef IOTFP_DEVICE_TYPE_H
#define IOTFP_DEVICE_TYPE_H

#include <epan/prefs.h>

#include "device_model.h"

void iotfp_device_type_register_prefs(module_t *module);

/* Loads the model the preference or the XDG folders name, when that changed.
 * A file that fails to load is reported once; the model in force stays. */
void iotfp_device_type_apply_prefs(void);

/* The model in force, NULL when there is none; borrowed (take a reference to keep it). */
iotfp_device_model *iotfp_device_type_model(void);

#endif
