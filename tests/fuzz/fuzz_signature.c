/* The signature parser on arbitrary bytes: files come from anywhere. */
#include <stdint.h>

#include "signature.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    iotfp_signature *signature = iotfp_signature_parse((const char *)data, size, "fuzz.sig", &error);
    if (signature) {
        /* A file that parses must also survive being written back. */
        g_free(iotfp_signature_format(signature));
        /* And its action model must decompose within the decomposer's bounds. */
        if (signature->action_model)
            iotfp_decompose_result_free(iotfp_decompose(&signature->action_model->decompose, size));
        iotfp_signature_free(signature);
    } else {
        g_error_free(error);
    }
    return 0;
}
