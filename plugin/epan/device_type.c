/* device_type.c
 * The device-type model is the file of the iotfp.device_type_model
 * preference, else the first iotfp/signatures/device-types.model under the
 * user's and the system's XDG data folders (~/.local/share,
 * /usr/local/share, /usr/share), where `make install` puts the bundled one.
 * Without any, device types are simply not shown.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "device_type.h"

#include <wsutil/report_message.h>

#include "bundled_files.h"

static const char *pref_model_file = "";
static gboolean applied;
static char *tried_file;  /* the file last loaded or tried: a bad one is reported once */
static iotfp_device_model *model;

void iotfp_device_type_register_prefs(module_t *module)
{
    prefs_register_filename_preference(module, "device_type_model", "Device-type model",
        "Model file that names device types from packet sequences (iotfp.device.type). Empty: the bundled "
        "model, iotfp/signatures/" IOTFP_DEVICE_MODEL_BUNDLED " in the XDG data folders, if installed.",
        &pref_model_file, FALSE);
}

static char *model_file(void)
{
    if (pref_model_file && *pref_model_file)
        return g_strdup(pref_model_file);
    return iotfp_find_bundled_file(IOTFP_DEVICE_MODEL_BUNDLED);
}

void iotfp_device_type_apply_prefs(void)
{
    applied = TRUE;
    char *file = model_file();
    if (g_strcmp0(file, tried_file) == 0) {
        g_free(file);
        return;
    }
    g_free(tried_file);
    tried_file = file;
    if (!file) {
        iotfp_device_model_unref(model);
        model = NULL;
        return;
    }
    GError *error = NULL;
    iotfp_device_model *loaded = iotfp_device_model_load(file, &error);
    if (!loaded) {
        report_failure("IoT Fingerprint: device-type model not used: %s%s", error->message,
                       model ? "\nThe previous model stays in force." : "");
        g_error_free(error);
        return;
    }
    iotfp_device_model_unref(model);
    model = loaded;
}

iotfp_device_model *iotfp_device_type_model(void)
{
    if (!applied)
        iotfp_device_type_apply_prefs();
    return model;
}
