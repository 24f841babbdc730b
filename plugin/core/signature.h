/* Event signatures: one text file per device model, learned from labelled
 * captures by iotfp-learn and read by the plugin. The format is documented in
 * signatures/README.md. Parsing is strict, since files come from anywhere:
 * every error names the file and line, and limits bound what a file can make
 * the plugin allocate. */
#ifndef IOTFP_SIGNATURE_H
#define IOTFP_SIGNATURE_H

#include <glib.h>

#include "action_prior.h"
#include "burst.h"
#include "decompose.h"

/* Version 2 ends with a line "end", so that a file cut short is refused
 * rather than read as fewer classes; version 1 files, which lack it, are
 * still read. */
#define IOTFP_SIGNATURE_VERSION 2
#define IOTFP_SIGNATURE_END "end"
#define IOTFP_SIGNATURE_MAX_BYTES (16u << 20)
#define IOTFP_SIGNATURE_MAX_LINE 4096 /* bytes, comment included: a sample of 100 lengths needs 700 */
#define IOTFP_SIGNATURE_MAX_SAMPLES 20000   /* per file */
#define IOTFP_SIGNATURE_MAX_EVENTS 256
#define IOTFP_SIGNATURE_MAX_LENGTH 65535    /* a payload length in a sample */
#define IOTFP_SIGNATURE_MAX_K 15
/* Bursts that match no event sample of a model. */
#define IOTFP_EVENT_OTHER "other"

typedef struct {
    char *name;        /* "power_on", a merged class "power_off|power_on", or "other" */
    char *privacy;     /* what the event reveals ("presence", "door"...), NULL if nothing */
    double threshold;  /* a burst further than this from the class is "other" */
    GPtrArray *samples; /* GArray of gint32: signed payload lengths, as burst shapes */
} iotfp_event_class;

typedef enum {
    IOTFP_MATCH_PORT,      /* the cloud side's port */
    IOTFP_MATCH_CLOUD,     /* the cloud's learned name, a glob such as *.tplinkra.com */
    IOTFP_MATCH_PLATFORM,  /* the platform identified for the conversation */
} iotfp_match_kind;

typedef struct {
    iotfp_match_kind kind;
    guint port;
    char *pattern;  /* cloud glob or platform name */
} iotfp_match;

/* Which message of a burst carries a gateway command: the n-th (from 1)
 * payload packet in one direction. */
typedef enum {
    IOTFP_COMMAND_TO_DEVICE,
    IOTFP_COMMAND_FROM_DEVICE,
} iotfp_command_direction;

#define IOTFP_SIGNATURE_MAX_ACTION_KINDS 256
#define IOTFP_SIGNATURE_DEFAULT_MAX_ACTIONS 10
#define IOTFP_SIGNATURE_MAX_SCENES 20000
#define IOTFP_SIGNATURE_MAX_RESIDUALS 4097

/* The action-set model of a gateway (decompose.h): what one action adds to a
 * command's plaintext, how the cipher pads it, and where the command is. */
typedef struct {
    iotfp_decompose_model decompose; /* .actions points into `actions` */
    GArray *actions;                 /* iotfp_action; names owned */
    iotfp_command_direction command_direction;
    guint command_index;             /* 1: the first packet in that direction */
    iotfp_action_prior prior;        /* posterior ranking; see action_prior.h */
} iotfp_action_model;

/* What a signature's samples are lengths of (burst.h). */
typedef enum {
    IOTFP_SHAPE_SEGMENTS,  /* transport payloads: what every capture shows */
    IOTFP_SHAPE_MESSAGES,  /* the application's records where visible, else the segments */
} iotfp_shape_kind;

typedef struct {
    char *source;        /* file it was read from, for messages */
    char *model;
    char *platform;      /* NULL when not stated */
    GArray *matches;     /* iotfp_match: all must hold for a conversation to be this model */
    guint burst_gap_ms;  /* segmentation the samples were learned with */
    iotfp_shape_kind shape;
    guint k;             /* neighbours that vote */
    GPtrArray *events;   /* iotfp_event_class */
    iotfp_action_model *action_model; /* NULL: the model carries no action sets */
} iotfp_signature;

iotfp_signature *iotfp_signature_parse(const char *text, gsize len, const char *source, GError **error);
void iotfp_signature_free(iotfp_signature *signature);

/* The file text, which iotfp_signature_parse reads back to the same signature. */
char *iotfp_signature_format(const iotfp_signature *signature);

/* A model, event or action name: 1 to 128 letters, digits and _ . - / (words
 * a display filter can hold, never the | of merged events or the + of
 * action sets). */
gboolean iotfp_signature_valid_name(const char *name);

/* Convenience for writers (iotfp-learn). */
iotfp_signature *iotfp_signature_new(const char *model);
iotfp_event_class *iotfp_signature_add_event(iotfp_signature *signature, const char *name);
void iotfp_event_class_add_sample(iotfp_event_class *event, const gint32 *lengths, guint n);

/* The lengths of the burst that the signature's samples compare with: its
 * messages for a messages signature when it has any, else its segments. */
const GArray *iotfp_signature_burst_lengths(const iotfp_signature *signature, const iotfp_burst *burst);
const iotfp_event_class *iotfp_signature_find_event(const iotfp_signature *signature, const char *name);
/* Gives the signature an empty action model (replacing any) to fill with
 * iotfp_action_model_add; padding, base, tolerance and command as given. */
iotfp_action_model *iotfp_signature_set_action_model(iotfp_signature *signature, const iotfp_padding *padding,
                                                     guint base_size, guint tolerance, guint max_actions,
                                                     iotfp_command_direction direction, guint command_index);
void iotfp_action_model_add(iotfp_action_model *model, const char *name, guint size, double frequency);
/* Derives the prior's tables (action_prior.h) once the model is complete:
 * the parser does it; writers call it after changing a model. */
void iotfp_action_model_prepare(iotfp_action_model *model);
/* The command's wire size: the payload length of the message the model
 * names, in a burst shape (signed lengths, + from the device). FALSE when the
 * burst has no such message, or opens the other way (a command opens its
 * exchange; heartbeats and the device's own reports carry none). */
gboolean iotfp_action_model_command_size(const iotfp_action_model *model, const gint32 *shape, guint n,
                                         guint *size);

#endif
