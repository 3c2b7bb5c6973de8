/*
 * hll.h — approx_count_distinct as Spark 3.5's HyperLogLog++
 * (HyperLogLogPlusPlus, HyperLogLogPlusPlusHelper), not part of the FFI:
 * Lua reaches it as the aggregate TIDE_AGG_APPROX_COUNT_DISTINCT of
 * tide_aggregate_groups and tide_aggregate_frames (ffi/frame_ops.h).
 *
 * A sketch of precision p (4 <= p <= HLL_MAX_PRECISION) is m = 2^p
 * registers, one byte each: a binary value of exactly m bytes, which is
 * what a streaming aggregation keeps per group. Each non-null value is
 * hashed as Spark's xxhash64(value) gives it (seed 42, each type encoded as
 * XxHash64Function encodes it: eval_hash.c); the top p bits of the hash
 * pick a register, which keeps the greatest rank seen, the rank being the
 * leading zeros of the other bits (padded by a one at bit p - 1, as Spark
 * pads them) plus one. Sketches merge by the greatest of each register,
 * so a merge of sketches is the sketch of the union of their values.
 *
 * The estimate is Spark's query() with one step left out: with E =
 * alpha * m^2 / sum(2^-register) and V registers at zero, linear counting
 * H = m * ln(m / V) when V > 0 and (H <= the HLL++ paper's threshold for p
 * or E <= 2.5 m); otherwise E. Spark subtracts an empirical bias (the
 * paper's tables, interpolated) from E where E < 5 m and p < 19; tide does
 * not, so its estimate can differ from Spark's only when linear counting
 * is not chosen and E < 5 m (for the default p = 9: 2.5 m < E < 5 m, about
 * 1300 to 2600 distinct values). Elsewhere the results are Spark's.
 */
#ifndef TIDE_HLL_H
#define TIDE_HLL_H
#include "aggregate_lists.h"

#include <stdint.h>

/* Above it a sketch (2^p bytes per group) would hardly fit in memory. */
#define HLL_MAX_PRECISION 24

/* Spark's p of a relative standard deviation: ceil(2 log2(1.106 / rsd));
   -1 when it is under 4 (rsd above about 0.39) or above HLL_MAX_PRECISION,
   or rsd is not a positive number. */
int hll_precision(double relative_sd);

/* Adds a value's 64-bit hash to the 2^p registers of a sketch. */
void hll_add(uint8_t *registers, int p, uint64_t hash);

/* The estimate of a sketch of 2^p registers, rounded as Java's
   Math.round. */
int64_t hll_estimate(const uint8_t *registers, int p);

/* The kernel of tide_aggregate_groups and tide_aggregate_frames:
   percentages[0] is the relative standard deviation (0.05 without one).
   Stages: WHOLE values -> bigint estimates; PARTIAL values -> sketches;
   MERGE sketches -> sketches; FINAL sketches -> estimates. A list without
   values estimates 0, as Spark's (never null); a null sketch counts as
   an empty one. MERGE and FINAL also take arrays of values (a streaming
   state tide wrote when it kept each group's distinct values), whose
   elements are added as values. */
int agg_approx_distinct(tide_batch *out, tide_column *dst, const char *name, const agg_call *c,
                        const agg_lists *l, char *errbuf, size_t errlen);

#endif
