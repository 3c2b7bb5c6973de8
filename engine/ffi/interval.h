/* The kernels of Spark's ANSI interval types (eval_interval.c, used by
   tide.eval_intervals): a day-time interval is int64 microseconds
   (DayTimeIntervalType), a year-month one int32 months
   (YearMonthIntervalType). Fields are Spark's codes: day 0, hour 1,
   minute 2, second 3; year 0, month 1. Part of the FFI declarations (see
   tide_ffi.h): plain C, no macros. */
#ifndef TIDE_FFI_INTERVAL_H
#define TIDE_FFI_INTERVAL_H

#include "tide_ffi.h"

/* CAST(a AS STRING) of an interval column (INT64 day-time, INT32
   year-month when year_month): Spark's ANSI text of its fields from
   start_field to end_field, INTERVAL '1 02:03:04.5' DAY TO SECOND,
   INTERVAL '1-2' YEAR TO MONTH (IntervalUtils.toDayTimeIntervalString,
   toYearMonthIntervalString). */
int tide_eval_interval_text(tide_batch *out, const tide_column *a, int32_t year_month,
                            int32_t start_field, int32_t end_field, tide_column *dst, char *errbuf,
                            size_t errlen);

/* a * b, or a / b when mode has bit 1, of an interval column a (INT64 or
   INT32) and a number column b (INT32, INT64 or FLOAT64), as Spark's
   MultiplyDTInterval, DivideDTInterval, MultiplyYMInterval and
   DivideYMInterval: an integer product exact, a quotient or a fraction's
   product rounded half away from zero; an overflow, a division by zero
   or a NaN is an error, or NULL when mode has bit 2 (try_multiply,
   try_divide). The result has a's type. */
int tide_eval_interval_scale(tide_batch *out, const tide_column *a, const tide_column *b,
                             int32_t mode, tide_column *dst, char *errbuf, size_t errlen);

typedef enum tide_interval_op {
    TIDE_INTERVAL_ADD = 1,      /* a + b */
    TIDE_INTERVAL_SUBTRACT = 2, /* a - b */
    TIDE_INTERVAL_NEGATE = 3,   /* - a (b NULL) */
    TIDE_INTERVAL_ABS = 4       /* abs(a) (b NULL) */
} tide_interval_op;

/* op of interval columns of one kind (INT64 day-time, INT32 year-month),
   exact as Spark's interval arithmetic is even outside ANSI mode: an
   overflow is Spark's error ([INTERVAL_ARITHMETIC_OVERFLOW] long
   overflow. Use 'try_add' ...), or NULL when try (try_add,
   try_subtract). NULL where an operand is. */
int tide_eval_interval_exact(tide_batch *out, int32_t op, const tide_column *a,
                             const tide_column *b, int32_t try, tide_column *dst, char *errbuf,
                             size_t errlen);

/* sum(iv) and avg(iv) from an interval's try_sum (an INT64 column, NULL
   where the sum overflowed) and count of values (INT64): NULL where the
   count is 0; the sum (mode bit 1: of months, an INT32 column; else
   INT64), or with mode bit 2 the sum divided by the count rounded half
   up, as Spark's Average of an interval. A sum past a long (or of months
   past an int) is Spark's error ([INTERVAL_ARITHMETIC_OVERFLOW]). */
int tide_eval_interval_total(tide_batch *out, const tide_column *sum, const tide_column *count,
                             int32_t mode, tide_column *dst, char *errbuf, size_t errlen);

/* ts + iv (ts - iv when negate) of a timestamp column and a day-time
   interval column, as Spark's TimeAdd (timestampAddDayTime): the
   interval's whole days on the session time zone's calendar, then the
   rest in exact time. */
int tide_eval_timestamp_plus_interval(tide_batch *out, const tide_column *ts, const tide_column *iv,
                                      int32_t negate, tide_column *dst, char *errbuf,
                                      size_t errlen);

/* CAST(s AS INTERVAL ...) of a string column: the text of an interval
   of those fields, bare ('1 02:03:04.5', '1-2', '-10:30') or as its
   literal (INTERVAL '1-2' YEAR TO MONTH), as Spark's
   castStringToDTInterval and castStringToYMInterval read it; NULL for
   NULL. Text that is not such an interval is an error naming it. */
int tide_eval_interval_parse(tide_batch *out, const tide_column *s, int32_t year_month,
                             int32_t start_field, int32_t end_field, tide_column *dst, char *errbuf,
                             size_t errlen);

/* sequence(start, stop[, step]) of two date or two timestamp columns, as
   Spark's Sequence: step_kind 0 (step NULL) a day towards stop, 1 a
   day-time interval (INT64 microseconds), 2 a year-month one (INT32
   months); plus 4 where the timestamps are local date-times
   (timestamp_ntz), moved on UTC's calendar. A step of whole days (of dates) or of no days (of
   timestamps) steps as integers do; another moves start by i months and
   days on the calendar (the session time zone's, for timestamps) and i
   times the rest, while it does not pass stop. Spark's errors: a date's
   step of less than a day, a step away from stop ("Illegal sequence
   boundaries"), more than 2147483632 elements. NULL where an argument
   is. */
int tide_eval_temporal_sequence(tide_batch *out, const tide_column *start, const tide_column *stop,
                                const tide_column *step, int32_t step_kind, tide_column *dst,
                                char *errbuf, size_t errlen);

#endif
