/* iotfp_eval.c - iotfp-eval: scores the plugin's event recognition on a
 * labelled capture.
 *
 *   iotfp-eval --signatures signatures/ tplink-plug.pcap tplink-plug.labels.csv
 *
 * tshark runs with the plugin and the given signatures, exactly as a user's
 * Wireshark would; each label is paired with a burst as iotfp-learn pairs
 * them, and the event the plugin put on that burst is compared with the
 * label. Bursts no label pairs with should say "other": any other event on
 * them is a false event. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "addr.h"
#include "analysis.h"
#include "labels.h"
#include "signature.h"
#include "signature_set.h"
#include "tool_options.h"
#include "tshark_bursts.h"

#define PROGRAM "iotfp-eval"
#define SECONDS_PER_DAY 86400.0
/* The plugin's table of pinned models (a UAT: address, model). */
#define PIN_UAT "iotfp_device_models"
/* A week of idle traffic can hold hundreds: list the first, count the rest. */
#define MAX_LISTED_FALSE_EVENTS 20
/* Column label for labels no burst paired with. */
#define NO_BURST "(no burst)"

typedef struct {
    char **signature_paths;
    char **pin_texts;
    char **tshark_options;
    char *test_share_text;
    gboolean idle;
    char **inputs;
    pairing_cli pairing;
    /* Validated. */
    double test_share;       /* 1: score everything */
    GPtrArray *preferences;  /* "name:value" for tshark -o */
} eval_options;

typedef enum {
    OUTCOME_EXACT,      /* the event is the label */
    OUTCOME_CONTAINED,  /* a merged class holding the label */
    OUTCOME_WRONG,      /* another event */
    OUTCOME_MISSED,     /* "other" */
    OUTCOME_UNPAIRED,   /* no burst the signatures apply to starts within the window */
    N_OUTCOMES,
} outcome;

/* Scores of one device, or of all together. */
typedef struct {
    guint outcomes[N_OUTCOMES];
    guint labelled;
    guint unlabelled;       /* scored bursts no label pairs with */
    guint false_events;     /* of those, the ones given an event */
    double days;
} device_score;

static void options_clear(eval_options *options)
{
    g_strfreev(options->signature_paths);
    g_strfreev(options->pin_texts);
    g_strfreev(options->tshark_options);
    g_free(options->test_share_text);
    g_strfreev(options->inputs);
    pairing_cli_clear(&options->pairing);
    if (options->preferences)
        g_ptr_array_free(options->preferences, TRUE);
}

static GOptionContext *build_option_context(eval_options *options)
{
    const GOptionEntry entries[] = {
        { "signatures", 's', 0, G_OPTION_ARG_FILENAME_ARRAY, &options->signature_paths,
          "Signature file or folder of .sig files, for the plugin's iotfp.signature_path (repeatable, required)",
          "PATH" },
        { "pin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->pin_texts,
          "Pin a device to a model, as the plugin's Device models table does (repeatable)", "ADDR=MODEL" },
        { "tshark-option", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->tshark_options,
          "Another preference for the tshark run, passed as -o NAME:VALUE (repeatable)", "NAME:VALUE" },
        { "test-share", 0, 0, G_OPTION_ARG_STRING, &options->test_share_text,
          "Score only the latest share of each event class and of the unlabelled bursts: the part "
          "iotfp-learn --train-share held out (default 1: everything)", "SHARE" },
        { "idle", 0, 0, G_OPTION_ARG_NONE, &options->idle,
          "Also print false events per device-day of capture", NULL },
        { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options->inputs, NULL, NULL },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    GOptionContext *context = g_option_context_new("CAPTURE LABELS.csv");
    g_option_context_set_summary(context,
        "Scores the iotfp plugin's event recognition on a capture with labelled user events.");
    g_option_context_set_description(context,
        "Each label is paired with the cloud burst of its device, among those a signature applies to, that\n"
        "starts nearest to time + offset within the window. A label is right by its exact name, or right by\n"
        "containment when the event is a merged class a|b holding it; missed when the burst says 'other' and\n"
        "no other burst within the window says an event.\n"
        "Bursts no label pairs with that carry an event are false events, unless they repeat the event of the\n"
        "burst just before them, or the labelled burst just after them repeats theirs, within the window (one\n"
        "action reported in two bursts). Labels may also be a scenario log with planned offsets (see\n"
        "--planned-event), aligned on the capture. Bursts are cut with the gap the\n"
        "signatures were learned with, unless --gap says otherwise. The last line is machine-readable:\n"
        "  RESULT device=all labelled=N exact=N contained=N false=N days=F ...\n"
        "(contained counts exact ones too; days are device-days of capture scored).\n\n"
        "Example:\n"
        "  iotfp-eval --signatures signatures --test-share 0.4 tplink-plug.pcap tplink-plug.labels.csv\n");
    g_option_context_add_main_entries(context, entries, NULL);
    pairing_cli_add_entries(context, &options->pairing);
    return context;
}

static char *validate_options(eval_options *options)
{
    char *problem = pairing_cli_validate(&options->pairing);
    if (problem)
        return problem;
    if (!options->signature_paths)
        return g_strdup("--signatures is required");
    guint n_inputs = options->inputs ? g_strv_length(options->inputs) : 0;
    if (n_inputs != 2)
        return g_strdup_printf("give one capture and its labels: CAPTURE LABELS.csv (got %u argument%s)", n_inputs,
                               n_inputs == 1 ? "" : "s");
    if ((problem = parse_share_option("--test-share", options->test_share_text, 1.0, &options->test_share)))
        return problem;
    options->preferences = g_ptr_array_new_with_free_func(g_free);
    /* Absolute paths: the tshark run may be another user in another folder. */
    GString *path = g_string_new(NULL);
    for (char **entry = options->signature_paths; *entry; entry++) {
        if (!**entry || strchr(*entry, G_SEARCHPATH_SEPARATOR)) {
            g_string_free(path, TRUE);
            return g_strdup_printf("--signatures '%s': give one file or folder per --signatures", *entry);
        }
        char *absolute = g_canonicalize_filename(*entry, NULL);
        g_string_append_printf(path, "%s%s", path->len ? G_SEARCHPATH_SEPARATOR_S : "", absolute);
        g_free(absolute);
    }
    g_ptr_array_add(options->preferences, g_strdup_printf("iotfp.signature_path:%s", path->str));
    g_string_free(path, TRUE);
    for (char **pin = options->pin_texts; pin && *pin; pin++) {
        char **parts = g_strsplit(*pin, "=", 2);
        char *address = parts[0] ? iotfp_canonical_address(g_strstrip(parts[0])) : NULL;
        gboolean ok = address && parts[1] && iotfp_signature_valid_name(g_strstrip(parts[1]));
        if (ok)
            g_ptr_array_add(options->preferences,
                            g_strdup_printf("uat:" PIN_UAT ":\"%s\",\"%s\"", address, parts[1]));
        else
            problem = g_strdup_printf("--pin '%s' is not ADDRESS=MODEL", *pin);
        g_free(address);
        g_strfreev(parts);
        if (problem)
            return problem;
    }
    for (char **option = options->tshark_options; option && *option; option++) {
        if (!strchr(*option, ':'))
            return g_strdup_printf("--tshark-option '%s' is not NAME:VALUE", *option);
        g_ptr_array_add(options->preferences, g_strdup(*option));
    }
    g_ptr_array_add(options->preferences, NULL);
    return NULL;
}

/* Loads the signatures here first: the plugin only warns about a file it
 * cannot use, and a run with no signature would score as all missed. Returns
 * the burst gap they were learned with (0 when they disagree). */
static gboolean check_signatures(const eval_options *options, guint *common_gap, GError **error)
{
    iotfp_signature_set *set = iotfp_signature_set_new();
    GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
    for (char **entry = options->signature_paths; *entry; entry++) {
        if (!g_file_test(*entry, G_FILE_TEST_EXISTS))
            g_ptr_array_add(errors, g_strdup_printf("%s: no such file or folder", *entry));
        else
            iotfp_signature_set_load(set, *entry, NULL, errors);
    }
    gboolean ok = errors->len == 0;
    if (!ok) {
        g_ptr_array_add(errors, NULL);
        char *all = g_strjoinv("\n", (char **)errors->pdata);
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s", all);
        g_free(all);
    } else if (iotfp_signature_set_size(set) == 0) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "no signature in %s (a folder's signatures end in .sig)",
                    options->signature_paths[0]);
        ok = FALSE;
    }
    *common_gap = 0;
    for (guint i = 0; ok && i < iotfp_signature_set_size(set); i++) {
        const iotfp_signature *signature =
            iotfp_event_classifier_signature(iotfp_signature_set_get(set, i));
        if (i == 0)
            *common_gap = signature->burst_gap_ms;
        else if (*common_gap != signature->burst_gap_ms)
            *common_gap = 0;
    }
    g_ptr_array_free(errors, TRUE);
    iotfp_signature_set_free(set);
    return ok;
}

static gboolean event_contains(const char *event, const char *label)
{
    gboolean found = FALSE;
    gchar **members = g_strsplit(event, "|", -1);
    for (gchar **member = members; *member && !found; member++)
        found = strcmp(*member, label) == 0;
    g_strfreev(members);
    return found;
}

static outcome judge(const iotfp_label_pair *pair)
{
    if (!pair->burst)
        return OUTCOME_UNPAIRED;
    const char *event = pair->burst->event;
    if (strcmp(event, pair->label->event) == 0)
        return OUTCOME_EXACT;
    if (strcmp(event, IOTFP_EVENT_OTHER) == 0)
        return OUTCOME_MISSED;
    return event_contains(event, pair->label->event) ? OUTCOME_CONTAINED : OUTCOME_WRONG;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void add_unique(GPtrArray *names, const char *name)
{
    for (guint i = 0; i < names->len; i++)
        if (strcmp(g_ptr_array_index(names, i), name) == 0)
            return;
    g_ptr_array_add(names, (gpointer)name);
}

static char *percent(guint part, guint whole)
{
    return whole ? g_strdup_printf("%.1f%%", 100.0 * part / whole) : g_strdup("-");
}

/* Rows: true labels; columns: what the plugin said. Counts scored items. */
typedef struct {
    GPtrArray *rows;           /* label names, then "(unlabelled)" */
    GPtrArray *columns;        /* predicted names, then "other", NO_BURST */
    GHashTable *cells;         /* "row\ncolumn" -> count */
} confusion;

static void confusion_add(confusion *matrix, const char *row, const char *column)
{
    add_unique(matrix->rows, row);
    add_unique(matrix->columns, column);
    char *key = g_strconcat(row, "\n", column, NULL);
    guint count = GPOINTER_TO_UINT(g_hash_table_lookup(matrix->cells, key));
    g_hash_table_replace(matrix->cells, key, GUINT_TO_POINTER(count + 1));
}

static guint confusion_get(const confusion *matrix, const char *row, const char *column)
{
    char *key = g_strconcat(row, "\n", column, NULL);
    guint count = GPOINTER_TO_UINT(g_hash_table_lookup(matrix->cells, key));
    g_free(key);
    return count;
}

/* An event the plugin said, not "other" nor a label without a burst. */
static gboolean is_event_column(const char *column)
{
    return strcmp(column, NO_BURST) != 0 && strcmp(column, IOTFP_EVENT_OTHER) != 0;
}

/* Real names first in name order, the two pseudo-columns last. */
static gint columns_order(gconstpointer a, gconstpointer b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rank_x = strcmp(x, NO_BURST) == 0 ? 2 : strcmp(x, IOTFP_EVENT_OTHER) == 0 ? 1 : 0;
    int rank_y = strcmp(y, NO_BURST) == 0 ? 2 : strcmp(y, IOTFP_EVENT_OTHER) == 0 ? 1 : 0;
    return rank_x != rank_y ? rank_x - rank_y : strcmp(x, y);
}

#define UNLABELLED_ROW "(unlabelled)"

static gint rows_order(gconstpointer a, gconstpointer b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int rank_x = strcmp(x, UNLABELLED_ROW) == 0, rank_y = strcmp(y, UNLABELLED_ROW) == 0;
    return rank_x != rank_y ? rank_x - rank_y : strcmp(x, y);
}

static void print_confusion(confusion *matrix)
{
    g_ptr_array_sort(matrix->rows, rows_order);
    g_ptr_array_sort(matrix->columns, columns_order);
    int label_width = 12;
    for (guint r = 0; r < matrix->rows->len; r++)
        label_width = MAX(label_width, (int)strlen(g_ptr_array_index(matrix->rows, r)));
    printf("  confusion (rows: label, columns: the plugin's event):\n");
    printf("    %-*s", label_width, "");
    for (guint c = 0; c < matrix->columns->len; c++)
        printf(" %*s", MAX(5, (int)strlen(g_ptr_array_index(matrix->columns, c))),
               (char *)g_ptr_array_index(matrix->columns, c));
    printf("\n");
    for (guint r = 0; r < matrix->rows->len; r++) {
        const char *row = g_ptr_array_index(matrix->rows, r);
        printf("    %-*s", label_width, row);
        for (guint c = 0; c < matrix->columns->len; c++) {
            const char *column = g_ptr_array_index(matrix->columns, c);
            printf(" %*u", MAX(5, (int)strlen(column)), confusion_get(matrix, row, column));
        }
        printf("\n");
    }
}

/* Recall per label (right by containment / its labels) and precision per
 * event the plugin said (bursts whose label it contains / bursts it said). */
static void print_precision_recall(const confusion *matrix)
{
    printf("  %-40s %8s %8s %8s\n", "event", "labels", "recall", "precision");
    GPtrArray *names = g_ptr_array_new();
    for (guint r = 0; r < matrix->rows->len; r++)
        if (strcmp(g_ptr_array_index(matrix->rows, r), UNLABELLED_ROW) != 0)
            add_unique(names, g_ptr_array_index(matrix->rows, r));
    for (guint c = 0; c < matrix->columns->len; c++)
        if (is_event_column(g_ptr_array_index(matrix->columns, c)))
            add_unique(names, g_ptr_array_index(matrix->columns, c));
    g_ptr_array_sort(names, compare_strings);
    for (guint n = 0; n < names->len; n++) {
        const char *name = g_ptr_array_index(names, n);
        guint labels = 0, recalled = 0, said = 0, said_right = 0;
        for (guint r = 0; r < matrix->rows->len; r++) {
            const char *row = g_ptr_array_index(matrix->rows, r);
            for (guint c = 0; c < matrix->columns->len; c++) {
                const char *column = g_ptr_array_index(matrix->columns, c);
                guint count = confusion_get(matrix, row, column);
                gboolean right = strcmp(row, UNLABELLED_ROW) != 0 && is_event_column(column) &&
                                 event_contains(column, row);
                if (strcmp(row, name) == 0) {
                    labels += count;
                    recalled += right ? count : 0;
                }
                if (strcmp(column, name) == 0) {
                    said += count;
                    said_right += right ? count : 0;
                }
            }
        }
        if (labels == 0 && said == 0)
            continue;
        char *recall = percent(recalled, labels), *precision = percent(said_right, said);
        printf("  %-40s %8u %8s %8s\n", name, labels, recall, precision);
        g_free(recall);
        g_free(precision);
    }
    g_ptr_array_free(names, TRUE);
}

static void print_result_line(const char *device, const device_score *score)
{
    printf("RESULT device=%s labelled=%u exact=%u contained=%u false=%u days=%.3f wrong=%u missed=%u unpaired=%u "
           "unlabelled=%u\n",
           device, score->labelled, score->outcomes[OUTCOME_EXACT],
           score->outcomes[OUTCOME_EXACT] + score->outcomes[OUTCOME_CONTAINED], score->false_events, score->days,
           score->outcomes[OUTCOME_WRONG], score->outcomes[OUTCOME_MISSED], score->outcomes[OUTCOME_UNPAIRED],
           score->unlabelled);
}

static void print_score_summary(const device_score *score)
{
    guint right = score->outcomes[OUTCOME_EXACT] + score->outcomes[OUTCOME_CONTAINED];
    char *exact = percent(score->outcomes[OUTCOME_EXACT], score->labelled);
    char *contained = percent(right, score->labelled);
    printf("  labelled events %u: right by exact label %u (%s), right by containment %u (%s), wrong %u, "
           "missed (other) %u, no burst %u\n",
           score->labelled, score->outcomes[OUTCOME_EXACT], exact, right, contained, score->outcomes[OUTCOME_WRONG],
           score->outcomes[OUTCOME_MISSED], score->outcomes[OUTCOME_UNPAIRED]);
    printf("  unlabelled bursts %u: false events %u\n", score->unlabelled, score->false_events);
    g_free(exact);
    g_free(contained);
}

/* Scores one device; prints its section and adds it to total. */
/* One action in two bursts (see the false events in evaluate_device): a
 * label whose nearest burst says other is judged by the nearest burst of
 * the same occurrence, within the window and paired with no other label,
 * that says an event. */
static void prefer_named_bursts(GArray *pairs, const GPtrArray *candidates, const iotfp_pairing_options *options)
{
    GHashTable *taken = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < pairs->len; i++)
        g_hash_table_add(taken, (gpointer)g_array_index(pairs, iotfp_label_pair, i).burst);
    for (guint i = 0; i < pairs->len; i++) {
        iotfp_label_pair *pair = &g_array_index(pairs, iotfp_label_pair, i);
        if (!pair->burst || strcmp(pair->burst->event, IOTFP_EVENT_OTHER) != 0)
            continue;
        double expected = pair->label->time + options->offset;
        const iotfp_tool_burst *named = NULL;
        for (guint b = 0; b < candidates->len; b++) {
            const iotfp_tool_burst *burst = g_ptr_array_index(candidates, b);
            if (fabs(burst->start - expected) <= options->window && !g_hash_table_contains(taken, burst) &&
                strcmp(burst->event, IOTFP_EVENT_OTHER) != 0 &&
                (!named || fabs(burst->start - expected) < fabs(named->start - expected)))
                named = burst;
        }
        if (named) {
            g_hash_table_remove(taken, pair->burst);
            g_hash_table_add(taken, (gpointer)named);
            pair->burst = named;
            pair->delta = named->start - expected;
        }
    }
    g_hash_table_destroy(taken);
}

/* Two bursts, earlier then later, that say one event within the window. */
static gboolean same_occurrence(const iotfp_tool_burst *earlier, const iotfp_tool_burst *later,
                                const eval_options *options)
{
    return strcmp(earlier->event, later->event) == 0 && later->start - earlier->start <= options->pairing.pairing.window;
}

static void evaluate_device(const eval_options *options, const iotfp_capture_bursts *capture,
                            const iotfp_label_file *labels, const char *device, double capture_days,
                            device_score *total, GPtrArray *idle_lines)
{
    GPtrArray *device_labels = g_ptr_array_new();
    for (guint i = 0; i < labels->labels->len; i++) {
        iotfp_label *label = g_ptr_array_index(labels->labels, i);
        if (strcmp(label->device, device) == 0)
            g_ptr_array_add(device_labels, label);
    }
    /* Candidates: the cloud bursts a signature applies to (those with an
     * iotfp.event), as iotfp-learn pairs only within matching conversations. */
    GPtrArray *cloud = device_cloud_bursts(capture, device);
    GPtrArray *candidates = g_ptr_array_new();
    GPtrArray *models = g_ptr_array_new();
    for (guint i = 0; i < cloud->len; i++) {
        iotfp_tool_burst *burst = g_ptr_array_index(cloud, i);
        if (burst->event) {
            g_ptr_array_add(candidates, burst);
            if (burst->model)
                add_unique(models, burst->model);
        }
    }
    g_ptr_array_sort(models, compare_strings);
    align_planned_labels(labels, device_labels, candidates, capture, &options->pairing.pairing);
    GArray *pairs = iotfp_pair_labels(device_labels, candidates, &options->pairing.pairing);
    prefer_named_bursts(pairs, candidates, &options->pairing.pairing);
    double train_share = 1.0 - options->test_share;
    gboolean *in_training = options->test_share < 1.0 ? iotfp_labels_first_share(device_labels, train_share)
                                                      : g_new0(gboolean, device_labels->len + 1);

    g_ptr_array_add(models, NULL);
    char *model_list = models->len > 1 ? g_strjoinv(", ", (char **)models->pdata) : g_strdup("none");
    printf("\ndevice %s: model %s; %u cloud bursts, %u with an event decision\n", device, model_list, cloud->len,
           candidates->len);
    if (device_labels->len && !candidates->len)
        printf("  no signature applies to this device's cloud conversations: every label counts as no burst\n");

    device_score score = { { 0 }, 0, 0, 0, capture_days * options->test_share };
    confusion matrix = { g_ptr_array_new(), g_ptr_array_new(),
                         g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
    GHashTable *paired = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint i = 0; i < pairs->len; i++) {
        const iotfp_label_pair *pair = &g_array_index(pairs, iotfp_label_pair, i);
        if (pair->burst)
            g_hash_table_add(paired, (gpointer)pair->burst);
        if (in_training[i])
            continue;
        outcome result = judge(pair);
        score.labelled++;
        score.outcomes[result]++;
        confusion_add(&matrix, pair->label->event, pair->burst ? pair->burst->event : NO_BURST);
        if (result == OUTCOME_EXACT || result == OUTCOME_CONTAINED)
            continue;
        char *label = describe_label(pair->label);
        if (result == OUTCOME_UNPAIRED)
            printf("  no burst: %s%s\n", label,
                   pair->lost_to ? ": the bursts in reach went to nearer labels" : "");
        else
            printf("  %s: %s: burst %u (frame %u) says %s (distance %.3f)\n",
                   result == OUTCOME_MISSED ? "missed" : "wrong", label, pair->burst->id, pair->burst->start_frame,
                   pair->burst->event, pair->burst->event_distance);
        g_free(label);
    }
    /* One action the device reports in two bursts (two TLS sessions, a
     * pause; TP-Link's command on its persistent connection, then a report
     * session) is one event to an analyst: a burst that repeats the previous
     * burst's event within the pairing window, or whose event the labelled
     * burst just after it repeats, is part of that occurrence, not a false
     * event of its own. */
    GPtrArray *unlabelled = g_ptr_array_new();
    guint repeats = 0;
    for (guint i = 0; i < candidates->len; i++) {
        const iotfp_tool_burst *burst = g_ptr_array_index(candidates, i);
        const iotfp_tool_burst *previous = i ? g_ptr_array_index(candidates, i - 1) : NULL;
        const iotfp_tool_burst *next = i + 1 < candidates->len ? g_ptr_array_index(candidates, i + 1) : NULL;
        if (g_hash_table_contains(paired, burst))
            continue;
        gboolean named = strcmp(burst->event, IOTFP_EVENT_OTHER) != 0;
        if (named && ((previous && same_occurrence(previous, burst, options)) ||
                      (next && g_hash_table_contains(paired, next) && same_occurrence(burst, next, options)))) {
            repeats++;
            continue;
        }
        g_ptr_array_add(unlabelled, (gpointer)burst);
    }
    if (repeats)
        printf("  %u bursts repeat the event of a burst next to them (within %.1f s): counted with it\n",
               repeats, options->pairing.pairing.window);
    guint first_scored = options->test_share < 1.0 ? iotfp_share_count(unlabelled->len, train_share) : 0;
    for (guint i = first_scored; i < unlabelled->len; i++) {
        const iotfp_tool_burst *burst = g_ptr_array_index(unlabelled, i);
        score.unlabelled++;
        confusion_add(&matrix, UNLABELLED_ROW, burst->event);
        if (strcmp(burst->event, IOTFP_EVENT_OTHER) != 0 && ++score.false_events <= MAX_LISTED_FALSE_EVENTS)
            printf("  false event: burst %u (frame %u, %.3f) says %s (distance %.3f)\n", burst->id,
                   burst->start_frame, burst->start, burst->event, burst->event_distance);
    }
    if (score.false_events > MAX_LISTED_FALSE_EVENTS)
        printf("  ... and %u more false events\n", score.false_events - MAX_LISTED_FALSE_EVENTS);
    print_score_summary(&score);
    if (matrix.rows->len) {
        print_confusion(&matrix);
        print_precision_recall(&matrix);
    }
    if (options->idle)
        g_ptr_array_add(idle_lines, g_strdup_printf("  %-40s %8u %10.3f %12.2f", device, score.false_events,
                                                    score.days, score.days > 0 ? score.false_events / score.days : 0));
    print_result_line(device, &score);

    for (int o = 0; o < N_OUTCOMES; o++)
        total->outcomes[o] += score.outcomes[o];
    total->labelled += score.labelled;
    total->unlabelled += score.unlabelled;
    total->false_events += score.false_events;
    total->days += score.days;

    g_hash_table_destroy(matrix.cells);
    g_ptr_array_free(matrix.rows, TRUE);
    g_ptr_array_free(matrix.columns, TRUE);
    g_hash_table_destroy(paired);
    g_ptr_array_free(unlabelled, TRUE);
    g_free(model_list);
    g_free(in_training);
    g_array_free(pairs, TRUE);
    g_ptr_array_free(models, TRUE);
    g_ptr_array_free(candidates, TRUE);
    g_ptr_array_free(cloud, TRUE);
    g_ptr_array_free(device_labels, TRUE);
}

/* The labels' devices, and any other device the plugin gave events to (an
 * idle device's every event is a false one). */
static GPtrArray *devices_to_score(const eval_options *options, const iotfp_label_file *labels,
                                   const iotfp_capture_bursts *capture)
{
    GPtrArray *devices = g_ptr_array_new();
    for (guint i = 0; i < labels->labels->len; i++)
        add_unique(devices, ((iotfp_label *)g_ptr_array_index(labels->labels, i))->device);
    for (guint i = 0; i < capture->bursts->len; i++) {
        const iotfp_tool_burst *burst = g_ptr_array_index(capture->bursts, i);
        if (burst->event && burst->scope == IOTFP_SCOPE_CLOUD &&
            (!options->pairing.device || strcmp(burst->device, options->pairing.device) == 0))
            add_unique(devices, burst->device);
    }
    g_ptr_array_sort(devices, compare_strings);
    return devices;
}

static gboolean evaluate(eval_options *options, GError **error)
{
    const char *capture_path = options->inputs[0], *labels_path = options->inputs[1];
    iotfp_label_file *labels = iotfp_label_file_load(labels_path, options->pairing.device, &options->pairing.planned, error);
    if (!labels)
        return FALSE;
    guint common_gap;
    if (!check_signatures(options, &common_gap, error)) {
        iotfp_label_file_free(labels);
        return FALSE;
    }
    /* Segment as the signatures were learned, unless told otherwise. */
    guint gap = options->pairing.burst_gap_ms;
    if (!options->pairing.gap_text && common_gap)
        gap = common_gap;
    else if (!options->pairing.gap_text)
        fprintf(stderr, PROGRAM ": warning: the signatures were learned with different burst gaps; using %u ms\n",
                gap);
    iotfp_tshark_request request = {
        .program = options->pairing.tshark,
        .burst_gap_ms = gap,
        .with_events = TRUE,
        .preferences = (const char *const *)options->preferences->pdata,
    };
    iotfp_capture_bursts *capture = iotfp_tshark_read_bursts(capture_path, &request, error);
    if (!capture) {
        iotfp_label_file_free(labels);
        return FALSE;
    }
    double capture_days = capture->frames ? (capture->last_time - capture->first_time) / SECONDS_PER_DAY : 0.0;
    printf("%s with %s: %u labels, %u frames over %.3f days, burst gap %u ms", capture_path, labels_path,
           labels->labels->len, capture->frames, capture_days, gap);
    if (options->test_share < 1.0)
        printf("; scoring the latest %.0f%% of each class and of the unlabelled bursts (held out by iotfp-learn "
               "--train-share %.2f)", 100 * options->test_share, 1.0 - options->test_share);
    printf("\n");

    GPtrArray *devices = devices_to_score(options, labels, capture);
    GPtrArray *idle_lines = g_ptr_array_new_with_free_func(g_free);
    device_score total = { { 0 }, 0, 0, 0, 0.0 };
    for (guint i = 0; i < devices->len; i++)
        evaluate_device(options, capture, labels, g_ptr_array_index(devices, i), capture_days, &total, idle_lines);
    if (devices->len == 0)
        printf("\nno device to score: no labels, and no burst with an event decision\n");
    printf("\nall devices:\n");
    print_score_summary(&total);
    if (options->idle) {
        printf("\nfalse events per device-day (idle summary; days scored = capture duration%s):\n",
               options->test_share < 1.0 ? " x test share" : "");
        printf("  %-40s %8s %10s %12s\n", "device", "false", "days", "false/day");
        for (guint i = 0; i < idle_lines->len; i++)
            printf("%s\n", (char *)g_ptr_array_index(idle_lines, i));
        printf("  %-40s %8u %10.3f %12.2f\n", "all", total.false_events, total.days,
               total.days > 0 ? total.false_events / total.days : 0);
    }
    print_result_line("all", &total);
    g_ptr_array_free(idle_lines, TRUE);
    g_ptr_array_free(devices, TRUE);
    iotfp_capture_bursts_free(capture);
    iotfp_label_file_free(labels);
    return TRUE;
}

/* Adapters from the generic runner's void pointers to this tool's options. */
static GOptionContext *build_context_cb(void *options) { return build_option_context(options); }
static char *validate_cb(void *options) { return validate_options(options); }
static gboolean run_cb(void *options, GError **error) { return evaluate(options, error); }
static void clear_cb(void *options) { options_clear(options); }

int main(int argc, char **argv)
{
    static const tool_main_spec tool = { PROGRAM, build_context_cb, validate_cb, run_cb, clear_cb };
    eval_options options = { 0 };
    return run_tool_main(&tool, &options, argc, argv);
}
