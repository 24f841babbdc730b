/* Network addresses and prefix lists, independent of Wireshark's address type
 * so that the core can be unit-tested and reused by the command-line tools. */
#ifndef IOTFP_ADDR_H
#define IOTFP_ADDR_H

#include <glib.h>

typedef enum {
    IOTFP_AF_NONE = 0,
    IOTFP_AF_INET = 4,
    IOTFP_AF_INET6 = 6,
} iotfp_family;

typedef struct {
    guint8 family;      /* iotfp_family */
    guint8 bytes[16];   /* network order; IPv4 uses the first 4 */
} iotfp_addr;

typedef struct {
    iotfp_addr addr;
    guint8 bits;
} iotfp_prefix;

/* An ordered set of prefixes, e.g. the networks that make up "home". */
typedef struct {
    GArray *prefixes; /* of iotfp_prefix */
} iotfp_netlist;

void iotfp_addr_set_ipv4(iotfp_addr *addr, const guint8 bytes[4]);
void iotfp_addr_set_ipv6(iotfp_addr *addr, const guint8 bytes[16]);
gboolean iotfp_addr_parse(iotfp_addr *addr, const char *text);
/* Writes the canonical text form into buf (at least IOTFP_ADDR_STRLEN bytes). */
#define IOTFP_ADDR_STRLEN 46
void iotfp_addr_format(const iotfp_addr *addr, char *buf);

gboolean iotfp_addr_equal(const iotfp_addr *a, const iotfp_addr *b);
guint iotfp_addr_hash(const iotfp_addr *addr);
/* Orders by family, then bytes: gives conversations a stable side order. */
int iotfp_addr_compare(const iotfp_addr *a, const iotfp_addr *b);

/* Broadcast (IPv4 limited broadcast) or multicast (IPv4 224/4, IPv6 ff00::/8). */
gboolean iotfp_addr_is_group(const iotfp_addr *addr);

/* Parses a comma- or space-separated list of CIDR prefixes such as
 * "10.0.0.0/8, fd00::/8". On error returns NULL and sets error to a message
 * naming the offending item; the caller keeps whatever list it had. */
iotfp_netlist *iotfp_netlist_parse(const char *text, GError **error);
iotfp_netlist *iotfp_netlist_copy(const iotfp_netlist *list);
void iotfp_netlist_free(iotfp_netlist *list);
gboolean iotfp_netlist_contains(const iotfp_netlist *list, const iotfp_addr *addr);

/* RFC 1918, RFC 6598 shared space, IPv4 and IPv6 link-local, IPv6 unique-local. */
#define IOTFP_DEFAULT_HOME_NETWORKS \
    "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16, " \
    "fc00::/7, fe80::/10"

#define IOTFP_ERROR (iotfp_error_quark())
GQuark iotfp_error_quark(void);
typedef enum {
    IOTFP_ERROR_PARSE,
    IOTFP_ERROR_IO,
} iotfp_error_code;

#define IOTFP_MESSAGE_MAX 300 /* bytes of a parse error's message, after SOURCE:LINE */

/* Sets a parse error "SOURCE:LINE: message" ("SOURCE: message" for line 0,
 * about the whole file), the form every file reader of the project reports
 * in; always returns FALSE, to end a parse step. */
gboolean iotfp_error_at(GError **error, const char *source, guint line, const char *format, va_list args)
    G_GNUC_PRINTF(4, 0);

#endif
