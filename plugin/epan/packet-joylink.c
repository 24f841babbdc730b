/* packet-joylink.c
 * JD Joylink 2.0: the framing of JD's smart-home devices, to their cloud on
 * TCP 2002 and on the LAN over UDP. The core parses; this file shows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/dissectors/packet-tcp.h>

#include "joylink.h"
#include "registration.h"

#define JOYLINK_CLOUD_TCP_PORT 2002

static int proto_joylink = -1;

static int hf_joylink_magic = -1;
static int hf_joylink_optlen = -1;
static int hf_joylink_payloadlen = -1;
static int hf_joylink_version = -1;
static int hf_joylink_type = -1;
static int hf_joylink_total = -1;
static int hf_joylink_index = -1;
static int hf_joylink_enctype = -1;
static int hf_joylink_reserved = -1;
static int hf_joylink_crc = -1;
static int hf_joylink_crc_status = -1;
static int hf_joylink_options = -1;
static int hf_joylink_payload = -1;

static gint ett_joylink = -1;

static expert_field ei_joylink_magic = EI_INIT;
static expert_field ei_joylink_length_bounds = EI_INIT;
static expert_field ei_joylink_length_mismatch = EI_INIT;
static expert_field ei_joylink_unaligned = EI_INIT;
static expert_field ei_joylink_index = EI_INIT;
static expert_field ei_joylink_crc = EI_INIT;

static dissector_handle_t joylink_tcp_handle;
static dissector_handle_t joylink_udp_handle;

static const value_string joylink_magic_vals[] = {
    { IOTFP_JOYLINK_MAGIC_CLOUD, "Cloud" },
    { IOTFP_JOYLINK_MAGIC_LAN, "LAN" },
    { 0, NULL }
};

static const value_string joylink_type_vals[] = {
    { IOTFP_JOYLINK_TYPE_SCAN, "Scan" },
    { IOTFP_JOYLINK_TYPE_WRITE_ACCESSKEY, "Write access key" },
    { IOTFP_JOYLINK_TYPE_JSON_CONTROL, "JSON control" },
    { IOTFP_JOYLINK_TYPE_SCRIPT_CONTROL, "Script control" },
    { IOTFP_JOYLINK_TYPE_OTA_ORDER, "OTA order" },
    { IOTFP_JOYLINK_TYPE_OTA_UPLOAD, "OTA upload" },
    { IOTFP_JOYLINK_TYPE_AUTH, "Authentication" },
    { IOTFP_JOYLINK_TYPE_HEARTBEAT, "Heartbeat" },
    { IOTFP_JOYLINK_TYPE_SERVER_CONTROL, "Server control" },
    { IOTFP_JOYLINK_TYPE_UPLOAD, "Upload" },
    { IOTFP_JOYLINK_TYPE_TIME_TASK, "Time task" },
    { IOTFP_JOYLINK_TYPE_MODEL_CODE, "Model code" },
    { IOTFP_JOYLINK_TYPE_SDK_VERSION, "SDK version" },
    { IOTFP_JOYLINK_TYPE_SUB_AUTH, "Sub-device authentication" },
    { IOTFP_JOYLINK_TYPE_SUB_LAN_JSON, "Sub-device LAN JSON control" },
    { IOTFP_JOYLINK_TYPE_SUB_LAN_SCRIPT, "Sub-device LAN script control" },
    { IOTFP_JOYLINK_TYPE_SUB_ADD, "Sub-device add" },
    { IOTFP_JOYLINK_TYPE_SUB_HEARTBEAT, "Sub-device heartbeat" },
    { IOTFP_JOYLINK_TYPE_SUB_CLOUD_CONTROL, "Sub-device cloud control" },
    { IOTFP_JOYLINK_TYPE_SUB_UPLOAD, "Sub-device upload" },
    { IOTFP_JOYLINK_TYPE_SUB_UNBIND, "Sub-device unbind" },
    { IOTFP_JOYLINK_TYPE_AGENT_ADD_SUBDEV, "Agent add sub-device" },
    { IOTFP_JOYLINK_TYPE_AGENT_DEL_SUBDEV, "Agent delete sub-device" },
    { IOTFP_JOYLINK_TYPE_AGENT_GET_DEV_LIST, "Agent get device list" },
    { IOTFP_JOYLINK_TYPE_AGENT_AUTH, "Agent authentication" },
    { IOTFP_JOYLINK_TYPE_AGENT_HEARTBEAT, "Agent heartbeat" },
    { IOTFP_JOYLINK_TYPE_AGENT_UPLOAD, "Agent upload" },
    { IOTFP_JOYLINK_TYPE_AGENT_DEV_CONTROL, "Agent device control" },
    { 0, NULL }
};

static const value_string joylink_enctype_vals[] = {
    { IOTFP_JOYLINK_ENC_NONE, "None" },
    { IOTFP_JOYLINK_ENC_PSK_AES, "PSK AES" },
    { IOTFP_JOYLINK_ENC_ECDH, "ECDH" },
    { IOTFP_JOYLINK_ENC_ACCESSKEY_AES, "Access key AES" },
    { IOTFP_JOYLINK_ENC_SESSIONKEY_AES, "Session key AES" },
    { 0, NULL }
};

/* The header at the start of tvb, when there are enough bytes for one. */
static iotfp_joylink_status parse_header(tvbuff_t *tvb, int offset, iotfp_joylink_header *header)
{
    if (tvb_captured_length_remaining(tvb, offset) < IOTFP_JOYLINK_HEADER_LEN)
        return IOTFP_JOYLINK_TOO_SHORT;
    return iotfp_joylink_parse(tvb_get_ptr(tvb, offset, IOTFP_JOYLINK_HEADER_LEN), IOTFP_JOYLINK_HEADER_LEN, header);
}

/* Verified when the header's lengths are sane and the bytes are all there. */
static void add_crc(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const iotfp_joylink_header *header,
                    gboolean lengths_sane)
{
    gint covered = (gint)(iotfp_joylink_frame_len(header) - IOTFP_JOYLINK_HEADER_LEN);
    if (!lengths_sane || !tvb_bytes_exist(tvb, IOTFP_JOYLINK_HEADER_LEN, covered)) {
        proto_tree_add_checksum(tree, tvb, 14, hf_joylink_crc, hf_joylink_crc_status, &ei_joylink_crc, pinfo, 0,
                                ENC_LITTLE_ENDIAN, PROTO_CHECKSUM_NO_FLAGS);
        return;
    }
    guint16 computed = iotfp_joylink_crc16(tvb_get_ptr(tvb, IOTFP_JOYLINK_HEADER_LEN, covered), covered);
    proto_tree_add_checksum(tree, tvb, 14, hf_joylink_crc, hf_joylink_crc_status, &ei_joylink_crc, pinfo, computed,
                            ENC_LITTLE_ENDIAN, PROTO_CHECKSUM_VERIFY);
}

/* One frame at the start of tvb, which holds it and, from a datagram or an
 * out-of-step stream, maybe more. */
static void dissect_joylink_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    /* Throws for a header cut short, as Wireshark reports it. */
    tvb_ensure_bytes_exist(tvb, 0, IOTFP_JOYLINK_HEADER_LEN);
    iotfp_joylink_header header;
    iotfp_joylink_status status = parse_header(tvb, 0, &header);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Joylink");
    proto_item *root = proto_tree_add_item(tree, proto_joylink, tvb, 0, -1, ENC_NA);
    proto_tree *jl_tree = proto_item_add_subtree(root, ett_joylink);
    proto_item *magic = proto_tree_add_item(jl_tree, hf_joylink_magic, tvb, 0, 4, ENC_LITTLE_ENDIAN);
    if (status == IOTFP_JOYLINK_BAD_MAGIC) {
        expert_add_info(pinfo, magic, &ei_joylink_magic);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "Bytes out of step with Joylink frames");
        return;
    }
    proto_item *optlen = proto_tree_add_item(jl_tree, hf_joylink_optlen, tvb, 4, 2, ENC_LITTLE_ENDIAN);
    proto_item *payloadlen = proto_tree_add_item(jl_tree, hf_joylink_payloadlen, tvb, 6, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_item(jl_tree, hf_joylink_version, tvb, 8, 1, ENC_NA);
    proto_tree_add_item(jl_tree, hf_joylink_type, tvb, 9, 1, ENC_NA);
    proto_tree_add_item(jl_tree, hf_joylink_total, tvb, 10, 1, ENC_NA);
    proto_item *index = proto_tree_add_item(jl_tree, hf_joylink_index, tvb, 11, 1, ENC_NA);
    proto_tree_add_item(jl_tree, hf_joylink_enctype, tvb, 12, 1, ENC_NA);
    proto_tree_add_item(jl_tree, hf_joylink_reserved, tvb, 13, 1, ENC_NA);

    const char *type = val_to_str_const(header.type, joylink_type_vals, "Unknown");
    const char *side = val_to_str_const(header.magic, joylink_magic_vals, "");
    proto_item_append_text(root, ", %s, %s", side, type);
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "%s %s", side, type);

    add_crc(jl_tree, tvb, pinfo, &header, status == IOTFP_JOYLINK_OK);
    if (status == IOTFP_JOYLINK_BAD_LENGTH) {
        expert_add_info(pinfo, header.optlen > IOTFP_JOYLINK_MAX_OPTLEN ? optlen : payloadlen,
                        &ei_joylink_length_bounds);
        return;
    }
    if (header.optlen)
        proto_tree_add_item(jl_tree, hf_joylink_options, tvb, IOTFP_JOYLINK_HEADER_LEN, header.optlen, ENC_NA);
    if (header.payloadlen)
        proto_tree_add_item(jl_tree, hf_joylink_payload, tvb, IOTFP_JOYLINK_HEADER_LEN + header.optlen,
                            header.payloadlen, ENC_NA);
    proto_item_set_len(root, (gint)iotfp_joylink_frame_len(&header));

    guint problems = iotfp_joylink_problems(&header);
    if (problems & IOTFP_JOYLINK_PROBLEM_UNALIGNED)
        expert_add_info(pinfo, payloadlen, &ei_joylink_unaligned);
    if (problems & IOTFP_JOYLINK_PROBLEM_INDEX)
        expert_add_info(pinfo, index, &ei_joylink_index);
    if (tvb_reported_length(tvb) != iotfp_joylink_frame_len(&header))
        expert_add_info(pinfo, root, &ei_joylink_length_mismatch);
}

static guint get_joylink_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    iotfp_joylink_header header;
    if (parse_header(tvb, offset, &header) != IOTFP_JOYLINK_OK)
        /* Out of step or corrupt: the rest of the segment is shown as such,
         * rather than waiting for a length that means nothing. */
        return tvb_reported_length_remaining(tvb, offset);
    return (guint)iotfp_joylink_frame_len(&header);
}

static int dissect_joylink_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    dissect_joylink_frame(tvb, pinfo, tree);
    return tvb_captured_length(tvb);
}

static int dissect_joylink_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    /* TCP hands over a frame's continuation itself, after asking for it: a
     * segment that does not open with a magic starts no frame. */
    if (tvb_captured_length(tvb) >= 4 && !iotfp_joylink_is_magic(tvb_get_letohl(tvb, 0)))
        return 0;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Joylink");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, TRUE, IOTFP_JOYLINK_HEADER_LEN, get_joylink_pdu_len, dissect_joylink_pdu, data);
    return tvb_captured_length(tvb);
}

static int dissect_joylink_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_clear(pinfo->cinfo, COL_INFO);
    dissect_joylink_frame(tvb, pinfo, tree);
    return tvb_captured_length(tvb);
}

/* The LAN magic with sane lengths. The cloud magic is left to port 2002:
 * heuristics see every TCP and UDP payload, and four bytes are little. */
static gboolean lan_header_at_start(tvbuff_t *tvb, iotfp_joylink_header *header)
{
    return parse_header(tvb, 0, header) == IOTFP_JOYLINK_OK && header->magic == IOTFP_JOYLINK_MAGIC_LAN;
}

static gboolean dissect_joylink_heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    iotfp_joylink_header header;
    /* The SDK drops a datagram whose length is not exactly the header's. */
    if (!lan_header_at_start(tvb, &header) || tvb_reported_length(tvb) != iotfp_joylink_frame_len(&header))
        return FALSE;
    dissect_joylink_udp(tvb, pinfo, tree, data);
    return TRUE;
}

static gboolean dissect_joylink_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    iotfp_joylink_header header;
    if (!lan_header_at_start(tvb, &header))
        return FALSE;
    conversation_set_dissector(find_or_create_conversation(pinfo), joylink_tcp_handle);
    dissect_joylink_tcp(tvb, pinfo, tree, data);
    return TRUE;
}

void proto_register_joylink(void)
{
    static hf_register_info hf[] = {
        { &hf_joylink_magic,
          { "Magic", "joylink.magic", FT_UINT32, BASE_HEX, VALS(joylink_magic_vals), 0x0,
            "Start of a Joylink 2.0 frame: 0x123455CC to and from the cloud, 0x123455BB on the LAN", HFILL } },
        { &hf_joylink_optlen,
          { "Options length", "joylink.optlen", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Bytes of options after the header (feed id and nonce, or an ECDH public key)", HFILL } },
        { &hf_joylink_payloadlen,
          { "Payload length", "joylink.payloadlen", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Bytes of payload after the options", HFILL } },
        { &hf_joylink_version,
          { "Version", "joylink.version", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Version of the frame header (1 in every known SDK)", HFILL } },
        { &hf_joylink_type,
          { "Type", "joylink.type", FT_UINT8, BASE_DEC, VALS(joylink_type_vals), 0x0,
            "What the message is, e.g. heartbeat, server control, status upload", HFILL } },
        { &hf_joylink_total,
          { "Fragments", "joylink.total", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Number of frames a long message was cut into; 0 when not cut", HFILL } },
        { &hf_joylink_index,
          { "Fragment index", "joylink.index", FT_UINT8, BASE_DEC, NULL, 0x0,
            "Position of this frame in a cut message, from 1; 0 when not cut", HFILL } },
        { &hf_joylink_enctype,
          { "Encryption", "joylink.enctype", FT_UINT8, BASE_DEC, VALS(joylink_enctype_vals), 0x0,
            "Key and cipher protecting the payload", HFILL } },
        { &hf_joylink_reserved,
          { "Reserved", "joylink.reserved", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Unused header byte, zero from the SDK", HFILL } },
        { &hf_joylink_crc,
          { "CRC", "joylink.crc", FT_UINT16, BASE_HEX, NULL, 0x0,
            "CRC-16/CCITT-FALSE of the options and payload", HFILL } },
        { &hf_joylink_crc_status,
          { "CRC status", "joylink.crc.status", FT_UINT8, BASE_NONE, VALS(proto_checksum_vals), 0x0,
            "Whether the CRC matches the options and payload", HFILL } },
        { &hf_joylink_options,
          { "Options", "joylink.options", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Clear-text options, such as the feed id of an authenticating device", HFILL } },
        { &hf_joylink_payload,
          { "Payload", "joylink.payload", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Message body, encrypted unless the encryption is None", HFILL } },
    };
    static gint *ett[] = { &ett_joylink };
    static ei_register_info ei[] = {
        { &ei_joylink_magic,
          { "joylink.magic.bad", PI_MALFORMED, PI_ERROR,
            "Not a Joylink magic where a frame should start: the stream is out of step", EXPFILL } },
        { &ei_joylink_length_bounds,
          { "joylink.length.bounds", PI_MALFORMED, PI_ERROR,
            "Length beyond anything the Joylink SDK sends", EXPFILL } },
        { &ei_joylink_length_mismatch,
          { "joylink.length.mismatch", PI_MALFORMED, PI_ERROR,
            "Datagram length differs from the frame length in the header", EXPFILL } },
        { &ei_joylink_unaligned,
          { "joylink.payload.unaligned", PI_PROTOCOL, PI_WARN,
            "AES-encrypted payload that is not whole 16-byte blocks", EXPFILL } },
        { &ei_joylink_index,
          { "joylink.index.bad", PI_PROTOCOL, PI_WARN,
            "Fragment index beyond the number of fragments", EXPFILL } },
        { &ei_joylink_crc,
          { "joylink.crc.bad", PI_CHECKSUM, PI_ERROR, "Bad CRC", EXPFILL } },
    };

    proto_joylink = proto_register_protocol("JD Joylink", "Joylink", "joylink");
    proto_register_field_array(proto_joylink, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_joylink), ei, array_length(ei));

    joylink_tcp_handle = register_dissector("joylink.tcp", dissect_joylink_tcp, proto_joylink);
    joylink_udp_handle = register_dissector("joylink.udp", dissect_joylink_udp, proto_joylink);
}

void proto_reg_handoff_joylink(void)
{
    dissector_add_uint_with_preference("tcp.port", JOYLINK_CLOUD_TCP_PORT, joylink_tcp_handle);
    dissector_add_for_decode_as_with_preference("udp.port", joylink_udp_handle);
    heur_dissector_add("tcp", dissect_joylink_heur_tcp, "Joylink LAN over TCP", "joylink_tcp", proto_joylink,
                       HEURISTIC_ENABLE);
    heur_dissector_add("udp", dissect_joylink_heur_udp, "Joylink LAN over UDP", "joylink_udp", proto_joylink,
                       HEURISTIC_ENABLE);
}
