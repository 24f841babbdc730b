/* Platform identification in the plugin: the rules in force (bundled and the
 * user's files) and the features of a dissected packet that the core's rules
 * look at (conv_features.h, platform_rules.h). */
#ifndef IOTFP_PLATFORM_FEATURES_H
#define IOTFP_PLATFORM_FEATURES_H

#include <epan/packet.h>
#include <epan/prefs.h>

#include "analysis.h"

/* Adds the platform_rules preference to the iotfp preferences. */
void iotfp_platform_register_prefs(module_t *module);

/* Loads the rules again when the files to read changed (the preference, or
 * which bundled file is found); reports files that fail to load, once per
 * change. The rules of the files that load are in force whatever the others
 * hold. */
void iotfp_platform_apply_prefs(void);

/* Resolves the other dissectors' fields; call from the handoff. Returns the
 * field ids the post-dissector must ask for, for the caller to add to its
 * wanted list. */
GArray *iotfp_platform_wanted_fields(void);

/* First pass only: adds what the packet shows to its conversation's features
 * and decides the platform again when something new appeared. */
void iotfp_platform_observe(packet_info *pinfo, proto_tree *tree, iotfp_analysis *analysis, guint32 conv_id,
                            const iotfp_packet *packet);

#endif
