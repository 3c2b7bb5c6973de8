/* The datetime kernels of tide.eval (engine/eval_datetime.c,
   eval_datetime_pattern.c and eval_datetime_parse.c) and the time zones
   they work in (time_zone.c), as Spark 3.5 computes them in its session
   time zone (spark.sql.session.timeZone; UTC unless set). Part of the FFI
   declarations (see tide_ffi.h): plain C, no macros, so that LuaJIT's
   ffi.cdef reads it too. Kernels follow ffi/eval.h's contract: the result
   goes into dst (buffers in out's arena), 0 or -1 with a message in
   errbuf; a null input row gives a null result row. Types are checked and
   cast in Lua (tide.eval_datetime); kernels take the types they document.
   Timestamps are instants (microseconds since 1970-01-01 UTC) whatever
   the zone: only their local fields and texts depend on it. */
#ifndef TIDE_FFI_DATETIME_H
#define TIDE_FFI_DATETIME_H

#include "tide_ffi.h"

/* ---- time zones (time_zone.c) -------------------------------------------- */

typedef struct tide_zone tide_zone;

/* The zone an id names, as Spark's getZoneId reads it: an offset ("+02:00",
   "-8", "Z"), UTC, GMT or UT alone or with an offset ("UTC+1"), Java's
   short ids (EST, PST, ...), or a region id of the system's tzdb
   ("Europe/Paris", case as tzdb spells it). NULL when Java would refuse
   the id or the tzdb lacks the region. The zone lives as long as the
   process (never freed). Safe on any thread. */
const tide_zone *tide_time_zone_find(const char *id, size_t len);
/* Makes id (as tide_time_zone_find reads it) the session time zone, in
   which text without a zone is read and timestamps are shown and split
   into fields. Call it between queries, never while one runs. 0, or -1
   with errbuf naming an unknown id (the session zone is then unchanged). */
int tide_time_zone_set_session(const char *id, size_t len, char *errbuf, size_t errlen);
/* The offset from UTC, in seconds, in force in zone z (NULL: UTC) at the
   instant utc_seconds. */
int32_t tide_time_zone_offset(const tide_zone *z, int64_t utc_seconds);

/* ---- fields, epochs, truncation (eval_datetime.c) ------------------------ */

typedef enum tide_datetime_field {
    TIDE_DT_YEAR = 1,
    TIDE_DT_QUARTER = 2,
    TIDE_DT_MONTH = 3,
    TIDE_DT_DAY = 4,
    TIDE_DT_DAY_OF_WEEK = 5,
    TIDE_DT_WEEKDAY = 6,
    TIDE_DT_DAY_OF_YEAR = 7,
    TIDE_DT_WEEK_OF_YEAR = 8,
    TIDE_DT_HOUR = 9,
    TIDE_DT_MINUTE = 10,
    TIDE_DT_SECOND = 11,
    TIDE_DT_SECONDS = 12,        /* with the fraction: a decimal(8,6) */
    TIDE_DT_DAY_OF_WEEK_ISO = 13 /* 1 = Monday ... 7 = Sunday */
} tide_datetime_field;

/* A field of each row as an int column (SECONDS a decimal(8,6) one): of
   a timestamp column (of its local date-time in the session time zone),
   or (the date fields only, not HOUR ... SECONDS) of a date column. DAY_OF_WEEK is 1 = Sunday, WEEKDAY
   0 = Monday, WEEK_OF_YEAR the ISO 8601 week. */
int tide_eval_datetime_field(tide_batch *out, int32_t field, const tide_column *a, tide_column *dst,
                             char *errbuf, size_t errlen);

typedef enum tide_epoch_op {
    TIDE_EPOCH_FROM_SECONDS = 1,
    TIDE_EPOCH_FROM_MILLIS = 2,
    TIDE_EPOCH_FROM_MICROS = 3,
    TIDE_EPOCH_TO_SECONDS = 4,
    TIDE_EPOCH_TO_MILLIS = 5,
    TIDE_EPOCH_TO_MICROS = 6,
    TIDE_EPOCH_UNIX_TIMESTAMP = 7
} tide_epoch_op;

/* FROM_SECONDS (timestamp_seconds) of a bigint, double or decimal column,
   FROM_MILLIS and FROM_MICROS of a bigint column: a timestamp column.
   Overflow is an error, as Spark's multiplyExact raises it even in
   non-ANSI mode; so is a decimal with digits below the microsecond
   (longValueExact). A NaN or infinite double gives NULL, another double
   Java's (long)(d * 1e6). TO_SECONDS, TO_MILLIS (floor) and TO_MICROS of
   a timestamp column, and UNIX_TIMESTAMP (seconds truncated toward zero,
   as Spark's ToTimestamp divides): a bigint column. */
int tide_eval_epoch(tide_batch *out, int32_t op, const tide_column *a, tide_column *dst,
                    char *errbuf, size_t errlen);

typedef enum tide_trunc_level {
    TIDE_TRUNC_MICROSECOND = 1,
    TIDE_TRUNC_MILLISECOND = 2,
    TIDE_TRUNC_SECOND = 3,
    TIDE_TRUNC_MINUTE = 4,
    TIDE_TRUNC_HOUR = 5,
    TIDE_TRUNC_DAY = 6,
    TIDE_TRUNC_WEEK = 7,
    TIDE_TRUNC_MONTH = 8,
    TIDE_TRUNC_QUARTER = 9,
    TIDE_TRUNC_YEAR = 10
} tide_trunc_level;

/* date_trunc(level, a) of a timestamp column: the start of its unit (a
   week starts on Monday) in the session time zone, as java.time truncates
   a ZonedDateTime (an hour keeps its offset where an overlap repeats it;
   a week, month, quarter or year starts at its first day's first
   instant). */
int tide_eval_date_trunc(tide_batch *out, int32_t level, const tide_column *a, tide_column *dst,
                         char *errbuf, size_t errlen);

typedef enum tide_utc_shift { TIDE_FROM_UTC = 1, TIDE_TO_UTC = 2 } tide_utc_shift;

/* from_utc_timestamp (FROM_UTC) and to_utc_timestamp (TO_UTC) of a
   timestamp column, in the zone `zone` (a literal's) or, when zones is
   not NULL, in each row's zone of that string column (a null zone gives
   null). FROM_UTC shifts each instant by its offset there; TO_UTC reads
   its UTC date-time as a local time there (a gap moves it forward, an
   overlap takes the earlier offset). -1 with errbuf naming a row's zone
   that tide_time_zone_find refuses, as Spark fails on it. */
int tide_eval_utc_shift(tide_batch *out, int32_t op, const tide_column *a, const tide_column *zones,
                        const tide_zone *zone, tide_column *dst, char *errbuf, size_t errlen);

/* make_timestamp(year, month, day, hour, min, sec[, zone]): parts[0..4]
   int columns, parts[5] a decimal(p,6) column of seconds, all of one
   length; the local date-time in `zone` (NULL: the session time zone) as
   a timestamp column, NULL where the fields make none (Spark outside
   ANSI mode; a second of 60 without a fraction is the next minute). */
int tide_eval_make_timestamp(tide_batch *out, const tide_column *const *parts,
                             const tide_zone *zone, tide_column *dst, char *errbuf, size_t errlen);

/* ts + INTERVAL (Spark's timestampAddDayTime) of a timestamp column:
   `days` whole days on the session time zone's calendar
   (ZonedDateTime.plusDays: the local date-time moved by the days and
   resolved as ZonedDateTime.ofLocal with the row's own offset preferred,
   so that a time in an overlap keeps its side; a gap moves it forward),
   then `micros` of exact time. Spark splits an interval into days and
   the rest truncating toward zero (days = micros / 86400000000). -1 with
   errbuf on overflow, as Spark's exact arithmetic fails. */
int tide_eval_plus_interval(tide_batch *out, const tide_column *a, int64_t days, int64_t micros,
                            tide_column *dst, char *errbuf, size_t errlen);

/* ---- dates (eval_date.c) -------------------------------------------------- */

typedef enum tide_date_op {
    TIDE_DATE_PLUS_DAYS = 1,   /* date_add(date, int): a date */
    TIDE_DATE_MINUS_DAYS = 2,  /* date_sub(date, int): a date */
    TIDE_DATE_DIFF = 3,        /* datediff(date, date): an int */
    TIDE_DATE_PLUS_MONTHS = 4, /* add_months(date, int): a date */
    TIDE_DATE_NEXT_DAY = 5,    /* next_day(date, string): a date */
    TIDE_DATE_LAST_DAY = 6,    /* last_day(date): a date (b NULL) */
    TIDE_DATE_FROM_DAYS = 7,   /* date_from_unix_date(int): a date (b NULL) */
    TIDE_DATE_TO_DAYS = 8      /* unix_date(date): an int (b NULL) */
} tide_date_op;

/* One of the ops above over a (and b, of the same length). Days wrap as
   Java ints do; add_months keeps the day unless the month is shorter and
   fails beyond an int of days, as Java's toIntExact; next_day takes
   "MO", "MON" or "MONDAY" in any case, another text giving NULL. */
int tide_eval_date_op(tide_batch *out, int32_t op, const tide_column *a, const tide_column *b,
                      tide_column *dst, char *errbuf, size_t errlen);
/* trunc(date, unit) of a date column, level WEEK (from Monday), MONTH,
   QUARTER or YEAR: the first day of its unit. */
int tide_eval_date_trunc_days(tide_batch *out, int32_t level, const tide_column *a,
                              tide_column *dst, char *errbuf, size_t errlen);
/* make_date(year, month, day) of three int columns; NULL where they make
   no date (Spark outside ANSI mode). */
int tide_eval_make_date(tide_batch *out, const tide_column *year, const tide_column *month,
                        const tide_column *day, tide_column *dst, char *errbuf, size_t errlen);
/* months_between(a, b[, roundOff]) of two timestamp columns, as a double,
   in the session time zone (Spark's DateTimeUtils.monthsBetween). */
int tide_eval_months_between(tide_batch *out, const tide_column *a, const tide_column *b,
                             int32_t round_off, tide_column *dst, char *errbuf, size_t errlen);

/* ---- datetime patterns (eval_datetime_pattern.c) ------------------------- */

typedef struct tide_datetime_pattern tide_datetime_pattern;

/* A Spark datetime pattern ("yyyy-MM-dd HH:mm:ss.SSS", "dd MMM yyyy
   'at' h a") compiled once, for formatting (parsing = 0) or parsing (1;
   2: a local date-time, whose zone or offset is read and not applied, as
   Spark's to_timestamp_ntz reads one).
   Letters: y M d D H h k K m s S a E Q X x Z ('E' and 'Q' format only, as
   Spark refuses them for parsing); '...' quotes text, '' is a quote; any
   other character that is not a letter is literal. NULL with errbuf
   naming the letter tide or Spark does not take. */
tide_datetime_pattern *tide_datetime_pattern_compile(const char *pattern, size_t len,
                                                     int32_t parsing, char *errbuf, size_t errlen);
void tide_datetime_pattern_free(tide_datetime_pattern *p);

/* One timestamp as the pattern writes it (in the session time zone,
   offsets X x Z as Java prints them, English names); returns the length,
   or -1 when buf (len bytes) is too small. */
int tide_datetime_format_one(const tide_datetime_pattern *p, int64_t micros, char *buf, size_t len);
/* One text read by the pattern (Spark's strict, case-insensitive
   parsing: the whole text, fields missing default to 1970-01-01
   00:00:00, a local time in the session time zone unless the pattern
   reads an offset): 0 with *micros, or -1 when it does not match. */
int tide_datetime_parse_one(const tide_datetime_pattern *p, const char *text, size_t len,
                            int64_t *micros);

/* date_format: a timestamp column, or a bigint column of seconds since
   the epoch (from_unixtime), formatted by p into a string column. */
int tide_eval_date_format(tide_batch *out, const tide_column *a, const tide_datetime_pattern *p,
                          tide_column *dst, char *errbuf, size_t errlen);
/* ---- Spark's legacy parser (datetime_legacy_parse.c) ---------------------- */

typedef struct tide_legacy_pattern tide_legacy_pattern;

/* A java.text.SimpleDateFormat pattern compiled for the parser Spark
   falls back to (its letters: G y M L d D E u H k K h m s S a z Z X; 'S'
   is milliseconds). NULL with errbuf naming a letter it refuses. */
tide_legacy_pattern *tide_legacy_pattern_compile(const char *pattern, size_t len, char *errbuf,
                                                 size_t errlen);
void tide_legacy_pattern_free(tide_legacy_pattern *p);

/* spark.sql.legacy.timeParserPolicy: what a text the pattern does not
   match gives. EXCEPTION: NULL, or an error naming it when the legacy
   parser reads it; CORRECTED: NULL; LEGACY: the legacy parser alone. */
typedef enum tide_time_parser_policy {
    TIDE_PARSER_EXCEPTION = 0,
    TIDE_PARSER_CORRECTED = 1,
    TIDE_PARSER_LEGACY = 2
} tide_time_parser_policy;

/* to_timestamp (divisor 1: a timestamp column) and unix_timestamp
   (divisor 1000000: a bigint column of seconds, truncated toward zero) of
   a string column parsed by p, as `policy` says (p may be NULL under
   LEGACY, legacy NULL under CORRECTED or where the legacy parser refused
   the pattern); NULL where neither reads the text. */
int tide_eval_parse_timestamp(tide_batch *out, const tide_column *s, const tide_datetime_pattern *p,
                              const tide_legacy_pattern *legacy, int32_t policy, int64_t divisor,
                              tide_column *dst, char *errbuf, size_t errlen);

#endif
