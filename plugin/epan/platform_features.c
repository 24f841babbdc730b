/* platform_features.c
 * The bundled platform rules are iotfp/signatures/platforms.rules under the
 * user's XDG data folder or else the system's (~/.local/share,
 * /usr/local/share, /usr/share), where `make install` puts them: the first
 * copy that loads (bundled_files.h). The files
 * of the iotfp.platform_rules preference are read after it and take
 * precedence over it (later files over earlier ones).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "platform_features.h"

#include <string.h>

#include <wsutil/report_message.h>

#include "bundled_files.h"
#include "conv_features.h"
#include "field_values.h"
#include "platform_rules.h"

#define BUNDLED_RULES "platforms.rules"

typedef struct {
    int proto_id;
    const char *name; /* as the rules name it; valid while they are in force */
} magic_protocol;

static const char *pref_platform_rules = "";
static char *loaded_files;             /* the files the rules were read from */
static iotfp_platform_rules *rules;
/* For the life of the process: a file broken by an edit keeps its rules. */
static iotfp_good_texts *good_rule_texts;
/* The dissectors that the rules' 'magic' conditions name and that exist. */
static GArray *magic_protocols;

static struct {
    int sni;
    int http_host;
    int http_server;
    int mqtt_client;
    int tls_psk_hint;
    int tls_psk_hint_len;
} hf = { -1, -1, -1, -1, -1, -1 };

void iotfp_platform_register_prefs(module_t *module)
{
    prefs_register_string_preference(module, "platform_rules", "Platform rules",
        "Rule files that identify IoT platforms, separated by '" G_SEARCHPATH_SEPARATOR_S "'. Read after the "
        "bundled rules (XDG data folders, iotfp/signatures/" BUNDLED_RULES "); a later file takes precedence.",
        &pref_platform_rules);
}

/* The user's files, from the preference. The joined list, with the
 * installed copies of the bundled file, tells whether anything changed since
 * the last load. */
static GPtrArray *files_to_read(char **joined)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    gchar **entries = g_strsplit(pref_platform_rules, G_SEARCHPATH_SEPARATOR_S, -1);
    for (gchar **entry = entries; *entry; entry++)
        if (*g_strstrip(*entry))
            g_ptr_array_add(files, g_strdup(*entry));
    g_strfreev(entries);
    GString *all = g_string_new(NULL);
    char *bundled = iotfp_bundled_file_list(BUNDLED_RULES);
    g_string_append(all, bundled);
    g_free(bundled);
    for (guint i = 0; i < files->len; i++)
        g_string_append_printf(all, "%s\n", (char *)g_ptr_array_index(files, i));
    *joined = g_string_free(all, FALSE);
    return files;
}

static gboolean load_rules_file(const char *path, gpointer set, GError **error)
{
    return iotfp_platform_rules_load(set, path, good_rule_texts, error);
}

/* A 'magic' condition naming a dissector this Wireshark lacks (miio before it
 * is built, a typo) simply never holds. */
static void resolve_magic(void)
{
    if (magic_protocols)
        g_array_free(magic_protocols, TRUE);
    magic_protocols = g_array_new(FALSE, FALSE, sizeof(magic_protocol));
    const GPtrArray *names = iotfp_platform_rules_magic_names(rules);
    for (guint i = 0; i < names->len; i++) {
        magic_protocol magic = { proto_get_id_by_filter_name(g_ptr_array_index(names, i)),
                                 g_ptr_array_index(names, i) };
        if (magic.proto_id >= 0)
            g_array_append_val(magic_protocols, magic);
    }
}

void iotfp_platform_apply_prefs(void)
{
    char *joined;
    GPtrArray *files = files_to_read(&joined);
    if (rules && g_strcmp0(joined, loaded_files) == 0) {
        g_free(joined);
        g_ptr_array_free(files, TRUE);
        return;
    }
    if (!good_rule_texts)
        good_rule_texts = iotfp_good_texts_new();
    iotfp_platform_rules *set = iotfp_platform_rules_new();
    g_free(iotfp_load_bundled_file(BUNDLED_RULES, "platform rules", load_rules_file, set));
    GString *errors = g_string_new(NULL);
    guint failed = 0;
    for (guint i = 0; i < files->len; i++) {
        GError *error = NULL;
        load_rules_file(g_ptr_array_index(files, i), set, &error);
        if (error) {
            g_string_append_printf(errors, "\n%s", error->message);
            g_error_free(error);
            failed++;
        }
    }
    if (failed)
        report_failure("IoT Fingerprint: %u platform rules file(s) could not be read as they are; %u rules are in "
                       "force:%s", failed, iotfp_platform_rules_count(set), errors->str);
    g_string_free(errors, TRUE);
    g_ptr_array_free(files, TRUE);
    iotfp_platform_rules_free(rules);
    rules = set;
    g_free(loaded_files);
    loaded_files = joined;
    resolve_magic();
}

GArray *iotfp_platform_wanted_fields(void)
{
    hf.sni = iotfp_field_id("tls.handshake.extensions_server_name");
    hf.http_host = iotfp_field_id("http.host");
    hf.http_server = iotfp_field_id("http.server");
    hf.mqtt_client = iotfp_field_id("mqtt.clientid");
    hf.tls_psk_hint = iotfp_field_id("tls.handshake.hint");
    hf.tls_psk_hint_len = iotfp_field_id("tls.handshake.hint_len");
    const int ids[] = { hf.sni, hf.http_host, hf.http_server, hf.mqtt_client, hf.tls_psk_hint, hf.tls_psk_hint_len };
    return iotfp_field_id_array(ids, G_N_ELEMENTS(ids));
}

/* Layers are few (Ethernet, IP, UDP, miIO) and so are magic protocols. */
static gboolean add_magic(packet_info *pinfo, iotfp_conv_features *features)
{
    gboolean added = FALSE;
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); layer; layer = wmem_list_frame_next(layer)) {
        int proto_id = GPOINTER_TO_INT(wmem_list_frame_data(layer));
        for (guint i = 0; i < magic_protocols->len; i++) {
            const magic_protocol *magic = &g_array_index(magic_protocols, magic_protocol, i);
            if (magic->proto_id == proto_id)
                added |= iotfp_conv_features_add(features, IOTFP_FEATURE_MAGIC, magic->name);
        }
    }
    return added;
}

static gboolean add_string(proto_tree *tree, int field, iotfp_conv_features *features, iotfp_feature_kind kind)
{
    return iotfp_conv_features_add(features, kind, iotfp_field_first_string(tree, field));
}

/* "hub.example.com:8080" is the name hub.example.com; a bracketed IPv6
 * literal keeps its colons. */
static gboolean add_http_host(proto_tree *tree, iotfp_conv_features *features)
{
    const char *host = iotfp_field_first_string(tree, hf.http_host);
    if (!host)
        return FALSE;
    char name[IOTFP_FEATURE_VALUE_MAX + 1];
    g_strlcpy(name, host, sizeof name);
    char *colon = strrchr(name, ':');
    if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
        (name[0] == '[' || strchr(name, ':') == colon))
        *colon = '\0';
    return iotfp_conv_features_add(features, IOTFP_FEATURE_HTTP_HOST, name);
}

/* A PSK identity hint is bytes; the ones that tell a platform are text
 * (Tuya's), anything else is kept as hex. Its length is read from the length
 * field next to it: the TLS dissector adds the hint with exactly that many
 * bytes (a shorter packet throws before the hint is added), and Wireshark 4.0
 * exports no way to ask a byte field its length. */
static gboolean add_psk_hint(proto_tree *tree, iotfp_conv_features *features)
{
    GPtrArray *found = iotfp_field_occurrences(tree, hf.tls_psk_hint);
    guint32 hint_len;
    if (!found || !iotfp_field_last_uint(tree, hf.tls_psk_hint_len, &hint_len))
        return FALSE;
    const guint8 *bytes = fvalue_get_bytes(iotfp_field_value(g_ptr_array_index(found, found->len - 1)));
    guint len = MIN(hint_len, IOTFP_FEATURE_VALUE_MAX / 2);
    gboolean text = len > 0;
    for (guint i = 0; i < len && text; i++)
        text = g_ascii_isprint(bytes[i]);
    char out[IOTFP_FEATURE_VALUE_MAX + 1];
    for (guint i = 0; i < len; i++) {
        if (text)
            out[i] = (char)bytes[i];
        else
            g_snprintf(out + 2 * i, 3, "%02x", bytes[i]);
    }
    out[text ? len : 2 * len] = '\0';
    return iotfp_conv_features_add(features, IOTFP_FEATURE_TLS_PSK_HINT, out);
}

void iotfp_platform_observe(packet_info *pinfo, proto_tree *tree, iotfp_analysis *analysis, guint32 conv_id,
                            const iotfp_packet *packet)
{
    if (!rules)
        iotfp_platform_apply_prefs();
    iotfp_conv_features *features = iotfp_analysis_conv_features(analysis, conv_id);
    const iotfp_conv *conv = iotfp_analysis_conv(analysis, conv_id);
    gboolean added = iotfp_conv_features_add_packet(features, conv, packet);
    added |= iotfp_conv_features_add_name(features, iotfp_analysis_peer_name(analysis, conv));
    added |= add_magic(pinfo, features);
    added |= add_string(tree, hf.sni, features, IOTFP_FEATURE_SNI);
    added |= add_http_host(tree, features);
    added |= add_string(tree, hf.http_server, features, IOTFP_FEATURE_HTTP_SERVER);
    added |= add_string(tree, hf.mqtt_client, features, IOTFP_FEATURE_MQTT_CLIENT);
    added |= add_psk_hint(tree, features);
    /* Deciding costs a pass over the rules: only when the evidence grew. */
    if (added)
        iotfp_platform_rules_apply(rules, features);
}
