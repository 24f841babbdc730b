/* Event signatures: one text file per device model, learned from labelled
 * captures by iotfp-learn and read by the plugin. The format is documented in
 * signatures/README.md. Parsing is strict, since files come from anywhere:
 * every error names the file and line, and limits bound what a file can make
 * the plugin allocate. */
#ifndef IOTFP_SIGNATURE_H
#define IOTFP_SIGNATURE_H

#include <glib.h>

#define IOTFP_SIGNATURE_VERSION 1
#define IOTFP_SIGNATURE_MAX_BYTES (16u << 20)
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

typedef struct {
    char *source;        /* file it was read from, for messages */
    char *model;
    char *platform;      /* NULL when not stated */
    GArray *matches;     /* iotfp_match: all must hold for a conversation to be this model */
    guint burst_gap_ms;  /* segmentation the samples were learned with */
    guint k;             /* neighbours that vote */
    GPtrArray *events;   /* iotfp_event_class */
} iotfp_signature;

iotfp_signature *iotfp_signature_parse(const char *text, gsize len, const char *source, GError **error);
void iotfp_signature_free(iotfp_signature *signature);

/* The file text, which iotfp_signature_parse reads back to the same signature. */
char *iotfp_signature_format(const iotfp_signature *signature);

/* Convenience for writers (iotfp-learn). */
iotfp_signature *iotfp_signature_new(const char *model);
iotfp_event_class *iotfp_signature_add_event(iotfp_signature *signature, const char *name);
void iotfp_event_class_add_sample(iotfp_event_class *event, const gint32 *lengths, guint n);
const iotfp_event_class *iotfp_signature_find_event(const iotfp_signature *signature, const char *name);

#endif
