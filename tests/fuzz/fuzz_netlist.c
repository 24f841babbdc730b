/* The home_networks preference parser on arbitrary text. */
#include <stdint.h>

#include "addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gchar *text = g_strndup((const gchar *)data, size);
    GError *error = NULL;
    iotfp_netlist *list = iotfp_netlist_parse(text, &error);
    if (list) {
        iotfp_addr probe;
        if (iotfp_addr_parse(&probe, "192.168.1.1"))
            (void)iotfp_netlist_contains(list, &probe);
        iotfp_netlist_free(list);
    } else {
        g_error_free(error);
    }
    g_free(text);
    return 0;
}
