/* Spark's TIMESTAMP_NTZ (tide.eval_timestamp_ntz): a local date-time
   without a zone, held as a timestamp column whose microseconds are the
   local date-time read as if it were UTC, so that every kernel computes
   its fields, text and arithmetic with the session time zone set to UTC.
   Part of the FFI declarations (see tide_ffi.h; builds on ffi/datetime.h's
   tide_zone). */
#ifndef TIDE_FFI_TIMESTAMP_NTZ_H
#define TIDE_FFI_TIMESTAMP_NTZ_H

#include "ffi/datetime.h" /* tide_zone */
#include "tide_ffi.h"

/* Makes zone (NULL: UTC) the session time zone and returns the one it
   replaces, for Lua to run a kernel of TIMESTAMP_NTZ values in UTC and
   then put the session's zone back. Only the thread that runs Lua may
   call it, between kernels (the workers read the zone inside one). */
const tide_zone *tide_time_zone_swap_session(const tide_zone *zone);

/* Text as Spark's stringToTimestampWithoutTimeZone reads it into the
   local date-time's microseconds: what CAST(s AS timestamp) takes, less a
   time alone (no date), with a zone after the time ignored (allow_zone),
   or refused (!allow_zone: a JSON or CSV reader's). 0, or -1. */
int tide_timestamp_ntz_parse(const char *text, size_t len, int32_t allow_zone, int64_t *out);

/* tide_timestamp_ntz_parse over a string column: a null where the text is
   no local date-time. */
int tide_eval_timestamp_ntz_parse(tide_batch *out, const tide_column *src, int32_t allow_zone,
                                  tide_column *dst, char *errbuf, size_t errlen);

#endif
