/* labels.h - labelled user events (the ground truth of a capture) and their
 * pairing with the plugin's bursts, shared by iotfp-learn and iotfp-eval.
 *
 * A labels file is CSV: "time,device_ip,event" (the IoTEvent layout), or
 * "time,event" for one device named on the command line. A header row is
 * optional; time is epoch seconds. The event of a gateway command is its
 * action set, the action names joined by '+' (learn_actions.h).
 *
 * A scenario log with planned offsets, as test benches write them, is read
 * too: lines such as "04 On - Timestamp 240" (step number, what was done,
 * seconds from the start). Its steps become labels of the one device named
 * on the command line, through a table from what was done to an event name
 * ("On" to power_on); steps the table lacks ("Open app") are left out. The
 * start of such a log is unknown in capture time: iotfp_align_planned finds
 * it on the capture. */
#ifndef IOTFP_LABELS_H
#define IOTFP_LABELS_H

#include <glib.h>

#include "tshark_bursts.h"

typedef struct {
    double time;   /* epoch seconds, as labelled */
    char *device;  /* canonical address text, as iotfp_addr_format writes it */
    char *event;   /* the label as given: "power_on/off" is one class */
    guint line;    /* in the file, for messages */
} iotfp_label;

typedef struct {
    char *path;
    GPtrArray *labels;  /* iotfp_label, in file order */
    gboolean planned;   /* a scenario log: times are offsets from an unknown start */
    guint steps_left_out; /* of a scenario log: steps no event is named for */
} iotfp_label_file;

/* How to read a scenario log: its steps, lower-cased, to event names (NULL:
 * none named), and the device it is about (NULL: only_device). */
typedef struct {
    GHashTable *events;
    const char *device;
} iotfp_planned_options;

/* Reads a labels file. only_device (may be NULL) keeps the rows of that
 * device, and is the device of every row when the file has no device column
 * (which is an error without it). Every error names the file and line. */
iotfp_label_file *iotfp_label_file_load(const char *path, const char *only_device,
                                        const iotfp_planned_options *planned, GError **error);
void iotfp_label_file_free(iotfp_label_file *file);

/* The devices the labels name, sorted: a GPtrArray of borrowed strings. */
GPtrArray *iotfp_label_file_devices(const iotfp_label_file *file);

/* Canonical text of an address ("fd00:1::30"), or NULL if text is none. */
char *iotfp_canonical_address(const char *text);

typedef struct {
    double window;  /* seconds either side of the expected start */
    double offset;  /* expected burst start = label time + offset */
} iotfp_pairing_options;

typedef struct {
    const iotfp_label *label;
    const iotfp_tool_burst *burst;  /* NULL: unpaired */
    double delta;                   /* burst start - (label time + offset), seconds */
    const iotfp_label *lost_to;     /* unpaired though bursts were in reach: the nearer label that took
                                     * the nearest of them (two labels, one burst) */
} iotfp_label_pair;

/* Pairs each label with the burst whose start is nearest to the label's
 * expected start, within the window; a burst pairs with at most one label.
 * Nearest pairs are settled first, so a label whose nearest burst went to a
 * nearer label may still take its next-nearest. labels (iotfp_label *) and
 * candidates (iotfp_tool_burst *, sorted by start) are one device's. Returns
 * an array of iotfp_label_pair in the order of labels. */
GArray *iotfp_pair_labels(const GPtrArray *labels, const GPtrArray *candidates, const iotfp_pairing_options *options);

typedef struct {
    double shift;   /* seconds added to every planned offset */
    guint fitted;   /* labels with a candidate burst within the window, after the shift */
    guint labels;
} iotfp_alignment;

/* Shifts planned labels (their times offsets) onto the capture: by the shift
 * that puts the most labels within the pairing window of a candidate burst
 * (sorted by start), and among those the nearest in total. */
iotfp_alignment iotfp_align_planned(GPtrArray *labels, const GPtrArray *candidates,
                                    const iotfp_pairing_options *options);

/* Time-ordered held-out splits: of n items of one class, the earliest
 * iotfp_share_count(n, share) are the "first share". iotfp-learn trains on
 * the first share; iotfp-eval scores the rest, with the complement share, so
 * the two tools agree on the split whatever the labels' order in the file. */
guint iotfp_share_count(guint n, double share);

/* in_first_share[i] tells whether labels[i] is among the earliest share of
 * the labels of its event class. Returns a new array of gboolean. */
gboolean *iotfp_labels_first_share(const GPtrArray *labels, double share);

#endif
