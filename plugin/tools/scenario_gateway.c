#include "scenario_gateway.h"

#include <math.h>
#include <string.h>

#include <gcrypt.h>

#include "frame_builder.h"
#include "miio_encoder.h"
#include "payloads.h"
#include "pcap_writer.h"
#include "prng.h"
#include "scenario.h"
#include "signature.h"

#define MS(x) ((gint64)(x) * 1000000)
#define START_S G_GINT64_CONSTANT(1700000000)
/* Heartbeats keep a fixed period; each command falls in the quiet middle of
 * a period, well clear of the burst gap on either side. */
#define HEARTBEAT_PERIOD_MS 20000
#define COMMAND_EARLIEST_MS 4000
#define COMMAND_LATEST_MS 15000
#define MAX_ACTIONS_PER_COMMAND 8
#define GCM_NONCE_EXPLICIT 8
#define GCM_TAG 16

/* Gateway files: one entry a line, '#' starts a comment.
 *   action NAME JSON-OBJECT      the object one occurrence adds to a command
 *   scene NAME ACTION+ACTION+... a named multiset of actions (mix "scenes")
 */
typedef struct {
    char *name;
    char *json;
} GatewayAction;

typedef struct {
    char *name;
    GArray *actions; /* guint indexes into the vocabulary */
} GatewayScene;

typedef struct {
    GPtrArray *actions; /* GatewayAction */
    GPtrArray *scenes;  /* GatewayScene */
} Vocabulary;

static const char *const builtin_miio[][2] = {
    { "lamp1.on", "{\"did\":\"lumi.158d0001a4b501\",\"siid\":2,\"piid\":1,\"value\":true}" },
    { "lamp1.off", "{\"did\":\"lumi.158d0001a4b501\",\"siid\":2,\"piid\":1,\"value\":false}" },
    { "lamp2.dim", "{\"did\":\"yeelink.light.ceiling22\",\"siid\":2,\"piid\":2,\"value\":30,\"transition\":500}" },
    { "curtain.close", "{\"did\":\"lumi.curtain.hagl04\",\"siid\":2,\"aiid\":2,\"in\":[]}" },
    { "plug.off", "{\"did\":\"412345678\",\"siid\":2,\"piid\":1,\"value\":false}" },
    { "ac.cool", "{\"did\":\"xiaomi.aircondition.mc5\",\"siid\":2,\"piid\":2,\"value\":2,"
                 "\"props\":[{\"piid\":4,\"value\":24.5},{\"piid\":10,\"value\":3}]}" },
    { "speaker.chime", "{\"did\":\"xiaomi.wifispeaker.lx06\",\"siid\":3,\"aiid\":1,"
                       "\"in\":[\"https://cdn.cnbj1.fds.api.mi-img.com/tone/doorbell_chime_02.mp3\",80]}" },
};

static const char *const builtin_tls[][2] = {
    { "hall.on", "{\"deviceId\":\"4f1c2a\",\"capability\":\"switch\",\"command\":\"on\"}" },
    { "hall.off", "{\"deviceId\":\"4f1c2a\",\"capability\":\"switch\",\"command\":\"off\"}" },
    { "desk.level", "{\"deviceId\":\"9b07e3d1\",\"capability\":\"switchLevel\",\"command\":\"setLevel\","
                    "\"arguments\":[40]}" },
    { "thermostat.heat", "{\"deviceId\":\"c2aa0f55-1e\",\"capability\":\"thermostatHeatingSetpoint\","
                         "\"command\":\"setHeatingSetpoint\",\"arguments\":[21.5,\"C\"]}" },
    { "door.lock", "{\"deviceId\":\"77de\",\"capability\":\"lock\",\"command\":\"lock\"}" },
    { "blinds.down", "{\"deviceId\":\"b11d5\",\"capability\":\"windowShade\",\"command\":\"close\","
                     "\"arguments\":[]}" },
    { "tv.off", "{\"deviceId\":\"e0c4f8a2b6\",\"component\":\"main\",\"capability\":\"switch\","
                "\"command\":\"off\",\"source\":\"scene\"}" },
};

static const char *const builtin_miio_scenes[][2] = {
    { "evening", "lamp1.on+lamp2.dim+curtain.close" },
    { "leave", "lamp1.off+plug.off+ac.cool" },
    { "doorbell", "speaker.chime+lamp1.on" },
    { "night", "lamp1.off+curtain.close+plug.off" },
};

static const char *const builtin_tls_scenes[][2] = {
    { "evening", "hall.on+desk.level+blinds.down" },
    { "leave", "hall.off+door.lock+tv.off+thermostat.heat" },
    { "night", "hall.off+door.lock+blinds.down" },
    { "morning", "blinds.down+thermostat.heat" },
};

static void action_free(gpointer data)
{
    GatewayAction *action = data;
    g_free(action->name);
    g_free(action->json);
    g_free(action);
}

static void scene_free(gpointer data)
{
    GatewayScene *scene = data;
    g_free(scene->name);
    g_array_free(scene->actions, TRUE);
    g_free(scene);
}

static Vocabulary *vocabulary_new(void)
{
    Vocabulary *vocabulary = g_new0(Vocabulary, 1);
    vocabulary->actions = g_ptr_array_new_with_free_func(action_free);
    vocabulary->scenes = g_ptr_array_new_with_free_func(scene_free);
    return vocabulary;
}

static void vocabulary_free(Vocabulary *vocabulary)
{
    if (!vocabulary)
        return;
    g_ptr_array_free(vocabulary->actions, TRUE);
    g_ptr_array_free(vocabulary->scenes, TRUE);
    g_free(vocabulary);
}

static gint find_action(const Vocabulary *vocabulary, const char *name)
{
    for (guint i = 0; i < vocabulary->actions->len; i++)
        if (strcmp(((GatewayAction *)g_ptr_array_index(vocabulary->actions, i))->name, name) == 0)
            return (gint)i;
    return -1;
}

static char *add_action(Vocabulary *vocabulary, const char *name, const char *json)
{
    /* Names become display-filter text joined by '+'. */
    if (!iotfp_signature_valid_name(name))
        return g_strdup_printf("'%s' is not an action name (letters, digits, _ . - /)", name);
    if (find_action(vocabulary, name) >= 0)
        return g_strdup_printf("action '%s' given twice", name);
    /* One object, so that the command's size grows by exactly its length. */
    gsize len = strlen(json);
    if (len < 2 || json[0] != '{' || json[len - 1] != '}' || strpbrk(json, "\r\n\t"))
        return g_strdup_printf("action '%s': the JSON object must be one {...} on the line", name);
    GatewayAction *action = g_new0(GatewayAction, 1);
    action->name = g_strdup(name);
    action->json = g_strdup(json);
    g_ptr_array_add(vocabulary->actions, action);
    return NULL;
}

static char *add_scene(Vocabulary *vocabulary, const char *name, const char *actions)
{
    GatewayScene *scene = g_new0(GatewayScene, 1);
    scene->name = g_strdup(name);
    scene->actions = g_array_new(FALSE, FALSE, sizeof(guint));
    g_ptr_array_add(vocabulary->scenes, scene);
    char **parts = g_strsplit(actions, "+", -1);
    char *problem = NULL;
    for (char **part = parts; !problem && *part; part++) {
        gint index = find_action(vocabulary, *part);
        if (index < 0)
            problem = g_strdup_printf("scene '%s': no action '%s' defined before it", name, *part);
        else
            g_array_append_val(scene->actions, index);
    }
    g_strfreev(parts);
    if (!problem && (scene->actions->len == 0 || scene->actions->len > MAX_ACTIONS_PER_COMMAND))
        problem = g_strdup_printf("scene '%s' must hold 1 to %d actions", name, MAX_ACTIONS_PER_COMMAND);
    return problem;
}

static Vocabulary *builtin_vocabulary(gboolean miio)
{
    Vocabulary *vocabulary = vocabulary_new();
    const char *const(*actions)[2] = miio ? builtin_miio : builtin_tls;
    guint n_actions = miio ? G_N_ELEMENTS(builtin_miio) : G_N_ELEMENTS(builtin_tls);
    const char *const(*scenes)[2] = miio ? builtin_miio_scenes : builtin_tls_scenes;
    guint n_scenes = miio ? G_N_ELEMENTS(builtin_miio_scenes) : G_N_ELEMENTS(builtin_tls_scenes);
    for (guint i = 0; i < n_actions; i++)
        g_free(add_action(vocabulary, actions[i][0], actions[i][1]));
    for (guint i = 0; i < n_scenes; i++)
        g_free(add_scene(vocabulary, scenes[i][0], scenes[i][1]));
    return vocabulary;
}

static Vocabulary *load_vocabulary(const char *path, GError **error)
{
    gchar *text;
    if (!g_file_get_contents(path, &text, NULL, error))
        return NULL;
    Vocabulary *vocabulary = vocabulary_new();
    char **lines = g_strsplit(text, "\n", -1);
    g_free(text);
    char *problem = NULL;
    guint line_no = 0;
    for (char **line = lines; !problem && *line; line++) {
        line_no++;
        char *content = g_strstrip(*line);
        if (!*content || *content == '#')
            continue;
        char **words = g_strsplit_set(content, " \t", 3);
        if (g_strv_length(words) != 3)
            problem = g_strdup("expected 'action NAME {JSON}' or 'scene NAME A+B+...'");
        else if (strcmp(words[0], "action") == 0)
            problem = add_action(vocabulary, words[1], g_strstrip(words[2]));
        else if (strcmp(words[0], "scene") == 0)
            problem = add_scene(vocabulary, words[1], g_strstrip(words[2]));
        else
            problem = g_strdup_printf("unknown keyword '%s' (action, scene)", words[0]);
        g_strfreev(words);
    }
    g_strfreev(lines);
    if (!problem && vocabulary->actions->len == 0)
        problem = g_strdup("no action");
    if (problem) {
        g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVARIANT, "%s:%u: %s", path, line_no, problem);
        g_free(problem);
        vocabulary_free(vocabulary);
        return NULL;
    }
    return vocabulary;
}

gboolean scenario_gateway_is_gateway(const char *scenario)
{
    return g_strcmp0(scenario, SCENARIO_GATEWAY_MIIO) == 0 || g_strcmp0(scenario, SCENARIO_GATEWAY_TLS) == 0;
}

gboolean scenario_gateway_parse_mix(const char *text, GatewayMix *mix)
{
    static const char *const names[] = { "random", "scenes", "large", "favourites" };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        if (g_strcmp0(text, names[i]) == 0) {
            *mix = (GatewayMix)i;
            return TRUE;
        }
    return FALSE;
}

static gboolean parse_habit_number(const char *value, double low, double high, double *out)
{
    char *end;
    double number = g_ascii_strtod(value, &end);
    if (end == value || *end || !(number >= low && number <= high))
        return FALSE;
    *out = number;
    return TRUE;
}

/* One KEY=VALUE of --habits into habits; FALSE when the value is bad. */
static gboolean parse_habit(const char *key, const char *value, GatewayHabits *habits, gboolean *known)
{
    double number = 0, high = 0;
    *known = TRUE;
    if (strcmp(key, "actions") == 0) {
        char **bounds = g_strsplit(value, "-", 2);
        gboolean ok = bounds[0] && bounds[1] && parse_habit_number(bounds[0], 1, MAX_ACTIONS_PER_COMMAND, &number) &&
                      parse_habit_number(bounds[1], number, MAX_ACTIONS_PER_COMMAND, &high);
        g_strfreev(bounds);
        habits->min_actions = ok ? (guint)number : habits->min_actions;
        habits->max_actions = ok ? (guint)high : habits->max_actions;
        return ok;
    }
    if (strcmp(key, "favourites") == 0 && parse_habit_number(value, 1, 1000, &number))
        habits->favourites = (guint)number;
    else if (strcmp(key, "share") == 0 && parse_habit_number(value, 0, 1, &number))
        habits->share = number;
    else if (strcmp(key, "home") == 0 && parse_habit_number(value, 0, 1e15, &number))
        habits->home = (guint64)number;
    else if (strcmp(key, "spread") == 0 && parse_habit_number(value, 0, 720, &number))
        habits->spread_min = (guint)number;
    else if (strcmp(key, "zipf") == 0 && parse_habit_number(value, 0, 10, &number))
        habits->zipf = number;
    else if (strcmp(key, "per-day") == 0 && parse_habit_number(value, 1, 1000, &number))
        habits->per_day = (guint)number;
    else {
        static const char *const keys[] = { "favourites", "share", "home", "spread", "zipf", "per-day" };
        *known = FALSE;
        for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
            *known |= strcmp(key, keys[i]) == 0;
        return FALSE;
    }
    return TRUE;
}

char *scenario_gateway_parse_habits(const char *text, GatewayHabits *habits)
{
    char **items = g_strsplit(text, ",", -1);
    char *problem = NULL;
    for (char **item = items; !problem && *item; item++) {
        char **pair = g_strsplit(*item, "=", 2);
        gboolean known;
        if (!parse_habit(pair[0], pair[1] ? pair[1] : "", habits, &known))
            problem = known ? g_strdup_printf("habit '%s': '%s' is out of range or not a number", pair[0],
                                              pair[1] ? pair[1] : "")
                            : g_strdup_printf("unknown habit '%s' (favourites, share, home, spread, zipf, "
                                              "actions, per-day)", pair[0]);
        g_strfreev(pair);
    }
    g_strfreev(items);
    return problem;
}

/* The writer's state: one gateway and its cloud, frames written in time order. */
typedef struct {
    const GatewayRequest *request;
    const Vocabulary *vocabulary;
    gboolean miio;
    Prng prng;
    PcapWriter *writer;
    NetHost gateway, cloud;
    guint16 gateway_port, cloud_port;
    TcpFlow flow;           /* tls-gateway */
    guint64 record_seq[2];  /* per TcpDirection, the GCM nonce and AAD sequence */
    guint8 frame[FRAME_MAX_LEN];
    GByteArray *payload;
    gint64 now_ns;
    guint64 frames;
    guint32 next_id;        /* JSON ids: the cloud's and the gateway's */
    GError **error;
    gboolean ok;
} Writer;

static void write_frame(Writer *w, gsize len)
{
    if (w->ok && !pcap_writer_write(w->writer, w->now_ns, w->frame, len, w->error))
        w->ok = FALSE;
    w->frames++;
}

static void after(Writer *w, gint64 low_ns, gint64 high_ns)
{
    w->now_ns += prng_range(&w->prng, low_ns, high_ns);
}

/* AES-128-GCM as TLS 1.2 uses it (RFC 5288): nonce = 4-byte salt || 8-byte
 * explicit part sent in the record, AAD = seq || type || version || length. */
static void tls_record(Writer *w, TcpDirection from, const char *plaintext)
{
    static const guint8 keys[2][16] = { "gateway-write-k", "cloud-write-key" };
    static const guint8 salts[2][4] = { { 1, 2, 3, 4 }, { 5, 6, 7, 8 } };
    gsize len = strlen(plaintext);
    guint64 seq = w->record_seq[from]++;
    guint8 explicit_nonce[GCM_NONCE_EXPLICIT], nonce[12], aad[13];
    for (int i = 0; i < 8; i++)
        explicit_nonce[i] = aad[i] = (guint8)(seq >> (56 - 8 * i));
    memcpy(nonce, salts[from], 4);
    memcpy(nonce + 4, explicit_nonce, GCM_NONCE_EXPLICIT);
    aad[8] = 23;
    aad[9] = 3;
    aad[10] = 3;
    aad[11] = (guint8)(len >> 8);
    aad[12] = (guint8)len;
    gsize record_len = 5 + GCM_NONCE_EXPLICIT + len + GCM_TAG;
    g_byte_array_set_size(w->payload, (guint)record_len);
    guint8 *record = w->payload->data;
    record[0] = 23;
    record[1] = 3;
    record[2] = 3;
    record[3] = (guint8)((record_len - 5) >> 8);
    record[4] = (guint8)(record_len - 5);
    memcpy(record + 5, explicit_nonce, GCM_NONCE_EXPLICIT);
    guint8 *body = record + 5 + GCM_NONCE_EXPLICIT;
    gcry_cipher_hd_t cipher;
    if (gcry_cipher_open(&cipher, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_GCM, 0) != 0 ||
        gcry_cipher_setkey(cipher, keys[from], 16) != 0 || gcry_cipher_setiv(cipher, nonce, sizeof nonce) != 0 ||
        gcry_cipher_authenticate(cipher, aad, sizeof aad) != 0 ||
        gcry_cipher_encrypt(cipher, body, len, plaintext, len) != 0 ||
        gcry_cipher_gettag(cipher, body + len, GCM_TAG) != 0)
        g_error("tls-gateway: AES-128-GCM encryption failed in libgcrypt");
    gcry_cipher_close(cipher);
}

/* One message of the gateway's protocol, JSON or a heartbeat (json NULL). */
static void send_message(Writer *w, gboolean from_gateway, const char *json)
{
    g_byte_array_set_size(w->payload, 0);
    if (w->miio) {
        guint32 stamp = (guint32)(w->now_ns / 1000000000 - START_S + 86400);
        static const char token_hex[] = SCENARIO_GATEWAY_MIIO_TOKEN;
        guint8 token[MIIO_TOKEN_LEN];
        for (guint i = 0; i < MIIO_TOKEN_LEN; i++)
            sscanf(&token_hex[2 * i], "%2hhx", &token[i]);
        miio_encode(w->payload, json ? MIIO_MSG_JSON : MIIO_MSG_KEEPALIVE, json, SCENARIO_GATEWAY_MIIO_DEVICE_ID,
                    stamp, token);
        gsize len = from_gateway ? frame_build_udp(w->frame, &w->gateway, w->gateway_port, &w->cloud, w->cloud_port,
                                                   w->payload->data, w->payload->len)
                                 : frame_build_udp(w->frame, &w->cloud, w->cloud_port, &w->gateway, w->gateway_port,
                                                   w->payload->data, w->payload->len);
        write_frame(w, len);
        return;
    }
    TcpDirection from = from_gateway ? TCP_FROM_CLIENT : TCP_FROM_SERVER;
    /* An MQTT-style ping when there is no JSON: two bytes of plaintext. */
    tls_record(w, from, json ? json : "\xc0");
    write_frame(w, tcp_flow_data(&w->flow, from, w->payload->data, w->payload->len, w->frame));
}

static void acknowledge_tcp(Writer *w, gboolean by_gateway)
{
    if (w->miio)
        return;
    after(w, MS(20), MS(60));
    write_frame(w, tcp_flow_ack(&w->flow, by_gateway ? TCP_FROM_CLIENT : TCP_FROM_SERVER, w->frame));
}

static void heartbeat(Writer *w)
{
    send_message(w, TRUE, NULL);
    after(w, MS(30), MS(120));
    send_message(w, FALSE, NULL);
    acknowledge_tcp(w, TRUE);
}

/* JSON ids as real clouds and gateways send them: a counter whose digits
 * vary, here from 3 to 6. */
static guint32 next_json_id(Writer *w)
{
    static const guint32 lows[] = { 100, 1000, 10000, 100000 };
    guint32 low = lows[prng_below(&w->prng, G_N_ELEMENTS(lows))];
    return low + (guint32)prng_below(&w->prng, low * 9);
}

static void append_objects(GString *json, const Vocabulary *vocabulary, const GArray *actions)
{
    for (guint i = 0; i < actions->len; i++) {
        const GatewayAction *action = g_ptr_array_index(vocabulary->actions, g_array_index(actions, guint, i));
        if (i > 0)
            g_string_append_c(json, ',');
        g_string_append(json, action->json);
    }
}

/* json holds the message up to its list's '['; the objects close it. */
static void send_action_list(Writer *w, gboolean from_gateway, GString *json, const GArray *actions)
{
    append_objects(json, w->vocabulary, actions);
    g_string_append(json, "]}");
    send_message(w, from_gateway, json->str);
}

static void command(Writer *w, const GArray *actions)
{
    GString *json = g_string_new(NULL);
    guint32 id = next_json_id(w);
    if (w->miio)
        g_string_printf(json, "{\"id\":%u,\"method\":\"set_properties\",\"params\":[", id);
    else
        g_string_printf(json, "{\"msgId\":%u,\"type\":\"command\",\"commands\":[", id);
    send_action_list(w, FALSE, json, actions);

    after(w, MS(15), MS(80));
    g_string_printf(json, "{\"id\":%u,\"result\":[", id);
    for (guint i = 0; i < actions->len; i++)
        g_string_append(json, i ? ",\"ok\"" : "\"ok\"");
    g_string_append(json, "]}");
    send_message(w, TRUE, json->str);

    after(w, MS(150), MS(600));
    guint32 report_id = next_json_id(w);
    g_string_printf(json, "{\"id\":%u,\"method\":\"properties_changed\",\"params\":[", report_id);
    send_action_list(w, TRUE, json, actions);

    after(w, MS(30), MS(120));
    g_string_printf(json, "{\"id\":%u,\"result\":0}", report_id);
    send_message(w, FALSE, json->str);
    acknowledge_tcp(w, TRUE);
    g_string_free(json, TRUE);
}

static void draw_actions(Writer *w, GatewayMix mix, GArray *actions)
{
    const Vocabulary *vocabulary = w->vocabulary;
    guint n_vocabulary = vocabulary->actions->len;
    g_array_set_size(actions, 0);
    if (mix == GATEWAY_MIX_SCENES && vocabulary->scenes->len > 0) {
        const GatewayScene *scene =
            g_ptr_array_index(vocabulary->scenes, prng_below(&w->prng, vocabulary->scenes->len));
        g_array_append_vals(actions, scene->actions->data, scene->actions->len);
        if (prng_below(&w->prng, 3) == 0 && actions->len < MAX_ACTIONS_PER_COMMAND) {
            guint extra = (guint)prng_below(&w->prng, n_vocabulary);
            g_array_append_val(actions, extra);
        }
        return;
    }
    guint count = mix == GATEWAY_MIX_LARGE ? 4 + (guint)prng_below(&w->prng, 5) : 1 + (guint)prng_below(&w->prng, 5);
    for (guint i = 0; i < count; i++) {
        /* Large commands favour the first actions: the min of two draws. */
        guint index = (guint)prng_below(&w->prng, n_vocabulary);
        if (mix == GATEWAY_MIX_LARGE)
            index = MIN(index, (guint)prng_below(&w->prng, n_vocabulary));
        g_array_append_val(actions, index);
    }
}

/* Uniform in [0, 1). */
static double prng_unit(Prng *prng)
{
    return (double)(prng_next(prng) >> 11) * (1.0 / 9007199254740992.0);
}

/* Standard normal, by Box-Muller. */
static double prng_normal(Prng *prng)
{
    double u = 1.0 - prng_unit(prng), v = prng_unit(prng);
    return sqrt(-2.0 * log(u)) * cos(2 * G_PI * v);
}

/* One favourite scene of the owner (mix "favourites"). */
typedef struct {
    GArray *actions;  /* guint indexes into the vocabulary, sorted */
    double weight;    /* popularity, 1/rank^zipf */
    gint64 habit_s;   /* its time, in seconds after midnight */
} Favourite;

static void favourite_free(gpointer data)
{
    g_array_free(((Favourite *)data)->actions, TRUE);
    g_free(data);
}

static gint compare_guint(gconstpointer a, gconstpointer b)
{
    return *(const guint *)a < *(const guint *)b ? -1 : *(const guint *)a > *(const guint *)b;
}

static gboolean same_scene(const GArray *a, const GArray *b)
{
    return a->len == b->len && memcmp(a->data, b->data, a->len * sizeof(guint)) == 0;
}

/* Distinct scenes of min..max actions, each action at most once when the
 * vocabulary allows, at habitual times from 07:00 to 23:00. */
#define FAVOURITE_DRAWS 100
static GPtrArray *owner_favourites(const Vocabulary *vocabulary, const GatewayHabits *habits)
{
    Prng prng = prng_derive(habits->home, "favourite scenes");
    guint n_vocabulary = vocabulary->actions->len;
    GPtrArray *favourites = g_ptr_array_new_with_free_func(favourite_free);
    for (guint draw = 0; favourites->len < habits->favourites && draw < FAVOURITE_DRAWS * habits->favourites; draw++) {
        guint size = (guint)prng_range(&prng, habits->min_actions, habits->max_actions);
        gboolean distinct = size <= n_vocabulary;
        GArray *actions = g_array_new(FALSE, FALSE, sizeof(guint));
        while (actions->len < size) {
            guint index = (guint)prng_below(&prng, n_vocabulary);
            gboolean seen = FALSE;
            for (guint i = 0; distinct && i < actions->len; i++)
                seen |= g_array_index(actions, guint, i) == index;
            if (!seen)
                g_array_append_val(actions, index);
        }
        g_array_sort(actions, compare_guint);
        gboolean repeated = FALSE;
        for (guint f = 0; f < favourites->len; f++)
            repeated |= same_scene(((Favourite *)g_ptr_array_index(favourites, f))->actions, actions);
        if (repeated) {
            g_array_free(actions, TRUE);
            continue;
        }
        Favourite *favourite = g_new0(Favourite, 1);
        favourite->actions = actions;
        favourite->weight = pow(favourites->len + 1, -habits->zipf);
        favourite->habit_s = prng_range(&prng, 7 * 3600, 23 * 3600);
        g_ptr_array_add(favourites, favourite);
    }
    return favourites;
}

typedef struct {
    gint64 at_s;     /* seconds after the first midnight */
    GArray *actions; /* guint */
} PlannedCommand;

static gint compare_planned(gconstpointer a, gconstpointer b)
{
    const PlannedCommand *x = a, *y = b;
    return x->at_s < y->at_s ? -1 : x->at_s > y->at_s;
}

static void planned_clear(gpointer data)
{
    g_array_free(((PlannedCommand *)data)->actions, TRUE);
}

#define DAY_S 86400
#define RANDOM_EARLIEST_S (6 * 3600)
/* Commands this close would share a heartbeat period: later ones move. */
#define MIN_COMMAND_SPACING_S (HEARTBEAT_PERIOD_MS / 1000)

/* The owner's days: per_day commands a day, in time order. */
static GArray *plan_favourites(Writer *w)
{
    const GatewayHabits *habits = &w->request->habits;
    GPtrArray *favourites = owner_favourites(w->vocabulary, habits);
    double total_weight = 0;
    for (guint f = 0; f < favourites->len; f++)
        total_weight += ((Favourite *)g_ptr_array_index(favourites, f))->weight;
    GArray *plan = g_array_new(FALSE, FALSE, sizeof(PlannedCommand));
    g_array_set_clear_func(plan, planned_clear);
    for (guint i = 0; i < w->request->commands; i++) {
        PlannedCommand command = { (gint64)(i / habits->per_day) * DAY_S, g_array_new(FALSE, FALSE, sizeof(guint)) };
        if (prng_unit(&w->prng) < habits->share) {
            double pick = prng_unit(&w->prng) * total_weight;
            guint f = 0;
            while (f + 1 < favourites->len && (pick -= ((Favourite *)g_ptr_array_index(favourites, f))->weight) >= 0)
                f++;
            const Favourite *favourite = g_ptr_array_index(favourites, f);
            g_array_append_vals(command.actions, favourite->actions->data, favourite->actions->len);
            gint64 offset = favourite->habit_s + (gint64)(prng_normal(&w->prng) * habits->spread_min * 60);
            command.at_s += CLAMP(offset, 0, DAY_S - 60);
        } else {
            draw_actions(w, GATEWAY_MIX_RANDOM, command.actions);
            command.at_s += prng_range(&w->prng, RANDOM_EARLIEST_S, DAY_S - 60);
        }
        g_array_append_val(plan, command);
    }
    g_array_sort(plan, compare_planned);
    for (guint i = 1; i < plan->len; i++) {
        gint64 earliest = g_array_index(plan, PlannedCommand, i - 1).at_s + MIN_COMMAND_SPACING_S;
        PlannedCommand *command = &g_array_index(plan, PlannedCommand, i);
        command->at_s = MAX(command->at_s, earliest);
    }
    g_ptr_array_free(favourites, TRUE);
    return plan;
}

static void tls_send_handshake(Writer *w, TcpDirection from, gint64 low_ns, gint64 high_ns)
{
    after(w, low_ns, high_ns);
    write_frame(w, tcp_flow_data(&w->flow, from, w->payload->data, w->payload->len, w->frame));
    g_byte_array_set_size(w->payload, 0);
}

/* The connection opens once, long before the first command. */
static void tls_connect(Writer *w)
{
    write_frame(w, tcp_flow_syn(&w->flow, w->frame));
    after(w, MS(20), MS(40));
    write_frame(w, tcp_flow_syn_ack(&w->flow, w->frame));
    after(w, MS(1), MS(3));
    write_frame(w, tcp_flow_ack(&w->flow, TCP_FROM_CLIENT, w->frame));
    g_byte_array_set_size(w->payload, 0);
    payload_tls_client_hello(w->payload, &w->prng, "api.gateway-cloud.example.com");
    tls_send_handshake(w, TCP_FROM_CLIENT, MS(1), MS(3));
    payload_tls_server_hello(w->payload, &w->prng, 1200);
    tls_send_handshake(w, TCP_FROM_SERVER, MS(20), MS(40));
    payload_tls_client_finished(w->payload, &w->prng);
    tls_send_handshake(w, TCP_FROM_CLIENT, MS(30), MS(90));
    payload_tls_server_finished(w->payload, &w->prng);
    tls_send_handshake(w, TCP_FROM_SERVER, MS(20), MS(40));
    acknowledge_tcp(w, TRUE);
}

static void append_label(GString *labels, const Writer *w, gint64 ts_ns, const GArray *actions)
{
    char device[IP_ADDRESS_STRLEN];
    ip_address_format(&w->gateway.ip, device);
    g_string_append_printf(labels, "%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT ",%s,", ts_ns / 1000000000,
                           ts_ns % 1000000000 / 1000, device);
    for (guint i = 0; i < actions->len; i++) {
        const GatewayAction *action = g_ptr_array_index(w->vocabulary->actions, g_array_index(actions, guint, i));
        g_string_append_printf(labels, "%s%s", i ? "+" : "", action->name);
    }
    g_string_append_c(labels, '\n');
}

gboolean scenario_gateway_write(const GatewayRequest *request, const char *pcap_path, const char *labels_path,
                                guint64 *frames, GError **error)
{
    gboolean miio = strcmp(request->gateway, SCENARIO_GATEWAY_MIIO) == 0;
    Vocabulary *vocabulary =
        request->vocabulary_path ? load_vocabulary(request->vocabulary_path, error) : builtin_vocabulary(miio);
    if (!vocabulary)
        return FALSE;
    if (request->mix == GATEWAY_MIX_SCENES && vocabulary->scenes->len == 0) {
        g_set_error(error, SCENARIO_ERROR, SCENARIO_ERROR_INVARIANT, "mix 'scenes' needs scenes in %s",
                    request->vocabulary_path);
        vocabulary_free(vocabulary);
        return FALSE;
    }
    Writer w = { .request = request, .vocabulary = vocabulary, .miio = miio, .error = error, .ok = TRUE };
    w.writer = pcap_writer_open(pcap_path, error);
    if (!w.writer) {
        vocabulary_free(vocabulary);
        return FALSE;
    }
    w.prng = prng_derive(request->seed, request->gateway);
    w.payload = g_byte_array_new();
    net_host_init(&w.gateway, "50:ec:50:12:34:56", "192.168.1.50", 64, 1);
    net_host_init(&w.cloud, "f4:f2:6d:00:00:01", miio ? "52.28.110.34" : "3.120.45.67", 52, 1);
    w.gateway_port = miio ? 54321 : 49152 + (guint16)prng_below(&w.prng, 10000);
    w.cloud_port = miio ? 8053 : 443;
    if (!miio)
        tcp_flow_init(&w.flow, &w.gateway, w.gateway_port, &w.cloud, w.cloud_port,
                      (guint32)prng_next(&w.prng), (guint32)prng_next(&w.prng));
    w.now_ns = START_S * 1000000000;
    if (!miio)
        tls_connect(&w);

    GString *labels = g_string_new("time,device_ip,event\n");
    GArray *actions = g_array_new(FALSE, FALSE, sizeof(guint));
    /* The owner's commands: each after a heartbeat of its own, as in the
     * other mixes, from the first midnight after the start on. */
    GArray *plan = request->mix == GATEWAY_MIX_FAVOURITES ? plan_favourites(&w) : NULL;
    const gint64 first_midnight_ns = (START_S / DAY_S + 1) * DAY_S * G_GINT64_CONSTANT(1000000000);
    for (guint i = 0; w.ok && plan && i < plan->len; i++) {
        const PlannedCommand *planned = &g_array_index(plan, PlannedCommand, i);
        gint64 command_ns = first_midnight_ns + planned->at_s * 1000000000;
        w.now_ns = command_ns - prng_range(&w.prng, MS(COMMAND_EARLIEST_MS), MS(COMMAND_LATEST_MS));
        heartbeat(&w);
        w.now_ns = command_ns;
        append_label(labels, &w, w.now_ns, planned->actions);
        command(&w, planned->actions);
    }
    for (guint i = 0; w.ok && !plan && i < request->commands; i++) {
        gint64 period_start = w.now_ns = (START_S + 5) * 1000000000 + (gint64)i * MS(HEARTBEAT_PERIOD_MS);
        heartbeat(&w);
        w.now_ns = period_start + prng_range(&w.prng, MS(COMMAND_EARLIEST_MS), MS(COMMAND_LATEST_MS));
        draw_actions(&w, request->mix, actions);
        append_label(labels, &w, w.now_ns, actions);
        command(&w, actions);
    }
    if (!miio)
        tcp_flow_clear(&w.flow);
    /* Closed in any case; a write error already set takes precedence. */
    gboolean closed = pcap_writer_close(w.writer, w.ok ? error : NULL);
    gboolean ok = w.ok && closed;
    if (ok && labels_path)
        ok = g_file_set_contents(labels_path, labels->str, (gssize)labels->len, error);
    *frames = w.frames;
    g_string_free(labels, TRUE);
    g_array_free(actions, TRUE);
    if (plan)
        g_array_free(plan, TRUE);
    g_byte_array_free(w.payload, TRUE);
    vocabulary_free(vocabulary);
    return ok;
}
