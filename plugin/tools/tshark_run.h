/* tshark_run.h - runs tshark over a capture and hands its -T fields output to
 * the caller row by row, with failures explained in terms the user can act
 * on. Shared by every tool that reads a capture through tshark. */
#ifndef IOTFP_TSHARK_RUN_H
#define IOTFP_TSHARK_RUN_H

#include <glib.h>

/* The program run when neither --tshark nor this variable names one. */
#define IOTFP_TSHARK_ENV "IOTFP_TSHARK"
#define IOTFP_TSHARK_DEFAULT "tshark"

typedef struct {
    const char *capture;  /* as the user named it, for messages */
    guint64 line_no;      /* of the row being read, from 1 */
} iotfp_tshark_position;

/* One row, split at tabs into exactly the expected number of columns.
 * Returns FALSE, with error set, to stop reading. */
typedef gboolean (*iotfp_tshark_row_fn)(gchar **columns, const iotfp_tshark_position *position, void *data,
                                        GError **error);

typedef struct {
    const char *program;          /* NULL: $IOTFP_TSHARK, else "tshark" */
    const GPtrArray *arguments;   /* char *: what follows "-r CAPTURE" */
    guint columns;                /* the number of -e fields among them */
} iotfp_tshark_command;

/* Runs PROGRAM -r CAPTURE ARGUMENTS... and calls row for each output line.
 * On failure, the message names the capture and says what tshark reported. */
gboolean iotfp_tshark_run(const char *capture, const iotfp_tshark_command *command, iotfp_tshark_row_fn row,
                          void *data, GError **error);

/* Sets "CAPTURE: tshark output line N: message"; always returns FALSE. */
gboolean iotfp_tshark_row_error(const iotfp_tshark_position *position, GError **error, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* Field text as -T fields prints it: a decimal up to max, a finite number. */
gboolean iotfp_tshark_parse_unsigned(const char *text, guint64 max, guint64 *value);
gboolean iotfp_tshark_parse_double(const char *text, double *value);

/* Adds "-e FIELD" for each field. */
void iotfp_tshark_add_fields(GPtrArray *arguments, const char *const *fields, guint n_fields);

#endif
