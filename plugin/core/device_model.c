#include "device_model.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "addr.h"
#include "text_file.h"

#define N IOTFP_SEQ_N_FEATURES
#define GATES 3 /* r, z, n */
#define MAX_ROWS (GATES * IOTFP_DEVICE_MODEL_MAX_HIDDEN)
#define LANES 4 /* floats in a vector register: SSE2, NEON */
G_STATIC_ASSERT(MAX_ROWS % LANES == 0 && IOTFP_DEVICE_MODEL_MAX_CLASSES % LANES == 0);
/* Trained weights and scalings are small; these bounds keep every sum of
 * inference finite (features stay below 30, so |x| < 1e13, and products
 * with weights and hidden states stay far below FLT_MAX). */
#define MAX_MAGNITUDE 1e6
#define MIN_STD 1e-6
/* Longer than any float written out in full. */
#define MAX_NUMBER_TEXT 64

struct iotfp_device_model {
    gint refs;
    guint window;
    guint hidden;
    guint n_classes;
    char **class_names;  /* NULL-terminated */
    float mean[N];
    float inv_std[N];
    /* The file's matrices are row-major; once read they are stored column by
     * column: a step then adds whole columns scaled by one input, independent
     * sums, where row-by-row dot products would wait on one another. The
     * scaling is folded into the input weights, W_ih (f - mean) / std =
     * (W_ih / std) f - (W_ih / std) mean, so that features that are 0 (most
     * protocol and flag bits) cost nothing. Columns and biases are padded
     * with zeros to a multiple of 4 rows, for 4-wide vector instructions. */
    float *w_ih;   /* 3H x N, by column, divided by std */
    float *w_hh;   /* 3H x H, by column */
    float *b_ih;   /* 3H, minus (W_ih / std) mean */
    float *b_hh;   /* 3H */
    float *w_out;  /* K x H, by column */
    float *b_out;  /* K */
};

/* ---- parsing ---- */

/* The sections of a file; each appears exactly once. */
typedef enum {
    SEC_KIND,
    SEC_FEATURES,
    SEC_WINDOW,
    SEC_HIDDEN,
    SEC_CLASSES,
    SEC_MEAN,
    SEC_STD,
    SEC_W_IH,
    SEC_W_HH,
    SEC_B_IH,
    SEC_B_HH,
    SEC_W_OUT,
    SEC_B_OUT,
    N_SECTIONS,
} section;

static const char *const section_names[N_SECTIONS] = {
    "kind", "features", "window", "hidden", "classes", "mean", "std",
    "matrix W_ih", "matrix W_hh", "vector b_ih", "vector b_hh", "matrix W_out", "vector b_out",
};

/* Rows and columns an array section declared, checked against the model's
 * sizes once every section is read. */
typedef struct {
    guint rows, cols;
} shape;

typedef struct {
    const char *text;
    gsize len;
    gsize pos;
    guint line;           /* of pos */
    /* The latest token; at the end of the text, errors point at its line. */
    const char *source;
    GError **error;
    const char *token;
    gsize token_len;
    guint token_line;
    guint section_line[N_SECTIONS]; /* 0 until seen */
    shape shapes[N_SECTIONS];
    guint features;
    iotfp_device_model *model;
} parser;

static gboolean fail_at(parser *p, guint line, const char *format, ...) G_GNUC_PRINTF(3, 4);

static gboolean fail_at(parser *p, guint line, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    iotfp_error_at(p->error, p->source, line, format, args);
    va_end(args);
    return FALSE;
}

/* The next token, or FALSE at the end of the text. */
static gboolean next_token(parser *p)
{
    for (;;) {
        while (p->pos < p->len && g_ascii_isspace(p->text[p->pos])) {
            if (p->text[p->pos] == '\n')
                p->line++;
            p->pos++;
        }
        if (p->pos < p->len && p->text[p->pos] == '#') {
            while (p->pos < p->len && p->text[p->pos] != '\n')
                p->pos++;
            continue;
        }
        break;
    }
    if (p->pos >= p->len)
        return FALSE;
    p->token = p->text + p->pos;
    p->token_line = p->line;
    while (p->pos < p->len && !g_ascii_isspace(p->text[p->pos]) && p->text[p->pos] != '#')
        p->pos++;
    p->token_len = (gsize)(p->text + p->pos - p->token);
    return TRUE;
}

static gboolean token_is(const parser *p, const char *word)
{
    return p->token_len == strlen(word) && memcmp(p->token, word, p->token_len) == 0;
}

/* The latest token as text for messages, cut short and made printable. */
static char *token_text(const parser *p)
{
    gsize shown = MIN(p->token_len, (gsize)40);
    GString *text = g_string_sized_new(shown + 3);
    for (gsize i = 0; i < shown; i++)
        g_string_append_c(text, g_ascii_isprint(p->token[i]) ? p->token[i] : '?');
    if (shown < p->token_len)
        g_string_append(text, "...");
    return g_string_free(text, FALSE);
}

static gboolean fail_token(parser *p, const char *what)
{
    char *text = token_text(p);
    fail_at(p, p->token_line, "%s, not '%s'", what, text);
    g_free(text);
    return FALSE;
}

/* The next token, which something needs: at the end, says what. */
static gboolean need_token(parser *p, const char *what)
{
    if (next_token(p))
        return TRUE;
    return fail_at(p, p->token_line, "the file ends where %s should be", what);
}

/* Copies the token for strtod and friends; FALSE when it is too long to be a number. */
static gboolean token_copy(const parser *p, char *buffer)
{
    if (p->token_len >= MAX_NUMBER_TEXT)
        return FALSE;
    memcpy(buffer, p->token, p->token_len);
    buffer[p->token_len] = '\0';
    return TRUE;
}

static gboolean read_count(parser *p, const char *what, guint min, guint max, guint *value)
{
    if (!need_token(p, what))
        return FALSE;
    char buffer[MAX_NUMBER_TEXT];
    guint64 number;
    if (!token_copy(p, buffer) || !g_ascii_string_to_unsigned(buffer, 10, min, max, &number, NULL)) {
        char *message = g_strdup_printf("%s must be a whole number from %u to %u", what, min, max);
        fail_token(p, message);
        g_free(message);
        return FALSE;
    }
    *value = (guint)number;
    return TRUE;
}

static gboolean read_numbers(parser *p, const char *what, float *values, guint n)
{
    for (guint i = 0; i < n; i++) {
        if (!next_token(p))
            return fail_at(p, p->token_line, "%s: the file ends after %u of its %u numbers", what, i, n);
        char buffer[MAX_NUMBER_TEXT];
        char *end = NULL;
        double number = 0.0;
        errno = 0;
        gboolean ok = token_copy(p, buffer);
        if (ok)
            number = g_ascii_strtod(buffer, &end);
        ok = ok && end != buffer && *end == '\0';
        if (!ok) {
            char *message = g_strdup_printf("%s: number %u of %u expected", what, i + 1, n);
            fail_token(p, message);
            g_free(message);
            return FALSE;
        }
        if (!(fabs(number) <= MAX_MAGNITUDE)) {
            char *text = token_text(p);
            fail_at(p, p->token_line, "%s: number %u of %u, '%s', is not a finite number within +-%g", what, i + 1,
                    n, text, MAX_MAGNITUDE);
            g_free(text);
            return FALSE;
        }
        values[i] = (float)number;
    }
    return TRUE;
}

/* Class names end up in display filter values: keep them to plain words. */
static gboolean valid_class_name(const char *name, gsize len)
{
    if (len == 0 || len > IOTFP_DEVICE_MODEL_MAX_NAME)
        return FALSE;
    for (gsize i = 0; i < len; i++)
        if (!(g_ascii_isalnum(name[i]) || strchr("_.-/+", name[i])))
            return FALSE;
    return TRUE;
}

static gboolean read_classes(parser *p)
{
    guint n;
    if (!read_count(p, "the number of classes", 2, IOTFP_DEVICE_MODEL_MAX_CLASSES, &n))
        return FALSE;
    iotfp_device_model *model = p->model;
    model->n_classes = n;
    model->class_names = g_new0(char *, n + 1);
    for (guint i = 0; i < n; i++) {
        if (!next_token(p))
            return fail_at(p, p->token_line, "classes: the file ends after %u of its %u names", i, n);
        if (!valid_class_name(p->token, p->token_len))
            return fail_token(p, "a class name is 1 to 64 letters, digits or _ . - / +");
        char *name = g_strndup(p->token, p->token_len);
        for (guint j = 0; j < i; j++)
            if (strcmp(model->class_names[j], name) == 0) {
                fail_at(p, p->token_line, "class '%s' is named twice", name);
                g_free(name);
                return FALSE;
            }
        model->class_names[i] = name;
    }
    return TRUE;
}

static gboolean read_standard_deviations(parser *p)
{
    float std[N];
    if (!read_numbers(p, "std", std, N))
        return FALSE;
    for (guint i = 0; i < N; i++) {
        if (!(std[i] >= MIN_STD))
            return fail_at(p, p->token_line, "std of feature f%u is %g: every std must be at least %g", i,
                           (double)std[i], MIN_STD);
        p->model->inv_std[i] = 1.0f / std[i];
    }
    return TRUE;
}

/* "matrix NAME ROWS COLS numbers" or "vector NAME N numbers", after the keyword. */
static gboolean read_array(parser *p, gboolean is_matrix)
{
    static const struct {
        const char *name;
        section sec;
        gboolean matrix;
    } arrays[] = {
        { "W_ih", SEC_W_IH, TRUE },   { "W_hh", SEC_W_HH, TRUE },   { "W_out", SEC_W_OUT, TRUE },
        { "b_ih", SEC_B_IH, FALSE },  { "b_hh", SEC_B_HH, FALSE },  { "b_out", SEC_B_OUT, FALSE },
    };
    const char *kind = is_matrix ? "matrix" : "vector";
    guint keyword_line = p->token_line;
    if (!need_token(p, is_matrix ? "the matrix's name" : "the vector's name"))
        return FALSE;
    int found = -1;
    for (guint i = 0; i < G_N_ELEMENTS(arrays); i++)
        if (arrays[i].matrix == is_matrix && token_is(p, arrays[i].name))
            found = (int)i;
    if (found < 0)
        return fail_token(p, is_matrix ? "the matrices are W_ih, W_hh and W_out"
                                       : "the vectors are b_ih, b_hh and b_out");
    section sec = arrays[found].sec;
    if (p->section_line[sec])
        return fail_at(p, keyword_line, "second %s (the first is on line %u)", section_names[sec],
                       p->section_line[sec]);
    p->section_line[sec] = keyword_line;
    shape *s = &p->shapes[sec];
    s->cols = 1;
    if (!read_count(p, "the number of rows", 1, MAX_ROWS, &s->rows))
        return FALSE;
    if (is_matrix && !read_count(p, "the number of columns", 1, MAX(IOTFP_DEVICE_MODEL_MAX_HIDDEN, N), &s->cols))
        return FALSE;
    float *values = g_new(float, (gsize)s->rows * s->cols);
    float **slot = NULL;
    switch (sec) {
    case SEC_W_IH: slot = &p->model->w_ih; break;
    case SEC_W_HH: slot = &p->model->w_hh; break;
    case SEC_W_OUT: slot = &p->model->w_out; break;
    case SEC_B_IH: slot = &p->model->b_ih; break;
    case SEC_B_HH: slot = &p->model->b_hh; break;
    default: slot = &p->model->b_out; break;
    }
    *slot = values;
    char *what = g_strdup_printf("%s %s", kind, arrays[found].name);
    gboolean ok = read_numbers(p, what, values, s->rows * s->cols);
    g_free(what);
    return ok;
}

/* A section named by its keyword, the latest token. */
static gboolean read_section(parser *p)
{
    if (token_is(p, "matrix"))
        return read_array(p, TRUE);
    if (token_is(p, "vector"))
        return read_array(p, FALSE);
    section sec = N_SECTIONS;
    for (guint i = 0; i <= SEC_STD; i++)
        if (token_is(p, section_names[i]))
            sec = i;
    if (sec == N_SECTIONS)
        return fail_token(p, "a section (kind, features, window, hidden, classes, mean, std, matrix, vector) "
                             "expected");
    if (p->section_line[sec])
        return fail_at(p, p->token_line, "second '%s' (the first is on line %u)", section_names[sec],
                       p->section_line[sec]);
    p->section_line[sec] = p->token_line;
    iotfp_device_model *model = p->model;
    switch (sec) {
    case SEC_KIND:
        if (!need_token(p, "the model's kind"))
            return FALSE;
        return token_is(p, "gru") || fail_token(p, "this iotfp runs models of kind 'gru' only");
    case SEC_FEATURES:
        /* One value only: the features seq_features.h computes. */
        return read_count(p, "the number of features (those of this iotfp's seq_features.h)", N, N,
                          &p->features);
    case SEC_WINDOW:
        return read_count(p, "the window", 1, IOTFP_DEVICE_MODEL_MAX_WINDOW, &model->window);
    case SEC_HIDDEN:
        return read_count(p, "the hidden size", 1, IOTFP_DEVICE_MODEL_MAX_HIDDEN, &model->hidden);
    case SEC_CLASSES:
        return read_classes(p);
    case SEC_MEAN:
        return read_numbers(p, "mean", model->mean, N);
    default:
        return read_standard_deviations(p);
    }
}

/* Once every section is read: do the arrays' sizes agree with hidden and classes? */
static gboolean check_shapes(parser *p)
{
    for (guint i = 0; i < N_SECTIONS; i++)
        if (!p->section_line[i])
            return fail_at(p, 0, "no '%s' section", section_names[i]);
    guint h = p->model->hidden, k = p->model->n_classes;
    const shape expected[N_SECTIONS] = {
        [SEC_W_IH] = { GATES * h, N }, [SEC_W_HH] = { GATES * h, h }, [SEC_B_IH] = { GATES * h, 1 },
        [SEC_B_HH] = { GATES * h, 1 }, [SEC_W_OUT] = { k, h },        [SEC_B_OUT] = { k, 1 },
    };
    for (guint i = SEC_W_IH; i < N_SECTIONS; i++) {
        const shape *got = &p->shapes[i];
        if (got->rows == expected[i].rows && got->cols == expected[i].cols)
            continue;
        if (i == SEC_B_IH || i == SEC_B_HH || i == SEC_B_OUT)
            return fail_at(p, p->section_line[i], "%s has %u numbers; hidden %u and %u classes need %u",
                           section_names[i], got->rows, h, k, expected[i].rows);
        return fail_at(p, p->section_line[i], "%s is %u x %u; hidden %u, %u classes and %u features need %u x %u",
                       section_names[i], got->rows, got->cols, h, k, N, expected[i].rows, expected[i].cols);
    }
    return TRUE;
}

static guint padded(guint rows)
{
    return (rows + LANES - 1) / LANES * LANES;
}

/* The row-major matrix, freed, as a new one stored column by column, each
 * column padded to padded(rows). A vector is a matrix of one column. */
static float *by_columns(float *rows_first, guint rows, guint cols)
{
    guint stride = padded(rows);
    float *columns = g_new0(float, (gsize)stride * cols);
    for (guint r = 0; r < rows; r++)
        for (guint c = 0; c < cols; c++)
            columns[(gsize)c * stride + r] = rows_first[(gsize)r * cols + c];
    g_free(rows_first);
    return columns;
}

static void fold_scaling(iotfp_device_model *model)
{
    guint rows = padded(GATES * model->hidden);
    for (guint c = 0; c < N; c++) {
        float *column = model->w_ih + (gsize)c * rows;
        for (guint r = 0; r < rows; r++) {
            column[r] *= model->inv_std[c];
            model->b_ih[r] -= column[r] * model->mean[c];
        }
    }
}

static void model_free(iotfp_device_model *model)
{
    g_strfreev(model->class_names);
    g_free(model->w_ih);
    g_free(model->w_hh);
    g_free(model->b_ih);
    g_free(model->b_hh);
    g_free(model->w_out);
    g_free(model->b_out);
    g_free(model);
}

iotfp_device_model *iotfp_device_model_parse(const char *text, gsize len, const char *source, GError **error)
{
    parser p = { .text = text, .len = len, .line = 1, .source = source, .error = error };
    p.model = g_new0(iotfp_device_model, 1);
    p.model->refs = 1;
    gboolean ok;
    guint version;
    /* As every data file: a NUL would end a number early, unnoticed. */
    if (memchr(text, '\0', len) || !g_utf8_validate(text, (gssize)len, NULL))
        ok = fail_at(&p, 0, "not a text file");
    else if (!next_token(&p))
        ok = fail_at(&p, 0, "empty: a device model starts with '" IOTFP_DEVICE_MODEL_MAGIC " 1'");
    else if (!token_is(&p, IOTFP_DEVICE_MODEL_MAGIC))
        ok = fail_token(&p, "a device model starts with '" IOTFP_DEVICE_MODEL_MAGIC " 1'");
    else if (!read_count(&p, "the format version", 0, G_MAXUINT, &version))
        ok = FALSE;
    else if (version != IOTFP_DEVICE_MODEL_VERSION)
        ok = fail_at(&p, p.token_line, "format version %u; this iotfp reads version %u", version,
                     IOTFP_DEVICE_MODEL_VERSION);
    else
        ok = TRUE;
    while (ok && next_token(&p))
        ok = read_section(&p);
    ok = ok && check_shapes(&p);
    if (!ok) {
        model_free(p.model);
        return NULL;
    }
    iotfp_device_model *model = p.model;
    guint rows = GATES * model->hidden;
    model->w_ih = by_columns(model->w_ih, rows, N);
    model->w_hh = by_columns(model->w_hh, rows, model->hidden);
    model->b_ih = by_columns(model->b_ih, rows, 1);
    model->b_hh = by_columns(model->b_hh, rows, 1);
    model->w_out = by_columns(model->w_out, model->n_classes, model->hidden);
    model->b_out = by_columns(model->b_out, model->n_classes, 1);
    fold_scaling(model);
    return model;
}

iotfp_device_model *iotfp_device_model_load(const char *path, GError **error)
{
    gsize len;
    gchar *text = iotfp_text_file_read(path, IOTFP_DEVICE_MODEL_MAX_FILE, &len, error);
    if (!text)
        return NULL;
    iotfp_device_model *model = iotfp_device_model_parse(text, len, path, error);
    g_free(text);
    return model;
}

iotfp_device_model *iotfp_device_model_ref(iotfp_device_model *model)
{
    if (model)
        model->refs++;
    return model;
}

void iotfp_device_model_unref(iotfp_device_model *model)
{
    if (model && --model->refs == 0)
        model_free(model);
}

guint iotfp_device_model_window(const iotfp_device_model *model)
{
    return model->window;
}

guint iotfp_device_model_hidden(const iotfp_device_model *model)
{
    return model->hidden;
}

guint iotfp_device_model_n_classes(const iotfp_device_model *model)
{
    return model->n_classes;
}

const char *iotfp_device_model_class_name(const iotfp_device_model *model, guint index)
{
    return index < model->n_classes ? model->class_names[index] : NULL;
}

/* ---- inference ---- */

void iotfp_device_window_init(iotfp_device_window *window, const iotfp_device_model *model)
{
    window->hidden = g_new0(float, model->hidden);
    window->packets = 0;
}

void iotfp_device_window_clear(iotfp_device_window *window)
{
    g_free(window->hidden);
    window->hidden = NULL;
    window->packets = 0;
}

/* sums += column * scale, for n entries, n a multiple of LANES. Written four
 * at a time, so that compilers emit vector instructions even at -O2. */
static void add_scaled(float *restrict sums, const float *restrict column, float scale, gsize n)
{
    for (gsize i = 0; i < n; i += LANES) {
        sums[i] += column[i] * scale;
        sums[i + 1] += column[i + 1] * scale;
        sums[i + 2] += column[i + 2] * scale;
        sums[i + 3] += column[i + 3] * scale;
    }
}

/* out = bias + matrix x, the matrix given column by column, padded. */
static void affine(float *out, const float *bias, const float *columns, const float *x, guint rows, guint cols)
{
    gsize stride = padded(rows);
    memcpy(out, bias, sizeof(float) * stride);
    for (guint c = 0; c < cols; c++)
        if (x[c] != 0.0f)
            add_scaled(out, columns + c * stride, x[c], stride);
}

static float sigmoid(float x)
{
    return 1.0f / (1.0f + expf(-x));
}

/* tanh x = 2 sigmoid(2x) - 1: one expf, where tanhf costs several times more;
 * the absolute error stays within a few float ulps of 1. */
static float fast_tanh(float x)
{
    return 2.0f * sigmoid(2.0f * x) - 1.0f;
}

static void gru_step(const iotfp_device_model *model, float *h, const float features[N])
{
    guint hidden = model->hidden;
    /* Both products need the old h: compute them all before updating it. */
    float input_part[MAX_ROWS], hidden_part[MAX_ROWS];
    affine(input_part, model->b_ih, model->w_ih, features, GATES * hidden, N);
    affine(hidden_part, model->b_hh, model->w_hh, h, GATES * hidden, hidden);
    for (guint j = 0; j < hidden; j++) {
        float r = sigmoid(input_part[j] + hidden_part[j]);
        float z = sigmoid(input_part[hidden + j] + hidden_part[hidden + j]);
        float n = fast_tanh(input_part[2 * hidden + j] + r * hidden_part[2 * hidden + j]);
        h[j] = (1.0f - z) * n + z * h[j];
    }
}

static void classify(const iotfp_device_model *model, const float *h, float *probabilities,
                     iotfp_device_type_result *result)
{
    float logits[IOTFP_DEVICE_MODEL_MAX_CLASSES];
    affine(logits, model->b_out, model->w_out, h, model->n_classes, model->hidden);
    guint best = 0;
    for (guint k = 1; k < model->n_classes; k++)
        if (logits[k] > logits[best])
            best = k;
    /* Shifted by the largest logit, so that no exponential overflows. */
    float largest = logits[best], sum = 0.0f;
    for (guint k = 0; k < model->n_classes; k++) {
        logits[k] = expf(logits[k] - largest);
        sum += logits[k];
    }
    for (guint k = 0; probabilities && k < model->n_classes; k++)
        probabilities[k] = logits[k] / sum;
    result->type = best;
    result->confidence = logits[best] / sum;
}

gboolean iotfp_device_window_add(iotfp_device_window *window, const iotfp_device_model *model,
                                 const float features[IOTFP_SEQ_N_FEATURES], float *probabilities,
                                 iotfp_device_type_result *result)
{
    gru_step(model, window->hidden, features);
    if (++window->packets < model->window)
        return FALSE;
    classify(model, window->hidden, probabilities, result);
    memset(window->hidden, 0, sizeof(float) * model->hidden);
    window->packets = 0;
    return TRUE;
}
