/* packet-iotfp.c
 * IoT Fingerprint: a post-dissector that groups the traffic of each home
 * device with each of its peers into bursts. The first pass feeds every frame
 * to the core analysis; later passes (the GUI, tshark -2) only look up what
 * the first pass decided, so they show complete bursts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <wsutil/report_message.h>

#include "action_fields.h"
#include "activity_timeline.h"
#include "conv_features.h"
#include "detector.h"
#include "device_type.h"
#include "event_signatures.h"
#include "packet-iotfp.h"
#include "packet_summary.h"
#include "platform_features.h"
#include "registration.h"
#include "seq_tracker.h"
#include "shape_text.h"

static int proto_iotfp = -1;
static int iotfp_tap = -1;

static int hf_iotfp_device = -1;
static int hf_iotfp_cloud = -1;
static int hf_iotfp_peer = -1;
static int hf_iotfp_scope = -1;
static int hf_iotfp_conv = -1;
static int hf_iotfp_role = -1;
static int hf_iotfp_burst = -1;
static int hf_iotfp_burst_pkts = -1;
static int hf_iotfp_burst_bytes = -1;
static int hf_iotfp_burst_start = -1;
static int hf_iotfp_burst_duration = -1;
static int hf_iotfp_burst_shape = -1;
static int hf_iotfp_burst_messages = -1;
static int hf_iotfp_device_model = -1;
static int hf_iotfp_event = -1;
static int hf_iotfp_event_distance = -1;
static int hf_iotfp_event_privacy = -1;
static int hf_iotfp_platform = -1;
static int hf_iotfp_platform_evidence = -1;
static int hf_iotfp_platform_none = -1;
static int hf_iotfp_activity = -1;
static int hf_iotfp_device_type = -1;
static int hf_iotfp_device_type_confidence = -1;
static int hf_iotfp_tunnel_window = -1;

static gint ett_iotfp = -1;
static gint ett_iotfp_burst = -1;

static expert_field ei_iotfp_privacy_event = EI_INIT;
static expert_field ei_iotfp_activity = EI_INIT;
static expert_field ei_iotfp_malformed = EI_INIT;

static dissector_handle_t iotfp_handle;

static const value_string iotfp_scope_vals[] = {
    { IOTFP_SCOPE_CLOUD, "cloud" },
    { IOTFP_SCOPE_LOCAL, "local" },
    { IOTFP_SCOPE_GROUP, "broadcast" },
    { 0, NULL }
};

static const value_string iotfp_role_vals[] = {
    { IOTFP_ROLE_MEMBER, "burst member" },
    { IOTFP_ROLE_NO_PAYLOAD, "no payload" },
    { IOTFP_ROLE_RETRANSMISSION, "retransmission" },
    { IOTFP_ROLE_GROUP, "broadcast" },
    { IOTFP_ROLE_MALFORMED, "malformed" },
    { 0, NULL }
};

/* Preferences, as the user set them, and the home networks parsed from them. */
static const char *pref_home_networks = IOTFP_DEFAULT_HOME_NETWORKS;
static guint pref_burst_gap_ms = IOTFP_DEFAULT_BURST_GAP_MS;
static iotfp_netlist *home_networks;

static iotfp_analysis *analysis;
static iotfp_detector *detector;
static iotfp_shape_text_cache *shape_texts;
static iotfp_seq_tracker *seq_tracker;

const iotfp_analysis *iotfp_current_analysis(void)
{
    return analysis;
}

iotfp_conv_facts iotfp_current_conv_facts(const iotfp_conv *conv)
{
    return (iotfp_conv_facts){ conv->peer_port, iotfp_analysis_peer_name(analysis, conv),
                               iotfp_conv_features_platform(conv->features) };
}

const iotfp_detection *iotfp_burst_detection(const iotfp_conv *conv, const iotfp_burst *burst)
{
    iotfp_conv_facts facts = iotfp_current_conv_facts(conv);
    return iotfp_detector_classify(detector, burst, &facts, iotfp_pinned_model(&conv->device));
}

gboolean iotfp_burst_expert_packet(const packet_info *pinfo, const iotfp_burst *burst)
{
    return burst && PINFO_FD_VISITED(pinfo) && pinfo->num == burst->first_frame;
}

static void apply_prefs(void)
{
    GError *error = NULL;
    iotfp_netlist *parsed = iotfp_netlist_parse(pref_home_networks, &error);
    if (parsed) {
        iotfp_netlist_free(home_networks);
        home_networks = parsed;
    } else {
        /* Keep the networks in force: a typo must not empty the analysis,
         * nor hold back the other preferences. */
        report_failure("IoT Fingerprint: home networks preference: %s; keeping the previous list.",
                       error->message);
        g_error_free(error);
    }
    iotfp_action_fields_apply_prefs();
    iotfp_signatures_apply_prefs();
    iotfp_platform_apply_prefs();
    iotfp_activity_apply_prefs();
    iotfp_device_type_apply_prefs();
}

static void init_analysis(void)
{
    iotfp_analysis_config config = {
        .home = home_networks,
        .burst_gap_ns = (gint64)pref_burst_gap_ms * 1000000,
    };
    analysis = iotfp_analysis_new(&config);
    detector = iotfp_detector_new(iotfp_signatures());
    iotfp_action_fields_init(iotfp_signatures());
    shape_texts = iotfp_shape_text_cache_new();
    seq_tracker = iotfp_seq_tracker_new(iotfp_device_type_model());
}

static void cleanup_analysis(void)
{
    iotfp_timeline_clear();
    iotfp_action_fields_cleanup();
    iotfp_detector_free(detector);
    detector = NULL;
    iotfp_shape_text_cache_free(shape_texts);
    shape_texts = NULL;
    iotfp_seq_tracker_free(seq_tracker);
    seq_tracker = NULL;
    iotfp_analysis_free(analysis);
    analysis = NULL;
}

/* The name learned for the address if there is one, else the address. The
 * label is the value: the address is in the IP header just above, and a
 * formatted label cost more than the item itself, on every packet. */
static void add_address(proto_tree *tree, int hf, tvbuff_t *tvb, const iotfp_addr *addr, const char *name)
{
    /* A hidden tree built for another of our fields or for an expert item
     * has nobody to show the text to. */
    if (!proto_field_is_referenced(tree, hf))
        return;
    char text[IOTFP_ADDR_STRLEN];
    if (!name) {
        iotfp_addr_format(addr, text);
        name = text;
    }
    proto_item_set_generated(proto_tree_add_string(tree, hf, tvb, 0, 0, name));
}

static void add_burst(proto_tree *tree, tvbuff_t *tvb, const iotfp_burst *burst)
{
    proto_item *item = proto_tree_add_uint(tree, hf_iotfp_burst, tvb, 0, 0, burst->id);
    proto_item_set_generated(item);
    proto_tree *subtree = proto_item_add_subtree(item, ett_iotfp_burst);

    item = proto_tree_add_uint(subtree, hf_iotfp_burst_pkts, tvb, 0, 0, burst->pkts);
    proto_item_set_generated(item);
    item = proto_tree_add_uint64(subtree, hf_iotfp_burst_bytes, tvb, 0, 0, burst->bytes);
    proto_item_set_generated(item);
    item = proto_tree_add_uint(subtree, hf_iotfp_burst_start, tvb, 0, 0, burst->first_frame);
    proto_item_set_generated(item);
    gint64 duration_ns = burst->end_ns - burst->start_ns;
    nstime_t duration = { (time_t)(duration_ns / 1000000000), (int)(duration_ns % 1000000000) };
    item = proto_tree_add_time(subtree, hf_iotfp_burst_duration, tvb, 0, 0, &duration);
    proto_item_set_generated(item);
    /* Formatted once per burst (and size), however many packets show it. */
    if (proto_field_is_referenced(subtree, hf_iotfp_burst_shape)) {
        item = proto_tree_add_string(subtree, hf_iotfp_burst_shape, tvb, 0, 0, iotfp_shape_text(shape_texts, burst));
        proto_item_set_generated(item);
    }
    if (burst->messages && proto_field_is_referenced(subtree, hf_iotfp_burst_messages)) {
        item = proto_tree_add_string(subtree, hf_iotfp_burst_messages, tvb, 0, 0,
                                     iotfp_messages_text(shape_texts, burst));
        proto_item_set_generated(item);
    }
}

static gboolean any_referenced(proto_tree *tree, const int *fields, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (proto_field_is_referenced(tree, fields[i]))
            return TRUE;
    return FALSE;
}

/* The event is a burst-level result: complete once the burst is (tshark -2,
 * the GUI); in a single pass, the event of the burst so far. Returns the
 * event found, NULL for none or other. */
static const iotfp_event_class *add_event(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb,
                                          const iotfp_conv *conv, const iotfp_burst *burst)
{
    const int event_fields[] = { hf_iotfp_event, hf_iotfp_event_distance, hf_iotfp_event_privacy,
                                 hf_iotfp_device_model };
    gboolean privacy_expert = iotfp_burst_expert_packet(pinfo, burst);
    /* Classifying costs a nearest-neighbour search: only when someone looks. */
    if (!privacy_expert && !any_referenced(tree, event_fields, G_N_ELEMENTS(event_fields)))
        return NULL;
    const iotfp_detection *detection = iotfp_burst_detection(conv, burst);
    if (!detection)
        return NULL;
    proto_item *item;
    if (detection->model) {
        item = proto_tree_add_string(tree, hf_iotfp_device_model, tvb, 0, 0, detection->model->model);
        proto_item_set_generated(item);
    }
    const iotfp_event_class *event = detection->event;
    proto_item *event_item = proto_tree_add_string(tree, hf_iotfp_event, tvb, 0, 0,
                                                   event ? event->name : IOTFP_EVENT_OTHER);
    proto_item_set_generated(event_item);
    if (detection->distance >= 0) {
        item = proto_tree_add_double(tree, hf_iotfp_event_distance, tvb, 0, 0, detection->distance);
        proto_item_set_generated(item);
    }
    if (event && event->privacy) {
        item = proto_tree_add_string(tree, hf_iotfp_event_privacy, tvb, 0, 0, event->privacy);
        proto_item_set_generated(item);
        /* One expert item per event, on the burst's first packet. */
        if (privacy_expert)
            expert_add_info_format(pinfo, event_item, &ei_iotfp_privacy_event,
                                   "Privacy-sensitive event %s (%s) of %s", event->name, event->privacy,
                                   detection->model->model);
    }
    return event;
}

/* Activities need the whole capture's events: only in a later pass, on every
 * packet of the burst that triggers them, with one expert item on its first
 * packet. */
static void add_activities(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const iotfp_burst *burst)
{
    if (!PINFO_FD_VISITED(pinfo))
        return;
    gboolean expert = iotfp_burst_expert_packet(pinfo, burst);
    if (!expert && !proto_field_is_referenced(tree, hf_iotfp_activity))
        return;
    const iotfp_timeline *timeline = iotfp_timeline_get(analysis);
    guint first;
    guint n = iotfp_timeline_burst_activities(timeline, burst->id, &first);
    for (guint i = first; i < first + n; i++) {
        const iotfp_activity *activity = &g_array_index(timeline->activities, iotfp_activity, i);
        const iotfp_activity_rule *rule = iotfp_activity_rules_get(timeline->rules, activity->rule);
        proto_item *item = proto_tree_add_string(tree, hf_iotfp_activity, tvb, 0, 0, rule->activity);
        proto_item_set_generated(item);
        if (expert)
            expert_add_info_format(pinfo, item, &ei_iotfp_activity, "Activity inferred: %s (%s line %u)",
                                   rule->activity, timeline->rules_source, rule->line);
    }
}

static void add_device_type(proto_tree *tree, tvbuff_t *tvb, const iotfp_device_type_result *type)
{
    const iotfp_device_model *model = iotfp_seq_tracker_model(seq_tracker);
    proto_item *item = proto_tree_add_string(tree, hf_iotfp_device_type, tvb, 0, 0,
                                             iotfp_device_model_class_name(model, type->type));
    proto_item_set_generated(item);
    item = proto_tree_add_double(tree, hf_iotfp_device_type_confidence, tvb, 0, 0, type->confidence);
    proto_item_set_generated(item);
}

/* A conversation's type, decided over its first windows; in a tunnel, the
 * type of the packet's window, once the window is complete. */
static void add_sequence(proto_tree *tree, tvbuff_t *tvb, guint32 conv_id, guint32 frame)
{
    iotfp_device_type_result type;
    guint64 window;
    gboolean complete;
    if (iotfp_seq_tracker_tunnel_window(seq_tracker, conv_id, frame, &window, &complete, &type)) {
        proto_item *item = proto_tree_add_uint64(tree, hf_iotfp_tunnel_window, tvb, 0, 0, window);
        proto_item_set_generated(item);
        if (complete)
            add_device_type(tree, tvb, &type);
    } else if (iotfp_seq_tracker_conv_type(seq_tracker, conv_id, &type)) {
        add_device_type(tree, tvb, &type);
    }
}

static void add_tree(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const iotfp_frame_record *record)
{
    const iotfp_conv *conv = iotfp_analysis_conv(analysis, record->conv_id);
    proto_item *root = proto_tree_add_item(tree, proto_iotfp, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(root);
    proto_tree *iotfp_tree = proto_item_add_subtree(root, ett_iotfp);

    add_address(iotfp_tree, hf_iotfp_device, tvb, &conv->device, NULL);
    if (conv->scope == IOTFP_SCOPE_CLOUD)
        add_address(iotfp_tree, hf_iotfp_cloud, tvb, &conv->peer, iotfp_analysis_peer_name(analysis, conv));
    else
        add_address(iotfp_tree, hf_iotfp_peer, tvb, &conv->peer, NULL);
    proto_item *item = proto_tree_add_uint(iotfp_tree, hf_iotfp_scope, tvb, 0, 0, conv->scope);
    proto_item_set_generated(item);
    item = proto_tree_add_uint(iotfp_tree, hf_iotfp_conv, tvb, 0, 0, conv->id);
    proto_item_set_generated(item);
    /* Decided in the first pass from everything the conversation showed. */
    const char *platform = iotfp_conv_features_platform(conv->features);
    if (platform) {
        item = proto_tree_add_string(iotfp_tree, hf_iotfp_platform, tvb, 0, 0, platform);
        proto_item_set_generated(item);
        item = proto_tree_add_string(iotfp_tree, hf_iotfp_platform_evidence, tvb, 0, 0,
                                     iotfp_conv_features_evidence(conv->features));
        proto_item_set_generated(item);
    } else if (iotfp_conv_features_evidence(conv->features)) {
        item = proto_tree_add_string(iotfp_tree, hf_iotfp_platform_none, tvb, 0, 0,
                                     iotfp_conv_features_evidence(conv->features));
        proto_item_set_generated(item);
    }
    add_sequence(iotfp_tree, tvb, conv->id, pinfo->num);
    item = proto_tree_add_uint(iotfp_tree, hf_iotfp_role, tvb, 0, 0, record->role);
    proto_item_set_generated(item);
    if (record->role == IOTFP_ROLE_MALFORMED)
        expert_add_info(pinfo, item, &ei_iotfp_malformed);

    const iotfp_burst *burst = iotfp_analysis_burst(analysis, record->burst_id);
    if (burst) {
        const iotfp_event_class *event = add_event(iotfp_tree, pinfo, tvb, conv, burst);
        add_activities(iotfp_tree, pinfo, tvb, burst);
        iotfp_action_fields_add(iotfp_tree, pinfo, tvb, conv, burst);
        add_burst(iotfp_tree, tvb, burst);
        /* The event in the summary: a collapsed tree still tells the story.
         * One format per case: empty strings through %s cost 2% of the
         * plugin's instructions. */
        const char *scope = conv->scope == IOTFP_SCOPE_CLOUD ? "cloud" : "local";
        if (event)
            proto_item_append_text(root, ", Burst %u of %s conversation: %s", burst->id, scope, event->name);
        else
            proto_item_append_text(root, ", Burst %u of %s conversation", burst->id, scope);
    }
}

/* Our items are needed when the tree is shown or a filter or column names
 * one of our fields. Expert items are needed even with no tree at all (the
 * Expert Information dialog, tshark -z expert): on a malformed packet, and on
 * the packet that carries a burst's expert items. */
static gboolean items_wanted(proto_tree *tree, packet_info *pinfo, const iotfp_frame_record *record)
{
    if (proto_field_is_referenced(tree, proto_iotfp) || record->role == IOTFP_ROLE_MALFORMED)
        return TRUE;
    return iotfp_burst_expert_packet(pinfo, iotfp_analysis_burst(analysis, record->burst_id));
}

static int dissect_iotfp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!analysis)
        return 0;
    const iotfp_frame_record *record;
    if (!PINFO_FD_VISITED(pinfo)) {
        iotfp_packet packet;
        iotfp_timeline_note_frame_time((gint64)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs);
        iotfp_summary_learn_names(pinfo, tree, analysis);
        if (!iotfp_summary_build(pinfo, tree, &packet))
            return 0;
        record = iotfp_analysis_add(analysis, &packet);
        if (record) {
            iotfp_platform_observe(pinfo, tree, analysis, record->conv_id, &packet);
            iotfp_seq_tracker_add(seq_tracker, &packet, record);
        }
    } else {
        record = iotfp_analysis_frame(analysis, pinfo->num);
    }
    if (!record)
        return 0;
    if (items_wanted(tree, pinfo, record))
        add_tree(tree, pinfo, tvb, record);
    iotfp_tap_info *tap_info = wmem_new(pinfo->pool, iotfp_tap_info);
    tap_info->conv = iotfp_analysis_conv(analysis, record->conv_id);
    tap_info->burst = iotfp_analysis_burst(analysis, record->burst_id);
    tap_queue_packet(iotfp_tap, pinfo, tap_info);
    return tvb_captured_length(tvb);
}

void proto_register_iotfp(void)
{
    static hf_register_info hf[] = {
        { &hf_iotfp_device,
          { "Device", "iotfp.device", FT_STRING, BASE_NONE, NULL, 0x0,
            "Address of the home device in this conversation", HFILL } },
        { &hf_iotfp_cloud,
          { "Cloud", "iotfp.cloud", FT_STRING, BASE_NONE, NULL, 0x0,
            "Remote endpoint outside home: the name learned from DNS or TLS SNI, else its address", HFILL } },
        { &hf_iotfp_peer,
          { "Peer", "iotfp.peer", FT_STRING, BASE_NONE, NULL, 0x0,
            "Other end of a local or broadcast conversation", HFILL } },
        { &hf_iotfp_scope,
          { "Scope", "iotfp.scope", FT_UINT8, BASE_DEC, VALS(iotfp_scope_vals), 0x0,
            "Whether the device talks to the cloud, to another home address, or to a group", HFILL } },
        { &hf_iotfp_conv,
          { "Conversation", "iotfp.conv", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Device-peer conversation, one per address pair whatever the ports", HFILL } },
        { &hf_iotfp_role,
          { "Role", "iotfp.role", FT_UINT8, BASE_DEC, VALS(iotfp_role_vals), 0x0,
            "Whether this packet counts in a burst, and why not", HFILL } },
        { &hf_iotfp_burst,
          { "Burst", "iotfp.burst", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Capture-wide burst number", HFILL } },
        { &hf_iotfp_burst_pkts,
          { "Packets", "iotfp.burst.pkts", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Packets with payload in the burst (so far, in a single pass)", HFILL } },
        { &hf_iotfp_burst_bytes,
          { "Bytes", "iotfp.burst.bytes", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Transport payload bytes of the burst", HFILL } },
        { &hf_iotfp_burst_start,
          { "Starts in frame", "iotfp.burst.start", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "First packet of the burst", HFILL } },
        { &hf_iotfp_burst_duration,
          { "Duration", "iotfp.burst.duration", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from the first to the last packet of the burst", HFILL } },
        { &hf_iotfp_burst_shape,
          { "Shape", "iotfp.burst.shape", FT_STRING, BASE_NONE, NULL, 0x0,
            "Signed payload lengths: + from the device, - towards it", HFILL } },
        { &hf_iotfp_burst_messages,
          { "Messages", "iotfp.burst.messages", FT_STRING, BASE_NONE, NULL, 0x0,
            "Signed lengths of the TLS application-data records of the burst, however TCP cut them; the "
            "handshake is left out", HFILL } },
        { &hf_iotfp_device_model,
          { "Device model", "iotfp.device.model", FT_STRING, BASE_NONE, NULL, 0x0,
            "Model whose signature explains the burst: pinned by the user, or the only or best match", HFILL } },
        { &hf_iotfp_event,
          { "Event", "iotfp.event", FT_STRING, BASE_NONE, NULL, 0x0,
            "User event the burst stands for, by its model's signature; \"other\" for heartbeats and "
            "anything unlike every event; classes the traffic cannot tell apart are joined by |", HFILL } },
        { &hf_iotfp_event_distance,
          { "Distance", "iotfp.event.distance", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "Edit distance from the burst to the event's nearest sample (1 = one packet more or less)", HFILL } },
        { &hf_iotfp_event_privacy,
          { "Privacy", "iotfp.event.privacy", FT_STRING, BASE_NONE, NULL, 0x0,
            "What a privacy-sensitive event reveals (presence, door, power use...)", HFILL } },
        { &hf_iotfp_platform,
          { "Platform", "iotfp.platform", FT_STRING, BASE_NONE, NULL, 0x0,
            "IoT cloud platform of the conversation (tuya, mijia, hue...), decided by the platform rules from "
            "what the whole conversation showed", HFILL } },
        { &hf_iotfp_platform_evidence,
          { "Evidence", "iotfp.platform.evidence", FT_STRING, BASE_NONE, NULL, 0x0,
            "The conversation's features that made the platform's rule hold: magic, port, sni, name (DNS or "
            "SNI), http-host, http-server, mqtt-client, tls-psk-hint", HFILL } },
        { &hf_iotfp_platform_none,
          { "No platform", "iotfp.platform.none", FT_STRING, BASE_NONE, NULL, 0x0,
            "Why the conversation has no IoT platform: the features of the rule that names it a generic "
            "service (DNS, NTP, a CDN, a connectivity check), e.g. port 53", HFILL } },
        { &hf_iotfp_activity,
          { "Activity", "iotfp.activity", FT_STRING, BASE_NONE, NULL, 0x0,
            "Daily activity (waking_up, leaving_home_long...) that the activity rules infer from the home's "
            "event timeline, on the burst whose event triggers it; needs the whole capture (tshark -2, the GUI)",
            HFILL } },
        { &hf_iotfp_actions,
          { "Actions", "iotfp.actions", FT_STRING, BASE_NONE, NULL, 0x0,
            "Action set of a gateway command, from the encrypted size of its command message: the best "
            "candidate (highest posterior probability under the action model), actions joined by +", HFILL } },
        { &hf_iotfp_actions_probability,
          { "Probability", "iotfp.actions.probability", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "Posterior probability of the most probable action set, 0 to 1", HFILL } },
        { &hf_iotfp_actions_candidate_probability,
          { "Candidate probability", "iotfp.actions.candidate.probability", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "Posterior probability of the other candidate it is under", HFILL } },
        { &hf_iotfp_actions_count,
          { "Action count", "iotfp.actions.count", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Actions in the best set, repeats counted", HFILL } },
        { &hf_iotfp_actions_candidates,
          { "Candidates", "iotfp.actions.candidates", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Action sets that explain the command's size within the model's tolerance", HFILL } },
        { &hf_iotfp_actions_ambiguous,
          { "Ambiguous", "iotfp.actions.ambiguous", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "More than one action set explains the command's size", HFILL } },
        { &hf_iotfp_actions_size,
          { "Command size", "iotfp.actions.size", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Payload length of the command message the action set is read from", HFILL } },
        { &hf_iotfp_actions_model,
          { "Action model", "iotfp.actions.model", FT_STRING, BASE_NONE, NULL, 0x0,
            "Model whose action model decomposes the command", HFILL } },
        { &hf_iotfp_actions_candidate,
          { "Other candidate", "iotfp.actions.candidate", FT_STRING, BASE_NONE, NULL, 0x0,
            "Another action set that explains the size, in rank order (as many as the preference "
            "iotfp.actions_listed says, 16 by default)", HFILL } },
        { &hf_iotfp_device_type,
          { "Device type", "iotfp.device.type", FT_STRING, BASE_NONE, NULL, 0x0,
            "Type of device by the device-type model over packet sequences: per conversation, from its first "
            "windows; in a VPN tunnel, per window of the tunnel", HFILL } },
        { &hf_iotfp_device_type_confidence,
          { "Confidence", "iotfp.device.type.confidence", FT_DOUBLE, BASE_NONE, NULL, 0x0,
            "The model's probability for the device type (a conversation's: the mean over its windows)", HFILL } },
        { &hf_iotfp_tunnel_window,
          { "Tunnel window", "iotfp.tunnel.window", FT_UINT64, BASE_DEC, NULL, 0x0,
            "Window of the VPN tunnel (WireGuard, OpenVPN, IPsec) this packet is in, from 0: consecutive runs "
            "of the model's window size in packets, each typed on its own", HFILL } },
    };
    static gint *ett[] = { &ett_iotfp, &ett_iotfp_burst, &ett_iotfp_actions };
    static ei_register_info ei[] = {
        { &ei_iotfp_privacy_event,
          { "iotfp.event.privacy_sensitive", PI_SECURITY, PI_WARN,
            "A privacy-sensitive event can be seen in the encrypted traffic", EXPFILL } },
        { &ei_iotfp_activity,
          { "iotfp.activity.inferred", PI_SECURITY, PI_NOTE,
            "A daily activity of the home's people can be inferred from its event timeline", EXPFILL } },
        { &ei_iotfp_actions_none,
          { "iotfp.actions.no_decomposition", PI_UNDECODED, PI_NOTE,
            "The command's size has no decomposition into the model's actions", EXPFILL } },
        { &ei_iotfp_actions_uncertain,
          { "iotfp.actions.uncertain", PI_UNDECODED, PI_NOTE,
            "The most probable action set is below the preference iotfp.actions_confidence", EXPFILL } },
        { &ei_iotfp_malformed,
          { "iotfp.malformed", PI_MALFORMED, PI_WARN,
            "A length in the IP or transport header exceeds the bytes on the wire, or the transport header is "
            "incomplete: the packet counts in its conversation but in no burst", EXPFILL } },
    };

    proto_iotfp = proto_register_protocol("IoT Fingerprint", "IoTFP", "iotfp");
    proto_register_field_array(proto_iotfp, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_iotfp), ei, array_length(ei));

    module_t *module = prefs_register_protocol(proto_iotfp, apply_prefs);
    prefs_register_string_preference(module, "home_networks", "Home networks",
        "Comma-separated networks (CIDR) whose addresses are home devices; the other "
        "side of their conversations is the cloud.", &pref_home_networks);
    prefs_register_uint_preference(module, "burst_gap", "Burst gap (ms)",
        "Idle time in milliseconds that ends a burst of a conversation.", 10, &pref_burst_gap_ms);
    iotfp_signatures_register_prefs(module);
    iotfp_action_fields_register_prefs(module);
    iotfp_platform_register_prefs(module);
    iotfp_activity_register_prefs(module);
    iotfp_device_type_register_prefs(module);

    /* A list is always in force, so that a bad first value keeps the default. */
    home_networks = iotfp_netlist_parse(IOTFP_DEFAULT_HOME_NETWORKS, NULL);

    register_init_routine(init_analysis);
    register_cleanup_routine(cleanup_analysis);
    iotfp_handle = register_dissector("iotfp", dissect_iotfp, proto_iotfp);
    iotfp_tap = register_tap(IOTFP_TAP_NAME);
}

void proto_reg_handoff_iotfp(void)
{
    register_postdissector(iotfp_handle);
    GArray *wanted = iotfp_summary_wanted_fields();
    GArray *platform_fields = iotfp_platform_wanted_fields();
    g_array_append_vals(wanted, platform_fields->data, platform_fields->len);
    g_array_free(platform_fields, TRUE);
    set_postdissector_wanted_hfids(iotfp_handle, wanted);
}
