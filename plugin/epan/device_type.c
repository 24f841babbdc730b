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

#include <string.h>

#include <wsutil/report_message.h>

#include "bundled_files.h"

static const char *pref_model_file = "";
static gboolean applied;
static char *tried_file;  /* the preference last applied ("": bundled): a bad file is reported once */
static iotfp_device_model *model;

void iotfp_device_type_register_prefs(module_t *module)
{
    prefs_register_filename_preference(module, "device_type_model", "Device-type model",
        "Model file that names device types from packet sequences (iotfp.device.type). Empty: the bundled "
        "model, iotfp/signatures/" IOTFP_DEVICE_MODEL_BUNDLED " in the XDG data folders, if installed.",
        &pref_model_file, FALSE);
}

static gboolean load_model_file(const char *path, gpointer loaded, GError **error)
{
    *(iotfp_device_model **)loaded = iotfp_device_model_load(path, error);
    return *(iotfp_device_model **)loaded != NULL;
}

void iotfp_device_type_apply_prefs(void)
{
    applied = TRUE;
    /* "": the bundled model, the first installed copy that loads. */
    const char *wanted = pref_model_file ? pref_model_file : "";
    if (tried_file && strcmp(wanted, tried_file) == 0)
        return;
    g_free(tried_file);
    tried_file = g_strdup(wanted);
    iotfp_device_model *loaded = NULL;
    if (!*wanted) {
        g_free(iotfp_load_bundled_file(IOTFP_DEVICE_MODEL_BUNDLED, "device-type model", load_model_file, &loaded));
        /* Without any, device types are simply not shown. */
        iotfp_device_model_unref(model);
        model = loaded;
        return;
    }
    GError *error = NULL;
    if (!load_model_file(wanted, &loaded, &error)) {
        if (!model)
            g_free(iotfp_load_bundled_file(IOTFP_DEVICE_MODEL_BUNDLED, "device-type model", load_model_file, &model));
        report_failure("IoT Fingerprint: device-type model not used: %s%s", error->message,
                       model ? "\nThe previous or the bundled model stays in force." : "");
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
