/* payloads.h - application payloads for generated frames.
 *
 * Every builder appends to a GByteArray, so payloads compose (several TLS
 * records in one segment) and the caller reuses one buffer per packet.
 * Random content comes from the caller's Prng to keep captures reproducible.
 * Out-of-range sizes are programming errors and abort.
 */
#ifndef IOTFP_PAYLOADS_H
#define IOTFP_PAYLOADS_H

#include <glib.h>

#include "frame_builder.h"
#include "prng.h"

#define DNS_PORT 53

typedef enum {
    DNS_TYPE_A = 1,
    DNS_TYPE_AAAA = 28,
} DnsRecordType;

/* A recursive query for one name. */
void payload_dns_query(GByteArray *out, guint16 id, const char *name,
                       DnsRecordType type);

/* The answer to that query. With compress_names the answers point back to
 * the question name (RFC 1035 4.1.4); otherwise they spell it out again.
 * answers must all be of the family matching type. */
void payload_dns_response(GByteArray *out, guint16 id, const char *name,
                          DnsRecordType type, const IpAddress *answers,
                          guint n_answers, guint32 ttl, gboolean compress_names);

/* TLS 1.2 ClientHello carrying a server_name (SNI) extension. */
void payload_tls_client_hello(GByteArray *out, Prng *prng, const char *server_name);

/* Smallest record payload_tls_server_hello can build. */
#define TLS_SERVER_HELLO_MIN_SIZE 104
/* One handshake record of exactly record_size bytes: a ServerHello, padded
 * to size with a padding extension, followed by ServerHelloDone. It stands
 * in for the server's first flight, whose size is what matters here. */
void payload_tls_server_hello(GByteArray *out, Prng *prng, gsize record_size);

/* The client's second flight: ClientKeyExchange, ChangeCipherSpec and an
 * encrypted Finished, in three records. */
void payload_tls_client_finished(GByteArray *out, Prng *prng);
/* The server's reply: ChangeCipherSpec and an encrypted Finished. */
void payload_tls_server_finished(GByteArray *out, Prng *prng);

#define TLS_RECORD_HEADER_LEN 5
#define TLS_MAX_RECORD_SIZE (TLS_RECORD_HEADER_LEN + 16384)
/* One application-data record of record_size bytes in total (header
 * 17 03 03 len, then random bytes standing for ciphertext). */
void payload_tls_application_data(GByteArray *out, Prng *prng, gsize record_size);

#define OPAQUE_HEADER_LEN 5
/* A message of an unknown proprietary protocol, size bytes long (at least
 * OPAQUE_HEADER_LEN): the made-up magic 00 00 7e 5a and version byte 01,
 * then random bytes standing for ciphertext. Wholly random payloads now and
 * then match one of Wireshark's UDP heuristics and show up as malformed or
 * misdissected packets. The zero first byte is refused by those that read
 * it as a version, type or length (RTP/RTCP, WireGuard, ISO CLTP/R-GOOSE),
 * 7e 5a as DNS flags carry an invalid opcode, the version byte is not a
 * Thrift protocol id (which a framed Thrift message has at offset 4), and
 * the magic is neither Tuya's (00 00 55 aa, 00 00 66 99) nor Joylink's
 * (12 34 55 xx), so the traffic stays opaque. */
void payload_opaque(GByteArray *out, Prng *prng, gsize size);
/* A JD Joylink 2.0 frame of size bytes (joylink.h): the 16-byte header with
 * the cloud magic, no options, a session-key AES body of random bytes and
 * the header's CRC over it. size - 16 must be whole AES blocks. */
void payload_joylink(GByteArray *out, Prng *prng, gsize size, guint8 type);

#endif /* IOTFP_PAYLOADS_H */
