/* tool_options.c - command-line pieces shared by iotfp-learn and iotfp-eval. */
#include "tool_options.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "signature.h"

void pairing_cli_add_entries(GOptionContext *context, pairing_cli *cli)
{
    const GOptionEntry entries[] = {
        { "window", 0, 0, G_OPTION_ARG_STRING, &cli->window_text,
          "Pair a label with a burst starting at most this many seconds from it (default 1.0)", "SECONDS" },
        { "offset", 0, 0, G_OPTION_ARG_STRING, &cli->offset_text,
          "Expect the burst this many seconds after the label time, negative for before (default 0)", "SECONDS" },
        { "gap", 0, 0, G_OPTION_ARG_STRING, &cli->gap_text,
          "Burst gap passed to the plugin as iotfp.burst_gap (default " G_STRINGIFY(IOTFP_DEFAULT_BURST_GAP_MS)
          ", the plugin's default)", "MS" },
        { "device", 0, 0, G_OPTION_ARG_STRING, &cli->device,
          "The device the labels are about: keeps its rows, and is the device of time,event labels", "ADDR" },
        { "tshark", 0, 0, G_OPTION_ARG_FILENAME, &cli->tshark,
          "tshark program that loads the iotfp plugin (default $" IOTFP_TSHARK_ENV ", else tshark)", "PROGRAM" },
        { "planned-event", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->planned_event_texts,
          "Of a scenario log (\"04 On - Timestamp 240\"): the event a step stands for, e.g. On=power_on; steps "
          "named by none are left out (repeatable)", "STEP=EVENT" },
        { "planned-device", 0, 0, G_OPTION_ARG_STRING, &cli->planned_device,
          "The device of the scenario logs, when other labels files name other devices (default: --device)",
          "ADDR" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_option_context_add_main_entries(context, entries, NULL);
}

static gboolean parse_seconds(const char *text, double *value)
{
    char *end;
    errno = 0;
    *value = g_ascii_strtod(text, &end);
    return *text && !*end && errno == 0 && isfinite(*value);
}

char *pairing_cli_validate(pairing_cli *cli)
{
    cli->pairing.window = DEFAULT_WINDOW_S;
    cli->pairing.offset = 0.0;
    cli->burst_gap_ms = IOTFP_DEFAULT_BURST_GAP_MS;
    if (cli->window_text && (!parse_seconds(cli->window_text, &cli->pairing.window) || cli->pairing.window <= 0 ||
                             cli->pairing.window > 86400))
        return g_strdup_printf("--window '%s' is not a number of seconds above 0 (at most a day)", cli->window_text);
    if (cli->offset_text && (!parse_seconds(cli->offset_text, &cli->pairing.offset) ||
                             fabs(cli->pairing.offset) > 86400))
        return g_strdup_printf("--offset '%s' is not a number of seconds (at most a day either way)", cli->offset_text);
    guint64 gap;
    if (cli->gap_text) {
        /* The range the signature format accepts; the plugin takes the same. */
        if (!g_ascii_string_to_unsigned(cli->gap_text, 10, 1, 3600000, &gap, NULL))
            return g_strdup_printf("--gap '%s' is not a whole number of milliseconds from 1 to 3600000",
                                   cli->gap_text);
        cli->burst_gap_ms = (guint)gap;
    }
    for (char **text = cli->planned_event_texts; text && *text; text++) {
        const char *equals = strrchr(*text, '=');
        if (!equals || equals == *text || !iotfp_signature_valid_name(equals + 1))
            return g_strdup_printf("--planned-event '%s' is not STEP=EVENT, such as On=power_on", *text);
        if (!cli->planned.events)
            cli->planned.events = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_hash_table_insert(cli->planned.events, g_utf8_strdown(*text, equals - *text), g_strdup(equals + 1));
    }
    if (cli->planned_device) {
        char *canonical = iotfp_canonical_address(cli->planned_device);
        if (!canonical)
            return g_strdup_printf("--planned-device '%s' is not an IPv4 or IPv6 address", cli->planned_device);
        g_free(cli->planned_device);
        cli->planned.device = cli->planned_device = canonical;
    }
    if (cli->device) {
        char *canonical = iotfp_canonical_address(cli->device);
        if (!canonical)
            return g_strdup_printf("--device '%s' is not an IPv4 or IPv6 address", cli->device);
        g_free(cli->device);
        cli->device = canonical;
    }
    return NULL;
}

void pairing_cli_clear(pairing_cli *cli)
{
    g_free(cli->window_text);
    g_free(cli->offset_text);
    g_free(cli->gap_text);
    g_free(cli->device);
    g_free(cli->tshark);
    g_strfreev(cli->planned_event_texts);
    g_free(cli->planned_device);
    if (cli->planned.events)
        g_hash_table_destroy(cli->planned.events);
}

void align_planned_labels(const iotfp_label_file *file, GPtrArray *labels, const GPtrArray *candidates,
                          const iotfp_capture_bursts *capture, const iotfp_pairing_options *options)
{
    if (!file->planned)
        return;
    iotfp_alignment fit = iotfp_align_planned(labels, candidates, options);
    guint outside = 0;
    for (guint i = labels->len; i-- > 0;) {
        double expected = ((const iotfp_label *)g_ptr_array_index(labels, i))->time + options->offset;
        if (expected < capture->first_time - options->window || expected > capture->last_time + options->window) {
            g_ptr_array_remove_index(labels, i);
            outside++;
        }
    }
    printf("%s: a scenario log of %u steps named as events (%u steps left out), aligned on the capture: planned "
           "second 0 is %.3f; %u of the %u steps then have a candidate burst within %.1f s; %u steps fall outside "
           "the capture and are dropped\n",
           file->path, fit.labels, file->steps_left_out, fit.shift, fit.fitted, fit.labels, options->window,
           outside);
}

char *parse_share_option(const char *option, const char *text, double fallback, double *share)
{
    *share = fallback;
    if (!text)
        return NULL;
    char *copy = g_strstrip(g_strdup(text));
    gboolean percent = g_str_has_suffix(copy, "%");
    if (percent)
        copy[strlen(copy) - 1] = '\0';
    double value;
    gboolean ok = parse_seconds(copy, &value);
    g_free(copy);
    if (ok && percent)
        value /= 100.0;
    if (!ok || !(value > 0.0 && value <= 1.0))
        return g_strdup_printf("%s '%s' is not a share above 0 and at most 1 (such as 0.6 or 60%%)", option, text);
    *share = value;
    return NULL;
}

GPtrArray *device_cloud_bursts(const iotfp_capture_bursts *capture, const char *device)
{
    GPtrArray *bursts = g_ptr_array_new();
    for (guint i = 0; i < capture->bursts->len; i++) {
        iotfp_tool_burst *burst = g_ptr_array_index(capture->bursts, i);
        if (burst->scope == IOTFP_SCOPE_CLOUD && strcmp(burst->device, device) == 0)
            g_ptr_array_add(bursts, burst);
    }
    return bursts;
}

void print_error(const char *program, const char *message)
{
    fprintf(stderr, "%s: %s\n", program, message);
}

char *describe_label(const iotfp_label *label)
{
    return g_strdup_printf("%.3f %s (line %u)", label->time, label->event, label->line);
}

int run_tool_main(const tool_main_spec *tool, void *options, int argc, char **argv)
{
    GOptionContext *context = tool->build_context(options);
    GError *error = NULL;
    char *usage_error = NULL;
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        usage_error = g_strdup(error->message);
        g_clear_error(&error);
    } else {
        usage_error = tool->validate(options);
    }
    if (usage_error) {
        char *help = g_option_context_get_help(context, TRUE, NULL);
        fprintf(stderr, "%s: %s\n\n%s", tool->program, usage_error, help);
        g_free(help);
        g_free(usage_error);
        g_option_context_free(context);
        tool->clear(options);
        return EXIT_USAGE;
    }
    g_option_context_free(context);
    int status = EXIT_SUCCESS;
    if (!tool->run(options, &error)) {
        print_error(tool->program, error->message);
        g_error_free(error);
        status = EXIT_DATA_ERROR;
    }
    tool->clear(options);
    return status;
}
