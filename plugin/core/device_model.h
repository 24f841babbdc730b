/* device_model.h - a device-type model: a GRU over the per-packet features of
 * seq_features.h, read from a text file, run one step per packet.
 *
 * File format, version 1 (signatures/README.md has the full description).
 * Tokens are separated by any whitespace, so a section's numbers may sit on
 * one long line or spread over several; '#' starts a comment to the line's
 * end. The first two tokens are the magic and the version; the sections
 * follow in any order, each exactly once:
 *
 *   iotfp-device-model 1
 *   kind gru
 *   features 11                    IOTFP_SEQ_N_FEATURES, the only value read
 *   window W                       packets per window, 1..IOTFP_DEVICE_MODEL_MAX_WINDOW
 *   hidden H                       1..IOTFP_DEVICE_MODEL_MAX_HIDDEN
 *   classes K name_1 ... name_K    2..IOTFP_DEVICE_MODEL_MAX_CLASSES distinct names
 *                                  (letters, digits, _ . - / +), at most 64 bytes each
 *   mean m_0 ... m_10
 *   std s_0 ... s_10               each > 0
 *   matrix W_ih 3H 11 <3H*11 numbers, row-major>   gate rows r, z, n (PyTorch order)
 *   matrix W_hh 3H H <3H*H numbers>
 *   vector b_ih 3H <numbers>
 *   vector b_hh 3H <numbers>
 *   matrix W_out K H <numbers>
 *   vector b_out K <numbers>
 *
 * Every number must be finite and fit a float. Inference, as PyTorch's
 * nn.GRU and a linear layer compute it: x = (f - mean) / std, h0 = 0,
 *   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
 *   z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 *   h' = (1 - z) * n + z * h
 * and after a window's last packet, p = softmax(W_out h + b_out); the type
 * is argmax p, its confidence that probability.
 *
 * Cost: one step is 3H(H + 11) multiply-adds plus 3H exponentials. The
 * plugin's budget is about 2 us per packet for all of iotfp (10% over
 * tshark's ~50k packets/s). `make bench` (bench_device_model) measured CPU
 * time per packet on this project's shared 2-core machine: about 0.2 us at
 * H = 8, 0.4-0.5 us at H = 16, 0.65 us at H = 24, 0.9 us at H = 32 and
 * 2.5 us at H = 64. Trainers: use H = IOTFP_DEVICE_MODEL_RECOMMENDED_HIDDEN
 * (16); 24 still fits, 32 and above do not. A conversation runs the model
 * on its first windows only (seq_tracker.h); a VPN tunnel on every packet. */
#ifndef IOTFP_DEVICE_MODEL_H
#define IOTFP_DEVICE_MODEL_H

#include <glib.h>

#include "seq_features.h"

#define IOTFP_DEVICE_MODEL_MAGIC "iotfp-device-model"
#define IOTFP_DEVICE_MODEL_VERSION 1
#define IOTFP_DEVICE_MODEL_BUNDLED "device-types.model"

/* Bounds that keep a hostile file from asking for absurd memory or time. */
#define IOTFP_DEVICE_MODEL_MAX_HIDDEN 256
#define IOTFP_DEVICE_MODEL_MAX_CLASSES 256
#define IOTFP_DEVICE_MODEL_MAX_WINDOW 4096
#define IOTFP_DEVICE_MODEL_MAX_NAME 64
#define IOTFP_DEVICE_MODEL_MAX_FILE (32 * 1024 * 1024)

#define IOTFP_DEVICE_MODEL_RECOMMENDED_HIDDEN 16

typedef struct iotfp_device_model iotfp_device_model;

/* NULL with a "SOURCE:LINE: message" error when the text is no valid model. */
iotfp_device_model *iotfp_device_model_parse(const char *text, gsize len, const char *source, GError **error);
iotfp_device_model *iotfp_device_model_load(const char *path, GError **error);
/* Shared between the loader and the analyses that use it. */
iotfp_device_model *iotfp_device_model_ref(iotfp_device_model *model);
void iotfp_device_model_unref(iotfp_device_model *model);

guint iotfp_device_model_window(const iotfp_device_model *model);
guint iotfp_device_model_hidden(const iotfp_device_model *model);
guint iotfp_device_model_n_classes(const iotfp_device_model *model);
/* Class index from 0; NULL when out of range. */
const char *iotfp_device_model_class_name(const iotfp_device_model *model, guint index);

/* The window a sequence is reading: the hidden state after its packets so far.
 * hidden holds iotfp_device_model_hidden floats, allocated once. */
typedef struct {
    float *hidden;
    guint packets;
} iotfp_device_window;

typedef struct {
    guint type;        /* class index */
    float confidence;  /* its probability */
} iotfp_device_type_result;

void iotfp_device_window_init(iotfp_device_window *window, const iotfp_device_model *model);
void iotfp_device_window_clear(iotfp_device_window *window);

/* One GRU step over the packet's features, no allocation. When the packet
 * completes a window, writes the class probabilities (n_classes floats;
 * probabilities may be NULL) and the result, starts the next window, and
 * returns TRUE. */
gboolean iotfp_device_window_add(iotfp_device_window *window, const iotfp_device_model *model,
                                 const float features[IOTFP_SEQ_N_FEATURES], float *probabilities,
                                 iotfp_device_type_result *result);

#endif
