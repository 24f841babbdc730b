#include "decrypted_labels.h"

#include <string.h>

#include "tshark_run.h"

enum { COL_FRAME, COL_TIME, COL_DEVICE, COL_BURST_START, COL_DECRYPTED, N_COLUMNS };

static const char *const fields[N_COLUMNS] = {
    "frame.number", "frame.time_epoch", "iotfp.device", "iotfp.burst.start", "miio.decrypted",
};

/* The value of "did" in the object, letters, digits and . - _ only, at most 64. */
static void append_device(GString *name, const char *object, gsize len)
{
    const char *key = g_strstr_len(object, (gssize)len, "\"did\":\"");
    if (key) {
        for (const char *c = key + 7; c < object + len && *c != '"' && name->len < 64; c++)
            if (g_ascii_isalnum(*c) || strchr(".-_", *c))
                g_string_append_c(name, *c);
    }
    if (name->len == 0)
        g_string_append(name, "action");
}

char *iotfp_decrypted_action_name(const char *object, gsize len)
{
    GString *name = g_string_new(NULL);
    append_device(name, object, len);
    guint32 hash = 0x811c9dc5u;
    for (gsize i = 0; i < len; i++)
        hash = (hash ^ (guchar)object[i]) * 0x01000193u;
    g_string_append_printf(name, "/%08x", hash);
    return g_string_free(name, FALSE);
}

/* The objects of the top-level "params":[...] list, as names joined by +;
 * NULL when the message is no request with such a list. Strings are
 * skipped so that braces inside them do not count. */
static char *action_set(const char *json)
{
    if (!strstr(json, "\"method\":"))
        return NULL;
    const char *list = strstr(json, "\"params\":[");
    if (!list)
        return NULL;
    GString *set = g_string_new(NULL);
    gint depth = 0;
    gboolean in_string = FALSE;
    const char *start = NULL;
    for (const char *c = list + 10; *c; c++) {
        if (in_string) {
            if (*c == '\\' && c[1])
                c++;
            else if (*c == '"')
                in_string = FALSE;
            continue;
        }
        if (*c == '"')
            in_string = TRUE;
        else if (*c == '{' && depth++ == 0)
            start = c;
        else if (*c == '}' && depth > 0 && --depth == 0) {
            char *name = iotfp_decrypted_action_name(start, (gsize)(c - start + 1));
            g_string_append_printf(set, "%s%s", set->len ? "+" : "", name);
            g_free(name);
        } else if ((*c == ']' || *c == '[') && depth == 0) {
            break;
        }
    }
    if (set->len == 0) {
        g_string_free(set, TRUE);
        return NULL;
    }
    return g_string_free(set, FALSE);
}

typedef struct {
    GString *labels;
    gint commands;
} collector;

static gboolean read_row(gchar **cols, const iotfp_tshark_position *position G_GNUC_UNUSED, void *data,
                         GError **error G_GNUC_UNUSED)
{
    collector *c = data;
    /* A command opens its burst; later messages (replies, reports) do not. */
    if (!*cols[COL_DECRYPTED] || !*cols[COL_DEVICE] || strcmp(cols[COL_FRAME], cols[COL_BURST_START]) != 0)
        return TRUE;
    /* -T fields prints quotes and control characters escaped; the NULs
     * padding the plaintext end the string. */
    char *json = g_strcompress(cols[COL_DECRYPTED]);
    char *set = action_set(json);
    g_free(json);
    if (!set)
        return TRUE;
    g_string_append_printf(c->labels, "%s,%s,%s\n", cols[COL_TIME], cols[COL_DEVICE], set);
    c->commands++;
    g_free(set);
    return TRUE;
}

gint iotfp_decrypted_labels_write(const char *capture, const char *program, guint burst_gap_ms,
                                  const char *const *tokens, const char *labels_path, GError **error)
{
    GPtrArray *arguments = g_ptr_array_new_with_free_func(g_free);
    const char *fixed[] = { "-n", "-2", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f" };
    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(arguments, g_strdup(fixed[i]));
    g_ptr_array_add(arguments, g_strdup("-o"));
    g_ptr_array_add(arguments, g_strdup_printf("iotfp.burst_gap:%u", burst_gap_ms));
    for (const char *const *token = tokens; *token; token++) {
        const char *colon = strchr(*token, ':');
        g_ptr_array_add(arguments, g_strdup("-o"));
        g_ptr_array_add(arguments, g_strdup_printf("uat:miio_tokens:\"%.*s\",\"%s\"", (int)(colon - *token), *token,
                                                   colon + 1));
    }
    iotfp_tshark_add_fields(arguments, fields, N_COLUMNS);
    iotfp_tshark_command command = { program, arguments, N_COLUMNS };
    collector c = { g_string_new("time,device_ip,event\n"), 0 };
    gboolean ok = iotfp_tshark_run(capture, &command, read_row, &c, error) &&
                  g_file_set_contents(labels_path, c.labels->str, (gssize)c.labels->len, error);
    g_ptr_array_free(arguments, TRUE);
    g_string_free(c.labels, TRUE);
    return ok ? c.commands : -1;
}
