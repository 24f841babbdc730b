/* payloads.c - application payloads for generated frames. */
#include "payloads.h"

#include <string.h>

#include "joylink.h"

#define DNS_CLASS_IN 1
#define DNS_FLAGS_QUERY 0x0100    /* RD */
#define DNS_FLAGS_RESPONSE 0x8180 /* QR, RD, RA, no error */
#define DNS_MAX_NAME_LEN 255
#define DNS_MAX_LABEL_LEN 63
/* Pointer to offset 12 of the message, right after the header, where the
 * question name starts. */
#define DNS_POINTER_TO_QUESTION 0xc00c

#define TLS_CONTENT_CHANGE_CIPHER_SPEC 0x14
#define TLS_CONTENT_HANDSHAKE 0x16
#define TLS_CONTENT_APPLICATION_DATA 0x17
#define TLS_VERSION_1_2 0x0303
#define TLS_HANDSHAKE_CLIENT_HELLO 1
#define TLS_HANDSHAKE_SERVER_HELLO 2
#define TLS_HANDSHAKE_SERVER_HELLO_DONE 14
#define TLS_HANDSHAKE_CLIENT_KEY_EXCHANGE 16
#define TLS_RANDOM_LEN 32
#define TLS_SESSION_ID_LEN 32
#define TLS_HANDSHAKE_HEADER_LEN 4
#define TLS_ECDHE_RSA_AES128_GCM_SHA256 0xc02f
#define TLS_EXT_SERVER_NAME 0x0000
#define TLS_EXT_SUPPORTED_GROUPS 0x000a
#define TLS_EXT_EC_POINT_FORMATS 0x000b
#define TLS_EXT_SIGNATURE_ALGORITHMS 0x000d
#define TLS_EXT_PADDING 0x0015
#define TLS_EXT_EXTENDED_MASTER_SECRET 0x0017
#define TLS_EXT_SESSION_TICKET 0x0023
#define TLS_EXT_RENEGOTIATION_INFO 0xff01
#define TLS_EXT_HEADER_LEN 4
#define TLS_SNI_HOST_NAME 0
/* Uncompressed P-256 point: 0x04, X, Y. */
#define TLS_ECDH_PUBLIC_KEY_LEN 65
/* AES-128-GCM Finished: 8-byte explicit nonce, 16 bytes of verify_data
 * with its handshake header, 16-byte tag. */
#define TLS_ENCRYPTED_FINISHED_LEN 40

static void
append_u8(GByteArray *out, guint8 value)
{
    g_byte_array_append(out, &value, 1);
}

static void
append_u16(GByteArray *out, guint16 value)
{
    guint8 bytes[2] = { (guint8)(value >> 8), (guint8)value };
    g_byte_array_append(out, bytes, sizeof bytes);
}

static void
append_u32(GByteArray *out, guint32 value)
{
    append_u16(out, (guint16)(value >> 16));
    append_u16(out, (guint16)value);
}

static void
append_random(GByteArray *out, Prng *prng, gsize len)
{
    guint old_len = out->len;
    g_byte_array_set_size(out, old_len + (guint)len);
    prng_fill(prng, out->data + old_len, len);
}

/* Length-prefixed structures: reserve a width-byte length field, append the
 * body, then close_length() stores the body's length in the field. */
static guint
open_length(GByteArray *out, guint width)
{
    guint field_offset = out->len;
    static const guint8 zeros[3] = { 0 };
    g_byte_array_append(out, zeros, width);
    return field_offset;
}

static void
close_length(GByteArray *out, guint field_offset, guint width)
{
    gsize body_len = out->len - field_offset - width;
    if (body_len >> (8 * width))
        g_error("payloads: %" G_GSIZE_FORMAT " bytes overflow a %u-byte length",
                body_len, width);
    for (guint i = 0; i < width; i++)
        out->data[field_offset + i] = (guint8)(body_len >> (8 * (width - 1 - i)));
}

static void
append_dns_name(GByteArray *out, const char *name)
{
    gsize name_len = strlen(name);
    if (name_len == 0 || name_len > DNS_MAX_NAME_LEN - 2)
        g_error("payload_dns: invalid name \"%s\"", name);
    gchar **labels = g_strsplit(name, ".", -1);
    for (gchar **label = labels; *label != NULL; label++) {
        gsize label_len = strlen(*label);
        gboolean trailing_root = label_len == 0 && label[1] == NULL;
        if (trailing_root)
            break;
        if (label_len == 0 || label_len > DNS_MAX_LABEL_LEN)
            g_error("payload_dns: invalid label in \"%s\"", name);
        append_u8(out, (guint8)label_len);
        g_byte_array_append(out, (const guint8 *)*label, (guint)label_len);
    }
    append_u8(out, 0);
    g_strfreev(labels);
}

static void
append_dns_header_and_question(GByteArray *out, guint16 id, guint16 flags,
                               guint16 answer_count, const char *name,
                               DnsRecordType type)
{
    append_u16(out, id);
    append_u16(out, flags);
    append_u16(out, 1);            /* questions */
    append_u16(out, answer_count);
    append_u16(out, 0);            /* authority records */
    append_u16(out, 0);            /* additional records */
    append_dns_name(out, name);
    append_u16(out, (guint16)type);
    append_u16(out, DNS_CLASS_IN);
}

void
payload_dns_query(GByteArray *out, guint16 id, const char *name, DnsRecordType type)
{
    append_dns_header_and_question(out, id, DNS_FLAGS_QUERY, 0, name, type);
}

void
payload_dns_response(GByteArray *out, guint16 id, const char *name,
                     DnsRecordType type, const IpAddress *answers,
                     guint n_answers, guint32 ttl, gboolean compress_names)
{
    guint8 family = type == DNS_TYPE_A ? IP_FAMILY_V4 : IP_FAMILY_V6;
    gsize address_len = family == IP_FAMILY_V4 ? 4 : 16;
    append_dns_header_and_question(out, id, DNS_FLAGS_RESPONSE, (guint16)n_answers,
                                   name, type);
    for (guint i = 0; i < n_answers; i++) {
        if (answers[i].family != family)
            g_error("payload_dns_response: answer family does not match the type");
        if (compress_names)
            append_u16(out, DNS_POINTER_TO_QUESTION);
        else
            append_dns_name(out, name);
        append_u16(out, (guint16)type);
        append_u16(out, DNS_CLASS_IN);
        append_u32(out, ttl);
        append_u16(out, (guint16)address_len);
        g_byte_array_append(out, answers[i].bytes, (guint)address_len);
    }
}

static guint
open_tls_record(GByteArray *out, guint8 content_type, guint16 version)
{
    append_u8(out, content_type);
    append_u16(out, version);
    return open_length(out, 2);
}

static guint
open_tls_handshake(GByteArray *out, guint8 handshake_type)
{
    append_u8(out, handshake_type);
    return open_length(out, 3);
}

static guint
open_tls_extension(GByteArray *out, guint16 extension_type)
{
    append_u16(out, extension_type);
    return open_length(out, 2);
}

static void
append_empty_tls_extension(GByteArray *out, guint16 extension_type)
{
    append_u16(out, extension_type);
    append_u16(out, 0);
}

static void
append_renegotiation_info(GByteArray *out)
{
    guint ext = open_tls_extension(out, TLS_EXT_RENEGOTIATION_INFO);
    append_u8(out, 0); /* empty renegotiated_connection: initial handshake */
    close_length(out, ext, 2);
}

static void
append_ec_point_formats(GByteArray *out)
{
    guint ext = open_tls_extension(out, TLS_EXT_EC_POINT_FORMATS);
    append_u8(out, 1); /* one format */
    append_u8(out, 0); /* uncompressed */
    close_length(out, ext, 2);
}

/* A ClientHello as a typical embedded TLS 1.2 stack (mbedTLS-like) sends. */
void
payload_tls_client_hello(GByteArray *out, Prng *prng, const char *server_name)
{
    static const guint16 cipher_suites[] = {
        0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009c, 0x009d, 0x002f, 0x0035,
    };
    static const guint16 groups[] = { 0x001d, 0x0017, 0x0018 }; /* x25519, P-256, P-384 */
    static const guint16 signature_algorithms[] = {
        0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
    };
    gsize name_len = strlen(server_name);
    if (name_len == 0 || name_len > DNS_MAX_NAME_LEN)
        g_error("payload_tls_client_hello: invalid server name \"%s\"", server_name);

    guint record = open_tls_record(out, TLS_CONTENT_HANDSHAKE, TLS_VERSION_1_2);
    guint hello = open_tls_handshake(out, TLS_HANDSHAKE_CLIENT_HELLO);
    append_u16(out, TLS_VERSION_1_2);
    append_random(out, prng, TLS_RANDOM_LEN);
    append_u8(out, TLS_SESSION_ID_LEN);
    append_random(out, prng, TLS_SESSION_ID_LEN);
    append_u16(out, (guint16)sizeof cipher_suites);
    for (gsize i = 0; i < G_N_ELEMENTS(cipher_suites); i++)
        append_u16(out, cipher_suites[i]);
    append_u8(out, 1); /* one compression method: */
    append_u8(out, 0); /* null */

    guint extensions = open_length(out, 2);
    guint sni = open_tls_extension(out, TLS_EXT_SERVER_NAME);
    guint sni_list = open_length(out, 2);
    append_u8(out, TLS_SNI_HOST_NAME);
    append_u16(out, (guint16)name_len);
    g_byte_array_append(out, (const guint8 *)server_name, (guint)name_len);
    close_length(out, sni_list, 2);
    close_length(out, sni, 2);

    guint groups_ext = open_tls_extension(out, TLS_EXT_SUPPORTED_GROUPS);
    append_u16(out, (guint16)sizeof groups);
    for (gsize i = 0; i < G_N_ELEMENTS(groups); i++)
        append_u16(out, groups[i]);
    close_length(out, groups_ext, 2);

    append_ec_point_formats(out);

    guint signatures_ext = open_tls_extension(out, TLS_EXT_SIGNATURE_ALGORITHMS);
    append_u16(out, (guint16)sizeof signature_algorithms);
    for (gsize i = 0; i < G_N_ELEMENTS(signature_algorithms); i++)
        append_u16(out, signature_algorithms[i]);
    close_length(out, signatures_ext, 2);

    append_empty_tls_extension(out, TLS_EXT_SESSION_TICKET);
    append_empty_tls_extension(out, TLS_EXT_EXTENDED_MASTER_SECRET);
    append_renegotiation_info(out);
    close_length(out, extensions, 2);

    close_length(out, hello, 3);
    close_length(out, record, 2);
}

void
payload_tls_server_hello(GByteArray *out, Prng *prng, gsize record_size)
{
    if (record_size < TLS_SERVER_HELLO_MIN_SIZE || record_size > TLS_MAX_RECORD_SIZE)
        g_error("payload_tls_server_hello: record size %" G_GSIZE_FORMAT
                " out of range", record_size);
    guint record_start = out->len;
    guint record = open_tls_record(out, TLS_CONTENT_HANDSHAKE, TLS_VERSION_1_2);
    guint hello = open_tls_handshake(out, TLS_HANDSHAKE_SERVER_HELLO);
    append_u16(out, TLS_VERSION_1_2);
    append_random(out, prng, TLS_RANDOM_LEN);
    append_u8(out, TLS_SESSION_ID_LEN);
    append_random(out, prng, TLS_SESSION_ID_LEN);
    append_u16(out, TLS_ECDHE_RSA_AES128_GCM_SHA256);
    append_u8(out, 0); /* null compression */

    guint extensions = open_length(out, 2);
    append_renegotiation_info(out);
    append_empty_tls_extension(out, TLS_EXT_EXTENDED_MASTER_SECRET);
    append_ec_point_formats(out);
    /* Pad so that the record, ServerHelloDone included, is record_size long. */
    gsize built = out->len - record_start + TLS_EXT_HEADER_LEN + TLS_HANDSHAKE_HEADER_LEN;
    g_assert(built == TLS_SERVER_HELLO_MIN_SIZE);
    guint padding = open_tls_extension(out, TLS_EXT_PADDING);
    g_byte_array_set_size(out, out->len + (guint)(record_size - built));
    memset(out->data + padding + 2, 0, record_size - built);
    close_length(out, padding, 2);
    close_length(out, extensions, 2);
    close_length(out, hello, 3);

    guint done = open_tls_handshake(out, TLS_HANDSHAKE_SERVER_HELLO_DONE);
    close_length(out, done, 3);
    close_length(out, record, 2);
    g_assert(out->len - record_start == record_size);
}

static void
append_change_cipher_spec_and_finished(GByteArray *out, Prng *prng)
{
    guint ccs = open_tls_record(out, TLS_CONTENT_CHANGE_CIPHER_SPEC, TLS_VERSION_1_2);
    append_u8(out, 1);
    close_length(out, ccs, 2);
    guint finished = open_tls_record(out, TLS_CONTENT_HANDSHAKE, TLS_VERSION_1_2);
    append_random(out, prng, TLS_ENCRYPTED_FINISHED_LEN);
    close_length(out, finished, 2);
}

void
payload_tls_client_finished(GByteArray *out, Prng *prng)
{
    guint record = open_tls_record(out, TLS_CONTENT_HANDSHAKE, TLS_VERSION_1_2);
    guint key_exchange = open_tls_handshake(out, TLS_HANDSHAKE_CLIENT_KEY_EXCHANGE);
    append_u8(out, TLS_ECDH_PUBLIC_KEY_LEN);
    append_u8(out, 0x04); /* uncompressed point */
    append_random(out, prng, TLS_ECDH_PUBLIC_KEY_LEN - 1);
    close_length(out, key_exchange, 3);
    close_length(out, record, 2);
    append_change_cipher_spec_and_finished(out, prng);
}

void
payload_tls_server_finished(GByteArray *out, Prng *prng)
{
    append_change_cipher_spec_and_finished(out, prng);
}

void
payload_tls_application_data(GByteArray *out, Prng *prng, gsize record_size)
{
    if (record_size <= TLS_RECORD_HEADER_LEN || record_size > TLS_MAX_RECORD_SIZE)
        g_error("payload_tls_application_data: record size %" G_GSIZE_FORMAT
                " out of range", record_size);
    guint record = open_tls_record(out, TLS_CONTENT_APPLICATION_DATA, TLS_VERSION_1_2);
    append_random(out, prng, record_size - TLS_RECORD_HEADER_LEN);
    close_length(out, record, 2);
}

void
payload_opaque(GByteArray *out, Prng *prng, gsize size)
{
    static const guint8 header[OPAQUE_HEADER_LEN] = { 0x00, 0x00, 0x7e, 0x5a, 0x01 };
    if (size < OPAQUE_HEADER_LEN)
        g_error("payload_opaque: size %" G_GSIZE_FORMAT " is below the header's",
                size);
    g_byte_array_append(out, header, sizeof header);
    append_random(out, prng, size - OPAQUE_HEADER_LEN);
}

void
payload_joylink(GByteArray *out, Prng *prng, gsize size, guint8 type)
{
    if (size < IOTFP_JOYLINK_HEADER_LEN || (size - IOTFP_JOYLINK_HEADER_LEN) % 16 != 0
        || size - IOTFP_JOYLINK_HEADER_LEN > IOTFP_JOYLINK_MAX_PAYLOADLEN)
        g_error("payload_joylink: size %" G_GSIZE_FORMAT " is not a header plus whole AES blocks", size);
    guint start = out->len;
    /* append_u32 and append_u16 write big-endian; Joylink is little-endian. */
    append_u32(out, GUINT32_SWAP_LE_BE(IOTFP_JOYLINK_MAGIC_CLOUD));
    append_u16(out, 0);
    append_u16(out, GUINT16_SWAP_LE_BE((guint16)(size - IOTFP_JOYLINK_HEADER_LEN)));
    const guint8 rest[] = { 1, type, 0, 0, IOTFP_JOYLINK_ENC_SESSIONKEY_AES, 0 };
    g_byte_array_append(out, rest, sizeof rest);
    guint crc_at = out->len;
    append_u16(out, 0);
    append_random(out, prng, size - IOTFP_JOYLINK_HEADER_LEN);
    guint16 crc = iotfp_joylink_crc16(out->data + start + IOTFP_JOYLINK_HEADER_LEN, size - IOTFP_JOYLINK_HEADER_LEN);
    out->data[crc_at] = (guint8)(crc & 0xff);
    out->data[crc_at + 1] = (guint8)(crc >> 8);
}
