/* prng.h - tiny deterministic pseudo-random generator (splitmix64).
 *
 * iotfp-gen must write byte-identical captures for a given seed on every
 * platform, so it never uses rand() or GLib's GRand (whose algorithm is not
 * part of its API contract). splitmix64 is tiny, fast and well distributed.
 */
#ifndef IOTFP_PRNG_H
#define IOTFP_PRNG_H

#include <glib.h>

typedef struct {
    guint64 state;
} Prng;

static inline guint64
prng_next(Prng *prng)
{
    guint64 z = (prng->state += G_GUINT64_CONSTANT(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* An independent stream per named user (one per device), so that adding a
 * device to a scenario does not change the traffic of the others. */
static inline Prng
prng_derive(guint64 seed, const char *stream_name)
{
    Prng prng = { seed };
    /* FNV-1a: stable across GLib versions, unlike g_str_hash. */
    guint64 name_hash = G_GUINT64_CONSTANT(0xcbf29ce484222325);
    for (const char *p = stream_name; *p != '\0'; p++)
        name_hash = (name_hash ^ (guchar)*p) * G_GUINT64_CONSTANT(0x100000001b3);
    prng.state ^= name_hash;
    prng_next(&prng); /* mix the combined state once before first use */
    return prng;
}

/* Uniform in [0, bound), bound > 0; rejection removes the modulo bias. */
static inline guint64
prng_below(Prng *prng, guint64 bound)
{
    guint64 threshold = (0 - bound) % bound;
    guint64 value;
    do {
        value = prng_next(prng);
    } while (value < threshold);
    return value % bound;
}

/* Uniform in [low, high], inclusive. */
static inline gint64
prng_range(Prng *prng, gint64 low, gint64 high)
{
    return low + (gint64)prng_below(prng, (guint64)(high - low) + 1);
}

static inline void
prng_fill(Prng *prng, guint8 *bytes, gsize len)
{
    for (gsize i = 0; i < len; i++)
        bytes[i] = (guint8)(prng_next(prng) >> 56);
}

#endif /* IOTFP_PRNG_H */
