/* packet-miio.c
 * Xiaomi miIO: the UDP protocol of Mijia devices, on port 54321 on the LAN
 * and 8053 to Xiaomi's cloud. The core parses the 32-byte header and
 * computes checksums and keys; this file shows the header and, with the
 * device's token from the "miio_tokens" table, verifies the checksum,
 * decrypts the AES-128-CBC body (libgcrypt) and hands its JSON to the JSON
 * dissector.
 *
 * Not done: some devices are said to carry the same packets over TCP
 * port 80. No capture at hand shows it (the Xiaomi camera's TCP 80 traffic
 * is plain HTTP), so nothing here claims TCP; a heuristic on the magic with
 * tcp_dissect_pdus would be the way once a capture shows the framing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <epan/exceptions.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/show_exception.h>
#include <epan/strutil.h>
#include <epan/uat.h>
#include <wsutil/to_str.h>
#include <wsutil/utf8_entities.h>
#include <wsutil/wsgcrypt.h>

#include "miio.h"
#include "registration.h"

#define MIIO_UDP_PORTS "8053,54321"
/* How much decrypted JSON the Info column shows. */
#define MIIO_INFO_TEXT_MAX 80

static int proto_miio = -1;

static int hf_miio_type = -1;
static int hf_miio_magic = -1;
static int hf_miio_length = -1;
static int hf_miio_unknown = -1;
static int hf_miio_device_id = -1;
static int hf_miio_stamp = -1;
static int hf_miio_checksum = -1;
static int hf_miio_checksum_status = -1;
static int hf_miio_payload = -1;
static int hf_miio_decrypted = -1;

static gint ett_miio = -1;

static expert_field ei_miio_length = EI_INIT;
static expert_field ei_miio_unaligned = EI_INIT;
static expert_field ei_miio_truncated = EI_INIT;
static expert_field ei_miio_checksum = EI_INIT;
static expert_field ei_miio_padding = EI_INIT;
static expert_field ei_miio_no_token = EI_INIT;
static expert_field ei_miio_token_exposed = EI_INIT;

static dissector_handle_t miio_handle;
static dissector_handle_t json_handle;

static const value_string miio_type_vals[] = {
    { IOTFP_MIIO_TYPE_HELLO, "Hello" },
    { IOTFP_MIIO_TYPE_HELLO_REPLY, "Hello reply" },
    { IOTFP_MIIO_TYPE_KEEPALIVE, "Keepalive/ack" },
    { IOTFP_MIIO_TYPE_DATA, "Data" },
    { 0, NULL }
};

/* ---- Tokens ------------------------------------------------------------ */

/* A row of the table, as typed. */
typedef struct {
    char *device;
    char *token;
} miio_token_record_t;

/* A row, parsed. */
typedef struct {
    iotfp_miio_key key;
    guint8 token[IOTFP_MIIO_TOKEN_LEN];
} miio_token_t;

static miio_token_record_t *miio_token_records;
static guint n_miio_token_records;
/* Rebuilt from the rows whenever the table changes. */
static GArray *miio_tokens;

UAT_CSTRING_CB_DEF(miio_tokens, device, miio_token_record_t)
UAT_CSTRING_CB_DEF(miio_tokens, token, miio_token_record_t)

static char *stripped_copy(const char *text, unsigned len)
{
    return g_strstrip(g_strndup(text, len));
}

/* A UAT callback's error text is a g_strdup'ed string, not a GError. */
static void take_error_message(GError *error, char **err)
{
    *err = g_strdup(error->message);
    g_error_free(error);
}

static gboolean parse_record(const miio_token_record_t *record, miio_token_t *out, char **err)
{
    GError *error = NULL;
    char *device = g_strstrip(g_strdup(record->device ? record->device : ""));
    char *token = g_strstrip(g_strdup(record->token ? record->token : ""));
    gboolean ok = iotfp_miio_parse_key(device, &out->key, &error) && iotfp_miio_parse_token(token, out->token, &error);
    if (!ok)
        take_error_message(error, err);
    g_free(device);
    g_free(token);
    return ok;
}

static gboolean miio_device_chk(void *record _U_, const char *text, unsigned len, const void *u1 _U_,
                                const void *u2 _U_, char **err)
{
    char *device = stripped_copy(text, len);
    iotfp_miio_key key;
    GError *error = NULL;
    gboolean ok = iotfp_miio_parse_key(device, &key, &error);
    if (!ok)
        take_error_message(error, err);
    g_free(device);
    return ok;
}

static gboolean miio_token_chk(void *record _U_, const char *text, unsigned len, const void *u1 _U_,
                               const void *u2 _U_, char **err)
{
    char *token_text = stripped_copy(text, len);
    guint8 token[IOTFP_MIIO_TOKEN_LEN];
    GError *error = NULL;
    gboolean ok = iotfp_miio_parse_token(token_text, token, &error);
    if (!ok)
        take_error_message(error, err);
    g_free(token_text);
    return ok;
}

static void *miio_token_copy_cb(void *dest, const void *source, size_t len _U_)
{
    const miio_token_record_t *from = (const miio_token_record_t *)source;
    miio_token_record_t *to = (miio_token_record_t *)dest;
    to->device = g_strdup(from->device);
    to->token = g_strdup(from->token);
    return to;
}

static gboolean miio_token_update_cb(void *record, char **err)
{
    miio_token_t parsed;
    return parse_record((const miio_token_record_t *)record, &parsed, err);
}

static void miio_token_free_cb(void *record)
{
    miio_token_record_t *r = (miio_token_record_t *)record;
    g_free(r->device);
    g_free(r->token);
}

static void miio_token_post_update_cb(void)
{
    g_array_set_size(miio_tokens, 0);
    for (guint i = 0; i < n_miio_token_records; i++) {
        miio_token_t parsed;
        char *err = NULL;
        /* Rows with a bad cell never reach this array; be safe anyway. */
        if (parse_record(&miio_token_records[i], &parsed, &err))
            g_array_append_val(miio_tokens, parsed);
        g_free(err);
    }
}

static gboolean address_matches(const address *a, const iotfp_addr *addr)
{
    if (a->type == AT_IPv4 && a->len == 4)
        return addr->family == IOTFP_AF_INET && memcmp(a->data, addr->bytes, 4) == 0;
    if (a->type == AT_IPv6 && a->len == 16)
        return addr->family == IOTFP_AF_INET6 && memcmp(a->data, addr->bytes, 16) == 0;
    return FALSE;
}

/* The token for this packet: by device id first, else by either address. */
static const guint8 *find_token(packet_info *pinfo, const iotfp_miio_header *header)
{
    if (header->device_id != IOTFP_MIIO_ID_NONE) {
        for (guint i = 0; i < miio_tokens->len; i++) {
            const miio_token_t *t = &g_array_index(miio_tokens, miio_token_t, i);
            if (!t->key.is_address && t->key.device_id == header->device_id)
                return t->token;
        }
    }
    for (guint i = 0; i < miio_tokens->len; i++) {
        const miio_token_t *t = &g_array_index(miio_tokens, miio_token_t, i);
        if (t->key.is_address && (address_matches(&pinfo->src, &t->key.addr)
                                  || address_matches(&pinfo->dst, &t->key.addr)))
            return t->token;
    }
    return NULL;
}

/* ---- Dissection ---------------------------------------------------------- */

/* AES-128-CBC with the token's key and IV; NULL when libgcrypt fails. */
static guint8 *decrypt_body(wmem_allocator_t *pool, const guint8 *body, guint len,
                            const guint8 token[IOTFP_MIIO_TOKEN_LEN])
{
    guint8 key[16], iv[16];
    iotfp_miio_derive(token, key, iv);
    gcry_cipher_hd_t cipher;
    if (gcry_cipher_open(&cipher, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CBC, 0) != 0)
        return NULL;
    guint8 *plain = (guint8 *)wmem_alloc(pool, len);
    gboolean ok = gcry_cipher_setkey(cipher, key, sizeof key) == 0 && gcry_cipher_setiv(cipher, iv, sizeof iv) == 0
                  && gcry_cipher_decrypt(cipher, plain, len, body, len) == 0;
    gcry_cipher_close(cipher);
    return ok ? plain : NULL;
}

/* Decrypts a whole body whose checksum matched; shows the text and hands
 * JSON on to the JSON dissector. */
static void add_decrypted(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree *miio_tree,
                          proto_item *payload, guint body_len, const guint8 *token)
{
    const guint8 *body = tvb_get_ptr(tvb, IOTFP_MIIO_HEADER_LEN, body_len);
    guint8 *plain = decrypt_body(pinfo->pool, body, body_len, token);
    gsize text_len;
    if (plain == NULL || !iotfp_miio_unpad(plain, body_len, &text_len)) {
        expert_add_info(pinfo, payload, &ei_miio_padding);
        return;
    }
    text_len = iotfp_miio_strip_nuls(plain, text_len);
    if (text_len == 0)
        return;

    tvbuff_t *text_tvb = tvb_new_child_real_data(tvb, plain, (guint)text_len, (gint)text_len);
    add_new_data_source(pinfo, text_tvb, "Decrypted miIO");
    proto_tree_add_item(miio_tree, hf_miio_decrypted, text_tvb, 0, (gint)text_len, ENC_UTF_8);
    col_append_fstr(pinfo->cinfo, COL_INFO, ": %s%s",
                    format_text(pinfo->pool, plain, MIN(text_len, MIIO_INFO_TEXT_MAX)),
                    text_len > MIIO_INFO_TEXT_MAX ? UTF8_HORIZONTAL_ELLIPSIS : "");

    if (plain[0] != '{' && plain[0] != '[')
        return;
    /* The columns say miIO and what the packet does; the JSON dissector
     * would append "JSON" and "JavaScript Object Notation". */
    col_set_writable(pinfo->cinfo, -1, FALSE);
    TRY {
        call_dissector(json_handle, text_tvb, pinfo, tree);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(text_tvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    col_set_writable(pinfo->cinfo, -1, TRUE);
}

/* The checksum, verified when the packet is whole, has a body and a token
 * is known for it; then the body is decrypted. */
static void add_checksum_and_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree *miio_tree,
                                  const iotfp_miio_header *header, iotfp_miio_status status, iotfp_miio_type type,
                                  const guint8 *token, gboolean token_exposed)
{
    guint captured = tvb_captured_length(tvb);
    guint body_end = status == IOTFP_MIIO_OK ? header->length : tvb_reported_length(tvb);
    guint body_len = body_end > IOTFP_MIIO_HEADER_LEN ? body_end - IOTFP_MIIO_HEADER_LEN : 0;
    guint body_captured = MIN(body_end, captured) > IOTFP_MIIO_HEADER_LEN
                              ? MIN(body_end, captured) - IOTFP_MIIO_HEADER_LEN : 0;
    gboolean truncated = type == IOTFP_MIIO_TYPE_DATA && status == IOTFP_MIIO_OK && body_captured < body_len;
    gboolean verifiable = type == IOTFP_MIIO_TYPE_DATA && status == IOTFP_MIIO_OK && !truncated;

    proto_item *checksum = proto_tree_add_item(miio_tree, hf_miio_checksum, tvb, 16, IOTFP_MIIO_CHECKSUM_LEN, ENC_NA);
    /* What a 32-byte packet's checksum covers is not known for all of them
     * (cloud pings): those are shown, not judged. Hellos have none. */
    guint checksum_status = type == IOTFP_MIIO_TYPE_HELLO || type == IOTFP_MIIO_TYPE_HELLO_REPLY
                                ? PROTO_CHECKSUM_E_NOT_PRESENT : PROTO_CHECKSUM_E_UNVERIFIED;
    if (token_exposed)
        expert_add_info(pinfo, checksum, &ei_miio_token_exposed);
    if (verifiable && token != NULL) {
        guint8 computed[IOTFP_MIIO_CHECKSUM_LEN];
        iotfp_miio_checksum(tvb_get_ptr(tvb, 0, header->length), header->length, token, computed);
        if (memcmp(computed, header->checksum, IOTFP_MIIO_CHECKSUM_LEN) == 0) {
            checksum_status = PROTO_CHECKSUM_E_GOOD;
            proto_item_append_text(checksum, " [correct]");
        } else {
            checksum_status = PROTO_CHECKSUM_E_BAD;
            proto_item_append_text(checksum, " [incorrect, should be %s]",
                                   bytes_to_str(pinfo->pool, computed, IOTFP_MIIO_CHECKSUM_LEN));
            expert_add_info(pinfo, checksum, &ei_miio_checksum);
        }
    }
    proto_item *status_item = proto_tree_add_uint(miio_tree, hf_miio_checksum_status, tvb, 16,
                                                  IOTFP_MIIO_CHECKSUM_LEN, checksum_status);
    proto_item_set_generated(status_item);

    if (body_captured == 0)
        return;
    proto_item *payload = proto_tree_add_item(miio_tree, hf_miio_payload, tvb, IOTFP_MIIO_HEADER_LEN, body_captured,
                                              ENC_NA);
    if (truncated)
        expert_add_info_format(pinfo, payload, &ei_miio_truncated,
                               "Capture truncated: %u of the packet's %u bytes were captured (snapshot length); "
                               "checksum not verified, body not decrypted",
                               IOTFP_MIIO_HEADER_LEN + body_captured, (guint)header->length);
    else if (verifiable && token == NULL)
        expert_add_info(pinfo, payload, &ei_miio_no_token);
    else if (checksum_status == PROTO_CHECKSUM_E_GOOD)
        add_decrypted(tvb, pinfo, tree, miio_tree, payload, body_len, token);
}

static void add_length_problem(packet_info *pinfo, proto_item *length, const iotfp_miio_header *header,
                               iotfp_miio_status status, guint datagram_len)
{
    switch (status) {
    case IOTFP_MIIO_BAD_LENGTH:
        expert_add_info_format(pinfo, length, &ei_miio_length,
                               "Length %u is less than the 32-byte header (the datagram has %u bytes)",
                               header->length, datagram_len);
        break;
    case IOTFP_MIIO_LENGTH_MISMATCH:
        expert_add_info_format(pinfo, length, &ei_miio_length, "Length field says %u bytes, the datagram has %u",
                               header->length, datagram_len);
        break;
    case IOTFP_MIIO_UNALIGNED:
        expert_add_info_format(pinfo, length, &ei_miio_unaligned,
                               "Body of %u bytes is not whole 16-byte AES blocks",
                               header->length - IOTFP_MIIO_HEADER_LEN);
        break;
    default:
        break;
    }
}

static int dissect_miio(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint captured = tvb_captured_length(tvb);
    guint reported = tvb_reported_length(tvb);
    /* Whatever else uses these ports is left to other dissectors. */
    if (captured < 2 || tvb_get_ntohs(tvb, 0) != IOTFP_MIIO_MAGIC)
        return 0;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "miIO");
    col_clear(pinfo->cinfo, COL_INFO);
    proto_item *root = proto_tree_add_item(tree, proto_miio, tvb, 0, -1, ENC_NA);
    proto_tree *miio_tree = proto_item_add_subtree(root, ett_miio);

    iotfp_miio_header header;
    iotfp_miio_status status = iotfp_miio_parse(tvb_get_ptr(tvb, 0, captured), captured, reported, &header);
    if (status == IOTFP_MIIO_TOO_SHORT) {
        proto_tree_add_item(miio_tree, hf_miio_magic, tvb, 0, 2, ENC_BIG_ENDIAN);
        if (captured >= 4)
            proto_tree_add_item(miio_tree, hf_miio_length, tvb, 2, 2, ENC_BIG_ENDIAN);
        if (reported < IOTFP_MIIO_HEADER_LEN) {
            expert_add_info_format(pinfo, root, &ei_miio_length,
                                   "Datagram of %u bytes, shorter than the 32-byte miIO header", reported);
            col_set_str(pinfo->cinfo, COL_INFO, "Short packet");
        } else {
            expert_add_info_format(pinfo, root, &ei_miio_truncated,
                                   "Capture truncated: %u of the header's 32 bytes were captured", captured);
            col_set_str(pinfo->cinfo, COL_INFO, "Truncated header");
        }
        return captured;
    }

    iotfp_miio_type type = iotfp_miio_classify(&header);
    const guint8 *token = find_token(pinfo, &header);
    /* Some firmware answers a hello with the token in the checksum field,
     * which only a known token tells from a keepalive. */
    gboolean token_exposed = type == IOTFP_MIIO_TYPE_KEEPALIVE && header.unknown == 0 && token != NULL
                             && memcmp(header.checksum, token, IOTFP_MIIO_TOKEN_LEN) == 0;
    if (token_exposed)
        type = IOTFP_MIIO_TYPE_HELLO_REPLY;

    const char *name = val_to_str_const(type, miio_type_vals, "Unknown");
    if (type == IOTFP_MIIO_TYPE_HELLO) {
        proto_item_append_text(root, ", %s", name);
        col_add_str(pinfo->cinfo, COL_INFO, name);
    } else {
        proto_item_append_text(root, ", %s, Device ID %u, Stamp %u", name, header.device_id, header.stamp);
        col_add_fstr(pinfo->cinfo, COL_INFO, "%s, Device ID %u, Stamp %u", name, header.device_id, header.stamp);
    }

    proto_item *type_item = proto_tree_add_uint(miio_tree, hf_miio_type, tvb, 0, 0, type);
    proto_item_set_generated(type_item);
    proto_tree_add_item(miio_tree, hf_miio_magic, tvb, 0, 2, ENC_BIG_ENDIAN);
    proto_item *length = proto_tree_add_item(miio_tree, hf_miio_length, tvb, 2, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(miio_tree, hf_miio_unknown, tvb, 4, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(miio_tree, hf_miio_device_id, tvb, 8, 4, ENC_BIG_ENDIAN);
    proto_tree_add_item(miio_tree, hf_miio_stamp, tvb, 12, 4, ENC_BIG_ENDIAN);
    add_length_problem(pinfo, length, &header, status, reported);
    add_checksum_and_body(tvb, pinfo, tree, miio_tree, &header, status, type, token, token_exposed);
    if (status == IOTFP_MIIO_OK || status == IOTFP_MIIO_HELLO)
        proto_item_set_len(root, MIN(header.length, captured));
    return captured;
}

/* The magic, and a length that is exactly the datagram's, of whole blocks. */
static gboolean dissect_miio_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint captured = tvb_captured_length(tvb);
    if (captured < 4 || tvb_get_ntohs(tvb, 0) != IOTFP_MIIO_MAGIC)
        return FALSE;
    guint length = tvb_get_ntohs(tvb, 2);
    if (length < IOTFP_MIIO_HEADER_LEN || length != tvb_reported_length(tvb)
        || (length - IOTFP_MIIO_HEADER_LEN) % IOTFP_MIIO_BLOCK_LEN != 0)
        return FALSE;
    dissect_miio(tvb, pinfo, tree, data);
    return TRUE;
}

void proto_register_miio(void)
{
    static hf_register_info hf[] = {
        { &hf_miio_type,
          { "Type", "miio.type", FT_UINT8, BASE_DEC, VALS(miio_type_vals), 0x0,
            "What the packet is, from its length and header: hello (all ff), hello reply, keepalive/ack "
            "(any other 32-byte packet) or data (an encrypted body follows)", HFILL } },
        { &hf_miio_magic,
          { "Magic", "miio.magic", FT_UINT16, BASE_HEX, NULL, 0x0,
            "Start of every miIO packet: 0x2131", HFILL } },
        { &hf_miio_length,
          { "Length", "miio.length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Bytes in the whole packet, 32-byte header included", HFILL } },
        { &hf_miio_unknown,
          { "Unknown", "miio.unknown", FT_UINT32, BASE_HEX, NULL, 0x0,
            "Field of unknown use: 0, or 0xffffffff in hellos and cloud pings", HFILL } },
        { &hf_miio_device_id,
          { "Device ID", "miio.device_id", FT_UINT32, BASE_DEC_HEX, NULL, 0x0,
            "The device's ID (did); 0xffffffff in a hello request, where the sender does not know it yet",
            HFILL } },
        { &hf_miio_stamp,
          { "Stamp", "miio.stamp", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The device's clock in seconds, learnt by clients from its hello reply and echoed", HFILL } },
        { &hf_miio_checksum,
          { "Checksum", "miio.checksum", FT_BYTES, BASE_NONE, NULL, 0x0,
            "MD5 of the first 16 header bytes, the device token and the body; all ff in a hello. Some "
            "firmware puts the device token here in its hello reply", HFILL } },
        { &hf_miio_checksum_status,
          { "Checksum status", "miio.checksum.status", FT_UINT8, BASE_NONE, VALS(proto_checksum_vals), 0x0,
            "Whether the checksum matches the token configured for the device (miio_tokens table); "
            "unverified without a token or a whole packet", HFILL } },
        { &hf_miio_payload,
          { "Encrypted body", "miio.payload", FT_BYTES, BASE_NONE, NULL, 0x0,
            "AES-128-CBC ciphertext under the device token, as captured", HFILL } },
        { &hf_miio_decrypted,
          { "Decrypted", "miio.decrypted", FT_STRING, BASE_NONE, NULL, 0x0,
            "The body decrypted with the configured token, without padding: usually JSON such as "
            "{\"id\":1,\"method\":\"set_power\",\"params\":[\"on\"]}", HFILL } },
    };
    static gint *ett[] = { &ett_miio };
    static ei_register_info ei[] = {
        { &ei_miio_length,
          { "miio.length.bad", PI_MALFORMED, PI_ERROR,
            "Length field differs from the datagram's length or is less than the header", EXPFILL } },
        { &ei_miio_unaligned,
          { "miio.length.unaligned", PI_MALFORMED, PI_ERROR,
            "Encrypted body is not whole 16-byte AES blocks", EXPFILL } },
        { &ei_miio_truncated,
          { "miio.truncated", PI_UNDECODED, PI_NOTE,
            "Capture truncated (snapshot length): checksum not verified, body not decrypted", EXPFILL } },
        { &ei_miio_checksum,
          { "miio.checksum.bad", PI_CHECKSUM, PI_ERROR,
            "Checksum does not match the token configured for this device: wrong token?", EXPFILL } },
        { &ei_miio_padding,
          { "miio.padding.bad", PI_DECRYPTION, PI_WARN,
            "Bad PKCS#7 padding after decryption, although the checksum matched", EXPFILL } },
        { &ei_miio_no_token,
          { "miio.token.none", PI_UNDECODED, PI_CHAT,
            "No token configured for this device ID or address (miIO preferences, Device tokens): "
            "body not decrypted", EXPFILL } },
        { &ei_miio_token_exposed,
          { "miio.token.exposed", PI_SECURITY, PI_WARN,
            "The checksum field holds this device's token, as some firmware sends it in hello replies",
            EXPFILL } },
    };
    static uat_field_t token_fields[] = {
        UAT_FLD_CSTRING_OTHER(miio_tokens, device, "Device", miio_device_chk,
                              "Device ID in decimal (369215617) or hex with 0x (0x1601c881), "
                              "or the device's IPv4 or IPv6 address"),
        UAT_FLD_CSTRING_OTHER(miio_tokens, token, "Token", miio_token_chk,
                              "The device's token: 32 hex digits, as python-miio or the Mi Home app show it"),
        UAT_END_FIELDS
    };

    proto_miio = proto_register_protocol("Xiaomi miIO", "miIO", "miio");
    proto_register_field_array(proto_miio, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_miio), ei, array_length(ei));

    miio_tokens = g_array_new(FALSE, FALSE, sizeof(miio_token_t));
    uat_t *tokens_uat = uat_new("miIO tokens", sizeof(miio_token_record_t), "miio_tokens", TRUE,
                                &miio_token_records, &n_miio_token_records, UAT_AFFECTS_DISSECTION, NULL,
                                miio_token_copy_cb, miio_token_update_cb, miio_token_free_cb,
                                miio_token_post_update_cb, NULL, token_fields);
    module_t *module = prefs_register_protocol(proto_miio, NULL);
    prefs_register_uat_preference(module, "tokens", "Device tokens",
                                  "Tokens that verify checksums and decrypt bodies, by device ID or address",
                                  tokens_uat);

    miio_handle = register_dissector("miio", dissect_miio, proto_miio);
}

void proto_reg_handoff_miio(void)
{
    json_handle = find_dissector_add_dependency("json", proto_miio);
    dissector_add_uint_range_with_preference("udp.port", MIIO_UDP_PORTS, miio_handle);
    heur_dissector_add("udp", dissect_miio_heur, "miIO over UDP", "miio_udp", proto_miio, HEURISTIC_ENABLE);
}
