/* labels.c - reading labels files and pairing labels with bursts. */
#include "labels.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "addr.h"
#include "signature.h"

/* Labels files are small (thousands of rows); a bigger file is a mistake. */
#define LABELS_MAX_BYTES (64u << 20)

enum { FIELD_TIME, FIELD_DEVICE, FIELD_EVENT, N_FIELDS };

typedef struct {
    const char *path;
    guint line_no;
    GError **error;
} csv_reader;

static gboolean csv_fail(csv_reader *r, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean csv_fail(csv_reader *r, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    iotfp_error_at(r->error, r->path, r->line_no, format, args);
    va_end(args);
    return FALSE;
}

static void label_free(gpointer data)
{
    iotfp_label *label = data;
    g_free(label->device);
    g_free(label->event);
    g_free(label);
}

void iotfp_label_file_free(iotfp_label_file *file)
{
    if (!file)
        return;
    g_free(file->path);
    g_ptr_array_free(file->labels, TRUE);
    g_free(file);
}

char *iotfp_canonical_address(const char *text)
{
    iotfp_addr addr;
    if (!text || !iotfp_addr_parse(&addr, text))
        return NULL;
    char canonical[IOTFP_ADDR_STRLEN];
    iotfp_addr_format(&addr, canonical);
    return g_strdup(canonical);
}

static gboolean is_blank(const char *text)
{
    while (g_ascii_isspace(*text))
        text++;
    return !*text;
}

/* Splits one CSV line into trimmed fields: commas separate, double quotes
 * may enclose a field (with "" for a quote inside). NULL on an unterminated
 * quote. */
static GPtrArray *split_csv_line(const char *line)
{
    GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
    GString *field = g_string_new(NULL);
    gboolean quoted = FALSE, was_quoted = FALSE;
    for (const char *c = line;; c++) {
        if (quoted) {
            if (!*c) {
                g_string_free(field, TRUE);
                g_ptr_array_free(fields, TRUE);
                return NULL;
            }
            if (*c == '"' && c[1] == '"')
                g_string_append_c(field, *c++);
            else if (*c == '"')
                quoted = FALSE;
            else
                g_string_append_c(field, *c);
        } else if (*c == ',' || !*c) {
            char *text = g_string_free(field, FALSE);
            g_ptr_array_add(fields, was_quoted ? text : g_strstrip(text));
            if (!*c)
                break;
            field = g_string_new(NULL);
            was_quoted = FALSE;
        } else if (*c == '"' && is_blank(field->str)) {
            /* An opening quote, possibly after blanks. */
            g_string_truncate(field, 0);
            quoted = was_quoted = TRUE;
        } else {
            g_string_append_c(field, *c);
        }
    }
    return fields;
}

/* Where each field sits in a row, from the header row if there is one. */
typedef struct {
    int column[N_FIELDS];  /* -1: absent */
    guint n_columns;
} csv_layout;

static gboolean is_header(const GPtrArray *fields)
{
    return fields->len > 0 && g_ascii_strcasecmp(g_ptr_array_index(fields, 0), "time") == 0;
}

static gboolean layout_from_header(csv_reader *r, const GPtrArray *fields, csv_layout *layout)
{
    for (int f = 0; f < N_FIELDS; f++)
        layout->column[f] = -1;
    layout->n_columns = fields->len;
    for (guint i = 0; i < fields->len; i++) {
        const char *name = g_ptr_array_index(fields, i);
        int field = -1;
        if (g_ascii_strcasecmp(name, "time") == 0)
            field = FIELD_TIME;
        else if (g_ascii_strcasecmp(name, "device_ip") == 0 || g_ascii_strcasecmp(name, "device") == 0)
            field = FIELD_DEVICE;
        else if (g_ascii_strcasecmp(name, "event") == 0)
            field = FIELD_EVENT;
        if (field < 0)
            continue; /* extra columns (notes, sources) are allowed */
        if (layout->column[field] >= 0)
            return csv_fail(r, "column '%s' appears twice in the header", name);
        layout->column[field] = (int)i;
    }
    if (layout->column[FIELD_TIME] < 0 || layout->column[FIELD_EVENT] < 0)
        return csv_fail(r, "the header needs columns 'time' and 'event' (and 'device_ip' unless --device is given)");
    return TRUE;
}

static gboolean layout_from_first_row(csv_reader *r, const GPtrArray *fields, csv_layout *layout)
{
    layout->n_columns = fields->len;
    layout->column[FIELD_TIME] = 0;
    if (fields->len == 3) {
        layout->column[FIELD_DEVICE] = 1;
        layout->column[FIELD_EVENT] = 2;
    } else if (fields->len == 2) {
        layout->column[FIELD_DEVICE] = -1;
        layout->column[FIELD_EVENT] = 1;
    } else {
        return csv_fail(r, "%u fields; a labels row is time,device_ip,event or time,event", fields->len);
    }
    return TRUE;
}

/* An event, or an action set: names joined by '+' (iotfp-learn --actions). */
static gboolean label_valid_event(const char *event)
{
    char **names = g_strsplit(event, "+", -1);
    gboolean valid = names[0] != NULL;
    for (char **name = names; valid && *name; name++)
        valid = iotfp_signature_valid_name(*name);
    g_strfreev(names);
    return valid;
}

static gboolean read_row(csv_reader *r, const GPtrArray *fields, const csv_layout *layout, const char *only_device,
                         GPtrArray *labels)
{
    if (fields->len != layout->n_columns)
        return csv_fail(r, "%u fields where the first row has %u", fields->len, layout->n_columns);
    const char *time_text = g_ptr_array_index(fields, layout->column[FIELD_TIME]);
    const char *event = g_ptr_array_index(fields, layout->column[FIELD_EVENT]);
    const char *device_text =
        layout->column[FIELD_DEVICE] >= 0 ? g_ptr_array_index(fields, layout->column[FIELD_DEVICE]) : only_device;

    char *end;
    errno = 0;
    double time = g_ascii_strtod(time_text, &end);
    if (!*time_text || *end || errno || !isfinite(time) || time <= 0)
        return csv_fail(r, "time '%s' is not a number of seconds since 1970", time_text);
    if (!device_text)
        return csv_fail(r, "no device column: name the device with --device");
    char *device = iotfp_canonical_address(device_text);
    if (!device)
        return csv_fail(r, "device '%s' is not an IPv4 or IPv6 address", device_text);
    if (!label_valid_event(event)) {
        g_free(device);
        return csv_fail(r, "event '%s' is not a name of letters, digits and _ . - /, or names joined by + "
                           "(an action set)", event);
    }
    if (strcmp(event, IOTFP_EVENT_OTHER) == 0) {
        g_free(device);
        return csv_fail(r, "'%s' is reserved for bursts no label names; leave such bursts unlabelled",
                        IOTFP_EVENT_OTHER);
    }
    if (only_device && strcmp(device, only_device) != 0) {
        g_free(device);
        return TRUE;
    }
    iotfp_label *label = g_new0(iotfp_label, 1);
    label->time = time;
    label->device = device;
    label->event = g_strdup(event);
    label->line = r->line_no;
    g_ptr_array_add(labels, label);
    return TRUE;
}

/* "04 On - Timestamp 240", maybe after an outline number ("0. 01 Power on
 * ..."), the step quoted or not: what was done, and its planned second. */
#define PLANNED_STEP "^\\s*(?:\\d+\\.\\s+)?\\d+\\s+\"?(.*?)\"?\\s+-\\s+Timestamp\\s+(\\d+(?:\\.\\d+)?)\\s*$"

static gboolean read_planned_step(csv_reader *r, GMatchInfo *match, const char *device,
                                  const iotfp_planned_options *planned, iotfp_label_file *file)
{
    char *step = g_match_info_fetch(match, 1);
    char *offset_text = g_match_info_fetch(match, 2);
    char *key = g_utf8_strdown(step, -1);
    const char *event = planned->events ? g_hash_table_lookup(planned->events, key) : NULL;
    gboolean ok = TRUE;
    if (!device) {
        ok = csv_fail(r, "a scenario log names no device: give it with --planned-device or --device");
    } else if (!event) {
        file->steps_left_out++;
    } else {
        iotfp_label *label = g_new0(iotfp_label, 1);
        label->time = g_ascii_strtod(offset_text, NULL);
        label->device = g_strdup(device);
        label->event = g_strdup(event);
        label->line = r->line_no;
        g_ptr_array_add(file->labels, label);
    }
    g_free(key);
    g_free(step);
    g_free(offset_text);
    return ok;
}

iotfp_label_file *iotfp_label_file_load(const char *path, const char *only_device,
                                        const iotfp_planned_options *planned, GError **error)
{
    char *canonical_device = NULL;
    if (only_device) {
        canonical_device = iotfp_canonical_address(only_device);
        if (!canonical_device) {
            g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "device '%s' is not an IPv4 or IPv6 address",
                        only_device);
            return NULL;
        }
    }
    char *text;
    gsize len;
    GError *read_error = NULL;
    if (!g_file_get_contents(path, &text, &len, &read_error)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_IO, "%s: %s", path, read_error->message);
        g_error_free(read_error);
        g_free(canonical_device);
        return NULL;
    }
    csv_reader r = { .path = path, .error = error };
    gboolean ok = TRUE;
    if (len > LABELS_MAX_BYTES)
        ok = csv_fail(&r, "larger than %u bytes: not a labels file", LABELS_MAX_BYTES);
    else if (memchr(text, '\0', len) || !g_utf8_validate(text, (gssize)len, NULL))
        ok = csv_fail(&r, "not a text file");

    iotfp_label_file *file = g_new0(iotfp_label_file, 1);
    file->path = g_strdup(path);
    file->labels = g_ptr_array_new_with_free_func(label_free);
    /* Spreadsheets save CSV with a byte-order mark. */
    const char *start = g_str_has_prefix(text, "\xEF\xBB\xBF") ? text + 3 : text;
    gchar **lines = ok ? g_strsplit(start, "\n", -1) : NULL;
    gboolean have_layout = FALSE;
    csv_layout layout = { { -1, -1, -1 }, 0 };
    GRegex *planned_step = g_regex_new(PLANNED_STEP, G_REGEX_OPTIMIZE, 0, NULL);
    for (gchar **line = lines; ok && line && *line && !file->planned; line++)
        file->planned = g_regex_match(planned_step, *line, 0, NULL);
    for (gchar **line = lines; ok && line && *line; line++) {
        r.line_no++;
        char *trimmed = g_strstrip(*line); /* also drops a CRLF file's \r */
        if (file->planned) {
            /* The log's other lines are its prose: setup, headings. */
            GMatchInfo *match;
            if (g_regex_match(planned_step, trimmed, 0, &match))
                ok = read_planned_step(&r, match, planned->device ? planned->device : canonical_device, planned,
                                       file);
            g_match_info_free(match);
            continue;
        }
        if (!*trimmed || *trimmed == '#')
            continue;
        GPtrArray *fields = split_csv_line(trimmed);
        if (!fields) {
            ok = csv_fail(&r, "a quoted field does not end");
            break;
        }
        if (!have_layout && is_header(fields)) {
            ok = layout_from_header(&r, fields, &layout);
            have_layout = TRUE;
        } else {
            if (!have_layout)
                ok = layout_from_first_row(&r, fields, &layout);
            have_layout = TRUE;
            ok = ok && read_row(&r, fields, &layout, canonical_device, file->labels);
        }
        g_ptr_array_free(fields, TRUE);
    }
    g_regex_unref(planned_step);
    g_strfreev(lines);
    g_free(text);
    g_free(canonical_device);
    if (ok && file->planned && !file->labels->len) {
        r.line_no = 0;
        ok = csv_fail(&r, "a scenario log, but no step is named as an event (%u steps): give names with "
                          "--planned-event STEP=EVENT, e.g. --planned-event On=power_on", file->steps_left_out);
    }
    if (!ok) {
        iotfp_label_file_free(file);
        return NULL;
    }
    return file;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *iotfp_label_file_devices(const iotfp_label_file *file)
{
    GPtrArray *devices = g_ptr_array_new();
    for (guint i = 0; i < file->labels->len; i++) {
        const iotfp_label *label = g_ptr_array_index(file->labels, i);
        gboolean seen = FALSE;
        for (guint d = 0; d < devices->len && !seen; d++)
            seen = strcmp(g_ptr_array_index(devices, d), label->device) == 0;
        if (!seen)
            g_ptr_array_add(devices, label->device);
    }
    g_ptr_array_sort(devices, compare_strings);
    return devices;
}

typedef struct {
    guint label;
    guint burst;
    double delta;
} candidate_pair;

static gint nearest_first(gconstpointer a, gconstpointer b)
{
    const candidate_pair *x = a, *y = b;
    double dx = fabs(x->delta), dy = fabs(y->delta);
    if (dx != dy)
        return dx < dy ? -1 : 1;
    if (x->label != y->label)
        return x->label < y->label ? -1 : 1;
    return (x->burst > y->burst) - (x->burst < y->burst);
}

/* Index of the first burst starting at or after time (bursts sorted by start). */
static guint first_starting_from(const GPtrArray *bursts, double time)
{
    guint low = 0, high = bursts->len;
    while (low < high) {
        guint middle = low + (high - low) / 2;
        if (((const iotfp_tool_burst *)g_ptr_array_index(bursts, middle))->start < time)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

GArray *iotfp_pair_labels(const GPtrArray *labels, const GPtrArray *candidates, const iotfp_pairing_options *options)
{
    GArray *pairs = g_array_sized_new(FALSE, TRUE, sizeof(iotfp_label_pair), labels->len);
    GArray *reachable = g_array_new(FALSE, FALSE, sizeof(candidate_pair));
    for (guint l = 0; l < labels->len; l++) {
        const iotfp_label *label = g_ptr_array_index(labels, l);
        iotfp_label_pair pair = { .label = label };
        double expected = label->time + options->offset;
        for (guint b = first_starting_from(candidates, expected - options->window); b < candidates->len; b++) {
            const iotfp_tool_burst *burst = g_ptr_array_index(candidates, b);
            double delta = burst->start - expected;
            if (delta > options->window)
                break;
            candidate_pair candidate = { l, b, delta };
            g_array_append_val(reachable, candidate);
        }
        g_array_append_val(pairs, pair);
    }
    /* Settle the nearest pairs first: a burst goes to the label it is nearest to. */
    g_array_sort(reachable, nearest_first);
    /* taken_by[b]: the label candidate burst b went to, NULL while free. */
    const iotfp_label **taken_by = g_new0(const iotfp_label *, candidates->len + 1);
    for (guint i = 0; i < reachable->len; i++) {
        const candidate_pair *candidate = &g_array_index(reachable, candidate_pair, i);
        iotfp_label_pair *pair = &g_array_index(pairs, iotfp_label_pair, candidate->label);
        if (pair->burst)
            continue;
        if (taken_by[candidate->burst]) {
            if (!pair->lost_to)
                pair->lost_to = taken_by[candidate->burst];
            continue;
        }
        taken_by[candidate->burst] = pair->label;
        pair->burst = g_ptr_array_index(candidates, candidate->burst);
        pair->delta = candidate->delta;
    }
    for (guint l = 0; l < pairs->len; l++) {
        iotfp_label_pair *pair = &g_array_index(pairs, iotfp_label_pair, l);
        if (pair->burst)
            pair->lost_to = NULL;
    }
    g_free(taken_by);
    g_array_free(reachable, TRUE);
    return pairs;
}

/* Labels with a candidate within the window once shifted, and how far they
 * are in total. */
static guint fit_of_shift(const GPtrArray *labels, const GPtrArray *candidates, const iotfp_pairing_options *options,
                          double shift, double *total_distance)
{
    guint fitted = 0;
    *total_distance = 0;
    for (guint l = 0; l < labels->len; l++) {
        double expected = ((const iotfp_label *)g_ptr_array_index(labels, l))->time + shift + options->offset;
        double nearest = G_MAXDOUBLE;
        for (guint b = first_starting_from(candidates, expected - options->window); b < candidates->len; b++) {
            double delta = ((const iotfp_tool_burst *)g_ptr_array_index(candidates, b))->start - expected;
            if (delta > options->window)
                break;
            nearest = MIN(nearest, fabs(delta));
        }
        if (nearest <= options->window) {
            fitted++;
            *total_distance += nearest;
        }
    }
    return fitted;
}

iotfp_alignment iotfp_align_planned(GPtrArray *labels, const GPtrArray *candidates,
                                    const iotfp_pairing_options *options)
{
    iotfp_alignment best = { 0, 0, labels->len };
    double best_distance = G_MAXDOUBLE;
    /* The true shift puts some label exactly on some burst: try each such. */
    for (guint l = 0; l < labels->len; l++) {
        double planned = ((const iotfp_label *)g_ptr_array_index(labels, l))->time + options->offset;
        for (guint b = 0; b < candidates->len; b++) {
            double shift = ((const iotfp_tool_burst *)g_ptr_array_index(candidates, b))->start - planned, distance;
            guint fitted = fit_of_shift(labels, candidates, options, shift, &distance);
            if (fitted > best.fitted || (fitted == best.fitted && fitted && distance < best_distance)) {
                best.fitted = fitted;
                best.shift = shift;
                best_distance = distance;
            }
        }
    }
    for (guint l = 0; l < labels->len; l++)
        ((iotfp_label *)g_ptr_array_index(labels, l))->time += best.shift;
    return best;
}

guint iotfp_share_count(guint n, double share)
{
    /* Rounded to nearest; the small epsilon keeps 0.6 and 1 - 0.4, which
     * differ in the last bit, on the same side of every .5. */
    double count = floor(n * share + 0.5 + 1e-9);
    return count <= 0 ? 0 : count >= n ? n : (guint)count;
}

typedef struct {
    guint index;
    const iotfp_label *label;
} indexed_label;

static gint by_event_then_time(gconstpointer a, gconstpointer b)
{
    const indexed_label *x = a, *y = b;
    int by_event = strcmp(x->label->event, y->label->event);
    if (by_event)
        return by_event;
    if (x->label->time != y->label->time)
        return x->label->time < y->label->time ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

gboolean *iotfp_labels_first_share(const GPtrArray *labels, double share)
{
    gboolean *in_first_share = g_new0(gboolean, labels->len + 1);
    GArray *order = g_array_sized_new(FALSE, FALSE, sizeof(indexed_label), labels->len);
    for (guint i = 0; i < labels->len; i++) {
        indexed_label item = { i, g_ptr_array_index(labels, i) };
        g_array_append_val(order, item);
    }
    g_array_sort(order, by_event_then_time);
    for (guint start = 0; start < order->len;) {
        const char *event = g_array_index(order, indexed_label, start).label->event;
        guint end = start;
        while (end < order->len && strcmp(g_array_index(order, indexed_label, end).label->event, event) == 0)
            end++;
        guint first = iotfp_share_count(end - start, share);
        for (guint i = start; i < start + first; i++)
            in_first_share[g_array_index(order, indexed_label, i).index] = TRUE;
        start = end;
    }
    g_array_free(order, TRUE);
    return in_first_share;
}
