/* Action sets: which actions one encrypted command bundles, from its size
 * alone. After Junges, Francois and Festor: a command carrying c_j times
 * action j has plaintext size base + sum_j c_j*|a_j|, and the wire size is
 * that plaintext padded and framed by the cipher. Undoing the padding gives a
 * range of plaintext sizes; every multiset of actions whose predicted size
 * falls in that range (within a tolerance for the learned sizes' error) is a
 * candidate. Candidates are found by dynamic programming over sizes, so the
 * work grows with the size and the number of answers, never with the number
 * of multisets tried. Several candidates can fit: the caller is told. */
#ifndef IOTFP_DECOMPOSE_H
#define IOTFP_DECOMPOSE_H

#include <glib.h>

/* A TLS 1.2 AES-GCM record: 5-byte header, 8-byte explicit nonce, 16-byte tag. */
#define IOTFP_TLS12_GCM_OVERHEAD (5u + 8u + 16u)

/* Limits: a model or an observation beyond them is refused with a status,
 * never allocated for. max_actions is bounded by the 32 bits of the DP's
 * per-size mask of action counts. */
#define IOTFP_DECOMPOSE_MAX_ACTIONS 31          /* actions in one command */
#define IOTFP_DECOMPOSE_MAX_KINDS 1024          /* distinct actions in a model */
#define IOTFP_DECOMPOSE_MAX_BLOCK 256           /* cipher block size */
#define IOTFP_DECOMPOSE_MAX_TABLE_CELLS (1u << 22) /* kinds x sizes: 16 MiB of DP */
#define IOTFP_DECOMPOSE_DEFAULT_CANDIDATES 256
#define IOTFP_DECOMPOSE_MAX_CANDIDATES 100000

typedef enum {
    IOTFP_PADDING_NONE,       /* wire = plaintext + extra_overhead */
    IOTFP_PADDING_BLOCK,      /* PKCS#7 to block_size: p -> (p/B+1)*B, then + extra_overhead (IV, header) */
    IOTFP_PADDING_TLS12_GCM,  /* p + IOTFP_TLS12_GCM_OVERHEAD + extra_overhead, no padding */
} iotfp_padding_kind;

typedef struct {
    iotfp_padding_kind kind;
    guint block_size;      /* IOTFP_PADDING_BLOCK only */
    guint extra_overhead;  /* fixed bytes outside the padded plaintext beyond the rule's own */
} iotfp_padding;

/* The plaintext sizes a wire size can come from, [*min, *max]. FALSE when
 * the rule cannot produce that wire size at all (shorter than the overhead,
 * or a ciphertext that is not a whole number of blocks). */
gboolean iotfp_padding_plaintext_range(const iotfp_padding *padding, guint64 wire_size, guint64 *min, guint64 *max);
/* The wire size of a plaintext size; FALSE on an invalid rule or overflow. */
gboolean iotfp_padding_wire_size(const iotfp_padding *padding, guint64 plaintext_size, guint64 *wire_size);

typedef struct {
    const char *name;
    guint size;        /* bytes one occurrence adds to the plaintext, > 0 */
    double frequency;  /* prior: how often it occurs, > 0; need not sum to 1 */
} iotfp_action;

typedef struct {
    guint base_size;              /* plaintext of a command with no action */
    const iotfp_action *actions;  /* n_actions, owned by the caller */
    guint n_actions;
    iotfp_padding padding;
    guint tolerance;       /* bytes the predicted plaintext may miss the observed range by */
    guint max_actions;     /* actions one command can carry, <= IOTFP_DECOMPOSE_MAX_ACTIONS */
    guint max_candidates;  /* 0: IOTFP_DECOMPOSE_DEFAULT_CANDIDATES */
} iotfp_decompose_model;

typedef enum {
    IOTFP_DECOMPOSE_OK,
    IOTFP_DECOMPOSE_NONE,       /* no multiset explains the size (or the rule cannot produce it) */
    IOTFP_DECOMPOSE_TOO_LARGE,  /* the size needs more DP than the limits allow: nothing was tried */
    IOTFP_DECOMPOSE_CAPPED,     /* more candidates than max_candidates: those returned are a subset */
    IOTFP_DECOMPOSE_INVALID_MODEL, /* zero-size or zero-frequency action, bad block size, limits */
} iotfp_decompose_status;

typedef struct {
    guint action_count;       /* actions in the multiset, repeats counted */
    guint64 plaintext_size;   /* base + sum of sizes: what the model predicts */
    double log_prior;         /* sum_j c_j*log(frequency_j) */
    guint counts_index;       /* internal: row of the result's counts table; use iotfp_decompose_counts */
    double probability;       /* posterior, 0..1, once ranked by iotfp_action_rank (action_prior.h); else 0 */
} iotfp_decomposition;

typedef struct {
    iotfp_decompose_status status;
    guint n_actions;
    /* Ranked best first: fewest actions, then highest prior (product of
     * frequencies), then more of the lower-indexed actions. When CAPPED,
     * enumeration goes by increasing action count, so the returned ones have
     * the fewest actions but, within the last count reached, not necessarily
     * the highest prior. */
    GArray *candidates;   /* iotfp_decomposition */
    GArray *counts;       /* guint8, n_actions per candidate */
    guint64 plaintext_min, plaintext_max; /* what the padding allows, before tolerance */
} iotfp_decompose_result;

iotfp_decompose_result *iotfp_decompose(const iotfp_decompose_model *model, guint64 observed_size);
void iotfp_decompose_result_free(iotfp_decompose_result *result);

/* The best candidate, NULL when there is none. */
const iotfp_decomposition *iotfp_decompose_best(const iotfp_decompose_result *result);
/* More than one candidate fits: the size alone does not settle the actions. */
gboolean iotfp_decompose_ambiguous(const iotfp_decompose_result *result);
/* c_j of the candidate ranked `candidate` (0 = best): n_actions entries. */
const guint8 *iotfp_decompose_counts(const iotfp_decompose_result *result, guint candidate);
/* "2*light_on + fan_off", "(none)" for the empty multiset. */
char *iotfp_decompose_format(const iotfp_decompose_model *model, const iotfp_decompose_result *result, guint candidate);

/* How well sizes identify action sets under a model: every multiset of
 * 0..max_actions actions is mapped to its exact wire size (no tolerance, the
 * model taken as true) and multisets sharing a wire size collide. Counted by
 * DP over sizes, not by listing multisets. */
typedef struct {
    double multisets;          /* all multisets of 0..max_actions actions */
    double unique_multisets;   /* alone on their wire size: recoverable exactly */
    double largest_collision;  /* most multisets sharing one wire size */
    guint wire_sizes;          /* distinct wire sizes produced */
    double recoverable_share;  /* unique_multisets / multisets */
} iotfp_collision_stats;

iotfp_decompose_status iotfp_decompose_collisions(const iotfp_decompose_model *model, iotfp_collision_stats *stats);

#endif
