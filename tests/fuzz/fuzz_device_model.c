/* The device-model parser and GRU on arbitrary bytes: model files are trained
 * elsewhere and shared. A file that parses also classifies a few windows of
 * ordinary and extreme features, so that whatever a file says, inference
 * stays finite and in bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "device_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    iotfp_device_model *model = iotfp_device_model_parse((const char *)data, size, "fuzz.model", &error);
    if (!model) {
        g_error_free(error);
        return 0;
    }
    static const float packets[][IOTFP_SEQ_N_FEATURES] = {
        { 4.2f, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0 },
        { 7.3f, -1, 3.1f, 1, 0, 0, 0, 0, 0, 1, 1 },
        { 11.1f, 1, 20.0f, 0, 0, 1, 0, 0, 0, 0, 0 },
        { 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 0 },
    };
    guint n_classes = iotfp_device_model_n_classes(model);
    float *probabilities = g_new(float, n_classes);
    iotfp_device_window window;
    iotfp_device_window_init(&window, model);
    /* Two windows at most, so that a model with window 4096 stays quick. */
    guint steps = MIN(2 * iotfp_device_model_window(model), 64u);
    for (guint i = 0; i < steps; i++) {
        iotfp_device_type_result result;
        if (iotfp_device_window_add(&window, model, packets[i % G_N_ELEMENTS(packets)], probabilities, &result)) {
            /* The parser's bounds on numbers keep every sum finite. */
            if (result.type >= n_classes || !iotfp_device_model_class_name(model, result.type) ||
                !(result.confidence > 0.0f && result.confidence <= 1.0f))
                abort();
        }
    }
    iotfp_device_window_clear(&window);
    g_free(probabilities);
    iotfp_device_model_unref(model);
    return 0;
}
