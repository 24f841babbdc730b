/* event_signatures.c
 * Signatures are looked for, in this order (for one model, the first wins):
 * the folders and files of the iotfp.signature_path preference, then
 * iotfp/signatures under the user's and the system's XDG data folders
 * (~/.local/share, /usr/local/share, /usr/share), where `make install`
 * puts the bundled ones.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "event_signatures.h"

#include <epan/uat.h>
#include <wsutil/report_message.h>

typedef struct {
    char *address;
    char *model;
} model_pin;

static const char *pref_signature_path = "";
static char *loaded_path;            /* the search path the set was loaded from */
static iotfp_signature_set *signatures;
/* For the life of the process: a file broken by an edit keeps its signature. */
static iotfp_good_texts *good_signature_texts;

static model_pin *pins;
static guint n_pins;
static GHashTable *pin_by_address;   /* iotfp_addr -> model string (in pins) */

UAT_CSTRING_CB_DEF(model_pin, address, model_pin)
UAT_CSTRING_CB_DEF(model_pin, model, model_pin)

/* What the preference names must exist; the XDG folders need not. The
 * returned text also tells whether anything changed since the last load. */
static char *search_path(GPtrArray *required, GPtrArray *optional)
{
    GString *all = g_string_new(NULL);
    gchar **entries = g_strsplit(pref_signature_path, G_SEARCHPATH_SEPARATOR_S, -1);
    for (gchar **entry = entries; *entry; entry++)
        if (*g_strstrip(*entry)) {
            g_ptr_array_add(required, g_strdup(*entry));
            g_string_append_printf(all, "%s\n", *entry);
        }
    g_strfreev(entries);
    g_ptr_array_add(optional, g_build_filename(g_get_user_data_dir(), "iotfp", "signatures", NULL));
    for (const char *const *dir = g_get_system_data_dirs(); *dir; dir++)
        g_ptr_array_add(optional, g_build_filename(*dir, "iotfp", "signatures", NULL));
    for (guint i = 0; i < optional->len; i++)
        g_string_append_printf(all, "%s\n", (char *)g_ptr_array_index(optional, i));
    return g_string_free(all, FALSE);
}

void iotfp_signatures_apply_prefs(void)
{
    GPtrArray *required = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *optional = g_ptr_array_new_with_free_func(g_free);
    char *path = search_path(required, optional);
    if (signatures && g_strcmp0(path, loaded_path) == 0) {
        g_free(path);
        g_ptr_array_free(required, TRUE);
        g_ptr_array_free(optional, TRUE);
        return;
    }
    if (!good_signature_texts)
        good_signature_texts = iotfp_good_texts_new();
    iotfp_signature_set *set = iotfp_signature_set_new();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < required->len; i++)
        iotfp_signature_set_load(set, g_ptr_array_index(required, i), good_signature_texts, errors);
    for (guint i = 0; i < optional->len; i++)
        if (g_file_test(g_ptr_array_index(optional, i), G_FILE_TEST_IS_DIR))
            iotfp_signature_set_load(set, g_ptr_array_index(optional, i), good_signature_texts, errors);
    if (errors->len) {
        g_ptr_array_add(errors, NULL);
        gchar *all = g_strjoinv("\n", (gchar **)errors->pdata);
        report_failure("IoT Fingerprint: %u signature file(s) could not be read as they are; %u signatures are in "
                       "force:\n%s", errors->len - 1, iotfp_signature_set_size(set), all);
        g_free(all);
    }
    g_ptr_array_free(errors, TRUE);
    g_ptr_array_free(required, TRUE);
    g_ptr_array_free(optional, TRUE);
    iotfp_signature_set_free(signatures);
    signatures = set;
    g_free(loaded_path);
    loaded_path = path;
}

const iotfp_signature_set *iotfp_signatures(void)
{
    if (!signatures)
        iotfp_signatures_apply_prefs();
    return signatures;
}

static gboolean pin_check_address(void *record _U_, const char *text, unsigned len, const void *u1 _U_,
                                  const void *u2 _U_, char **error)
{
    gchar *copy = g_strndup(text, len);
    iotfp_addr addr;
    gboolean ok = iotfp_addr_parse(&addr, copy);
    if (!ok)
        *error = g_strdup_printf("'%s' is not an IPv4 or IPv6 address", copy);
    g_free(copy);
    return ok;
}

static void *pin_copy(void *dest, const void *source, size_t len _U_)
{
    model_pin *d = dest;
    const model_pin *s = source;
    d->address = g_strdup(s->address);
    d->model = g_strdup(s->model);
    return d;
}

static void pin_free(void *record)
{
    model_pin *pin = record;
    g_free(pin->address);
    g_free(pin->model);
}

static guint addr_hash(gconstpointer p) { return iotfp_addr_hash(p); }
static gboolean addr_equal(gconstpointer a, gconstpointer b) { return iotfp_addr_equal(a, b); }

static void pins_changed(void)
{
    if (pin_by_address)
        g_hash_table_destroy(pin_by_address);
    pin_by_address = g_hash_table_new_full(addr_hash, addr_equal, g_free, NULL);
    for (guint i = 0; i < n_pins; i++) {
        iotfp_addr *addr = g_new(iotfp_addr, 1);
        if (pins[i].address && pins[i].model && iotfp_addr_parse(addr, pins[i].address))
            g_hash_table_replace(pin_by_address, addr, pins[i].model);
        else
            g_free(addr);
    }
}

static void pins_reset(void)
{
    if (pin_by_address)
        g_hash_table_remove_all(pin_by_address);
}

const char *iotfp_pinned_model(const iotfp_addr *device)
{
    return pin_by_address ? g_hash_table_lookup(pin_by_address, device) : NULL;
}

void iotfp_signatures_register_prefs(module_t *module)
{
    static uat_field_t pin_fields[] = {
        UAT_FLD_CSTRING_OTHER(model_pin, address, "Device address", pin_check_address,
                              "IPv4 or IPv6 address of a home device"),
        UAT_FLD_CSTRING(model_pin, model, "Model", "Model name as in its signature file, e.g. tplink-plug"),
        UAT_END_FIELDS
    };
    prefs_register_string_preference(module, "signature_path", "Signature path",
        "Folders or .sig files with event signatures, separated by '" G_SEARCHPATH_SEPARATOR_S "'. "
        "Looked at before the bundled signatures (XDG data folders, iotfp/signatures).",
        &pref_signature_path);
    uat_t *uat = uat_new("IoT device models", sizeof(model_pin), "iotfp_device_models", TRUE, &pins, &n_pins,
                         UAT_AFFECTS_DISSECTION, NULL, pin_copy, NULL, pin_free, pins_changed, pins_reset,
                         pin_fields);
    prefs_register_uat_preference(module, "device_models", "Device models",
        "Pin a device address to a signature's model, when its conversations do not show which it is.", uat);
}
