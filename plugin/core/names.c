#include "names.h"

typedef struct {
    iotfp_addr addr;
    const char *name;   /* interned in names->strings */
    iotfp_name_source source;
} name_entry;

struct iotfp_names {
    GHashTable *by_addr;   /* iotfp_addr -> name_entry (key inside the value) */
    GStringChunk *strings; /* each distinct name stored once */
};

static guint addr_hash(gconstpointer p) { return iotfp_addr_hash(p); }
static gboolean addr_equal(gconstpointer a, gconstpointer b) { return iotfp_addr_equal(a, b); }

iotfp_names *iotfp_names_new(void)
{
    iotfp_names *names = g_new0(iotfp_names, 1);
    names->by_addr = g_hash_table_new_full(addr_hash, addr_equal, NULL, g_free);
    names->strings = g_string_chunk_new(4096);
    return names;
}

void iotfp_names_free(iotfp_names *names)
{
    if (!names)
        return;
    g_hash_table_destroy(names->by_addr);
    g_string_chunk_free(names->strings);
    g_free(names);
}

void iotfp_names_learn(iotfp_names *names, const iotfp_addr *addr, const char *name,
                       iotfp_name_source source)
{
    if (!name || !*name)
        return;
    name_entry *entry = g_hash_table_lookup(names->by_addr, addr);
    if (entry && entry->source > source)
        return;
    if (!entry) {
        entry = g_new0(name_entry, 1);
        entry->addr = *addr;
        g_hash_table_insert(names->by_addr, &entry->addr, entry);
    }
    entry->name = g_string_chunk_insert_const(names->strings, name);
    entry->source = source;
}

const char *iotfp_names_lookup(const iotfp_names *names, const iotfp_addr *addr)
{
    const name_entry *entry = g_hash_table_lookup(names->by_addr, addr);
    return entry ? entry->name : NULL;
}
