/* pcap_writer.h - streaming writer for classic libpcap files.
 *
 * Writes the nanosecond-resolution variant (magic 0xa1b23c4d) with
 * LINKTYPE_ETHERNET. Frames go straight to a buffered stream, so captures of
 * any size can be written in constant memory.
 */
#ifndef IOTFP_PCAP_WRITER_H
#define IOTFP_PCAP_WRITER_H

#include <glib.h>

/* Largest frame accepted; also the snaplen recorded in the file header. */
#define PCAP_WRITER_SNAPLEN 262144

typedef struct PcapWriter PcapWriter;

/* Creates (or truncates) the file at path and writes the file header. */
PcapWriter *pcap_writer_open(const char *path, GError **error);

/* Appends one frame captured at ts_ns (nanoseconds since the Unix epoch;
 * must be in [0, 2^32) seconds as the format stores 32-bit seconds). */
gboolean pcap_writer_write(PcapWriter *writer, gint64 ts_ns,
                           const guint8 *frame, gsize len, GError **error);

/* Flushes and closes the file and frees the writer, even on error. */
gboolean pcap_writer_close(PcapWriter *writer, GError **error);

#endif /* IOTFP_PCAP_WRITER_H */
