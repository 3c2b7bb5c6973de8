/*
 * datetime_legacy_parse.h — Spark's legacy datetime parser, the one its
 * spark.sql.legacy.timeParserPolicy falls back to: java.text.
 * SimpleDateFormat in Locale.US, non-lenient (Spark's SIMPLE_DATE_FORMAT
 * for to_date, to_timestamp and unix_timestamp), read through
 * DateFormat.parse(String). Contract:
 *
 *   - the pattern is SimpleDateFormat's, whose letters differ from
 *     java.time's in places: 'S' is milliseconds as a number, 'u' the day
 *     number of the week (1 = Monday), 'z' and 'Z' both read a zone name
 *     or an RFC 822 offset, text month (MMM) and day (EEE) names match
 *     the long or the short form. Letters it has that tide does not (F w
 *     W Y, the week fields) are refused at compile time, with the letter;
 *     a letter SimpleDateFormat does not have is refused as Java does
 *     ("Illegal pattern character 'T'").
 *   - a text is read from its start and anything after the pattern is
 *     ignored; spaces and tabs before a field are skipped; a number
 *     takes as many digits as it finds (a '-' makes it negative), except
 *     that one followed directly by another number takes at most its
 *     letter count of characters ("yyyyMMdd").
 *   - fields are then checked as a non-lenient GregorianCalendar checks
 *     them: each in its range, and the instant they make must give them
 *     back (no 30th of February, no time in a daylight-saving gap, a day
 *     name that is the date's). Dates are proleptic Gregorian (Spark
 *     rebases the legacy hybrid calendar's dates to it: the same fields).
 *
 * Used only on values the java.time parser (eval_datetime_parse.c)
 * refused, or for every value under the policy LEGACY.
 */
#ifndef TIDE_DATETIME_LEGACY_PARSE_H
#define TIDE_DATETIME_LEGACY_PARSE_H

#include "ffi/datetime.h"

#include <stddef.h>
#include <stdint.h>

/* One text read by the legacy pattern: 0 with *micros, else -1. */
int tide_legacy_parse_one(const tide_legacy_pattern *p, const char *text, size_t len,
                          int64_t *micros);

#endif
