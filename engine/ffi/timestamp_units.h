/* The kernels of Spark's timestampadd(unit, quantity, ts) and
   timestampdiff(unit, start, end) (engine/eval_timestamp_units.c), as
   Spark 3.5's DateTimeUtils.timestampAdd and timestampDiff compute them
   in the session time zone. Part of the FFI declarations (see
   tide_ffi.h): plain C, no macros. Kernels follow ffi/eval.h's contract:
   the result goes into dst (buffers in out's arena), 0 or -1 with a
   message in errbuf; a null input row gives a null result row. Units are
   checked in Lua (tide.eval_dates), which casts the arguments. */
#ifndef TIDE_FFI_TIMESTAMP_UNITS_H
#define TIDE_FFI_TIMESTAMP_UNITS_H

#include "tide_ffi.h"

typedef enum tide_timestamp_unit {
    TIDE_TSU_MICROSECOND = 1,
    TIDE_TSU_MILLISECOND = 2,
    TIDE_TSU_SECOND = 3,
    TIDE_TSU_MINUTE = 4,
    TIDE_TSU_HOUR = 5,
    TIDE_TSU_DAY = 6, /* DAYOFYEAR adds as DAY */
    TIDE_TSU_WEEK = 7,
    TIDE_TSU_MONTH = 8,
    TIDE_TSU_QUARTER = 9,
    TIDE_TSU_YEAR = 10
} tide_timestamp_unit;

/* timestampadd(unit, quantity, ts): an int column of quantities and a
   timestamp column of one length; a timestamp column. MICROSECOND to
   HOUR add exact time (Duration) to the instant; DAY and WEEK move the
   local date-time in the session time zone by whole days, MONTH, QUARTER
   and YEAR by months (the day clipped to the month's last), resolved as
   ZonedDateTime does (the row's own offset kept in an overlap, a gap
   moving it forward). -1 with errbuf on overflow (Spark's
   DATETIME_OVERFLOW error). */
int tide_eval_timestamp_add(tide_batch *out, int32_t unit, const tide_column *quantity,
                            const tide_column *ts, tide_column *dst, char *errbuf, size_t errlen);

/* timestampdiff(unit, start, end) of two timestamp columns of one
   length: a bigint column of whole units from start to end, as Java's
   ChronoUnit.between of their local date-times in the session time zone
   (truncated toward zero; QUARTER is whole months / 3; DAY and longer
   count a day only once its time of day is reached). -1 with errbuf on
   overflow (MICROSECOND over about 292,000 years). */
int tide_eval_timestamp_diff(tide_batch *out, int32_t unit, const tide_column *start,
                             const tide_column *end, tide_column *dst, char *errbuf, size_t errlen);

#endif
