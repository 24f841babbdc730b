/* decrypted_labels.h - iotfp-learn --actions --labels-from-decryption: the
 * labels of a miIO gateway's commands read from the commands themselves.
 * tshark with the plugin and the user's miIO tokens decrypts each message
 * (the miIO dissector's token table); every burst that opens with a JSON
 * request carrying a "params" list is a command, and each object of that
 * list one action. An action is named after its device ("did") and an
 * FNV-1a hash of its exact JSON text, "lumi.curtain.hagl04/5f3a9c1e": the
 * same object always gets the same name, a changed value another. The
 * labels are written as a labels CSV (time,device_ip,event), so that the
 * rest of the learning pairs them with bursts as it pairs hand labels. */
#ifndef IOTFP_DECRYPTED_LABELS_H
#define IOTFP_DECRYPTED_LABELS_H

#include <glib.h>

/* tokens: NULL-terminated "DEVICE_ID:TOKEN_HEX" strings. Writes labels_path
 * and returns the number of commands found, or -1 with error set. */
gint iotfp_decrypted_labels_write(const char *capture, const char *program, guint burst_gap_ms,
                                  const char *const *tokens, const char *labels_path, GError **error);

/* The action name of one JSON object (the text as sent): the device, of
 * letters, digits and . - _ (at most 64; "action" when there is none),
 * then '/' and the hash in 8 hex digits. */
char *iotfp_decrypted_action_name(const char *object, gsize len);

#endif
