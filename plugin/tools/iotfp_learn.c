/* iotfp_learn.c - iotfp-learn: learns a device model's event signature from
 * labelled captures.
 *
 *   iotfp-learn --model tplink-plug --match port:443 --privacy power_on=power \
 *               --out tplink-plug.sig tplink-plug.pcap tplink-plug.labels.csv
 *
 * The bursts come from tshark running the plugin, so the samples are cut
 * exactly as the plugin will cut the bursts it later classifies. Each label
 * is paired with the device's nearest burst; the device's other bursts are
 * the "other" samples that teach the model what not to report. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "addr.h"
#include "burst.h"
#include "labels.h"
#include "learn.h"
#include <glib/gstdio.h>

#include "decrypted_labels.h"
#include "learn_actions.h"
#include "platform_rules.h"
#include "signature.h"
#include "tool_options.h"
#include "tshark_bursts.h"

#define PROGRAM "iotfp-learn"
/* Lengths of a shape shown per pair in the report. */
#define REPORT_SHAPE_LENGTHS 8

typedef struct {
    char *model;
    char *platform;
    char *out_path;
    char *train_share_text;
    char *shape_text;
    char **match_texts;
    char **privacy_texts;
    char **inputs;          /* CAPTURE LABELS.csv pairs */
    gboolean actions;       /* learn an action model, not events */
    gboolean labels_from_decryption; /* --actions: labels from the decrypted miIO commands, no labels files */
    char **miio_tokens;     /* DEVICE_ID:TOKEN for --labels-from-decryption */
    char *action_padding_text;
    char *action_command_text;
    gint action_overhead;
    gint action_tolerance;
    gint action_max;
    pairing_cli pairing;
    /* Validated. */
    double train_share;
    iotfp_shape_kind shape;
    GArray *matches;        /* iotfp_match */
    GHashTable *privacy;    /* event -> what it reveals */
    iotfp_action_learn_options action_learning;
} learn_options;

/* One capture with its labels, for one device. */
typedef struct {
    iotfp_label_file *labels;
    iotfp_capture_bursts *capture;
    char *device;
    GPtrArray *candidates;  /* the device's cloud bursts in conversations the matches accept */
    GArray *pairs;          /* iotfp_label_pair, one per label */
    gboolean *in_training;  /* per label: among the first share of its class */
    GArray *companions;     /* companion: other bursts of a paired label's occurrence */
    GPtrArray *unlabelled;  /* candidates no label pairs with */
    guint unlabelled_in_training;
} learn_source;

/* A burst that starts within the window of a paired label besides the
 * burst it paired with: the same action seen twice (TP-Link's command on its
 * persistent connection, then a report session), learned as that event. */
typedef struct {
    guint pair;  /* index in source->pairs */
    const iotfp_tool_burst *burst;
} companion;

static void options_clear(learn_options *options)
{
    g_free(options->model);
    g_free(options->platform);
    g_free(options->out_path);
    g_free(options->train_share_text);
    g_free(options->shape_text);
    g_strfreev(options->match_texts);
    g_strfreev(options->privacy_texts);
    g_strfreev(options->inputs);
    g_free(options->action_padding_text);
    g_free(options->action_command_text);
    g_strfreev(options->miio_tokens);
    pairing_cli_clear(&options->pairing);
    if (options->matches)
        g_array_free(options->matches, TRUE);
    if (options->privacy)
        g_hash_table_destroy(options->privacy);
}

static void source_free(gpointer data)
{
    learn_source *source = data;
    iotfp_label_file_free(source->labels);
    iotfp_capture_bursts_free(source->capture);
    g_free(source->device);
    if (source->candidates)
        g_ptr_array_free(source->candidates, TRUE);
    if (source->pairs)
        g_array_free(source->pairs, TRUE);
    if (source->unlabelled)
        g_ptr_array_free(source->unlabelled, TRUE);
    if (source->companions)
        g_array_free(source->companions, TRUE);
    g_free(source->in_training);
    g_free(source);
}

static GOptionContext *build_option_context(learn_options *options)
{
    const GOptionEntry entries[] = {
        { "model", 0, 0, G_OPTION_ARG_STRING, &options->model, "Device model the signature is for (required)",
          "NAME" },
        { "platform", 0, 0, G_OPTION_ARG_STRING, &options->platform, "Cloud platform of the model", "NAME" },
        { "match", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->match_texts,
          "Conversations the model applies to: port:443, cloud:*.example.com or platform:tuya; all must hold "
          "(repeatable)", "KIND:VALUE" },
        { "privacy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->privacy_texts,
          "What an event reveals, e.g. power_on=power (repeatable)", "EVENT=KIND" },
        { "train-share", 0, 0, G_OPTION_ARG_STRING, &options->train_share_text,
          "Learn from the earliest share of each event class (and of the unlabelled bursts), keeping the rest "
          "for iotfp-eval --test-share (default 1: everything)", "SHARE" },
        { "out", 'o', 0, G_OPTION_ARG_FILENAME, &options->out_path, "Signature file to write (required)",
          "FILE.sig" },
        { "shape", 0, 0, G_OPTION_ARG_STRING, &options->shape_text,
          "What the samples are lengths of: segments (TCP and UDP payloads, the default) or messages (TLS "
          "application records, whatever the MSS and segmentation; segments where a burst has none)", "KIND" },
        { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->inputs, NULL, NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    const GOptionEntry action_entries[] = {
        { "actions", 0, 0, G_OPTION_ARG_NONE, &options->actions,
          "Learn a gateway's action model: each label's event is the command's action set, names joined by +",
          NULL },
        { "action-padding", 0, 0, G_OPTION_ARG_STRING, &options->action_padding_text,
          "How the cipher pads a command: none, tls12-gcm or block:SIZE (default none)", "RULE" },
        { "action-overhead", 0, 0, G_OPTION_ARG_INT, &options->action_overhead,
          "Fixed bytes around the padded plaintext, such as a 32-byte miIO header (default 0)", "BYTES" },
        { "action-command", 0, 0, G_OPTION_ARG_STRING, &options->action_command_text,
          "Which message of a burst is the command: to-device:N or from-device:N (default to-device:1)",
          "WAY:N" },
        { "action-tolerance", 0, 0, G_OPTION_ARG_INT, &options->action_tolerance,
          "Bytes a predicted size may miss by (default: the least that explains every training command)",
          "BYTES" },
        { "action-max", 0, 0, G_OPTION_ARG_INT, &options->action_max,
          "Most actions in one command (default: the most a training command carried)", "N" },
        { "labels-from-decryption", 0, 0, G_OPTION_ARG_NONE, &options->labels_from_decryption,
          "Take each command's action set from its decrypted miIO JSON (needs --miio-token): give captures "
          "only, no labels files", NULL },
        { "miio-token", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->miio_tokens,
          "A miIO device id and its 32-hex-digit token, DEVICE_ID:TOKEN, for --labels-from-decryption "
          "(repeatable)", "ID:TOKEN" },
        { "no-action-scenes", 0, 0, G_OPTION_ARG_NONE, &options->action_learning.no_scenes,
          "Rank without the prior over whole sets seen in training (the independent-action model alone)", NULL },
        { "no-action-time", 0, 0, G_OPTION_ARG_NONE, &options->action_learning.no_time,
          "Rank without the time-of-day term", NULL },
        { "no-action-residuals", 0, 0, G_OPTION_ARG_NONE, &options->action_learning.no_residuals,
          "Rank without the residual distribution (every size within tolerance alike)", NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *context = g_option_context_new("CAPTURE LABELS.csv [CAPTURE LABELS.csv ...]");
    g_option_context_set_summary(context,
        "Learns a device model's event signature from captures and their labelled user events.");
    g_option_context_set_description(context,
        "Labels are CSV rows time,device_ip,event (epoch seconds), or time,event with --device. Each label is\n"
        "paired with the device's cloud burst that starts nearest to time + offset, within the window; a burst\n"
        "pairs with one label at most. The device's cloud bursts no label pairs with are learned as 'other'.\n"
        "Bursts are read by running tshark with the iotfp plugin (--tshark or $" IOTFP_TSHARK_ENV ").\n\n"
        "Example:\n"
        "  iotfp-learn --model tplink-plug --match port:443 --privacy power_on=power --privacy power_off=power \\\n"
        "              --out tplink-plug.sig tplink-plug.pcap tplink-plug.labels.csv\n"
        "  iotfp-learn --actions --model mijia-gateway --match port:8053 --action-padding block:16 \\\n"
        "              --action-overhead 32 --out mijia-gateway.sig gw.pcap gw.labels.csv\n");
    g_option_context_add_main_entries(context, entries, NULL);
    pairing_cli_add_entries(context, &options->pairing);
    GOptionGroup *actions = g_option_group_new("actions", "Action models of gateways (--actions):",
                                               "Show the options of --actions", NULL, NULL);
    g_option_group_add_entries(actions, action_entries);
    g_option_context_add_group(context, actions);
    return context;
}

/* A glob or platform name becomes one word of the signature file. */
static gboolean valid_pattern(const char *text)
{
    if (!*text || strlen(text) > 253)
        return FALSE;
    for (const char *c = text; *c; c++)
        if (g_ascii_isspace(*c) || *c == '#' || !g_ascii_isprint(*c))
            return FALSE;
    return TRUE;
}

static char *parse_match(const char *text, iotfp_match *match)
{
    const char *colon = strchr(text, ':');
    const char *value = colon ? colon + 1 : "";
    memset(match, 0, sizeof *match);
    if (colon && strncmp(text, "port", (size_t)(colon - text)) == 0 && colon - text == 4) {
        guint64 port;
        if (!g_ascii_string_to_unsigned(value, 10, 1, 65535, &port, NULL))
            return g_strdup_printf("--match '%s': the port is not a number from 1 to 65535", text);
        match->kind = IOTFP_MATCH_PORT;
        match->port = (guint)port;
        return NULL;
    }
    gboolean cloud = colon && colon - text == 5 && strncmp(text, "cloud", 5) == 0;
    gboolean platform = colon && colon - text == 8 && strncmp(text, "platform", 8) == 0;
    if (!cloud && !platform)
        return g_strdup_printf("--match '%s' is not port:NUMBER, cloud:GLOB or platform:NAME", text);
    if (!valid_pattern(value))
        return g_strdup_printf("--match '%s': the value must be one word without blanks or '#'", text);
    match->kind = cloud ? IOTFP_MATCH_CLOUD : IOTFP_MATCH_PLATFORM;
    match->pattern = g_strdup(value);
    return NULL;
}

static void match_clear(gpointer data)
{
    g_free(((iotfp_match *)data)->pattern);
}

static char *validate_action_options(learn_options *options)
{
    iotfp_action_learn_options *learning = &options->action_learning;
    if (!options->actions) {
        if (options->action_padding_text || options->action_command_text || options->action_overhead ||
            options->action_tolerance >= 0 || options->action_max || learning->no_scenes || learning->no_time ||
            learning->no_residuals)
            return g_strdup("the --action-* options need --actions");
        return NULL;
    }
    if (options->privacy_texts)
        return g_strdup("--privacy is for events, not --actions");
    const char *padding = options->action_padding_text ? options->action_padding_text : "none";
    guint64 value;
    learning->padding = (iotfp_padding){ IOTFP_PADDING_NONE, 0, 0 };
    if (strcmp(padding, "tls12-gcm") == 0)
        learning->padding.kind = IOTFP_PADDING_TLS12_GCM;
    else if (g_str_has_prefix(padding, "block:") &&
             g_ascii_string_to_unsigned(padding + 6, 10, 1, IOTFP_DECOMPOSE_MAX_BLOCK, &value, NULL)) {
        learning->padding.kind = IOTFP_PADDING_BLOCK;
        learning->padding.block_size = (guint)value;
    } else if (strcmp(padding, "none") != 0)
        return g_strdup_printf("--action-padding '%s' is not none, tls12-gcm or block:SIZE (1 to %u)", padding,
                               IOTFP_DECOMPOSE_MAX_BLOCK);
    if (options->action_overhead < 0 || options->action_overhead > IOTFP_SIGNATURE_MAX_LENGTH)
        return g_strdup_printf("--action-overhead must be from 0 to %u", IOTFP_SIGNATURE_MAX_LENGTH);
    learning->padding.extra_overhead = (guint)options->action_overhead;
    const char *command = options->action_command_text ? options->action_command_text : "to-device:1";
    const char *colon = strchr(command, ':');
    gboolean to_device = colon && colon - command == 9 && strncmp(command, "to-device", 9) == 0;
    gboolean from_device = colon && colon - command == 11 && strncmp(command, "from-device", 11) == 0;
    if ((!to_device && !from_device) ||
        !g_ascii_string_to_unsigned(colon + 1, 10, 1, IOTFP_SHAPE_MAX, &value, NULL))
        return g_strdup_printf("--action-command '%s' is not to-device:N or from-device:N (N from 1 to %u)", command,
                               IOTFP_SHAPE_MAX);
    learning->direction = to_device ? IOTFP_COMMAND_TO_DEVICE : IOTFP_COMMAND_FROM_DEVICE;
    learning->command_index = (guint)value;
    if (options->action_tolerance > IOTFP_SIGNATURE_MAX_LENGTH)
        return g_strdup_printf("--action-tolerance must be from 0 to %u", IOTFP_SIGNATURE_MAX_LENGTH);
    learning->tolerance = options->action_tolerance;
    if (options->action_max < 0 || options->action_max > IOTFP_DECOMPOSE_MAX_ACTIONS)
        return g_strdup_printf("--action-max must be from 1 to %u", IOTFP_DECOMPOSE_MAX_ACTIONS);
    learning->max_actions = (guint)options->action_max;
    return NULL;
}

static char *validate_options(learn_options *options)
{
    char *problem = pairing_cli_validate(&options->pairing);
    if (problem)
        return problem;
    if (!options->model)
        return g_strdup("--model is required");
    if (!iotfp_signature_valid_name(options->model))
        return g_strdup_printf("--model '%s' must be a name of letters, digits and _ . - /", options->model);
    if (options->platform && !iotfp_signature_valid_name(options->platform))
        return g_strdup_printf("--platform '%s' must be a name of letters, digits and _ . - /", options->platform);
    if (!options->out_path)
        return g_strdup("--out is required");
    guint n_inputs = options->inputs ? g_strv_length(options->inputs) : 0;
    if (options->labels_from_decryption || options->miio_tokens) {
        if (!options->actions || !options->labels_from_decryption || !options->miio_tokens)
            return g_strdup("--labels-from-decryption and --miio-token go together, with --actions");
        for (char **token = options->miio_tokens; *token; token++) {
            const char *colon = strchr(*token, ':');
            char *id = colon ? g_strndup(*token, (gsize)(colon - *token)) : NULL;
            gboolean ok = id && strlen(colon + 1) == 32 &&
                          g_ascii_string_to_unsigned(id, 10, 0, G_MAXUINT32, NULL, NULL);
            g_free(id);
            for (const char *c = colon ? colon + 1 : ""; ok && *c; c++)
                ok = g_ascii_isxdigit(*c);
            if (!ok)
                return g_strdup_printf("--miio-token '%s' is not DEVICE_ID:TOKEN (a number, 32 hex digits)", *token);
        }
        if (n_inputs == 0)
            return g_strdup("give the captures to learn from");
    } else if (n_inputs == 0 || n_inputs % 2 != 0)
        return g_strdup_printf("give captures and labels files in pairs: CAPTURE LABELS.csv ... (got %u argument%s)",
                               n_inputs, n_inputs == 1 ? "" : "s");
    if ((problem = parse_share_option("--train-share", options->train_share_text, 1.0, &options->train_share)))
        return problem;
    if (!options->shape_text || strcmp(options->shape_text, "segments") == 0)
        options->shape = IOTFP_SHAPE_SEGMENTS;
    else if (strcmp(options->shape_text, "messages") == 0)
        options->shape = IOTFP_SHAPE_MESSAGES;
    else
        return g_strdup_printf("--shape '%s' is neither segments nor messages", options->shape_text);
    options->matches = g_array_new(FALSE, TRUE, sizeof(iotfp_match));
    g_array_set_clear_func(options->matches, match_clear);
    for (char **text = options->match_texts; text && *text; text++) {
        iotfp_match match;
        if ((problem = parse_match(*text, &match)))
            return problem;
        g_array_append_val(options->matches, match);
    }
    options->privacy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (char **text = options->privacy_texts; text && *text; text++) {
        char **parts = g_strsplit(*text, "=", 2);
        gboolean ok = parts[0] && parts[1] && iotfp_signature_valid_name(parts[0]) && iotfp_signature_valid_name(parts[1]);
        if (ok && !g_hash_table_contains(options->privacy, parts[0]))
            g_hash_table_insert(options->privacy, g_strdup(parts[0]), g_strdup(parts[1]));
        else if (ok)
            problem = g_strdup_printf("--privacy names event '%s' twice", parts[0]);
        else
            problem = g_strdup_printf("--privacy '%s' is not EVENT=KIND (names of letters, digits and _ . - /)",
                                      *text);
        g_strfreev(parts);
        if (problem)
            return problem;
    }
    return validate_action_options(options);
}

/* Whether the plugin would apply the model to this burst's conversation.
 * Platform matches are written to the signature but not checked here: the
 * tshark output used for learning carries no platform. */
/* The conversations learned from, by port and cloud name. A platform match
 * is written into the signature, for the homes it will be used in, but not
 * required of the training capture: records such as IoTEvent's keep no
 * handshake, so their labelled device shows no platform evidence. */
static gboolean burst_matches(const iotfp_tool_burst *burst, const GArray *matches)
{
    for (guint i = 0; i < matches->len; i++) {
        const iotfp_match *match = &g_array_index(matches, iotfp_match, i);
        if (match->kind == IOTFP_MATCH_PORT && !iotfp_tool_burst_has_cloud_port(burst, match->port))
            return FALSE;
        if (match->kind == IOTFP_MATCH_CLOUD && !iotfp_glob_match(match->pattern, burst->cloud))
            return FALSE;
    }
    return TRUE;
}

static char *pick_device(const learn_options *options, const iotfp_label_file *labels, GError **error)
{
    if (options->pairing.device)
        return g_strdup(options->pairing.device);
    GPtrArray *devices = iotfp_label_file_devices(labels);
    char *device = NULL;
    if (devices->len == 1) {
        device = g_strdup(g_ptr_array_index(devices, 0));
    } else if (devices->len == 0) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: no labels", labels->path);
    } else {
        g_ptr_array_add(devices, NULL);
        char *list = g_strjoinv(", ", (char **)devices->pdata);
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: labels of %u devices (%s): choose one with --device",
                    labels->path, devices->len - 1, list);
        g_free(list);
    }
    g_ptr_array_free(devices, TRUE);
    return device;
}

static learn_source *load_source(const learn_options *options, const char *capture_path, const char *labels_path,
                                 GError **error)
{
    learn_source *source = g_new0(learn_source, 1);
    /* Labels first: a malformed file should not wait for a long tshark run. */
    source->labels = iotfp_label_file_load(labels_path, options->pairing.device, &options->pairing.planned, error);
    if (!source->labels || !(source->device = pick_device(options, source->labels, error))) {
        source_free(source);
        return NULL;
    }
    if (source->labels->labels->len == 0) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: no labels of device %s", labels_path, source->device);
        source_free(source);
        return NULL;
    }
    iotfp_tshark_request request = {
        .program = options->pairing.tshark,
        .burst_gap_ms = options->pairing.burst_gap_ms,
    };
    source->capture = iotfp_tshark_read_bursts(capture_path, &request, error);
    if (!source->capture) {
        source_free(source);
        return NULL;
    }
    GPtrArray *cloud = device_cloud_bursts(source->capture, source->device);
    source->candidates = g_ptr_array_new();
    for (guint i = 0; i < cloud->len; i++)
        if (burst_matches(g_ptr_array_index(cloud, i), options->matches))
            g_ptr_array_add(source->candidates, g_ptr_array_index(cloud, i));
    g_ptr_array_free(cloud, TRUE);

    align_planned_labels(source->labels, source->labels->labels, source->candidates, source->capture,
                         &options->pairing.pairing);
    source->pairs = iotfp_pair_labels(source->labels->labels, source->candidates, &options->pairing.pairing);
    source->in_training = iotfp_labels_first_share(source->labels->labels, options->train_share);
    GHashTable *paired = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < source->pairs->len; i++) {
        const iotfp_label_pair *pair = &g_array_index(source->pairs, iotfp_label_pair, i);
        if (pair->burst)
            g_hash_table_add(paired, (gpointer)pair->burst);
    }
    source->companions = g_array_new(FALSE, FALSE, sizeof(companion));
    for (guint i = 0; i < source->pairs->len; i++) {
        const iotfp_label_pair *pair = &g_array_index(source->pairs, iotfp_label_pair, i);
        double expected = pair->label->time + options->pairing.pairing.offset;
        for (guint b = 0; pair->burst && b < source->candidates->len; b++) {
            const iotfp_tool_burst *burst = g_ptr_array_index(source->candidates, b);
            if (fabs(burst->start - expected) <= options->pairing.pairing.window &&
                !g_hash_table_contains(paired, burst)) {
                companion found = { i, burst };
                g_array_append_val(source->companions, found);
                g_hash_table_add(paired, (gpointer)burst);
            }
        }
    }
    source->unlabelled = g_ptr_array_new();
    for (guint i = 0; i < source->candidates->len; i++) {
        gpointer burst = g_ptr_array_index(source->candidates, i);
        if (!g_hash_table_contains(paired, burst))
            g_ptr_array_add(source->unlabelled, burst);
    }
    g_hash_table_destroy(paired);
    /* Unlabelled bursts are split like a class of their own, in time order. */
    source->unlabelled_in_training = iotfp_share_count(source->unlabelled->len, options->train_share);
    return source;
}

static void print_pairs(const learn_source *source, iotfp_shape_kind shape_kind, double window)
{
    guint paired = 0;
    for (guint i = 0; i < source->pairs->len; i++)
        paired += g_array_index(source->pairs, iotfp_label_pair, i).burst != NULL;
    printf("%s with %s, device %s: %u labels, %u paired; %u cloud bursts of the device in matching conversations, "
           "%u unlabelled\n",
           source->capture->capture, source->labels->path, source->device, source->labels->labels->len, paired,
           source->candidates->len, source->unlabelled->len);
    printf("  %-8s %-17s %-24s %7s %7s %9s  %s\n", "line", "label time", "event", "burst", "frame", "offset s",
           "shape");
    for (guint i = 0; i < source->pairs->len; i++) {
        const iotfp_label_pair *pair = &g_array_index(source->pairs, iotfp_label_pair, i);
        if (!pair->burst)
            continue;
        char *shape = iotfp_tool_burst_shape_text(pair->burst, shape_kind, REPORT_SHAPE_LENGTHS);
        printf("  %-8u %-17.3f %-24s %7u %7u %+9.3f  %s%s\n", pair->label->line, pair->label->time, pair->label->event,
               pair->burst->id, pair->burst->start_frame, pair->delta, shape,
               source->in_training[i] ? "" : "  (held out)");
        g_free(shape);
    }
    for (guint i = 0; i < source->companions->len; i++) {
        const companion *also = &g_array_index(source->companions, companion, i);
        const iotfp_label_pair *pair = &g_array_index(source->pairs, iotfp_label_pair, also->pair);
        char *shape = iotfp_tool_burst_shape_text(also->burst, shape_kind, REPORT_SHAPE_LENGTHS);
        printf("  %-8u also, within the window: burst %u (frame %u, %+.3f s)  %s%s\n", pair->label->line,
               also->burst->id, also->burst->start_frame,
               also->burst->start - pair->burst->start + pair->delta, shape,
               source->in_training[also->pair] ? "" : "  (held out)");
        g_free(shape);
    }
    for (guint i = 0; i < source->pairs->len; i++) {
        const iotfp_label_pair *pair = &g_array_index(source->pairs, iotfp_label_pair, i);
        if (pair->burst)
            continue;
        char *label = describe_label(pair->label);
        if (pair->lost_to)
            printf("  unpaired: %s: the bursts within %.1f s went to nearer labels, the nearest to line %u "
                   "(two labels, one burst: it may hold both events)\n",
                   label, window, pair->lost_to->line);
        else
            printf("  unpaired: %s: no cloud burst of %s starts within %.1f s\n", label, source->device, window);
        g_free(label);
    }
}

/* The samples iotfp_learn reads: borrowed from the sources, which outlive them. */
static GArray *training_samples(GPtrArray *sources, iotfp_shape_kind kind, GHashTable *labelled_events)
{
    GArray *samples = g_array_new(FALSE, FALSE, sizeof(iotfp_learn_burst));
    for (guint s = 0; s < sources->len; s++) {
        const learn_source *source = g_ptr_array_index(sources, s);
        for (guint i = 0; i < source->pairs->len; i++) {
            const iotfp_label_pair *pair = &g_array_index(source->pairs, iotfp_label_pair, i);
            g_hash_table_add(labelled_events, pair->label->event);
            if (!pair->burst || !source->in_training[i])
                continue;
            const GArray *lengths = iotfp_tool_burst_lengths(pair->burst, kind);
            iotfp_learn_burst sample = { pair->label->event, (const gint32 *)(gpointer)lengths->data, lengths->len };
            g_array_append_val(samples, sample);
        }
        for (guint i = 0; i < source->companions->len; i++) {
            const companion *also = &g_array_index(source->companions, companion, i);
            if (!source->in_training[also->pair])
                continue;
            const GArray *lengths = iotfp_tool_burst_lengths(also->burst, kind);
            iotfp_learn_burst sample = { g_array_index(source->pairs, iotfp_label_pair, also->pair).label->event,
                                         (const gint32 *)(gpointer)lengths->data, lengths->len };
            g_array_append_val(samples, sample);
        }
        for (guint i = 0; i < source->unlabelled_in_training; i++) {
            const GArray *lengths = iotfp_tool_burst_lengths(g_ptr_array_index(source->unlabelled, i), kind);
            iotfp_learn_burst sample = { NULL, (const gint32 *)(gpointer)lengths->data, lengths->len };
            g_array_append_val(samples, sample);
        }
    }
    return samples;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_training_split(const GArray *samples, const learn_options *options)
{
    GHashTable *per_event = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *order = g_ptr_array_new();
    guint unlabelled = 0;
    for (guint i = 0; i < samples->len; i++) {
        const char *event = g_array_index(samples, iotfp_learn_burst, i).event;
        if (!event) {
            unlabelled++;
            continue;
        }
        guint count = GPOINTER_TO_UINT(g_hash_table_lookup(per_event, event));
        if (count == 0)
            g_ptr_array_add(order, (gpointer)event);
        g_hash_table_insert(per_event, (gpointer)event, GUINT_TO_POINTER(count + 1));
    }
    g_ptr_array_sort(order, compare_strings);
    printf("\nlearning from %s:", options->train_share < 1.0 ? "the earliest share of each class" : "every pair");
    for (guint i = 0; i < order->len; i++)
        printf(" %s %u,", (char *)g_ptr_array_index(order, i),
               GPOINTER_TO_UINT(g_hash_table_lookup(per_event, g_ptr_array_index(order, i))));
    printf(" unlabelled %u\n", unlabelled);
    if (options->train_share < 1.0)
        printf("(--train-share %.2f: the later pairs and unlabelled bursts are held out for iotfp-eval "
               "--test-share %.2f)\n", options->train_share, 1.0 - options->train_share);
    g_ptr_array_free(order, TRUE);
    g_hash_table_destroy(per_event);
}

static void print_learn_report(const iotfp_learn_report *report)
{
    if (report->merges->len == 0)
        printf("merged classes: none (every pair of classes separable: at least %.0f%% of their samples nearest "
               "to their own class)\n", 100 * IOTFP_LEARN_MIN_SEPARABILITY);
    else
        printf("merged classes (the traffic does not tell them apart; below %.0f%% of their samples find their own "
               "class first):\n", 100 * IOTFP_LEARN_MIN_SEPARABILITY);
    for (guint i = 0; i < report->merges->len; i++) {
        const iotfp_learn_merge *merge = g_ptr_array_index(report->merges, i);
        printf("  %s + %s: separability %.0f%% over %u samples\n", merge->a, merge->b, 100 * merge->separability,
               merge->samples);
    }
    printf("k = %u (chosen by leave-one-out cross-validation)\n", report->k);
    printf("expected accuracy per event (leave-one-out):\n");
    printf("  %-40s %7s %7s %8s %8s %9s\n", "event", "samples", "right", "other", "accuracy", "threshold");
    guint samples = 0, right = 0;
    for (guint i = 0; i < report->events->len; i++) {
        const iotfp_learn_event_report *event = g_ptr_array_index(report->events, i);
        printf("  %-40s %7u %7u %8u %7.1f%% %9.3f\n", event->event, event->samples, event->right, event->as_other,
               event->samples ? 100.0 * event->right / event->samples : 0.0, event->threshold);
        samples += event->samples;
        right += event->right;
    }
    printf("  %-40s %7u %7u %8s %7.1f%%\n", "all", samples, right, "", samples ? 100.0 * right / samples : 0.0);
    printf("margins (edit distance from the class's samples to the nearest sample of another class, and of the "
           "device's non-event traffic; '-' for none within %.0f):\n", IOTFP_LEARN_MARGIN_CAP);
    printf("  %-40s %-30s %8s %10s\n", "event", "nearest other class", "distance", "non-event");
    for (guint i = 0; i < report->events->len; i++) {
        const iotfp_learn_event_report *event = g_ptr_array_index(report->events, i);
        char to_class[16] = "-", to_other[16] = "-";
        if (event->nearest_class && event->margin_to_class <= IOTFP_LEARN_MARGIN_CAP)
            g_snprintf(to_class, sizeof to_class, "%.3f", event->margin_to_class);
        if (event->margin_to_other <= IOTFP_LEARN_MARGIN_CAP)
            g_snprintf(to_other, sizeof to_other, "%.3f", event->margin_to_other);
        printf("  %-40s %-30s %8s %10s\n", event->event, event->nearest_class ? event->nearest_class : "-", to_class,
               to_other);
    }
    printf("false alarms on unlabelled bursts (leave-one-out, distinct shapes): %u/%u (%.1f%%)\n",
           report->other_as_event, report->other_samples,
           report->other_samples ? 100.0 * report->other_as_event / report->other_samples : 0.0);
}

static char *basename_of(const char *path)
{
    return g_path_get_basename(path);
}

/* The file's opening comment: what it was learned from, free of dates and
 * folders, so that regenerating it from the same data gives the same bytes.
 * what: "event signature"; counts: the line saying what was learned from. */
static char *signature_header(const learn_options *options, GPtrArray *sources, const char *what,
                              const char *counts)
{
    GString *header = g_string_new(NULL);
    g_string_append_printf(header, "# %s: %s written by iotfp-learn from\n", options->model, what);
    for (guint s = 0; s < sources->len; s++) {
        const learn_source *source = g_ptr_array_index(sources, s);
        char *capture = basename_of(source->capture->capture), *labels = basename_of(source->labels->path);
        g_string_append_printf(header, "#   %s with %s (device %s)\n", capture, labels, source->device);
        g_free(capture);
        g_free(labels);
    }
    if (options->train_share < 1.0)
        g_string_append_printf(header, "# on the earliest %.0f%% of each event class and of the unlabelled bursts, "
                               "in time order;\n", 100 * options->train_share);
    g_string_append_printf(header, "# %s; window %.3g s, offset %.3g s.\n", counts, options->pairing.pairing.window,
                           options->pairing.pairing.offset);
    g_string_append(header, "# Format: signatures/README.md. Regenerate: make signatures.\n");
    return g_string_free(header, FALSE);
}

static char *event_signature_header(const learn_options *options, GPtrArray *sources, const GArray *samples,
                                    const iotfp_learn_report *report)
{
    guint labelled = 0;
    for (guint i = 0; i < samples->len; i++)
        labelled += g_array_index(samples, iotfp_learn_burst, i).event != NULL;
    char *counts = g_strdup_printf("%u labelled bursts, %u unlabelled (%u distinct shape%s kept as 'other')",
                                   labelled, samples->len - labelled, report->other_samples,
                                   report->other_samples == 1 ? "" : "s");
    char *header = signature_header(options, sources, "event signature", counts);
    g_free(counts);
    return header;
}

static gboolean write_signature(const learn_options *options, const iotfp_signature *signature, const char *header,
                                GError **error)
{
    char *body = iotfp_signature_format(signature);
    char *text = g_strconcat(header, body, NULL);
    g_free(body);
    /* What the plugin will read: refuse to write a file it would reject. */
    iotfp_signature *check = iotfp_signature_parse(text, strlen(text), options->out_path, error);
    gboolean ok = check != NULL;
    iotfp_signature_free(check);
    GError *write_error = NULL;
    if (ok && !g_file_set_contents(options->out_path, text, -1, &write_error)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s", write_error->message);
        g_error_free(write_error);
        ok = FALSE;
    }
    g_free(text);
    return ok;
}

static void warn_unused_privacy(const learn_options *options, GHashTable *labelled_events)
{
    GHashTableIter iter;
    gpointer event;
    g_hash_table_iter_init(&iter, options->privacy);
    while (g_hash_table_iter_next(&iter, &event, NULL))
        if (!g_hash_table_contains(labelled_events, event))
            fprintf(stderr, PROGRAM ": warning: --privacy names event '%s', which no label has\n", (char *)event);
}

static void labelled_command_clear(gpointer data)
{
    g_free((char *)((iotfp_labelled_command *)data)->where);
}

/* The training commands of every source, borrowed from them. */
static GArray *training_commands(GPtrArray *sources)
{
    GArray *commands = g_array_new(FALSE, FALSE, sizeof(iotfp_labelled_command));
    g_array_set_clear_func(commands, labelled_command_clear);
    for (guint s = 0; s < sources->len; s++) {
        const learn_source *source = g_ptr_array_index(sources, s);
        for (guint i = 0; i < source->pairs->len; i++) {
            const iotfp_label_pair *pair = &g_array_index(source->pairs, iotfp_label_pair, i);
            if (!pair->burst || !source->in_training[i])
                continue;
            iotfp_labelled_command command = {
                pair->label->event, (const gint32 *)(gpointer)pair->burst->shape->data, pair->burst->shape->len,
                g_strdup_printf("%s:%u", source->labels->path, pair->label->line), (gint64)(pair->burst->start * 1e9),
            };
            g_array_append_val(commands, command);
        }
    }
    return commands;
}

static gboolean learn_actions(const learn_options *options, GPtrArray *sources, GError **error)
{
    GArray *commands = training_commands(sources);
    iotfp_signature *signature = iotfp_signature_new(options->model);
    signature->platform = g_strdup(options->platform);
    signature->burst_gap_ms = options->pairing.burst_gap_ms;
    for (guint i = 0; i < options->matches->len; i++) {
        iotfp_match match = g_array_index(options->matches, iotfp_match, i);
        match.pattern = g_strdup(match.pattern);
        g_array_append_val(signature->matches, match);
    }
    gboolean ok = iotfp_learn_action_model(signature, (const iotfp_labelled_command *)(gpointer)commands->data,
                                           commands->len, &options->action_learning, error);
    if (ok) {
        char *counts = g_strdup_printf("%u labelled commands", commands->len);
        char *header = signature_header(options, sources, "action model", counts);
        ok = write_signature(options, signature, header, error);
        g_free(header);
        g_free(counts);
        if (ok)
            printf("wrote %s\n", options->out_path);
    }
    iotfp_signature_free(signature);
    g_array_free(commands, TRUE);
    return ok;
}

/* Event signatures name events; a '+' label is an action set for --actions. */
static gboolean check_no_action_sets(GPtrArray *sources, GError **error)
{
    for (guint s = 0; s < sources->len; s++) {
        const learn_source *source = g_ptr_array_index(sources, s);
        for (guint i = 0; i < source->labels->labels->len; i++) {
            const iotfp_label *label = g_ptr_array_index(source->labels->labels, i);
            if (strchr(label->event, '+')) {
                g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE,
                            "%s:%u: '%s' is an action set: learn action models with --actions", source->labels->path,
                            label->line, label->event);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean learn(const learn_options *options, GError **error)
{
    GPtrArray *sources = g_ptr_array_new_with_free_func(source_free);
    gboolean ok = TRUE;
    char *decrypted = options->labels_from_decryption ? g_dir_make_tmp("iotfp-learn-XXXXXX", error) : NULL;
    ok = !options->labels_from_decryption || decrypted;
    GPtrArray *written = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; ok && options->inputs[i]; i += decrypted ? 1 : 2) {
        const char *labels_path = decrypted ? NULL : options->inputs[i + 1];
        if (decrypted) {
            char *path = g_strdup_printf("%s/%u.labels.csv", decrypted, i);
            g_ptr_array_add(written, path);
            gint found = iotfp_decrypted_labels_write(options->inputs[i], options->pairing.tshark,
                                                      options->pairing.burst_gap_ms,
                                                      (const char *const *)options->miio_tokens, path, error);
            ok = found >= 0;
            if (ok)
                printf("%s: %d commands decrypted, their action sets taken from the JSON\n", options->inputs[i],
                       found);
            labels_path = path;
        }
        learn_source *source = ok ? load_source(options, options->inputs[i], labels_path, error) : NULL;
        ok = source != NULL;
        if (ok) {
            g_ptr_array_add(sources, source);
            print_pairs(source, options->shape, options->pairing.pairing.window);
        }
    }
    for (guint i = 0; i < written->len; i++)
        g_remove(g_ptr_array_index(written, i));
    if (decrypted)
        g_rmdir(decrypted);
    g_free(decrypted);
    g_ptr_array_free(written, TRUE);
    if (ok && options->actions) {
        ok = learn_actions(options, sources, error);
        g_ptr_array_free(sources, TRUE);
        return ok;
    }
    ok = ok && check_no_action_sets(sources, error);
    GHashTable *labelled_events = g_hash_table_new(g_str_hash, g_str_equal);
    GArray *samples = ok ? training_samples(sources, options->shape, labelled_events) : NULL;
    iotfp_signature *signature = NULL;
    iotfp_learn_report *report = NULL;
    if (ok) {
        warn_unused_privacy(options, labelled_events);
        print_training_split(samples, options);
        iotfp_learn_options learn_options = {
            .model = options->model,
            .platform = options->platform,
            .burst_gap_ms = options->pairing.burst_gap_ms,
            .privacy = options->privacy,
            .matches = options->matches,
        };
        GError *learn_error = NULL;
        signature = iotfp_learn((const iotfp_learn_burst *)(gpointer)samples->data, samples->len, &learn_options,
                                &report, &learn_error);
        if (!signature) {
            g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "cannot learn %s: %s", options->model,
                        learn_error->message);
            g_error_free(learn_error);
            ok = FALSE;
        }
    }
    if (ok) {
        signature->shape = options->shape;
        print_learn_report(report);
        char *header = event_signature_header(options, sources, samples, report);
        ok = write_signature(options, signature, header, error);
        g_free(header);
        if (ok)
            printf("wrote %s\n", options->out_path);
    }
    iotfp_learn_report_free(report);
    iotfp_signature_free(signature);
    if (samples)
        g_array_free(samples, TRUE);
    g_hash_table_destroy(labelled_events);
    g_ptr_array_free(sources, TRUE);
    return ok;
}

/* Adapters from the generic runner's void pointers to this tool's options. */
static GOptionContext *build_context_cb(void *options) { return build_option_context(options); }
static char *validate_cb(void *options) { return validate_options(options); }
static gboolean run_cb(void *options, GError **error) { return learn(options, error); }
static void clear_cb(void *options) { options_clear(options); }

int main(int argc, char **argv)
{
    static const tool_main_spec tool = { PROGRAM, build_context_cb, validate_cb, run_cb, clear_cb };
    learn_options options = { .action_tolerance = -1 };
    return run_tool_main(&tool, &options, argc, argv);
}
