/* Entry points that Wireshark's plugin loader looks up by name. */
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>
#include <ws_symbol_export.h>

#include "packet-iotfp.h"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = IOTFP_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void plugin_register(void)
{
    static proto_plugin iotfp_protocols = {
        .register_protoinfo = proto_register_iotfp,
        .register_handoff = proto_reg_handoff_iotfp,
    };
    static tap_plugin iotfp_taps = {
        .register_tap_listener = register_tap_iotfp_bursts,
    };
    proto_register_plugin(&iotfp_protocols);
    tap_register_plugin(&iotfp_taps);
}
