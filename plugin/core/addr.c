#define _POSIX_C_SOURCE 200809L
#include "addr.h"

#include <arpa/inet.h>
#include <string.h>

G_DEFINE_QUARK(iotfp-error-quark, iotfp_error)

gboolean iotfp_error_at(GError **error, const char *source, guint line, const char *format, va_list args)
{
    gchar *message = g_strdup_vprintf(format, args);
    /* A message quotes what it refuses: of a garbage word, its start only. */
    if (strlen(message) > IOTFP_MESSAGE_MAX) {
        const gchar *cut = g_utf8_find_prev_char(message, message + IOTFP_MESSAGE_MAX);
        gchar *shortened = g_strdup_printf("%.*s...", (int)(cut - message), message);
        g_free(message);
        message = shortened;
    }
    if (line)
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s:%u: %s", source, line, message);
    else /* about the whole file */
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: %s", source, message);
    g_free(message);
    return FALSE;
}

void iotfp_addr_set_ipv4(iotfp_addr *addr, const guint8 bytes[4])
{
    memset(addr, 0, sizeof *addr);
    addr->family = IOTFP_AF_INET;
    memcpy(addr->bytes, bytes, 4);
}

void iotfp_addr_set_ipv6(iotfp_addr *addr, const guint8 bytes[16])
{
    addr->family = IOTFP_AF_INET6;
    memcpy(addr->bytes, bytes, 16);
}

gboolean iotfp_addr_parse(iotfp_addr *addr, const char *text)
{
    guint8 buf[16];
    if (inet_pton(AF_INET, text, buf) == 1) {
        iotfp_addr_set_ipv4(addr, buf);
        return TRUE;
    }
    if (inet_pton(AF_INET6, text, buf) == 1) {
        iotfp_addr_set_ipv6(addr, buf);
        return TRUE;
    }
    return FALSE;
}

/* The plugin labels two addresses on every packet it shows; glibc's
 * inet_ntop goes through sprintf for IPv4, which cost more than the rest of
 * the label put together. */
static void format_ipv4(const guint8 bytes[4], char *buf)
{
    char *out = buf;
    for (int i = 0; i < 4; i++) {
        guint8 b = bytes[i];
        if (b >= 100)
            *out++ = (char)('0' + b / 100);
        if (b >= 10)
            *out++ = (char)('0' + b / 10 % 10);
        *out++ = (char)('0' + b % 10);
        *out++ = i < 3 ? '.' : '\0';
    }
}

void iotfp_addr_format(const iotfp_addr *addr, char *buf)
{
    if (addr->family == IOTFP_AF_INET)
        format_ipv4(addr->bytes, buf);
    else if (addr->family != IOTFP_AF_INET6 || !inet_ntop(AF_INET6, addr->bytes, buf, IOTFP_ADDR_STRLEN))
        g_strlcpy(buf, "-", IOTFP_ADDR_STRLEN);
}

static gsize addr_len(const iotfp_addr *addr)
{
    return addr->family == IOTFP_AF_INET ? 4 : addr->family == IOTFP_AF_INET6 ? 16 : 0;
}

gboolean iotfp_addr_equal(const iotfp_addr *a, const iotfp_addr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, addr_len(a)) == 0;
}

guint iotfp_addr_hash(const iotfp_addr *addr)
{
    /* FNV-1a: cheap, and good enough for addresses that differ in few bytes. */
    guint32 h = 2166136261u ^ addr->family;
    for (gsize i = 0; i < addr_len(addr); i++)
        h = (h ^ addr->bytes[i]) * 16777619u;
    return h;
}

int iotfp_addr_compare(const iotfp_addr *a, const iotfp_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->bytes, b->bytes, addr_len(a));
}

gboolean iotfp_addr_is_group(const iotfp_addr *addr)
{
    static const guint8 limited_broadcast[4] = { 255, 255, 255, 255 };
    if (addr->family == IOTFP_AF_INET)
        return (addr->bytes[0] & 0xf0) == 0xe0 || memcmp(addr->bytes, limited_broadcast, 4) == 0;
    if (addr->family == IOTFP_AF_INET6)
        return addr->bytes[0] == 0xff;
    return FALSE;
}

static gboolean prefix_contains(const iotfp_prefix *prefix, const iotfp_addr *addr)
{
    if (prefix->addr.family != addr->family)
        return FALSE;
    guint whole = prefix->bits / 8, rest = prefix->bits % 8;
    if (memcmp(prefix->addr.bytes, addr->bytes, whole) != 0)
        return FALSE;
    if (rest == 0)
        return TRUE;
    guint8 mask = (guint8)(0xff << (8 - rest));
    return (prefix->addr.bytes[whole] & mask) == (addr->bytes[whole] & mask);
}

static gboolean parse_prefix(const char *item, iotfp_prefix *prefix, GError **error)
{
    gchar **parts = g_strsplit(item, "/", 2);
    gboolean ok = iotfp_addr_parse(&prefix->addr, parts[0]);
    guint max_bits = prefix->addr.family == IOTFP_AF_INET ? 32 : 128;
    guint64 bits = max_bits;
    if (ok && parts[1] != NULL)
        ok = g_ascii_string_to_unsigned(parts[1], 10, 0, max_bits, &bits, NULL);
    g_strfreev(parts);
    if (!ok) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE,
                    "'%s' is not a network such as 192.168.0.0/16 or fd00::/8", item);
        return FALSE;
    }
    prefix->bits = (guint8)bits;
    /* Clear host bits so that "192.168.1.7/24" means the whole /24. */
    for (guint i = 0; i < 16; i++) {
        guint keep = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? (guint)(bits - 8 * i) : 0;
        prefix->addr.bytes[i] &= (guint8)(0xff00 >> keep);
    }
    return TRUE;
}

iotfp_netlist *iotfp_netlist_parse(const char *text, GError **error)
{
    iotfp_netlist *list = g_new0(iotfp_netlist, 1);
    list->prefixes = g_array_new(FALSE, FALSE, sizeof(iotfp_prefix));
    gchar **items = g_strsplit_set(text ? text : "", ", \t\n", -1);
    for (gchar **item = items; *item; item++) {
        iotfp_prefix prefix = { 0 };
        if (**item == '\0')
            continue;
        if (!parse_prefix(*item, &prefix, error)) {
            g_strfreev(items);
            iotfp_netlist_free(list);
            return NULL;
        }
        g_array_append_val(list->prefixes, prefix);
    }
    g_strfreev(items);
    return list;
}

iotfp_netlist *iotfp_netlist_copy(const iotfp_netlist *list)
{
    iotfp_netlist *copy = g_new0(iotfp_netlist, 1);
    copy->prefixes = g_array_copy(list->prefixes);
    return copy;
}

void iotfp_netlist_free(iotfp_netlist *list)
{
    if (!list)
        return;
    g_array_free(list->prefixes, TRUE);
    g_free(list);
}

gboolean iotfp_netlist_contains(const iotfp_netlist *list, const iotfp_addr *addr)
{
    for (guint i = 0; i < list->prefixes->len; i++)
        if (prefix_contains(&g_array_index(list->prefixes, iotfp_prefix, i), addr))
            return TRUE;
    return FALSE;
}
