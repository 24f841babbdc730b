/* packet-tuya.c
 * Tuya local protocol: the 00 00 55 aa (3.1 to 3.4) and 00 00 66 99 (3.5)
 * frames of Tuya devices, on UDP 6666/6667/7000 (discovery) and TCP 6668
 * (control). The core parses; this file shows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/dissectors/packet-tcp.h>

#include "registration.h"
#include "tuya.h"

#define TUYA_TCP_PORT 6668

static int proto_tuya = -1;

static int hf_tuya_prefix = -1;
static int hf_tuya_unknown = -1;
static int hf_tuya_seq = -1;
static int hf_tuya_cmd = -1;
static int hf_tuya_length = -1;
static int hf_tuya_retcode = -1;
static int hf_tuya_version = -1;
static int hf_tuya_iv = -1;
static int hf_tuya_payload = -1;
static int hf_tuya_crc = -1;
static int hf_tuya_crc_status = -1;
static int hf_tuya_hmac = -1;
static int hf_tuya_tag = -1;
static int hf_tuya_suffix = -1;

static gint ett_tuya = -1;

static expert_field ei_tuya_prefix = EI_INIT;
static expert_field ei_tuya_length_bounds = EI_INIT;
static expert_field ei_tuya_length_mismatch = EI_INIT;
static expert_field ei_tuya_suffix = EI_INIT;
static expert_field ei_tuya_crc = EI_INIT;
static expert_field ei_tuya_hmac = EI_INIT;

static dissector_handle_t tuya_tcp_handle;
static dissector_handle_t tuya_udp_handle;
/* Whatever had TCP 6668 before Tuya took it (IPDC in Wireshark 4.0). */
static dissector_handle_t tuya_tcp_port_previous;

static const value_string tuya_prefix_vals[] = {
    { IOTFP_TUYA_PREFIX_55AA, "Protocol 3.1 to 3.4" },
    { IOTFP_TUYA_PREFIX_6699, "Protocol 3.5" },
    { 0, NULL }
};

static const value_string tuya_cmd_vals[] = {
    { IOTFP_TUYA_CMD_UDP, "UDP" },
    { IOTFP_TUYA_CMD_AP_CONFIG, "AP_CONFIG" },
    { IOTFP_TUYA_CMD_ACTIVE, "ACTIVE" },
    { IOTFP_TUYA_CMD_SESS_KEY_NEG_START, "SESS_KEY_NEG_START" },
    { IOTFP_TUYA_CMD_SESS_KEY_NEG_RESP, "SESS_KEY_NEG_RESP" },
    { IOTFP_TUYA_CMD_SESS_KEY_NEG_FINISH, "SESS_KEY_NEG_FINISH" },
    { IOTFP_TUYA_CMD_UNBIND, "UNBIND" },
    { IOTFP_TUYA_CMD_CONTROL, "CONTROL" },
    { IOTFP_TUYA_CMD_STATUS, "STATUS" },
    { IOTFP_TUYA_CMD_HEART_BEAT, "HEART_BEAT" },
    { IOTFP_TUYA_CMD_DP_QUERY, "DP_QUERY" },
    { IOTFP_TUYA_CMD_QUERY_WIFI, "QUERY_WIFI" },
    { IOTFP_TUYA_CMD_TOKEN_BIND, "TOKEN_BIND" },
    { IOTFP_TUYA_CMD_CONTROL_NEW, "CONTROL_NEW" },
    { IOTFP_TUYA_CMD_ENABLE_WIFI, "ENABLE_WIFI" },
    { IOTFP_TUYA_CMD_WIFI_INFO, "WIFI_INFO" },
    { IOTFP_TUYA_CMD_DP_QUERY_NEW, "DP_QUERY_NEW" },
    { IOTFP_TUYA_CMD_SCENE_EXECUTE, "SCENE_EXECUTE" },
    { IOTFP_TUYA_CMD_UPDATEDPS, "UPDATEDPS" },
    { IOTFP_TUYA_CMD_UDP_NEW, "UDP_NEW" },
    { IOTFP_TUYA_CMD_AP_CONFIG_NEW, "AP_CONFIG_NEW" },
    { IOTFP_TUYA_CMD_BROADCAST_LPV34, "BROADCAST_LPV34" },
    { IOTFP_TUYA_CMD_REQ_DEVINFO, "REQ_DEVINFO" },
    { IOTFP_TUYA_CMD_LAN_EXT_STREAM, "LAN_EXT_STREAM" },
    { 0, NULL }
};

static void add_header(proto_tree *tree, tvbuff_t *tvb, const iotfp_tuya_header *header)
{
    proto_tree_add_item(tree, hf_tuya_prefix, tvb, 0, 4, ENC_BIG_ENDIAN);
    int offset = 4;
    if (header->format == IOTFP_TUYA_FORMAT_6699) {
        proto_tree_add_item(tree, hf_tuya_unknown, tvb, offset, 2, ENC_BIG_ENDIAN);
        offset += 2;
    }
    proto_tree_add_item(tree, hf_tuya_seq, tvb, offset, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(tree, hf_tuya_cmd, tvb, offset + 4, 4, ENC_BIG_ENDIAN);
}

static void add_trailer(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const iotfp_tuya_frame *frame)
{
    int offset = (int)frame->trailer_offset;
    switch (frame->trailer) {
    case IOTFP_TUYA_TRAILER_CRC32:
        proto_tree_add_checksum(tree, tvb, offset, hf_tuya_crc, hf_tuya_crc_status, &ei_tuya_crc, pinfo,
                                frame->crc_computed, ENC_BIG_ENDIAN, PROTO_CHECKSUM_VERIFY);
        break;
    case IOTFP_TUYA_TRAILER_HMAC: {
        proto_item *hmac = proto_tree_add_item(tree, hf_tuya_hmac, tvb, offset, IOTFP_TUYA_HMAC_LEN, ENC_NA);
        expert_add_info(pinfo, hmac, &ei_tuya_hmac);
        break;
    }
    case IOTFP_TUYA_TRAILER_GCM_TAG:
        proto_tree_add_item(tree, hf_tuya_tag, tvb, offset, IOTFP_TUYA_TAG_LEN, ENC_NA);
        break;
    }
    proto_item *suffix = proto_tree_add_item(tree, hf_tuya_suffix, tvb, (int)frame->suffix_offset, 4, ENC_BIG_ENDIAN);
    if (!frame->suffix_ok)
        expert_add_info(pinfo, suffix, &ei_tuya_suffix);
}

/* One frame at the start of tvb, which holds it and, from a datagram or an
 * out-of-step stream, maybe more. */
static void dissect_tuya_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint captured = tvb_captured_length(tvb);
    iotfp_tuya_frame frame;
    iotfp_tuya_status status = iotfp_tuya_parse_frame(tvb_get_ptr(tvb, 0, captured), captured, &frame);
    const iotfp_tuya_header *header = &frame.header;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Tuya");
    proto_item *root = proto_tree_add_item(tree, proto_tuya, tvb, 0, -1, ENC_NA);
    proto_tree *tuya_tree = proto_item_add_subtree(root, ett_tuya);
    if (status == IOTFP_TUYA_BAD_PREFIX) {
        proto_item *prefix = proto_tree_add_item(tuya_tree, hf_tuya_prefix, tvb, 0, 4, ENC_BIG_ENDIAN);
        expert_add_info(pinfo, prefix, &ei_tuya_prefix);
        col_append_sep_str(pinfo->cinfo, COL_INFO, ", ", "Bytes out of step with Tuya frames");
        return;
    }
    if (!header->header_len)
        /* Throws for a header cut short, as Wireshark reports it. */
        tvb_ensure_bytes_exist(tvb, 0, IOTFP_TUYA_HEADER_LEN_MAX);
    add_header(tuya_tree, tvb, header);
    proto_item *length = proto_tree_add_item(tuya_tree, hf_tuya_length, tvb, (int)header->header_len - 4, 4,
                                             ENC_BIG_ENDIAN);

    const char *cmd = val_to_str(header->cmd, tuya_cmd_vals, "Unknown (0x%02x)");
    proto_item_append_text(root, ", %s, Seq %u", cmd, header->seq);
    col_append_sep_fstr(pinfo->cinfo, COL_INFO, ", ", "%s Seq=%u", cmd, header->seq);

    if (status == IOTFP_TUYA_BAD_LENGTH) {
        expert_add_info(pinfo, length, &ei_tuya_length_bounds);
        return;
    }
    /* The rest of the frame was cut off: throws as above. */
    tvb_ensure_bytes_exist(tvb, 0, (gint)header->frame_len);

    if (frame.has_retcode)
        proto_tree_add_item(tuya_tree, hf_tuya_retcode, tvb, (int)header->header_len, 4, ENC_BIG_ENDIAN);
    if (frame.version[0])
        proto_tree_add_item(tuya_tree, hf_tuya_version, tvb, (int)frame.payload_offset, 3, ENC_ASCII);
    if (header->format == IOTFP_TUYA_FORMAT_6699)
        proto_tree_add_item(tuya_tree, hf_tuya_iv, tvb, (int)frame.iv_offset, IOTFP_TUYA_IV_LEN, ENC_NA);
    if (frame.payload_len)
        proto_tree_add_item(tuya_tree, hf_tuya_payload, tvb, (int)frame.payload_offset, (gint)frame.payload_len,
                            ENC_NA);
    add_trailer(tuya_tree, tvb, pinfo, &frame);
    proto_item_set_len(root, (gint)header->frame_len);
    if (tvb_reported_length(tvb) != header->frame_len)
        expert_add_info(pinfo, root, &ei_tuya_length_mismatch);
}

static guint get_tuya_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data _U_)
{
    iotfp_tuya_header header;
    guint captured = tvb_captured_length_remaining(tvb, offset);
    if (iotfp_tuya_parse_header(tvb_get_ptr(tvb, offset, captured), captured, &header) != IOTFP_TUYA_OK)
        /* Out of step or corrupt: the rest of the segment is shown as such,
         * rather than waiting for a length that means nothing. */
        return tvb_reported_length_remaining(tvb, offset);
    return (guint)header.frame_len;
}

static int dissect_tuya_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    dissect_tuya_frame(tvb, pinfo, tree);
    return tvb_captured_length(tvb);
}

static gboolean prefix_at_start(tvbuff_t *tvb)
{
    guint captured = tvb_captured_length(tvb);
    return iotfp_tuya_parse_header(tvb_get_ptr(tvb, 0, captured), captured, NULL) != IOTFP_TUYA_BAD_PREFIX;
}

static int dissect_tuya_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    /* TCP hands over a frame's continuation itself, after asking for it: a
     * segment that does not open with a prefix starts no frame. */
    if (!prefix_at_start(tvb)) {
        if (tuya_tcp_port_previous && (pinfo->srcport == TUYA_TCP_PORT || pinfo->destport == TUYA_TCP_PORT))
            return call_dissector_only(tuya_tcp_port_previous, tvb, pinfo, tree, data);
        return 0;
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Tuya");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, TRUE, IOTFP_TUYA_HEADER_LEN_MAX, get_tuya_pdu_len, dissect_tuya_pdu, data);
    return tvb_captured_length(tvb);
}

static int dissect_tuya_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    col_clear(pinfo->cinfo, COL_INFO);
    dissect_tuya_frame(tvb, pinfo, tree);
    return tvb_captured_length(tvb);
}

/* Prefix, a sane length, and, when the frame is all there, its suffix. */
static gboolean frame_at_start(tvbuff_t *tvb, iotfp_tuya_frame *frame)
{
    guint captured = tvb_captured_length(tvb);
    switch (iotfp_tuya_parse_frame(tvb_get_ptr(tvb, 0, captured), captured, frame)) {
    case IOTFP_TUYA_OK:
        return frame->suffix_ok;
    case IOTFP_TUYA_TOO_SHORT:
        /* A whole header announcing more than is here; a zero frame length
         * means the header itself is cut. */
        return frame->header.frame_len != 0;
    default:
        return FALSE;
    }
}

static gboolean dissect_tuya_heur_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    iotfp_tuya_frame frame;
    if (!frame_at_start(tvb, &frame) || frame.header.frame_len != tvb_reported_length(tvb))
        return FALSE;
    dissect_tuya_udp(tvb, pinfo, tree, data);
    return TRUE;
}

static gboolean dissect_tuya_heur_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    iotfp_tuya_frame frame;
    if (!frame_at_start(tvb, &frame))
        return FALSE;
    conversation_set_dissector(find_or_create_conversation(pinfo), tuya_tcp_handle);
    dissect_tuya_tcp(tvb, pinfo, tree, data);
    return TRUE;
}

void proto_register_tuya(void)
{
    static hf_register_info hf[] = {
        { &hf_tuya_prefix,
          { "Prefix", "tuya.prefix", FT_UINT32, BASE_HEX, VALS(tuya_prefix_vals), 0x0,
            "Start of a frame, naming its layout: 0x000055aa for protocol 3.1 to 3.4, 0x00006699 for 3.5", HFILL } },
        { &hf_tuya_unknown,
          { "Unknown", "tuya.unknown", FT_UINT16, BASE_HEX, NULL, 0x0,
            "16 bits of unknown use after a protocol 3.5 prefix, zero from known clients", HFILL } },
        { &hf_tuya_seq,
          { "Sequence number", "tuya.seq", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Sequence number set by the sender; an answer repeats the request's", HFILL } },
        { &hf_tuya_cmd,
          { "Command", "tuya.cmd", FT_UINT32, BASE_HEX, VALS(tuya_cmd_vals), 0x0,
            "What the frame asks or reports, e.g. CONTROL, STATUS, HEART_BEAT, UDP_NEW (discovery)", HFILL } },
        { &hf_tuya_length,
          { "Length", "tuya.length", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Bytes after this field: up to and including the suffix for 3.1 to 3.4; IV, payload and tag for 3.5",
            HFILL } },
        { &hf_tuya_retcode,
          { "Return code", "tuya.retcode", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Result a device puts before its payload; 0 is success", HFILL } },
        { &hf_tuya_version,
          { "Protocol version", "tuya.version", FT_STRING, BASE_NONE, NULL, 0x0,
            "Version in clear at the start of the payload (protocol 3.1 to 3.3)", HFILL } },
        { &hf_tuya_iv,
          { "IV", "tuya.iv", FT_BYTES, BASE_NONE, NULL, 0x0,
            "AES-GCM nonce of a protocol 3.5 frame", HFILL } },
        { &hf_tuya_payload,
          { "Payload", "tuya.payload", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Message body, AES-encrypted but for some protocol 3.1 messages", HFILL } },
        { &hf_tuya_crc,
          { "CRC32", "tuya.crc", FT_UINT32, BASE_HEX, NULL, 0x0,
            "CRC-32 of the frame from the prefix to the end of the payload", HFILL } },
        { &hf_tuya_crc_status,
          { "CRC32 status", "tuya.crc.status", FT_UINT8, BASE_NONE, VALS(proto_checksum_vals), 0x0,
            "Whether the CRC-32 matches the frame", HFILL } },
        { &hf_tuya_hmac,
          { "HMAC-SHA256", "tuya.hmac", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Protocol 3.4 authentication of the frame under the session key, in place of a CRC", HFILL } },
        { &hf_tuya_tag,
          { "GCM tag", "tuya.tag", FT_BYTES, BASE_NONE, NULL, 0x0,
            "AES-GCM authentication tag of a protocol 3.5 frame", HFILL } },
        { &hf_tuya_suffix,
          { "Suffix", "tuya.suffix", FT_UINT32, BASE_HEX, NULL, 0x0,
            "End of a frame: 0x0000aa55 for protocol 3.1 to 3.4, 0x00009966 for 3.5", HFILL } },
    };
    static gint *ett[] = { &ett_tuya };
    static ei_register_info ei[] = {
        { &ei_tuya_prefix,
          { "tuya.prefix.bad", PI_MALFORMED, PI_ERROR,
            "Not a Tuya prefix where a frame should start: the stream is out of step", EXPFILL } },
        { &ei_tuya_length_bounds,
          { "tuya.length.bounds", PI_MALFORMED, PI_ERROR,
            "Length too small for the frame's trailer or beyond anything a device sends", EXPFILL } },
        { &ei_tuya_length_mismatch,
          { "tuya.length.mismatch", PI_MALFORMED, PI_ERROR,
            "Datagram length differs from the frame length in the header", EXPFILL } },
        { &ei_tuya_suffix,
          { "tuya.suffix.bad", PI_MALFORMED, PI_ERROR, "Suffix does not match the prefix", EXPFILL } },
        { &ei_tuya_crc,
          { "tuya.crc.bad", PI_CHECKSUM, PI_ERROR, "Bad CRC32", EXPFILL } },
        { &ei_tuya_hmac,
          { "tuya.hmac.unverified", PI_CHECKSUM, PI_NOTE,
            "Protocol 3.4 HMAC-SHA256 (recognised by its length): not verified, it needs the session key",
            EXPFILL } },
    };

    proto_tuya = proto_register_protocol("Tuya Local Protocol", "Tuya", "tuya");
    proto_register_field_array(proto_tuya, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_tuya), ei, array_length(ei));

    tuya_tcp_handle = register_dissector("tuya.tcp", dissect_tuya_tcp, proto_tuya);
    tuya_udp_handle = register_dissector("tuya.udp", dissect_tuya_udp, proto_tuya);
}

void proto_reg_handoff_tuya(void)
{
    /* Wireshark gives TCP 6668 to IPDC, where every Tuya device listens and
     * the TCP heuristics would never see it: Tuya takes the port and passes
     * on what is not a Tuya frame. Elsewhere, and on UDP, where the ports
     * belong to unrelated protocols too, heuristics and Decode As suffice. */
    tuya_tcp_port_previous = dissector_get_uint_handle(find_dissector_table("tcp.port"), TUYA_TCP_PORT);
    dissector_add_uint_with_preference("tcp.port", TUYA_TCP_PORT, tuya_tcp_handle);
    dissector_add_for_decode_as_with_preference("udp.port", tuya_udp_handle);
    heur_dissector_add("tcp", dissect_tuya_heur_tcp, "Tuya over TCP", "tuya_tcp", proto_tuya, HEURISTIC_ENABLE);
    heur_dissector_add("udp", dissect_tuya_heur_udp, "Tuya over UDP", "tuya_udp", proto_tuya, HEURISTIC_ENABLE);
}
