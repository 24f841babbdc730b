/* Platform rules: which IoT cloud platform a conversation belongs to, decided
 * from its features (conv_features.h) by rules read from text files, in the
 * spirit of IoTPF: positive and negative features, necessary and sufficient
 * conditions. The format is documented in signatures/README.md ("Platform
 * rules"). Parsing is strict, since users write and share these files:
 * every error names the file and line, and limits bound what a file can make
 * the plugin allocate.
 *
 * A rule names a platform and holds when none of its 'reject' conditions
 * holds, all of its 'require' conditions hold, and one of its 'sufficient'
 * conditions holds (or it has none). Files are layered: each file read later
 * takes precedence over those read before it; within a file the first rule
 * that holds decides. A rule for the platform "none" decides that the
 * conversation has no platform (resolvers, NTP, CDNs). */
#ifndef IOTFP_PLATFORM_RULES_H
#define IOTFP_PLATFORM_RULES_H

#include "conv_features.h"
#include "rules_text.h"
#include "good_texts.h"

#define IOTFP_PLATFORM_RULES_VERSION 2
#define IOTFP_PLATFORM_RULES_MAX_BYTES IOTFP_RULES_MAX_BYTES
#define IOTFP_PLATFORM_RULES_MAX_LINE IOTFP_RULES_MAX_LINE
#define IOTFP_PLATFORM_RULES_MAX_RULES 1024     /* per set, all files together */
#define IOTFP_PLATFORM_RULE_MAX_CONDITIONS 64
#define IOTFP_PLATFORM_CONDITION_MAX_ALTERNATIVES 16
#define IOTFP_PLATFORM_PATTERN_MAX 255
#define IOTFP_PLATFORM_NAME_MAX 32
/* The platform of rules that decide "no platform". */
#define IOTFP_PLATFORM_NONE "none"

typedef struct iotfp_platform_rules iotfp_platform_rules;

iotfp_platform_rules *iotfp_platform_rules_new(void);
void iotfp_platform_rules_free(iotfp_platform_rules *rules);

/* Reads one file's text and adds its rules above those already in the set.
 * All or nothing: on error the set is unchanged and error says
 * "SOURCE:LINE: what is wrong". */
gboolean iotfp_platform_rules_parse(iotfp_platform_rules *rules, const char *text, gsize len, const char *source,
                                    GError **error);
/* remembered (may be NULL): the files' last good texts, see good_texts.h. A
 * file that fails now adds its rules as they were read before, and error
 * still says what is wrong now. TRUE when rules were added, new or old. */
gboolean iotfp_platform_rules_load(iotfp_platform_rules *rules, const char *path, iotfp_good_texts *remembered,
                                   GError **error);

guint iotfp_platform_rules_count(const iotfp_platform_rules *rules);
/* The distinct protocol names that 'magic' conditions name, for the glue to
 * look up among the dissectors. Valid while the set lives. */
const GPtrArray *iotfp_platform_rules_magic_names(const iotfp_platform_rules *rules);

/* The platform of the first rule that holds (valid while the set lives;
 * NULL when no rule holds or a "none" rule decides), with the features that
 * made it hold appended to evidence ("sni use1-api.tplinkra.com, port 443"):
 * a "none" rule's too, which says why the conversation has no platform. */
const char *iotfp_platform_rules_match(const iotfp_platform_rules *rules, const iotfp_conv_features *features,
                                       GString *evidence);
/* Matches and stores the result in the features, the platform interned
 * (g_intern_string) so that it outlives the set. */
void iotfp_platform_rules_apply(const iotfp_platform_rules *rules, iotfp_conv_features *features);

/* Shell-style pattern match, '*' any run of characters (dots included) and
 * '?' one character, ignoring ASCII case. Linear in practice; never worse
 * than len(pattern) * len(text). */
gboolean iotfp_glob_match(const char *pattern, const char *text);

#endif
