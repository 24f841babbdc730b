/* The signatures in force: loaded from folders and files, each with its
 * classifier. A file that does not load is reported and skipped; the others
 * keep working. */
#ifndef IOTFP_SIGNATURE_SET_H
#define IOTFP_SIGNATURE_SET_H

#include "event_classifier.h"
#include "good_texts.h"
#include "signature.h"

/* What a conversation shows that a signature's match lines can test. */
typedef struct {
    guint16 peer_port;      /* the cloud side's port of the first packet */
    const char *cloud_name; /* learned from DNS or SNI; NULL when unknown */
    const char *platform;   /* identified platform; NULL when unknown */
} iotfp_conv_facts;

typedef struct iotfp_signature_set iotfp_signature_set;

iotfp_signature_set *iotfp_signature_set_new(void);
void iotfp_signature_set_free(iotfp_signature_set *set);

/* Takes the signature. A second signature for the same model is refused. */
gboolean iotfp_signature_set_add(iotfp_signature_set *set, iotfp_signature *signature, GError **error);
/* A folder (its *.sig files, in name order) or one file. Appends a message
 * per file that failed to errors; returns how many signatures were added.
 * remembered (may be NULL): the files' last good texts, see good_texts.h; a
 * file that fails now adds its signature as it was read before. */
guint iotfp_signature_set_load(iotfp_signature_set *set, const char *path, iotfp_good_texts *remembered,
                               GPtrArray *errors);

guint iotfp_signature_set_size(const iotfp_signature_set *set);
const iotfp_event_classifier *iotfp_signature_set_get(const iotfp_signature_set *set, guint index);
const iotfp_event_classifier *iotfp_signature_set_find(const iotfp_signature_set *set, const char *model);

/* Every match line of the signature holds for the conversation. A line about
 * something the conversation does not show (no name learned) does not hold. */
gboolean iotfp_signature_matches(const iotfp_signature *signature, const iotfp_conv_facts *facts);

#endif
