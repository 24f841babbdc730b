#include "signature.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "addr.h"
#include "burst.h"

typedef struct {
    const char *source;
    guint line_no;
    iotfp_signature *signature;
    iotfp_event_class *event; /* the section being read */
    guint samples;
    gboolean have_shape;
    guint version;
    gboolean ended;     /* the closing line was read */
    /* Action-model keys seen, to check the model is complete. */
    gboolean action_padding, action_base, action_command, action_residual, action_counts;
    GError **error;
} parser;

static gboolean fail(parser *p, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean fail(parser *p, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    iotfp_error_at(p->error, p->source, p->line_no, format, args);
    va_end(args);
    return FALSE;
}

static void event_class_free(gpointer data)
{
    iotfp_event_class *event = data;
    g_free(event->name);
    g_free(event->privacy);
    g_ptr_array_free(event->samples, TRUE);
    g_free(event);
}

static void match_clear(gpointer data)
{
    g_free(((iotfp_match *)data)->pattern);
}

iotfp_signature *iotfp_signature_new(const char *model)
{
    iotfp_signature *signature = g_new0(iotfp_signature, 1);
    signature->model = g_strdup(model);
    signature->matches = g_array_new(FALSE, TRUE, sizeof(iotfp_match));
    g_array_set_clear_func(signature->matches, match_clear);
    signature->events = g_ptr_array_new_with_free_func(event_class_free);
    signature->k = 1;
    return signature;
}

static void action_clear(gpointer data)
{
    g_free((char *)((iotfp_action *)data)->name);
}

static void action_model_free(iotfp_action_model *model)
{
    if (model) {
        g_array_free(model->actions, TRUE);
        iotfp_action_prior_clear(&model->prior);
    }
    g_free(model);
}

iotfp_action_model *iotfp_signature_set_action_model(iotfp_signature *signature, const iotfp_padding *padding,
                                                     guint base_size, guint tolerance, guint max_actions,
                                                     iotfp_command_direction direction, guint command_index)
{
    action_model_free(signature->action_model);
    iotfp_action_model *model = g_new0(iotfp_action_model, 1);
    model->actions = g_array_new(FALSE, TRUE, sizeof(iotfp_action));
    g_array_set_clear_func(model->actions, action_clear);
    model->decompose.padding = *padding;
    model->decompose.base_size = base_size;
    model->decompose.tolerance = tolerance;
    model->decompose.max_actions = max_actions;
    model->command_direction = direction;
    model->command_index = command_index;
    iotfp_action_prior_init(&model->prior);
    signature->action_model = model;
    return model;
}

void iotfp_action_model_add(iotfp_action_model *model, const char *name, guint size, double frequency)
{
    iotfp_action action = { g_strdup(name), size, frequency };
    g_array_append_val(model->actions, action);
    /* The array may have moved. */
    model->decompose.actions = (const iotfp_action *)(gpointer)model->actions->data;
    model->decompose.n_actions = model->actions->len;
}

void iotfp_action_model_prepare(iotfp_action_model *model)
{
    iotfp_action_prior_prepare(&model->prior, &model->decompose);
}

static gboolean find_scene_counts(const iotfp_action_prior *prior, guint n, const guint8 *counts)
{
    for (guint i = 0; i < prior->scenes->len; i++)
        if (memcmp(g_array_index(prior->scenes, iotfp_action_scene, i).counts, counts, n) == 0)
            return TRUE;
    return FALSE;
}

gboolean iotfp_action_model_command_size(const iotfp_action_model *model, const gint32 *shape, guint n,
                                         guint *size)
{
    /* A command opens its exchange: bursts the other side opens (heartbeats,
     * the device's own reports) carry none. */
    gboolean towards_device = model->command_direction == IOTFP_COMMAND_TO_DEVICE;
    if (n == 0 || (shape[0] < 0) != towards_device)
        return FALSE;
    guint seen = 0;
    for (guint i = 0; i < n; i++) {
        if ((shape[i] < 0) != towards_device)
            continue;
        if (++seen == model->command_index) {
            *size = (guint)ABS(shape[i]);
            return TRUE;
        }
    }
    return FALSE;
}

void iotfp_signature_free(iotfp_signature *signature)
{
    if (!signature)
        return;
    action_model_free(signature->action_model);
    g_free(signature->source);
    g_free(signature->model);
    g_free(signature->platform);
    g_array_free(signature->matches, TRUE);
    g_ptr_array_free(signature->events, TRUE);
    g_free(signature);
}

iotfp_event_class *iotfp_signature_add_event(iotfp_signature *signature, const char *name)
{
    iotfp_event_class *event = g_new0(iotfp_event_class, 1);
    event->name = g_strdup(name);
    event->samples = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    g_ptr_array_add(signature->events, event);
    return event;
}

void iotfp_event_class_add_sample(iotfp_event_class *event, const gint32 *lengths, guint n)
{
    GArray *sample = g_array_sized_new(FALSE, FALSE, sizeof(gint32), n);
    g_array_append_vals(sample, lengths, n);
    g_ptr_array_add(event->samples, sample);
}

const iotfp_event_class *iotfp_signature_find_event(const iotfp_signature *signature, const char *name)
{
    for (guint i = 0; i < signature->events->len; i++) {
        const iotfp_event_class *event = g_ptr_array_index(signature->events, i);
        if (strcmp(event->name, name) == 0)
            return event;
    }
    return NULL;
}

/* Names are words a filter can hold: model "tplink-plug", event "power_on",
 * merged event "power_off|power_on", IoTEvent-style "power_on/off". */
static gboolean valid_name(const char *name, gboolean allow_merge)
{
    if (!*name || strlen(name) > 128)
        return FALSE;
    for (const char *c = name; *c; c++)
        if (!g_ascii_isalnum(*c) && !strchr("_.-/", *c) && !(allow_merge && *c == '|'))
            return FALSE;
    return name[0] != '|' && name[strlen(name) - 1] != '|' && !strstr(name, "||");
}

gboolean iotfp_signature_valid_name(const char *name)
{
    return valid_name(name, FALSE);
}

static gboolean parse_uint(parser *p, const char *what, const char *text, guint max, guint *out)
{
    guint64 value;
    if (!g_ascii_string_to_unsigned(text, 10, 0, max, &value, NULL))
        return fail(p, "%s '%s' is not a whole number from 0 to %u", what, text, max);
    *out = (guint)value;
    return TRUE;
}

static gboolean parse_threshold(parser *p, const char *text, double *out)
{
    char *end;
    errno = 0;
    double value = g_ascii_strtod(text, &end);
    if (*end || end == text || errno || !(value >= 0.0 && value <= 1e6))
        return fail(p, "threshold '%s' is not a number from 0 to 1000000", text);
    *out = value;
    return TRUE;
}

static gboolean parse_sample(parser *p, gchar **words)
{
    if (!p->event)
        return fail(p, "'sample' before any 'event'");
    if (++p->samples > IOTFP_SIGNATURE_MAX_SAMPLES)
        return fail(p, "more than %u samples", IOTFP_SIGNATURE_MAX_SAMPLES);
    gint32 lengths[IOTFP_SHAPE_MAX];
    guint n = 0;
    for (gchar **word = words; *word; word++) {
        gint64 value;
        if (n == IOTFP_SHAPE_MAX)
            return fail(p, "a sample holds at most %u lengths", IOTFP_SHAPE_MAX);
        if ((**word != '+' && **word != '-') ||
            !g_ascii_string_to_signed(*word, 10, -IOTFP_SIGNATURE_MAX_LENGTH, IOTFP_SIGNATURE_MAX_LENGTH, &value,
                                      NULL) ||
            value == 0)
            return fail(p, "'%s' is not a signed payload length such as +142 or -1452 (1 to %u)", *word,
                        IOTFP_SIGNATURE_MAX_LENGTH);
        lengths[n++] = (gint32)value;
    }
    if (n == 0)
        return fail(p, "empty sample");
    iotfp_event_class_add_sample(p->event, lengths, n);
    return TRUE;
}

static gboolean parse_match(parser *p, gchar **args, guint nargs)
{
    if (nargs != 2)
        return fail(p, "'match' takes a kind and a value: port 443, cloud *.example.com, platform tuya");
    iotfp_match match = { 0 };
    if (strcmp(args[0], "port") == 0) {
        match.kind = IOTFP_MATCH_PORT;
        if (!parse_uint(p, "port", args[1], 65535, &match.port))
            return FALSE;
    } else if (strcmp(args[0], "cloud") == 0 || strcmp(args[0], "platform") == 0) {
        match.kind = args[0][0] == 'c' ? IOTFP_MATCH_CLOUD : IOTFP_MATCH_PLATFORM;
        match.pattern = g_strdup(args[1]);
    } else {
        return fail(p, "unknown match kind '%s' (port, cloud, platform)", args[0]);
    }
    g_array_append_val(p->signature->matches, match);
    return TRUE;
}

static gboolean parse_shape_kind(parser *p, const char *kind)
{
    if (p->have_shape)
        return fail(p, "'shape' given twice");
    p->have_shape = TRUE;
    if (strcmp(kind, "segments") == 0)
        p->signature->shape = IOTFP_SHAPE_SEGMENTS;
    else if (strcmp(kind, "messages") == 0)
        p->signature->shape = IOTFP_SHAPE_MESSAGES;
    else
        return fail(p, "shape '%s' is neither segments nor messages", kind);
    return TRUE;
}

static gboolean set_string_once(parser *p, const char *key, char **field, const char *value, gboolean name)
{
    if (*field)
        return fail(p, "'%s' given twice", key);
    if (name && !valid_name(value, FALSE))
        return fail(p, "'%s' is not a valid %s (letters, digits, _ . - /)", value, key);
    *field = g_strdup(value);
    return TRUE;
}

static gboolean parse_event(parser *p, const char *name)
{
    if (!valid_name(name, TRUE))
        return fail(p, "'%s' is not a valid event name (letters, digits, _ . - /, classes joined by |)", name);
    if (iotfp_signature_find_event(p->signature, name))
        return fail(p, "event '%s' given twice", name);
    if (p->signature->events->len >= IOTFP_SIGNATURE_MAX_EVENTS)
        return fail(p, "more than %u events", IOTFP_SIGNATURE_MAX_EVENTS);
    p->event = iotfp_signature_add_event(p->signature, name);
    return TRUE;
}

static gboolean parse_positive_number(parser *p, const char *what, const char *text, double *out)
{
    char *end;
    errno = 0;
    double value = g_ascii_strtod(text, &end);
    if (*end || end == text || errno || !(value > 0.0 && value <= 1e9))
        return fail(p, "%s '%s' is not a number above 0 and at most 1000000000", what, text);
    *out = value;
    return TRUE;
}

/* Action-model lines may come in any order; the first creates the model with
 * the defaults, and check_complete demands padding, base and command. */
static iotfp_action_model *action_model(parser *p)
{
    if (!p->signature->action_model) {
        iotfp_padding none = { IOTFP_PADDING_NONE, 0, 0 };
        iotfp_signature_set_action_model(p->signature, &none, 0, 0, IOTFP_SIGNATURE_DEFAULT_MAX_ACTIONS,
                                          IOTFP_COMMAND_TO_DEVICE, 1);
    }
    return p->signature->action_model;
}

static gboolean parse_action(parser *p, gchar **args, guint nargs)
{
    if (nargs != 3)
        return fail(p, "'action' takes a name, its size in bytes and its prior: action lamp1.on 41 0.25");
    iotfp_action_model *model = action_model(p);
    if (!valid_name(args[0], FALSE))
        return fail(p, "'%s' is not a valid action name (letters, digits, _ . - /)", args[0]);
    for (guint i = 0; i < model->actions->len; i++)
        if (strcmp(g_array_index(model->actions, iotfp_action, i).name, args[0]) == 0)
            return fail(p, "action '%s' given twice", args[0]);
    if (model->actions->len >= IOTFP_SIGNATURE_MAX_ACTION_KINDS)
        return fail(p, "more than %u actions", IOTFP_SIGNATURE_MAX_ACTION_KINDS);
    /* A scene's counts cover the actions before it. */
    if (model->prior.scenes->len > 0)
        return fail(p, "'action' after an 'action_scene': give every action first");
    guint size = 0;
    double prior = 0;
    if (!parse_uint(p, "action size", args[1], IOTFP_SIGNATURE_MAX_LENGTH, &size) ||
        !parse_positive_number(p, "action prior", args[2], &prior))
        return FALSE;
    if (size == 0)
        return fail(p, "action '%s' adds 0 bytes: it would fit any size any number of times", args[0]);
    iotfp_action_model_add(model, args[0], size, prior);
    return TRUE;
}

static gboolean parse_probabilities(parser *p, const char *what, gchar **args, GArray *out)
{
    double sum = 0;
    for (gchar **arg = args; *arg; arg++) {
        char *end;
        errno = 0;
        double value = g_ascii_strtod(*arg, &end);
        if (*end || end == *arg || errno || !(value >= 0.0 && value <= 1.0))
            return fail(p, "%s: '%s' is not a probability from 0 to 1", what, *arg);
        g_array_append_val(out, value);
        sum += value;
    }
    if (fabs(sum - 1.0) > 1e-3)
        return fail(p, "%s: the probabilities add up to %g, not 1", what, sum);
    return TRUE;
}

/* action_residual MIN P... : P(plaintext - predicted = MIN, MIN+1, ...). */
static gboolean parse_action_residual(parser *p, gchar **args, guint nargs)
{
    iotfp_action_prior *prior = &action_model(p)->prior;
    if (p->action_residual)
        return fail(p, "'action_residual' given twice");
    p->action_residual = TRUE;
    gint64 low;
    if (nargs < 2 || nargs > IOTFP_SIGNATURE_MAX_RESIDUALS + 1 ||
        !g_ascii_string_to_signed(args[0], 10, -IOTFP_SIGNATURE_MAX_LENGTH, IOTFP_SIGNATURE_MAX_LENGTH, &low, NULL))
        return fail(p, "'action_residual' takes the smallest residual in bytes (-%u to %u), then 1 to %u "
                    "probabilities: action_residual -2 0.25 0.5 0.25", IOTFP_SIGNATURE_MAX_LENGTH,
                    IOTFP_SIGNATURE_MAX_LENGTH, IOTFP_SIGNATURE_MAX_RESIDUALS);
    prior->residual_min = (gint)low;
    return parse_probabilities(p, "action_residual", args + 1, prior->residual);
}

/* action_counts P0 P1 ... : P(a command carries k actions), k = 0..action_max. */
static gboolean parse_action_counts(parser *p, gchar **args, guint nargs)
{
    if (p->action_counts)
        return fail(p, "'action_counts' given twice");
    p->action_counts = TRUE;
    if (nargs < 1 || nargs > IOTFP_DECOMPOSE_MAX_ACTIONS + 1)
        return fail(p, "'action_counts' takes P(0 actions), P(1 action), ... up to action_max");
    return parse_probabilities(p, "action_counts", args, action_model(p)->prior.count_prior);
}

/* action_scene SEEN A+B+... [H0,H1,...,H23] : a set seen SEEN times in
 * training, and at which UTC hours. */
static gboolean parse_action_scene(parser *p, gchar **args, guint nargs)
{
    iotfp_action_model *model = action_model(p);
    if (nargs != 2 && nargs != 3)
        return fail(p, "'action_scene' takes how often the set was seen, the set (a+b+...) and optionally its "
                    "24 hourly counts (c0,c1,...,c23)");
    if (model->prior.scenes->len >= IOTFP_SIGNATURE_MAX_SCENES)
        return fail(p, "more than %u scenes", IOTFP_SIGNATURE_MAX_SCENES);
    guint seen = 0;
    if (!parse_uint(p, "times seen", args[0], G_MAXINT32, &seen))
        return FALSE;
    if (seen == 0)
        return fail(p, "a scene seen 0 times");
    guint n = model->actions->len;
    guint8 *counts = g_new0(guint8, MAX(n, 1));
    gchar **names = g_strsplit(args[1], "+", -1);
    gboolean ok = TRUE;
    guint total = 0;
    for (gchar **name = names; ok && *name; name++) {
        guint j = 0;
        while (j < n && strcmp(g_array_index(model->actions, iotfp_action, j).name, *name) != 0)
            j++;
        if (j == n)
            ok = fail(p, "scene action '%s' is not an 'action' given before it", *name);
        else if (++total > IOTFP_DECOMPOSE_MAX_ACTIONS)
            ok = fail(p, "a scene of more than %u actions", IOTFP_DECOMPOSE_MAX_ACTIONS);
        else
            counts[j]++;
    }
    g_strfreev(names);
    guint hours[IOTFP_ACTION_HOURS] = { 0 };
    if (ok && nargs == 3) {
        gchar **values = g_strsplit(args[2], ",", -1);
        guint n_values = g_strv_length(values), sum = 0;
        if (n_values != IOTFP_ACTION_HOURS)
            ok = fail(p, "scene hours: %u counts, not %u", n_values, IOTFP_ACTION_HOURS);
        for (guint h = 0; ok && h < n_values; h++) {
            ok = parse_uint(p, "hour count", values[h], seen, &hours[h]);
            sum += ok ? hours[h] : 0;
        }
        if (ok && sum != seen)
            ok = fail(p, "scene hours add up to %u, not to the %u times seen", sum, seen);
        g_strfreev(values);
    }
    if (ok && find_scene_counts(&model->prior, n, counts))
        ok = fail(p, "scene '%s' given twice", args[1]);
    if (ok)
        iotfp_action_prior_add_scene(&model->prior, n, counts, seen, nargs == 3 ? hours : NULL);
    g_free(counts);
    return ok;
}

static gboolean parse_action_padding(parser *p, gchar **args, guint nargs)
{
    iotfp_padding *padding = &action_model(p)->decompose.padding;
    if (p->action_padding)
        return fail(p, "'action_padding' given twice");
    p->action_padding = TRUE;
    if (nargs == 1 && strcmp(args[0], "none") == 0)
        padding->kind = IOTFP_PADDING_NONE;
    else if (nargs == 1 && strcmp(args[0], "tls12-gcm") == 0)
        padding->kind = IOTFP_PADDING_TLS12_GCM;
    else if (nargs == 2 && strcmp(args[0], "block") == 0) {
        padding->kind = IOTFP_PADDING_BLOCK;
        if (!parse_uint(p, "block size", args[1], IOTFP_DECOMPOSE_MAX_BLOCK, &padding->block_size))
            return FALSE;
        if (padding->block_size == 0)
            return fail(p, "block size must be at least 1");
    } else
        return fail(p, "'action_padding' is 'none', 'tls12-gcm' or 'block SIZE'");
    return TRUE;
}

static gboolean parse_action_command(parser *p, gchar **args, guint nargs)
{
    iotfp_action_model *model = action_model(p);
    if (p->action_command)
        return fail(p, "'action_command' given twice");
    p->action_command = TRUE;
    if (nargs != 2 || (strcmp(args[0], "to-device") != 0 && strcmp(args[0], "from-device") != 0))
        return fail(p, "'action_command' is 'to-device N' or 'from-device N': the N-th message that way");
    model->command_direction = args[0][0] == 't' ? IOTFP_COMMAND_TO_DEVICE : IOTFP_COMMAND_FROM_DEVICE;
    if (!parse_uint(p, "message number", args[1], IOTFP_SHAPE_MAX, &model->command_index))
        return FALSE;
    return model->command_index > 0 || fail(p, "message numbers start at 1");
}

static gboolean parse_action_setting(parser *p, const char *key, const char *value)
{
    iotfp_decompose_model *model = &action_model(p)->decompose;
    if (strcmp(key, "action_base") == 0) {
        if (p->action_base)
            return fail(p, "'action_base' given twice");
        p->action_base = TRUE;
        return parse_uint(p, key, value, IOTFP_SIGNATURE_MAX_LENGTH, &model->base_size);
    }
    if (strcmp(key, "action_overhead") == 0)
        return parse_uint(p, key, value, IOTFP_SIGNATURE_MAX_LENGTH, &model->padding.extra_overhead);
    if (strcmp(key, "action_tolerance") == 0)
        return parse_uint(p, key, value, IOTFP_SIGNATURE_MAX_LENGTH, &model->tolerance);
    if (strcmp(key, "action_max") == 0)
        return parse_uint(p, key, value, IOTFP_DECOMPOSE_MAX_ACTIONS, &model->max_actions) &&
               (model->max_actions > 0 || fail(p, "action_max must be at least 1"));
    return fail(p, "unknown keyword '%s'", key);
}

static gboolean parse_line(parser *p, gchar **words)
{
    const char *key = words[0];
    gchar **args = words + 1;
    guint nargs = g_strv_length(args);
    if (strcmp(key, "sample") == 0)
        return parse_sample(p, args);
    if (strcmp(key, "match") == 0)
        return parse_match(p, args, nargs);
    if (strcmp(key, "action") == 0)
        return parse_action(p, args, nargs);
    if (strcmp(key, "action_padding") == 0)
        return parse_action_padding(p, args, nargs);
    if (strcmp(key, "action_command") == 0)
        return parse_action_command(p, args, nargs);
    if (strcmp(key, "action_residual") == 0)
        return parse_action_residual(p, args, nargs);
    if (strcmp(key, "action_counts") == 0)
        return parse_action_counts(p, args, nargs);
    if (strcmp(key, "action_scene") == 0)
        return parse_action_scene(p, args, nargs);
    if (nargs != 1)
        return fail(p, "'%s' takes one value", key);
    if (strcmp(key, "model") == 0)
        return set_string_once(p, key, &p->signature->model, args[0], TRUE);
    if (strcmp(key, "platform") == 0)
        return set_string_once(p, key, &p->signature->platform, args[0], TRUE);
    if (strcmp(key, "burst_gap_ms") == 0)
        return parse_uint(p, key, args[0], 3600000, &p->signature->burst_gap_ms);
    if (strcmp(key, "shape") == 0)
        return parse_shape_kind(p, args[0]);
    if (strcmp(key, "k") == 0)
        return parse_uint(p, key, args[0], IOTFP_SIGNATURE_MAX_K, &p->signature->k) &&
               (p->signature->k > 0 || fail(p, "k must be at least 1"));
    if (strcmp(key, "event") == 0)
        return parse_event(p, args[0]);
    if (strcmp(key, "privacy") == 0 || strcmp(key, "threshold") == 0) {
        if (!p->event)
            return fail(p, "'%s' before any 'event'", key);
        if (key[0] == 't')
            return parse_threshold(p, args[0], &p->event->threshold);
        return set_string_once(p, key, &p->event->privacy, args[0], TRUE);
    }
    if (g_str_has_prefix(key, "action_"))
        return parse_action_setting(p, key, args[0]);
    return fail(p, "unknown keyword '%s'", key);
}

static gboolean check_complete(parser *p)
{
    iotfp_signature *signature = p->signature;
    if (!signature->model)
        return fail(p, "no 'model'");
    if (signature->burst_gap_ms == 0)
        return fail(p, "no 'burst_gap_ms'");
    for (guint i = 0; i < signature->events->len; i++) {
        const iotfp_event_class *event = g_ptr_array_index(signature->events, i);
        if (event->samples->len == 0)
            return fail(p, "event '%s' has no sample", event->name);
    }
    if (signature->action_model) {
        if (signature->action_model->actions->len == 0)
            return fail(p, "an action model with no 'action'");
        if (!p->action_padding || !p->action_base || !p->action_command)
            return fail(p, "an action model needs 'action_padding', 'action_base' and 'action_command'");
        iotfp_action_model *model = signature->action_model;
        if (model->prior.count_prior->len && model->prior.count_prior->len != model->decompose.max_actions + 1)
            return fail(p, "'action_counts' gives %u probabilities, action_max %u needs %u",
                        model->prior.count_prior->len, model->decompose.max_actions, model->decompose.max_actions + 1);
        for (guint i = 0; i < model->prior.scenes->len; i++) {
            const iotfp_action_scene *scene = &g_array_index(model->prior.scenes, iotfp_action_scene, i);
            guint k = 0;
            for (guint j = 0; j < model->actions->len; j++)
                k += scene->counts[j];
            if (k > model->decompose.max_actions)
                return fail(p, "a scene of %u actions, beyond action_max %u", k, model->decompose.max_actions);
        }
        iotfp_action_model_prepare(model);
    }
    return TRUE;
}

static gboolean parse_version(parser *p, gchar **words)
{
    guint version = 0;
    if (strcmp(words[0], "iotfp-signature") != 0 || !words[1] || words[2])
        return fail(p, "not a signature file: the first line must be 'iotfp-signature %u'",
                    IOTFP_SIGNATURE_VERSION);
    if (!parse_uint(p, "version", words[1], G_MAXUINT, &version))
        return FALSE;
    if (version == 0 || version > IOTFP_SIGNATURE_VERSION)
        return fail(p, "version %u is not supported (this plugin reads versions 1 to %u)", version,
                    IOTFP_SIGNATURE_VERSION);
    p->version = version;
    return TRUE;
}

iotfp_signature *iotfp_signature_parse(const char *text, gsize len, const char *source, GError **error)
{
    parser p = { .source = source, .error = error };
    if (len == 0) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s:1: empty file", source);
        return NULL;
    }
    if (len > IOTFP_SIGNATURE_MAX_BYTES) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: larger than %u bytes", source,
                    IOTFP_SIGNATURE_MAX_BYTES);
        return NULL;
    }
    if (memchr(text, '\0', len) || !g_utf8_validate(text, (gssize)len, NULL)) {
        g_set_error(error, IOTFP_ERROR, IOTFP_ERROR_PARSE, "%s: not a text file", source);
        return NULL;
    }
    /* The model is named by the file's 'model' line; start with none. */
    p.signature = iotfp_signature_new(NULL);
    p.signature->k = 0;
    p.signature->source = g_strdup(source);
    gchar *copy = g_strndup(text, len);
    gchar **lines = g_strsplit(copy, "\n", -1);
    g_free(copy);
    gboolean ok = TRUE, have_version = FALSE;
    for (gchar **line = lines; ok && *line; line++) {
        p.line_no++;
        /* No line of the format is this long: a binary or garbage file,
         * whose words must not be quoted whole in a message. */
        if (strlen(*line) > IOTFP_SIGNATURE_MAX_LINE) {
            ok = fail(&p, "line longer than %u bytes", IOTFP_SIGNATURE_MAX_LINE);
            break;
        }
        gchar *hash = strchr(*line, '#');
        if (hash)
            *hash = '\0';
        gchar **words = g_strsplit_set(g_strstrip(*line), " \t\r", -1);
        gchar **packed = words, **out = words;
        for (; *packed; packed++)
            if (**packed)
                *out++ = *packed;
            else
                g_free(*packed);
        *out = NULL;
        if (!words[0]) {
            g_strfreev(words);
            continue;
        }
        if (!have_version) {
            ok = parse_version(&p, words);
            have_version = TRUE;
        } else if (p.ended) {
            ok = fail(&p, "'%s' after the closing '" IOTFP_SIGNATURE_END "' line", words[0]);
        } else if (p.version >= 2 && strcmp(words[0], IOTFP_SIGNATURE_END) == 0 && !words[1]) {
            p.ended = TRUE;
        } else {
            ok = parse_line(&p, words);
        }
        g_strfreev(words);
    }
    g_strfreev(lines);
    if (ok && !have_version)
        ok = fail(&p, "empty file");
    if (ok && p.version >= 2 && !p.ended) {
        p.line_no = 0; /* about the whole file */
        ok = fail(&p, "cut short: no closing '" IOTFP_SIGNATURE_END "' line (a version %u file ends with one)",
                  p.version);
    }
    if (ok)
        ok = check_complete(&p);
    if (!ok) {
        iotfp_signature_free(p.signature);
        return NULL;
    }
    if (p.signature->k == 0)
        p.signature->k = 1;
    return p.signature;
}

static void format_action_model(GString *out, const iotfp_action_model *model)
{
    const iotfp_decompose_model *decompose = &model->decompose;
    static const char *const padding_names[] = { "none", "block", "tls12-gcm" };
    g_string_append_printf(out, "\naction_padding %s", padding_names[decompose->padding.kind]);
    if (decompose->padding.kind == IOTFP_PADDING_BLOCK)
        g_string_append_printf(out, " %u", decompose->padding.block_size);
    g_string_append_printf(out, "\naction_overhead %u\naction_base %u\naction_tolerance %u\naction_max %u\n",
                           decompose->padding.extra_overhead, decompose->base_size, decompose->tolerance,
                           decompose->max_actions);
    g_string_append_printf(out, "action_command %s %u\n",
                           model->command_direction == IOTFP_COMMAND_TO_DEVICE ? "to-device" : "from-device",
                           model->command_index);
    for (guint i = 0; i < model->actions->len; i++) {
        const iotfp_action *action = &g_array_index(model->actions, iotfp_action, i);
        char prior[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append_printf(out, "action %s %u %s\n", action->name, action->size,
                               g_ascii_dtostr(prior, sizeof prior, action->frequency));
    }
    const iotfp_action_prior *prior = &model->prior;
    char number[G_ASCII_DTOSTR_BUF_SIZE];
    if (prior->residual->len) {
        g_string_append_printf(out, "action_residual %d", prior->residual_min);
        for (guint i = 0; i < prior->residual->len; i++)
            g_string_append_printf(out, " %s", g_ascii_dtostr(number, sizeof number,
                                                              g_array_index(prior->residual, double, i)));
        g_string_append_c(out, '\n');
    }
    if (prior->count_prior->len) {
        g_string_append(out, "action_counts");
        for (guint i = 0; i < prior->count_prior->len; i++)
            g_string_append_printf(out, " %s", g_ascii_dtostr(number, sizeof number,
                                                              g_array_index(prior->count_prior, double, i)));
        g_string_append_c(out, '\n');
    }
    for (guint i = 0; i < prior->scenes->len; i++) {
        const iotfp_action_scene *scene = &g_array_index(prior->scenes, iotfp_action_scene, i);
        g_string_append_printf(out, "action_scene %u ", scene->seen);
        gboolean first = TRUE;
        for (guint j = 0; j < model->actions->len; j++)
            for (guint c = 0; c < scene->counts[j]; c++, first = FALSE)
                g_string_append_printf(out, "%s%s", first ? "" : "+", g_array_index(model->actions, iotfp_action, j).name);
        for (guint h = 0; scene->has_hours && h < IOTFP_ACTION_HOURS; h++)
            g_string_append_printf(out, "%c%u", h ? ',' : ' ', scene->hours[h]);
        g_string_append_c(out, '\n');
    }
}

char *iotfp_signature_format(const iotfp_signature *signature)
{
    GString *out = g_string_new(NULL);
    g_string_append_printf(out, "iotfp-signature %d\n", IOTFP_SIGNATURE_VERSION);
    g_string_append_printf(out, "model %s\n", signature->model);
    if (signature->platform)
        g_string_append_printf(out, "platform %s\n", signature->platform);
    for (guint i = 0; i < signature->matches->len; i++) {
        const iotfp_match *match = &g_array_index(signature->matches, iotfp_match, i);
        if (match->kind == IOTFP_MATCH_PORT)
            g_string_append_printf(out, "match port %u\n", match->port);
        else
            g_string_append_printf(out, "match %s %s\n", match->kind == IOTFP_MATCH_CLOUD ? "cloud" : "platform",
                                   match->pattern);
    }
    g_string_append_printf(out, "burst_gap_ms %u\n", signature->burst_gap_ms);
    if (signature->shape == IOTFP_SHAPE_MESSAGES)
        g_string_append(out, "shape messages\n");
    g_string_append_printf(out, "k %u\n", signature->k);
    for (guint i = 0; i < signature->events->len; i++) {
        const iotfp_event_class *event = g_ptr_array_index(signature->events, i);
        char threshold[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append_printf(out, "\nevent %s\n", event->name);
        if (event->privacy)
            g_string_append_printf(out, "privacy %s\n", event->privacy);
        g_string_append_printf(out, "threshold %s\n",
                               g_ascii_dtostr(threshold, sizeof threshold, event->threshold));
        for (guint s = 0; s < event->samples->len; s++) {
            const GArray *sample = g_ptr_array_index(event->samples, s);
            g_string_append(out, "sample");
            for (guint j = 0; j < sample->len; j++)
                g_string_append_printf(out, " %+d", g_array_index(sample, gint32, j));
            g_string_append_c(out, '\n');
        }
    }
    if (signature->action_model)
        format_action_model(out, signature->action_model);
    g_string_append(out, "\n" IOTFP_SIGNATURE_END "\n");
    return g_string_free(out, FALSE);
}

const GArray *iotfp_signature_burst_lengths(const iotfp_signature *signature, const iotfp_burst *burst)
{
    if (signature->shape == IOTFP_SHAPE_MESSAGES && burst->messages)
        return burst->messages;
    return burst->shape;
}
