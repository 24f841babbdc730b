/* cs2.c - recognising CS2 P2P messages (cs2.h). */
#include "cs2.h"

static const struct {
    guint8 type;
    const char *name;
} cs2_types[] = {
    { IOTFP_CS2_HELLO, "HELLO" },
    { IOTFP_CS2_HELLO_ACK, "HELLO_ACK" },
    { IOTFP_CS2_DEV_LGN, "DEV_LGN" },
    { IOTFP_CS2_DEV_LGN_ACK, "DEV_LGN_ACK" },
    { IOTFP_CS2_DEV_LGN_CRC, "DEV_LGN_CRC" },
    { IOTFP_CS2_DEV_LGN_ACK_CRC, "DEV_LGN_ACK_CRC" },
    { IOTFP_CS2_P2P_REQ, "P2P_REQ" },
    { IOTFP_CS2_P2P_REQ_ACK, "P2P_REQ_ACK" },
    { IOTFP_CS2_LAN_SEARCH, "LAN_SEARCH" },
    { IOTFP_CS2_PUNCH_TO, "PUNCH_TO" },
    { IOTFP_CS2_PUNCH_PKT, "PUNCH_PKT" },
    { IOTFP_CS2_P2P_RDY, "P2P_RDY" },
    { IOTFP_CS2_P2P_RDY_ACK, "P2P_RDY_ACK" },
    { IOTFP_CS2_DRW, "DRW" },
    { IOTFP_CS2_DRW_ACK, "DRW_ACK" },
    { IOTFP_CS2_ALIVE, "ALIVE" },
    { IOTFP_CS2_ALIVE_ACK, "ALIVE_ACK" },
    { IOTFP_CS2_CLOSE, "CLOSE" },
};

G_STATIC_ASSERT(G_N_ELEMENTS(cs2_types) == IOTFP_CS2_N_TYPES);

void iotfp_cs2_type_at(guint i, guint8 *type, const char **name)
{
    g_assert(i < IOTFP_CS2_N_TYPES);
    *type = cs2_types[i].type;
    *name = cs2_types[i].name;
}

const char *iotfp_cs2_type_name(guint8 type)
{
    for (gsize i = 0; i < G_N_ELEMENTS(cs2_types); i++)
        if (cs2_types[i].type == type)
            return cs2_types[i].name;
    return NULL;
}

gboolean iotfp_cs2_parse(const guint8 *data, gsize len, iotfp_cs2_header *out)
{
    if (len < IOTFP_CS2_HEADER_LEN || data[0] != IOTFP_CS2_MAGIC || !iotfp_cs2_type_name(data[1]))
        return FALSE;
    guint16 length = (guint16)((data[2] << 8) | data[3]);
    if (length != len - IOTFP_CS2_HEADER_LEN)
        return FALSE;
    out->type = data[1];
    out->length = length;
    return TRUE;
}
