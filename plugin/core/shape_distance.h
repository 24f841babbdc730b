/* How far apart two burst shapes are: an edit distance over signed payload
 * lengths. Inserting or deleting a packet costs 1; matching two packets costs
 * their relative size difference (0 when equal, up to 2), or 2 when they go
 * opposite ways. Unlike IoTEvent's grouping by exact burst length, a burst
 * with one extra or missing packet (a stray ACK-with-data, a TLS record split
 * differently) stays close to its event. */
#ifndef IOTFP_SHAPE_DISTANCE_H
#define IOTFP_SHAPE_DISTANCE_H

#include <glib.h>

#define IOTFP_INDEL_COST 1.0

/* The distance, or a value above limit as soon as it is certain to exceed
 * limit: only a diagonal band of width limit is computed, so the cost is
 * O(length * limit), not O(length^2). */
double iotfp_shape_distance(const gint32 *a, guint na, const gint32 *b, guint nb, double limit);

#endif
