/* tool_options.h - command-line pieces iotfp-learn and iotfp-eval share: the
 * pairing and segmentation options, number parsing with messages that say
 * which option was wrong, and the exit codes. */
#ifndef IOTFP_TOOL_OPTIONS_H
#define IOTFP_TOOL_OPTIONS_H

#include <glib.h>

#include "labels.h"
#include "tshark_bursts.h"

#define EXIT_DATA_ERROR 1  /* a file is missing or malformed, tshark failed */
#define EXIT_USAGE 2       /* the command line is wrong */

#define DEFAULT_WINDOW_S 1.0

/* The options both tools read, as text until validated. */
typedef struct {
    char *window_text;
    char *offset_text;
    char *gap_text;
    char *device;
    char *tshark;
    char **planned_event_texts;
    char *planned_device;
    /* Validated values. */
    iotfp_pairing_options pairing;
    guint burst_gap_ms;
    iotfp_planned_options planned;  /* .device is planned_device, canonical */
} pairing_cli;

/* GOption entries for --window, --offset, --gap, --device, --tshark,
 * --planned-event, --planned-device. */
void pairing_cli_add_entries(GOptionContext *context, pairing_cli *cli);
/* NULL when valid; else the usage error. */
char *pairing_cli_validate(pairing_cli *cli);
void pairing_cli_clear(pairing_cli *cli);

/* A share in (0, 1], e.g. "0.6" or "60%"; NULL text gives fallback. Returns
 * the usage error, or NULL. */
char *parse_share_option(const char *option, const char *text, double fallback, double *share);

/* The cloud bursts of one device: what labels pair with and what becomes
 * "other". Borrowed pointers into capture->bursts, in start order. */
GPtrArray *device_cloud_bursts(const iotfp_capture_bursts *capture, const char *device);

/* Aligns a scenario log's labels (a no-op for others) on the candidates and
 * says how well they fit, on stdout. Steps that then fall outside the
 * capture are dropped from labels: the scenario ran on after it ended. */
void align_planned_labels(const iotfp_label_file *file, GPtrArray *labels, const GPtrArray *candidates,
                          const iotfp_capture_bursts *capture, const iotfp_pairing_options *options);

/* Prints "PROGRAM: message" to stderr. */
void print_error(const char *program, const char *message);

/* "1577670337.780 power_off (line 12)" for reports. */
char *describe_label(const iotfp_label *label);

/* What a tool's main() does: parse, validate (NULL or a usage error), run,
 * clear; usage errors print the help and exit EXIT_USAGE, run errors
 * EXIT_DATA_ERROR. The callbacks receive the tool's options struct. */
typedef struct {
    const char *program;
    GOptionContext *(*build_context)(void *options);
    char *(*validate)(void *options);
    gboolean (*run)(void *options, GError **error);
    void (*clear)(void *options);
} tool_main_spec;

int run_tool_main(const tool_main_spec *tool, void *options, int argc, char **argv);

#endif
