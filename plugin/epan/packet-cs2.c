/* packet-cs2.c
 * CS2 Network's P2P protocol ("PPPP") of IP cameras and their apps, on UDP:
 * found by its header wherever it runs (the ports are random after the
 * hole punch), and on 32100, its servers' port. The core recognises the
 * messages (cs2.h); this file shows them, so that the platform rules can
 * name the conversation ("magic cs2").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>

#include "cs2.h"
#include "registration.h"

#define CS2_SERVER_UDP_PORT 32100

static int proto_cs2 = -1;

static int hf_cs2_magic = -1;
static int hf_cs2_type = -1;
static int hf_cs2_length = -1;
static int hf_cs2_drw_channel = -1;
static int hf_cs2_drw_index = -1;
static int hf_cs2_payload = -1;

static gint ett_cs2 = -1;

static dissector_handle_t cs2_handle;

/* Filled from the core's list at registration (iotfp_cs2_type_at). */
static value_string cs2_type_vals[IOTFP_CS2_N_TYPES + 1];

static gboolean parse(tvbuff_t *tvb, iotfp_cs2_header *header)
{
    guint len = tvb_captured_length(tvb);
    /* A cut datagram cannot show its length adds up: not claimed. */
    return len == tvb_reported_length(tvb) && iotfp_cs2_parse(tvb_get_ptr(tvb, 0, len), len, header);
}

static int dissect_cs2(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    iotfp_cs2_header header;
    if (!parse(tvb, &header))
        return 0;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "CS2 P2P");
    col_add_str(pinfo->cinfo, COL_INFO, iotfp_cs2_type_name(header.type));
    proto_item *root = proto_tree_add_item(tree, proto_cs2, tvb, 0, -1, ENC_NA);
    proto_tree *cs2_tree = proto_item_add_subtree(root, ett_cs2);
    proto_tree_add_item(cs2_tree, hf_cs2_magic, tvb, 0, 1, ENC_NA);
    proto_tree_add_item(cs2_tree, hf_cs2_type, tvb, 1, 1, ENC_NA);
    proto_tree_add_item(cs2_tree, hf_cs2_length, tvb, 2, 2, ENC_BIG_ENDIAN);
    gint offset = IOTFP_CS2_HEADER_LEN;
    if ((header.type == IOTFP_CS2_DRW || header.type == IOTFP_CS2_DRW_ACK) &&
        header.length >= IOTFP_CS2_DRW_HEADER_LEN && tvb_get_guint8(tvb, offset) == IOTFP_CS2_DRW_MARKER) {
        proto_tree_add_item(cs2_tree, hf_cs2_drw_channel, tvb, offset + 1, 1, ENC_NA);
        proto_tree_add_item(cs2_tree, hf_cs2_drw_index, tvb, offset + 2, 2, ENC_BIG_ENDIAN);
        offset += IOTFP_CS2_DRW_HEADER_LEN;
    }
    if (tvb_reported_length_remaining(tvb, offset) > 0)
        proto_tree_add_item(cs2_tree, hf_cs2_payload, tvb, offset, -1, ENC_NA);
    return tvb_captured_length(tvb);
}

static gboolean dissect_cs2_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    return dissect_cs2(tvb, pinfo, tree, data) > 0;
}

void proto_register_cs2(void)
{
    static hf_register_info hf[] = {
        { &hf_cs2_magic,
          { "Magic", "cs2.magic", FT_UINT8, BASE_HEX, NULL, 0x0, "Start of a CS2 P2P message: 0xF1", HFILL } },
        { &hf_cs2_type,
          { "Type", "cs2.type", FT_UINT8, BASE_HEX, VALS(cs2_type_vals), 0x0,
            "What the message does: server login (DEV_LGN), hole punching (PUNCH_PKT, P2P_RDY), keep-alive "
            "(ALIVE), data on a channel (DRW)", HFILL } },
        { &hf_cs2_length,
          { "Length", "cs2.length", FT_UINT16, BASE_DEC, NULL, 0x0, "Bytes after the 4-byte header", HFILL } },
        { &hf_cs2_drw_channel,
          { "Channel", "cs2.drw.channel", FT_UINT8, BASE_DEC, NULL, 0x0,
            "The DRW channel: the vendor's split of commands, video and audio", HFILL } },
        { &hf_cs2_drw_index,
          { "Index", "cs2.drw.index", FT_UINT16, BASE_DEC, NULL, 0x0,
            "DRW: the message's number on its channel; DRW_ACK: how many are acknowledged", HFILL } },
        { &hf_cs2_payload,
          { "Payload", "cs2.payload", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The vendor's data, often encrypted", HFILL } },
    };
    static gint *ett[] = { &ett_cs2 };
    for (guint i = 0; i < IOTFP_CS2_N_TYPES; i++) {
        guint8 type;
        iotfp_cs2_type_at(i, &type, &cs2_type_vals[i].strptr);
        cs2_type_vals[i].value = type;
    }
    proto_cs2 = proto_register_protocol("CS2 Network P2P", "CS2 P2P", "cs2");
    proto_register_field_array(proto_cs2, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    cs2_handle = register_dissector("cs2", dissect_cs2, proto_cs2);
}

void proto_reg_handoff_cs2(void)
{
    dissector_add_uint_with_preference("udp.port", CS2_SERVER_UDP_PORT, cs2_handle);
    heur_dissector_add("udp", dissect_cs2_heur, "CS2 P2P over UDP", "cs2_udp", proto_cs2, HEURISTIC_ENABLE);
}
