/* A device model small enough to run by hand, shared by the tests of the
 * model and of the tracker that runs it. */
#ifndef TEST_DEVICE_MODEL_TINY_H
#define TEST_DEVICE_MODEL_TINY_H

#include <glib.h>

/* A GRU small enough to run by hand: hidden 1, two classes, windows of two
 * packets. Only f0 (normalised by mean 1, std 2) and f1 reach the gates. */
static const char *const tiny_lines[] G_GNUC_UNUSED = {
    "iotfp-device-model 1",
    "# a hand-made model",
    "kind gru",
    "features 11",
    "window 2",
    "hidden 1",
    "classes 2 plug camera",
    "mean 1 0 0 0 0 0 0 0 0 0 0",
    "std 2 1 1 1 1 1 1 1 1 1 1",
    "matrix W_ih 3 11",
    "  0.5 0 0 0 0 0 0 0 0 0 0   # r",
    "  0 1 0 0 0 0 0 0 0 0 0     # z",
    "  1 0 0 0 0 0 0 0 0 0 0     # n",
    "matrix W_hh 3 1 0.25 -0.5 2",
    "vector b_ih 3 0.1 0 -0.2",
    "vector b_hh 3 0 0.3 0.1",
    "matrix W_out 2 1 1 -1",
    "vector b_out 2 0 0.5",
};

/* The tiny model's text with line `line` (from 1) replaced; NULL replacement
 * drops the line. */
G_GNUC_UNUSED static char *tiny_text_with(guint line, const char *replacement)
{
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(tiny_lines); i++) {
        const char *content = i + 1 == line ? replacement : tiny_lines[i];
        if (content)
            g_string_append_printf(text, "%s\n", content);
    }
    return g_string_free(text, FALSE);
}

#endif
