/* iotfp_gen.c - iotfp-gen: writes a deterministic smart-home capture plus
 * the ground truth the iotfp plugin must find in it.
 *
 *   iotfp-gen --scenario demo --seed 1 --pcap demo.pcap \
 *             --truth demo.truth.csv --labels demo.labels.csv
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "capture.h"
#include "scenario.h"
#include "scenario_bench.h"
#include "scenario_gateway.h"

#define EXIT_USAGE 2
#define DEFAULT_SEED 1

typedef struct {
    char *scenario;
    char *seed_text;
    char *pcap_path;
    char *truth_path;
    char *labels_path;
    char *packets_text; /* bench only */
    char *mix_text;       /* gateways only */
    char *commands_text;  /* gateways only */
    char *gateway_file;   /* gateways only */
    char *habits_text;    /* gateways only, mix favourites */
    char **extra_arguments;
} Options;

static void
options_clear(Options *options)
{
    g_free(options->scenario);
    g_free(options->seed_text);
    g_free(options->pcap_path);
    g_free(options->truth_path);
    g_free(options->labels_path);
    g_free(options->packets_text);
    g_free(options->mix_text);
    g_free(options->commands_text);
    g_free(options->gateway_file);
    g_free(options->habits_text);
    g_strfreev(options->extra_arguments);
}

static char *
scenario_list(void)
{
    char *tables = g_strjoinv(", ", (char **)scenario_names());
    char *list = g_strconcat(tables, ", " SCENARIO_BENCH_NAME ", " SCENARIO_GATEWAY_MIIO ", " SCENARIO_GATEWAY_TLS,
                             NULL);
    g_free(tables);
    return list;
}

static GOptionContext *
build_option_context(Options *options)
{
    const GOptionEntry entries[] = {
        { "scenario", 0, 0, G_OPTION_ARG_STRING, &options->scenario,
          "Scenario to generate (default: demo)", "NAME" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &options->seed_text,
          "Random seed, an unsigned integer (default: 1)", "N" },
        { "pcap", 0, 0, G_OPTION_ARG_FILENAME, &options->pcap_path,
          "Capture file to write (required)", "OUT.pcap" },
        { "truth", 0, 0, G_OPTION_ARG_FILENAME, &options->truth_path,
          "Ground-truth CSV to write: one row per device<->cloud burst", "OUT.truth.csv" },
        { "labels", 0, 0, G_OPTION_ARG_FILENAME, &options->labels_path,
          "Labels CSV to write: one row per user event", "OUT.labels.csv" },
        { "packets", 0, 0, G_OPTION_ARG_STRING, &options->packets_text,
          "Scenario " SCENARIO_BENCH_NAME " only: frames to write (default: 100000)", "N" },
        { "mix", 0, 0, G_OPTION_ARG_STRING, &options->mix_text,
          "Gateways only: how commands draw actions: random (1-5), scenes (the named scenes), large (4-8), "
          "favourites (an owner's favourite scenes at habitual times, see --habits) (default: random)", "MIX" },
        { "habits", 0, 0, G_OPTION_ARG_STRING, &options->habits_text,
          "Mix favourites only: the owner's habits, KEY=VALUE,... of favourites=12 (scenes), share=0.85 (of the "
          "commands), home=1 (seeds the scenes and their times), spread=45 (minutes), zipf=1 (popularity), "
          "actions=2-5 (per scene), per-day=20", "HABITS" },
        { "commands", 0, 0, G_OPTION_ARG_STRING, &options->commands_text,
          "Gateways only: commands to send, one per 20 s (default: 200)", "N" },
        { "gateway-file", 0, 0, G_OPTION_ARG_FILENAME, &options->gateway_file,
          "Gateways only: actions and scenes to use instead of the built-in ones "
          "(lines 'action NAME {JSON}' and 'scene NAME A+B+...')", "FILE" },
        { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY,
          &options->extra_arguments, NULL, NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *context =
        g_option_context_new("- write a deterministic smart-home capture and its ground truth");
    char *known = scenario_list();
    char *description = g_strdup_printf(
        "Scenarios: %s.\n"
        "The same scenario and seed always give byte-identical files.\n\n"
        "Example:\n"
        "  iotfp-gen --scenario demo --seed 1 --pcap demo.pcap \\\n"
        "            --truth demo.truth.csv --labels demo.labels.csv\n"
        "  iotfp-gen --scenario " SCENARIO_GATEWAY_MIIO " --seed 2 --mix scenes --pcap gw.pcap "
        "--labels gw.labels.csv\n", known);
    g_option_context_set_description(context, description);
    g_free(description);
    g_free(known);
    g_option_context_add_main_entries(context, entries, NULL);
    return context;
}

/* Returns the usage error, or NULL when the options are usable. */
static char *
validate_options(Options *options, guint64 *seed, guint64 *packets)
{
    if (options->extra_arguments != NULL)
        return g_strdup_printf("unexpected argument \"%s\"", options->extra_arguments[0]);
    if (options->pcap_path == NULL)
        return g_strdup("--pcap is required");
    if (options->scenario == NULL)
        options->scenario = g_strdup("demo");
    /* The bench scenario streams without ground truth (scenario_bench.h). */
    gboolean bench = g_strcmp0(options->scenario, SCENARIO_BENCH_NAME) == 0;
    if (bench && (options->truth_path != NULL || options->labels_path != NULL))
        return g_strdup("--truth and --labels are not available for scenario " SCENARIO_BENCH_NAME);
    if (!bench && options->packets_text != NULL)
        return g_strdup("--packets is for scenario " SCENARIO_BENCH_NAME " only");
    *packets = SCENARIO_BENCH_DEFAULT_PACKETS;
    if (options->packets_text != NULL
        && !g_ascii_string_to_unsigned(options->packets_text, 10, 1, G_MAXUINT64, packets, NULL))
        return g_strdup_printf("invalid --packets \"%s\"", options->packets_text);
    if (!bench && !scenario_gateway_is_gateway(options->scenario)
        && !g_strv_contains(scenario_names(), options->scenario)) {
        char *known = scenario_list();
        char *message = g_strdup_printf("unknown scenario \"%s\" (known: %s)",
                                        options->scenario, known);
        g_free(known);
        return message;
    }
    *seed = DEFAULT_SEED;
    GError *error = NULL;
    if (options->seed_text != NULL
        && !g_ascii_string_to_unsigned(options->seed_text, 10, 0, G_MAXUINT64,
                                       seed, &error)) {
        char *message = g_strdup_printf("invalid --seed: %s", error->message);
        g_error_free(error);
        return message;
    }
    return NULL;
}

static char *
validate_gateway_options(const Options *options, guint64 seed, GatewayRequest *request)
{
    gboolean gateway = scenario_gateway_is_gateway(options->scenario);
    if (!gateway) {
        if (options->mix_text != NULL || options->commands_text != NULL || options->gateway_file != NULL ||
            options->habits_text != NULL)
            return g_strdup("--mix, --commands, --gateway-file and --habits are for the gateway scenarios only");
        return NULL;
    }
    if (options->truth_path != NULL)
        return g_strdup("--truth is not available for the gateway scenarios: their labels are the truth");
    *request = (GatewayRequest){ options->scenario, seed, GATEWAY_MIX_RANDOM, SCENARIO_GATEWAY_DEFAULT_COMMANDS,
                                 options->gateway_file, GATEWAY_HABITS_DEFAULT };
    if (options->mix_text != NULL && !scenario_gateway_parse_mix(options->mix_text, &request->mix))
        return g_strdup_printf("invalid --mix \"%s\" (random, scenes, large, favourites)", options->mix_text);
    if (options->habits_text != NULL) {
        if (request->mix != GATEWAY_MIX_FAVOURITES)
            return g_strdup("--habits is for --mix favourites");
        char *problem = scenario_gateway_parse_habits(options->habits_text, &request->habits);
        if (problem) {
            char *message = g_strdup_printf("invalid --habits: %s", problem);
            g_free(problem);
            return message;
        }
    }
    guint64 commands;
    if (options->commands_text != NULL) {
        if (!g_ascii_string_to_unsigned(options->commands_text, 10, 1, 100000, &commands, NULL))
            return g_strdup_printf("invalid --commands \"%s\" (1 to 100000)", options->commands_text);
        request->commands = (guint)commands;
    }
    return NULL;
}

static gboolean
generate_gateway(const Options *options, const GatewayRequest *request, GError **error)
{
    guint64 frames = 0;
    if (!scenario_gateway_write(request, options->pcap_path, options->labels_path, &frames, error))
        return FALSE;
    printf("iotfp-gen: %s seed %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT " frames, %u commands -> %s\n",
           request->gateway, request->seed, frames, request->commands, options->pcap_path);
    return TRUE;
}

static guint
count_user_event_bursts(const TruthTracker *truth)
{
    const GPtrArray *bursts = truth_tracker_bursts(truth);
    guint count = 0;
    for (guint i = 0; i < bursts->len; i++) {
        const TruthBurst *burst = g_ptr_array_index(bursts, i);
        count += burst->event->user_event ? 1 : 0;
    }
    return count;
}

static gboolean
generate_bench(const Options *options, guint64 seed, guint64 packets, GError **error)
{
    BenchSummary summary;
    if (!scenario_bench_write(options->pcap_path, seed, packets, &summary, error))
        return FALSE;
    printf("iotfp-gen: %s seed %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT " frames over %.0f s, "
           "%" G_GUINT64_FORMAT " of IoT devices (%.1f%%): %" G_GUINT64_FORMAT " events, %"
           G_GUINT64_FORMAT " heartbeats; %" G_GUINT64_FORMAT " web pages, %" G_GUINT64_FORMAT
           " video chunks, %" G_GUINT64_FORMAT " DNS lookups -> %s\n",
           SCENARIO_BENCH_NAME, seed, summary.frames, summary.duration_ns / 1e9,
           summary.iot_frames, 100.0 * (double)summary.iot_frames / (double)MAX(summary.frames, 1),
           summary.iot_events, summary.heartbeats, summary.web_pages, summary.video_chunks,
           summary.dns_lookups, options->pcap_path);
    return TRUE;
}

static gboolean
generate(const Options *options, guint64 seed, GError **error)
{
    Capture *capture = capture_open(options->pcap_path, SCENARIO_BURST_GAP_NS, error);
    if (capture == NULL)
        return FALSE;
    gboolean ok = scenario_run(options->scenario, seed, capture, error)
                  && capture_close(capture, error);
    const TruthTracker *truth = capture_truth(capture);
    ok = ok
         && (options->truth_path == NULL
             || truth_tracker_write_truth_csv(truth, options->truth_path, error))
         && (options->labels_path == NULL
             || truth_tracker_write_labels_csv(truth, options->labels_path, error));
    if (ok)
        printf("iotfp-gen: %s seed %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT
               " frames, %u device<->cloud bursts, %u user events -> %s\n",
               options->scenario, seed, truth_tracker_counters(truth)->frames,
               truth_tracker_bursts(truth)->len, count_user_event_bursts(truth),
               options->pcap_path);
    capture_free(capture);
    return ok;
}

int
main(int argc, char **argv)
{
    Options options = { 0 };
    GOptionContext *context = build_option_context(&options);
    GError *error = NULL;
    guint64 seed = DEFAULT_SEED;
    guint64 packets = SCENARIO_BENCH_DEFAULT_PACKETS;
    GatewayRequest gateway = { 0 };
    char *usage_error = NULL;
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        usage_error = g_strdup(error->message);
        g_clear_error(&error);
    } else {
        usage_error = validate_options(&options, &seed, &packets);
        if (usage_error == NULL)
            usage_error = validate_gateway_options(&options, seed, &gateway);
    }
    if (usage_error != NULL) {
        char *help = g_option_context_get_help(context, TRUE, NULL);
        fprintf(stderr, "iotfp-gen: %s\n\n%s", usage_error, help);
        g_free(help);
        g_free(usage_error);
        g_option_context_free(context);
        options_clear(&options);
        return EXIT_USAGE;
    }
    g_option_context_free(context);

    int status = EXIT_SUCCESS;
    gboolean bench = g_strcmp0(options.scenario, SCENARIO_BENCH_NAME) == 0;
    gboolean ok = bench ? generate_bench(&options, seed, packets, &error)
                  : scenario_gateway_is_gateway(options.scenario) ? generate_gateway(&options, &gateway, &error)
                  : generate(&options, seed, &error);
    if (!ok) {
        fprintf(stderr, "iotfp-gen: %s\n", error->message);
        g_error_free(error);
        status = EXIT_FAILURE;
    }
    options_clear(&options);
    return status;
}
