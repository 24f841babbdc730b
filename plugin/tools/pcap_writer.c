/* pcap_writer.c - streaming writer for classic libpcap files. */
#include "pcap_writer.h"

#include <errno.h>
#include <stdio.h>

#define PCAP_MAGIC_NANOSECONDS 0xa1b23c4du
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define LINKTYPE_ETHERNET 1
#define PCAP_FILE_HEADER_LEN 24
#define PCAP_RECORD_HEADER_LEN 16
#define NS_PER_SECOND G_GINT64_CONSTANT(1000000000)
/* Large stdio buffer: benchmark captures have millions of small records. */
#define PCAP_STREAM_BUFFER_SIZE (1u << 20)

struct PcapWriter {
    FILE *stream;
    char *path;
};

/* Every field is written little-endian whatever the host, so a given seed
 * gives the same bytes everywhere; readers detect the order from the magic. */
static void
put_le16(guint8 *out, guint16 value)
{
    out[0] = (guint8)value;
    out[1] = (guint8)(value >> 8);
}

static void
put_le32(guint8 *out, guint32 value)
{
    out[0] = (guint8)value;
    out[1] = (guint8)(value >> 8);
    out[2] = (guint8)(value >> 16);
    out[3] = (guint8)(value >> 24);
}

static gboolean
write_bytes(PcapWriter *writer, const guint8 *bytes, gsize len, GError **error)
{
    if (fwrite(bytes, 1, len, writer->stream) == len)
        return TRUE;
    int saved_errno = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved_errno),
                "cannot write to %s: %s", writer->path, g_strerror(saved_errno));
    return FALSE;
}

PcapWriter *
pcap_writer_open(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    FILE *stream = fopen(path, "wb");
    if (stream == NULL) {
        int saved_errno = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved_errno),
                    "cannot create %s: %s", path, g_strerror(saved_errno));
        return NULL;
    }
    setvbuf(stream, NULL, _IOFBF, PCAP_STREAM_BUFFER_SIZE);

    PcapWriter *writer = g_new0(PcapWriter, 1);
    writer->stream = stream;
    writer->path = g_strdup(path);

    guint8 header[PCAP_FILE_HEADER_LEN] = { 0 };
    put_le32(header, PCAP_MAGIC_NANOSECONDS);
    put_le16(header + 4, PCAP_VERSION_MAJOR);
    put_le16(header + 6, PCAP_VERSION_MINOR);
    /* bytes 8..15: thiszone and sigfigs, always zero */
    put_le32(header + 16, PCAP_WRITER_SNAPLEN);
    put_le32(header + 20, LINKTYPE_ETHERNET);
    if (!write_bytes(writer, header, sizeof header, error)) {
        pcap_writer_close(writer, NULL);
        return NULL;
    }
    return writer;
}

gboolean
pcap_writer_write(PcapWriter *writer, gint64 ts_ns, const guint8 *frame,
                  gsize len, GError **error)
{
    g_return_val_if_fail(writer != NULL, FALSE);
    g_return_val_if_fail(frame != NULL || len == 0, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (ts_ns < 0 || ts_ns / NS_PER_SECOND > G_MAXUINT32) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "cannot write to %s: timestamp %" G_GINT64_FORMAT
                    " ns is outside the pcap range", writer->path, ts_ns);
        return FALSE;
    }
    if (len > PCAP_WRITER_SNAPLEN) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "cannot write to %s: frame of %" G_GSIZE_FORMAT
                    " bytes exceeds the snaplen of %u", writer->path, len,
                    (unsigned)PCAP_WRITER_SNAPLEN);
        return FALSE;
    }

    guint8 record[PCAP_RECORD_HEADER_LEN];
    put_le32(record, (guint32)(ts_ns / NS_PER_SECOND));
    put_le32(record + 4, (guint32)(ts_ns % NS_PER_SECOND));
    put_le32(record + 8, (guint32)len);  /* captured length */
    put_le32(record + 12, (guint32)len); /* original length: never truncated */
    return write_bytes(writer, record, sizeof record, error)
        && write_bytes(writer, frame, len, error);
}

gboolean
pcap_writer_close(PcapWriter *writer, GError **error)
{
    g_return_val_if_fail(writer != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    gboolean ok = TRUE;
    /* fclose flushes the stdio buffer, so this is where a full disk shows up. */
    if (fclose(writer->stream) != 0) {
        int saved_errno = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved_errno),
                    "cannot finish writing %s: %s", writer->path,
                    g_strerror(saved_errno));
        ok = FALSE;
    }
    g_free(writer->path);
    g_free(writer);
    return ok;
}
