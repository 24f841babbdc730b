/* Entry points that Wireshark's plugin loader looks up by name. */
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>
#include <ws_symbol_export.h>

#include "registration.h"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = IOTFP_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

static const proto_plugin protocols[] = {
    { proto_register_iotfp, proto_reg_handoff_iotfp },
    { proto_register_cs2, proto_reg_handoff_cs2 },
    { proto_register_joylink, proto_reg_handoff_joylink },
    { proto_register_miio, proto_reg_handoff_miio },
    { proto_register_tuya, proto_reg_handoff_tuya },
};

static const tap_plugin taps[] = {
    { register_tap_iotfp_bursts },
    { register_tap_iotfp_timeline },
    { register_stats_tree_iotfp },
};

void plugin_register(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(protocols); i++)
        proto_register_plugin(&protocols[i]);
    for (gsize i = 0; i < G_N_ELEMENTS(taps); i++)
        tap_register_plugin(&taps[i]);
}
