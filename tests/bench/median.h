/* The median of a benchmark's runs: the middle of the sorted times, so that
 * one run slowed by another process on the shared machine does not count. */
#ifndef IOTFP_BENCH_MEDIAN_H
#define IOTFP_BENCH_MEDIAN_H

#include <stdlib.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts the values. */
static inline double median(double *values, size_t n)
{
    qsort(values, n, sizeof values[0], compare_doubles);
    return values[n / 2];
}

#endif
