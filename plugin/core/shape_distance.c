#include "shape_distance.h"

#include <math.h>

#include "burst.h"

static double match_cost(gint32 a, gint32 b)
{
    if ((a > 0) != (b > 0))
        return 2.0;
    if (a == b)
        return 0.0;
    double x = fabs((double)a), y = fabs((double)b);
    return 2.0 * fabs(x - y) / (x > y ? x : y);
}

double iotfp_shape_distance(const gint32 *a, guint na, const gint32 *b, guint nb, double limit)
{
    /* Bursts and samples keep at most IOTFP_SHAPE_MAX lengths. */
    na = MIN(na, IOTFP_SHAPE_MAX);
    nb = MIN(nb, IOTFP_SHAPE_MAX);
    guint diff = na > nb ? na - nb : nb - na;
    if (diff * IOTFP_INDEL_COST > limit)
        return limit + 1.0;
    /* Cells further than the band from the diagonal cost more than limit in
     * insertions and deletions alone. */
    guint band = (guint)(limit / IOTFP_INDEL_COST) + 1;
    double beyond = limit + 1.0;
    double rows[2][IOTFP_SHAPE_MAX + 2];
    double *prev = rows[0], *cur = rows[1];
    for (guint j = 0; j <= nb + 1; j++)
        prev[j] = j <= band && j <= nb ? j * IOTFP_INDEL_COST : beyond;
    for (guint i = 1; i <= na; i++) {
        guint lo = i > band ? i - band : 0, hi = MIN(nb, i + band);
        double row_min = beyond;
        /* The next row reads this one from lo - 1 to hi + 1 only. */
        if (lo == 0)
            cur[0] = i * IOTFP_INDEL_COST;
        else
            cur[lo - 1] = beyond;
        cur[hi + 1] = beyond;
        for (guint j = MAX(lo, 1); j <= hi; j++) {
            double best = prev[j - 1] + match_cost(a[i - 1], b[j - 1]);
            best = MIN(best, prev[j] + IOTFP_INDEL_COST);
            best = MIN(best, cur[j - 1] + IOTFP_INDEL_COST);
            cur[j] = MIN(best, beyond);
        }
        for (guint j = lo; j <= hi; j++)
            row_min = MIN(row_min, cur[j]);
        if (row_min > limit)
            return beyond;
        double *swap = prev;
        prev = cur;
        cur = swap;
    }
    return prev[nb];
}
