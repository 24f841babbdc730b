/* Every protocol and tap this plugin registers; plugin.c hands them to
 * Wireshark. A new dissector adds its two functions here and in plugin.c. */
#ifndef IOTFP_REGISTRATION_H
#define IOTFP_REGISTRATION_H

void proto_register_iotfp(void);
void proto_reg_handoff_iotfp(void);
void proto_register_cs2(void);
void proto_reg_handoff_cs2(void);
void proto_register_joylink(void);
void proto_reg_handoff_joylink(void);
void proto_register_miio(void);
void proto_reg_handoff_miio(void);
void proto_register_tuya(void);
void proto_reg_handoff_tuya(void);

void register_tap_iotfp_bursts(void);
void register_tap_iotfp_timeline(void);
void register_stats_tree_iotfp(void);

#endif
