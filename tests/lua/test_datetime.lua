-- tide.eval_datetime: Spark 3.5's datetime functions over timestamps in
-- UTC, the default session time zone (test_time_zone.lua has the
-- others): fields, epoch conversions, datetime patterns (date_format,
-- from_unixtime, to_timestamp, unix_timestamp) and date_trunc, with
-- Spark's values, result types and column names, from tide.functions and
-- from SQL strings. The values of Spark's documentation examples are its
-- PST results moved to UTC.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local cases = require("expression_cases")
local over, check, list = cases.over, cases.check, cases.list
local spark = tide.session()

-- A leap day (a Thursday), the last half second before the epoch (a
-- Wednesday: the day is the floor's, not the truncation's), a Sunday in
-- ISO week 53 of the year before, and NULL.
local TS = list("2024-02-29 13:45:07.123456", "1969-12-31 23:59:59.5", "2021-01-03 00:00:00", nil)

t.test("fields of a timestamp: ints, NULL in NULL out", function()
  check {
    { "timestamp", TS, F.year("v"), { "2024", "1969", "2021", "null" }, "int", "year(v)" },
    { "timestamp", TS, F.quarter("v"), { "1", "4", "1", "null" }, "int", "quarter(v)" },
    { "timestamp", TS, F.month("v"), { "2", "12", "1", "null" }, "int", "month(v)" },
    { "timestamp", TS, F.dayofmonth("v"), { "29", "31", "3", "null" }, "int", "dayofmonth(v)" },
    { "timestamp", TS, F.day("v"), { "29", "31", "3", "null" }, "int", "day(v)" },
    -- dayofweek: 1 = Sunday ... 7 = Saturday; weekday: 0 = Monday ... 6 = Sunday.
    { "timestamp", TS, F.dayofweek("v"), { "5", "4", "1", "null" }, "int", "dayofweek(v)" },
    { "timestamp", TS, F.weekday("v"), { "3", "2", "6", "null" }, "int", "weekday(v)" },
    { "timestamp", TS, F.dayofyear("v"), { "60", "365", "3", "null" }, "int", "dayofyear(v)" },
    { "timestamp", TS, F.weekofyear("v"), { "9", "1", "53", "null" }, "int", "weekofyear(v)" },
    { "timestamp", TS, F.hour("v"), { "13", "23", "0", "null" }, "int", "hour(v)" },
    { "timestamp", TS, F.minute("v"), { "45", "59", "0", "null" }, "int", "minute(v)" },
    { "timestamp", TS, F.second("v"), { "7", "59", "0", "null" }, "int", "second(v)" },
    -- ISO 8601 weeks at year ends: a week belongs to its Thursday's year.
    { "timestamp", list("2024-12-30", "2020-12-31", "2026-01-01", "2027-01-01"), "weekofyear(v)",
      { "1", "53", "1", "53" }, "int", "weekofyear(v)" },
    { "timestamp", list("2024-02-29 13:45:07"), "YEAR(v) * 100 + MONTH(v)", { "202402" }, "int",
      "((year(v) * 100) + month(v))" },
  }
end)

t.test("fields of a string: the date fields read a date, the time fields a timestamp", function()
  check {
    -- CAST(s AS date) takes the date before a space or 'T' and ignores the
    -- rest (zone included); a time alone or a bad date is NULL.
    { "string", list("2024-01-01T23:00:00-05:00", "2024-3-5 junk", "2024", "12:00:00", "2024-02-30", nil),
      F.dayofmonth("v"), { "1", "5", "1", "null", "null", "null" }, "int", "dayofmonth(v)" },
    { "string", list("2024-01-01T23:00:00-05:00", "+10000-01-01"), "year(v)", { "2024", "10000" }, "int", "year(v)" },
    -- hour takes a timestamp: 23:00 at -05:00 is 04:00 UTC.
    { "string", list("2024-01-01T23:00:00-05:00", "2024-01-02 junk"), F.hour("v"), { "4", "null" }, "int",
      "hour(v)" },
    { "timestamp", list(nil), "minute(NULL)", { "null" }, "int", "minute(NULL)" },
  }
end)

t.test("epoch conversions: timestamp_seconds/_millis/_micros and unix_seconds/_millis/_micros", function()
  check {
    -- Spark's examples: 1230219000 is 2008-12-25 07:30:00 in PST, 15:30 UTC.
    { "bigint", list(1230219000, -1, nil), F.timestamp_seconds("v"),
      { "2008-12-25 15:30:00", "1969-12-31 23:59:59", "null" }, "timestamp", "timestamp_seconds(v)" },
    { "int", list(0), F.timestamp_seconds("v"), { "1970-01-01 00:00:00" }, "timestamp", "timestamp_seconds(v)" },
    { "double", list(1.5, -0.25, 0 / 0, math.huge), F.timestamp_seconds("v"),
      { "1970-01-01 00:00:01.5", "1969-12-31 23:59:59.75", "null", "null" }, "timestamp", "timestamp_seconds(v)" },
    { "decimal(13,3)", list("1230219000.123"), F.timestamp_seconds("v"), { "2008-12-25 15:30:00.123" }, "timestamp",
      "timestamp_seconds(v)" },
    { "string", list("1.5", "x"), "timestamp_seconds(v)", { "1970-01-01 00:00:01.5", "null" }, "timestamp",
      "timestamp_seconds(v)" },
    { "bigint", list(1230219000123), F.timestamp_millis("v"), { "2008-12-25 15:30:00.123" }, "timestamp",
      "timestamp_millis(v)" },
    { "bigint", list(1230219000123123), "timestamp_micros(v)", { "2008-12-25 15:30:00.123123" }, "timestamp",
      "timestamp_micros(v)" },
    -- The ends of the type print as Spark prints them (the fraction of the
    -- smallest taken without overflowing).
    { "bigint", list(-9223372036854775807LL - 1, 9223372036854775807LL), F.timestamp_micros("v"),
      { "-290308-12-21 19:59:05.224192", "+294247-01-10 04:00:54.775807" }, "timestamp", "timestamp_micros(v)" },
    -- unix_seconds and unix_millis floor; unix_timestamp truncates toward
    -- zero (ToTimestamp's long division), so they differ before 1970.
    { "timestamp", TS, F.unix_seconds("v"), { "1709214307", "-1", "1609632000", "null" }, "bigint", "unix_seconds(v)" },
    { "timestamp", TS, F.unix_millis("v"), { "1709214307123", "-500", "1609632000000", "null" }, "bigint",
      "unix_millis(v)" },
    { "timestamp", TS, F.unix_micros("v"), { "1709214307123456", "-500000", "1609632000000000", "null" }, "bigint",
      "unix_micros(v)" },
    { "timestamp", TS, F.unix_timestamp("v"), { "1709214307", "0", "1609632000", "null" }, "bigint",
      "unix_timestamp(v, yyyy-MM-dd HH:mm:ss)" },
    { "string", list("1970-01-01 00:00:01Z"), "unix_seconds(v)", { "1" }, "bigint", "unix_seconds(v)" },
  }
  -- Spark's Math.multiplyExact and longValueExact raise even in non-ANSI mode.
  t.raises(function() over("bigint", list(9223372036854775807LL), F.timestamp_seconds("v")) end, "long overflow")
  t.raises(function() over("decimal(10,7)", list("1.0000001"), F.timestamp_seconds("v")) end,
    "Rounding necessary")
end)

t.test("date_format and from_unixtime: Spark's pattern letters, in English, UTC", function()
  check {
    { "timestamp", TS, F.date_format("v", "yyyy-MM-dd HH:mm:ss.SSS"),
      { "2024-02-29 13:45:07.123", "1969-12-31 23:59:59.500", "2021-01-03 00:00:00.000", "null" }, "string",
      "date_format(v, yyyy-MM-dd HH:mm:ss.SSS)" },
    -- Unpadded and padded numbers, 12- and 24-hour clocks (h 1-12, K 0-11,
    -- k 1-24), fractions truncated to the letters (9 pad with zeros).
    { "timestamp", list("2021-01-03 00:05:09.123456", "2024-02-29 13:45:07"),
      F.date_format("v", "y yy yyy yyyy yyyyy M MM d dd D DD DDD H HH h hh K k a m mm s ss S SSSSSS SSSSSSSSS"),
      { "2021 21 2021 2021 02021 1 01 3 03 3 03 003 0 00 12 12 0 24 AM 5 05 9 09 1 123456 123456000",
        "2024 24 2024 2024 02024 2 02 29 29 60 60 060 13 13 1 01 1 13 PM 45 45 7 07 0 000000 000000000" },
      "string", "date_format(v, y yy yyy yyyy yyyyy M MM d dd D DD DDD H HH h hh K k a m mm s ss S SSSSSS SSSSSSSSS)" },
    { "timestamp", list("2024-02-29 13:45:07", "2021-10-03 00:00:00"),
      "date_format(v, 'EEE EEEE MMM MMMM Q QQ QQQ QQQQ')",
      { "Thu Thursday Feb February 1 01 Q1 1st quarter", "Sun Sunday Oct October 4 04 Q4 4th quarter" }, "string",
      "date_format(v, EEE EEEE MMM MMMM Q QQ QQQ QQQQ)" },
    -- Quoted text, '' for a quote, offsets of UTC in each style.
    { "timestamp", list("2024-02-29 13:45:07"), F.date_format("v", "'Day' D', it''s' h 'o''clock' X XXX xx Z ZZZZZ"),
      { "Day 60, it's 1 o'clock Z Z +0000 +0000 Z" }, "string",
      "date_format(v, 'Day' D', it''s' h 'o''clock' X XXX xx Z ZZZZZ)" },
    -- Years as Spark's 'y' (Java's 'u') prints them: a sign beyond the padding.
    { "timestamp", list("+10000-01-01", "-0001-06-01", "0000-01-01"), F.date_format("v", "yyyy|y|yy"),
      { "+10000|10000|00", "-0001|-1|01", "0000|0|00" }, "string", "date_format(v, yyyy|y|yy)" },
    { "string", list("2016-04-08", "x"), "date_format(v, 'y')", { "2016", "null" }, "string", "date_format(v, y)" },
    { "timestamp", list("2016-04-08"), "date_format(v, NULL)", { "null" }, "string", "date_format(v, NULL)" },
    { "bigint", list(0, 1700000000, -1, nil), F.from_unixtime("v"),
      { "1970-01-01 00:00:00", "2023-11-14 22:13:20", "1969-12-31 23:59:59", "null" }, "string",
      "from_unixtime(v, yyyy-MM-dd HH:mm:ss)" },
    { "bigint", list(0), "from_unixtime(v)", { "1970-01-01 00:00:00" }, "string",
      "from_unixtime(v, yyyy-MM-dd HH:mm:ss)" },
    { "double", list(1.9), F.from_unixtime("v", "HH:mm:ss"), { "00:00:01" }, "string", "from_unixtime(v, HH:mm:ss)" },
    { "string", list("60"), "from_unixtime(v, 'mm')", { "01" }, "string", "from_unixtime(v, mm)" },
  }
end)

t.test("to_timestamp and unix_timestamp with a pattern: strict, case-insensitive, NULL when no match", function()
  -- (the policy CORRECTED: under Spark's default, EXCEPTION, some of these
  -- texts fail the query instead; test_time_parser_policy.lua has that)
  spark.conf:set("spark.sql.legacy.timeParserPolicy", "CORRECTED")
  check {
    -- Spark's examples, in UTC.
    { "string", list("2016-12-31", "2016-12-31 ", "2016-12-32", "16-12-31", nil), F.to_timestamp("v", "yyyy-MM-dd"),
      { "2016-12-31 00:00:00", "null", "null", "null", "null" }, "timestamp", "to_timestamp(v, yyyy-MM-dd)" },
    { "string", list("2016-04-08"), F.unix_timestamp("v", "yyyy-MM-dd"), { "1460073600" }, "bigint",
      "unix_timestamp(v, yyyy-MM-dd)" },
    -- The default pattern, yyyy-MM-dd HH:mm:ss: MM and dd want 2 digits.
    { "string", list("2024-01-02 03:04:05", "2024-1-2 03:04:05", "2024-01-02"), "unix_timestamp(v)",
      { "1704164645", "null", "null" }, "bigint", "unix_timestamp(v, yyyy-MM-dd HH:mm:ss)" },
    -- M and d take 1 or 2 digits, MMM a month's short name in any case, h a 12-hour clock.
    { "string", list("3/1/2024 1:05 PM", "03/01/2024 12:05 am", "3/1/2024 13:05 PM"),
      F.to_timestamp("v", "M/d/yyyy h:mm a"), { "2024-03-01 13:05:00", "2024-03-01 00:05:00", "null" }, "timestamp",
      "to_timestamp(v, M/d/yyyy h:mm a)" },
    { "string", list("31 dec 2016", "31 DECEMBER 2016", "1 Sept 2016"), F.to_timestamp("v", "d MMM yyyy"),
      { "2016-12-31 00:00:00", "null", "null" }, "timestamp", "to_timestamp(v, d MMM yyyy)" },
    { "string", list("31 december 2016"), F.to_timestamp("v", "d MMMM yyyy"), { "2016-12-31 00:00:00" },
      "timestamp", "to_timestamp(v, d MMMM yyyy)" },
    -- A run of S reads 1 to that many digits, no more.
    { "string", list("2024-01-02 03:04:05.1", "2024-01-02 03:04:05.123", "2024-01-02 03:04:05.1234",
      "2024-01-02 03:04:05"), F.to_timestamp("v", "yyyy-MM-dd HH:mm:ss.SSS"),
      { "2024-01-02 03:04:05.1", "2024-01-02 03:04:05.123", "null", "null" }, "timestamp",
      "to_timestamp(v, yyyy-MM-dd HH:mm:ss.SSS)" },
    -- Numbers side by side: the variable-width year leaves the fixed-width
    -- fields their digits.
    { "string", list("20240102", "202401021", "2024010203"), F.to_timestamp("v", "yyyyMMdd"),
      { "2024-01-02 00:00:00", "null", "null" }, "timestamp", "to_timestamp(v, yyyyMMdd)" },
    { "string", list("20240102030405"), F.to_timestamp("v", "yyyyMMddHHmmss"),
      { "2024-01-02 03:04:05" }, "timestamp", "to_timestamp(v, yyyyMMddHHmmss)" },
    -- Missing fields default to 1970-01-01 00:00:00; PM alone is noon.
    { "string", list("12:30"), F.to_timestamp("v", "HH:mm"), { "1970-01-01 12:30:00" }, "timestamp",
      "to_timestamp(v, HH:mm)" },
    { "string", list("2024-03", "PM"), "to_timestamp(v, 'yyyy-MM')", { "2024-03-01 00:00:00", "null" },
      "timestamp", "to_timestamp(v, yyyy-MM)" },
    { "string", list("pm"), "to_timestamp(v, 'a')", { "1970-01-01 12:00:00" }, "timestamp", "to_timestamp(v, a)" },
    -- Invalid dates and times are NULL, not rolled over.
    { "string", list("2023-02-29", "2024-02-29", "2024-13-01"), F.to_timestamp("v", "yyyy-MM-dd"),
      { "null", "2024-02-29 00:00:00", "null" }, "timestamp", "to_timestamp(v, yyyy-MM-dd)" },
    { "string", list("2024-01-01 24:00", "2024-01-01 23:60"), F.to_timestamp("v", "yyyy-MM-dd HH:mm"),
      { "null", "null" }, "timestamp", "to_timestamp(v, yyyy-MM-dd HH:mm)" },
    { "string", list("2024 060", "2023 366"), F.to_timestamp("v", "yyyy DDD"), { "2024-02-29 00:00:00", "null" },
      "timestamp", "to_timestamp(v, yyyy DDD)" },
    -- yyyy takes four digits, more only after a '+' (Java's EXCEEDS_PAD).
    { "string", list("+12345-01-01", "12345-01-01", "-0044-03-15", "0000-01-01"), F.to_timestamp("v", "yyyy-MM-dd"),
      { "+12345-01-01 00:00:00", "null", "-0044-03-15 00:00:00", "0000-01-01 00:00:00" }, "timestamp",
      "to_timestamp(v, yyyy-MM-dd)" },
    -- Fields given twice must agree: H with h and a, D with M and d.
    { "string", list("13 1 PM", "13 1 AM", "01 1 AM"), F.to_timestamp("v", "HH h a"),
      { "1970-01-01 13:00:00", "null", "1970-01-01 01:00:00" }, "timestamp", "to_timestamp(v, HH h a)" },
    { "string", list("2024-060-02-29", "2024-061-02-29"), F.to_timestamp("v", "yyyy-DDD-MM-dd"),
      { "2024-02-29 00:00:00", "null" }, "timestamp", "to_timestamp(v, yyyy-DDD-MM-dd)" },
    -- yy is 2000-2099; quoted text matches case-insensitively.
    { "string", list("99-01-02T10:00", "99-01-02t10:00"), F.to_timestamp("v", "yy-MM-dd'T'HH:mm"),
      { "2099-01-02 10:00:00", "2099-01-02 10:00:00" }, "timestamp", "to_timestamp(v, yy-MM-dd'T'HH:mm)" },
    -- Offsets move the instant to UTC.
    { "string", list("2024-01-02T03:04:05+01:00", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05-05:30",
      "2024-01-02T03:04:05+0100"), F.to_timestamp("v", "yyyy-MM-dd'T'HH:mm:ssXXX"),
      { "2024-01-02 02:04:05", "2024-01-02 03:04:05", "2024-01-02 08:34:05", "null" }, "timestamp",
      "to_timestamp(v, yyyy-MM-dd'T'HH:mm:ssXXX)" },
    { "string", list("2024-01-02 03:04:05 +0530", "2024-01-02 03:04:05 +00"),
      F.to_timestamp("v", "yyyy-MM-dd HH:mm:ss Z"),
      { "2024-01-01 21:34:05", "null" }, "timestamp", "to_timestamp(v, yyyy-MM-dd HH:mm:ss Z)" },
    -- A timestamp is itself (the pattern is not used); a number is its text.
    { "timestamp", list("2024-01-02 03:04:05.5"), F.to_timestamp("v", "yyyy"), { "2024-01-02 03:04:05.5" },
      "timestamp", "to_timestamp(v, yyyy)" },
    { "int", list(2024), F.to_timestamp("v", "yyyy"), { "2024-01-01 00:00:00" }, "timestamp", "to_timestamp(v, yyyy)" },
    { "string", list("2024"), "to_timestamp(v, NULL)", { "null" }, "timestamp", "to_timestamp(v, NULL)" },
    -- One argument stays CAST(x AS timestamp).
    { "string", list("2024-01-02 03:04:05", "bogus", nil), F.to_timestamp("v"),
      { "2024-01-02 03:04:05", "null", "null" }, "timestamp", "to_timestamp(v)" },
  }
  spark.conf:unset("spark.sql.legacy.timeParserPolicy")
end)

t.test("unix_timestamp() is now, named as Spark names it", function()
  local before = os.time()
  local texts, typ, name = over("int", list(1, 2), F.unix_timestamp())
  local after = os.time()
  t.eq(typ, "bigint")
  t.eq(name, "unix_timestamp(current_timestamp(), yyyy-MM-dd HH:mm:ss)")
  t.eq(texts[1], texts[2], "one value per batch")
  t.ok(tonumber(texts[1]) >= before - 1 and tonumber(texts[1]) <= after + 1, "now: " .. texts[1])
  local _, _, sql_name = over("int", list(1), "unix_timestamp()")
  t.eq(sql_name, "unix_timestamp(current_timestamp(), yyyy-MM-dd HH:mm:ss)")
end)

t.test("date_trunc(unit, ts): the start of the unit, an unknown unit NULL", function()
  local v = list("2015-03-05T09:32:05.359123", "1969-12-31 23:59:59.5", nil)
  check {
    -- Spark's examples.
    { "timestamp", v, F.date_trunc("YEAR", "v"), { "2015-01-01 00:00:00", "1969-01-01 00:00:00", "null" },
      "timestamp", "date_trunc(YEAR, v)" },
    { "timestamp", v, "date_trunc('MM', v)", { "2015-03-01 00:00:00", "1969-12-01 00:00:00", "null" },
      "timestamp", "date_trunc(MM, v)" },
    { "timestamp", v, "date_trunc('DD', v)", { "2015-03-05 00:00:00", "1969-12-31 00:00:00", "null" },
      "timestamp", "date_trunc(DD, v)" },
    { "timestamp", v, "date_trunc('HOUR', v)", { "2015-03-05 09:00:00", "1969-12-31 23:00:00", "null" },
      "timestamp", "date_trunc(HOUR, v)" },
    { "timestamp", v, "date_trunc('MILLISECOND', v)", { "2015-03-05 09:32:05.359", "1969-12-31 23:59:59.5", "null" },
      "timestamp", "date_trunc(MILLISECOND, v)" },
    { "timestamp", v, F.date_trunc("second", "v"), { "2015-03-05 09:32:05", "1969-12-31 23:59:59", "null" },
      "timestamp", "date_trunc(second, v)" },
    { "timestamp", v, F.date_trunc("minute", "v"), { "2015-03-05 09:32:00", "1969-12-31 23:59:00", "null" },
      "timestamp", "date_trunc(minute, v)" },
    -- Weeks start on Monday (2015-03-05 was a Thursday); quarters in Jan, Apr, Jul, Oct.
    { "timestamp", v, F.date_trunc("week", "v"), { "2015-03-02 00:00:00", "1969-12-29 00:00:00", "null" },
      "timestamp", "date_trunc(week, v)" },
    { "timestamp", v, F.date_trunc("quarter", "v"), { "2015-01-01 00:00:00", "1969-10-01 00:00:00", "null" },
      "timestamp", "date_trunc(quarter, v)" },
    { "timestamp", v, "date_trunc('yy', v)", { "2015-01-01 00:00:00", "1969-01-01 00:00:00", "null" },
      "timestamp", "date_trunc(yy, v)" },
    { "timestamp", v, "date_trunc('microsecond', v)", { "2015-03-05 09:32:05.359123", "1969-12-31 23:59:59.5", "null" },
      "timestamp", "date_trunc(microsecond, v)" },
    { "timestamp", v, "date_trunc('decade', v)", { "null", "null", "null" }, "timestamp", "date_trunc(decade, v)" },
    { "string", list("2015-03-05T09:32:05"), "date_trunc('mon', v)", { "2015-03-01 00:00:00" }, "timestamp",
      "date_trunc(mon, v)" },
  }
end)

t.test("datetime functions over a DataFrame, through select, selectExpr and filter", function()
  local df = spark:createDataFrame({ { "2024-02-29 13:45:07", "29/02/2024" }, { "2023-12-31 23:59:59", "bad" } },
    "ts timestamp, s string")
  local out = df:select(F.year("ts"), F.date_format("ts", "MMM d, yyyy"), F.to_timestamp("s", "dd/MM/yyyy"))
  t.eq(table.concat(out.columns, ","), "year(ts),date_format(ts, MMM d, yyyy),to_timestamp(s, dd/MM/yyyy)")
  local rows = out:collect()
  t.eq(rows[1]["year(ts)"], 2024)
  t.eq(rows[1]["date_format(ts, MMM d, yyyy)"], "Feb 29, 2024")
  t.eq(rows[2]["date_format(ts, MMM d, yyyy)"], "Dec 31, 2023")
  t.eq(df:select(F.unix_seconds(F.to_timestamp("s", "dd/MM/yyyy")):alias("u")):collect()[1].u, 1709164800)
  t.eq(rows[2]["to_timestamp(s, dd/MM/yyyy)"], nil)
  local kept = df:filter("hour(ts) >= 20"):selectExpr("weekofyear(ts) AS w", "unix_timestamp(ts) u"):collect()
  t.eq(#kept, 1)
  t.eq(kept[1].w, 52)
  t.eq(kept[1].u, 1704067199)
end)

t.test("patterns are literals compiled with the plan: unsupported letters fail naming them", function()
  local df = spark:createDataFrame({ { "2024-02-29 13:45:07", "x" } }, "ts timestamp, s string")
  -- Spark 3's own refusals.
  t.raises(function() df:select(F.date_format("ts", "YYYY-ww")) end,
    "All week%-based patterns are unsupported since Spark 3.0, detected: Y")
  t.raises(function() df:select(F.to_timestamp("s", "EEE yyyy")) end, "Illegal pattern character: E")
  t.raises(function() df:select(F.date_format("ts", "MMMMM")) end, "Too many pattern letters: M")
  t.raises(function() df:select(F.date_format("ts", "yyyyyyy")) end, "Too many pattern letters: y")
  t.raises(function() df:select(F.date_format("ts", "ddd")) end, "Too many pattern letters: d")
  t.raises(function() df:select(F.date_format("ts", "A")) end, "Illegal pattern character: A")
  t.raises(function() df:select(F.date_format("ts", "yyyy 'at")) end, "incomplete string literal")
  -- What tide does not have.
  t.raises(function() df:select(F.date_format("ts", "HH:mm v")) end,
    "date_format%(ts, HH:mm v%): the pattern 'HH:mm v': the pattern letter 'v' is not supported by tide")
  t.raises(function() df:select(F.date_format("ts", "yyyy#")) end, "reserved character")
  t.raises(function() df:selectExpr("date_format(ts, s)") end, "the pattern of date_format must be a literal string")
  t.raises(function() df:selectExpr("date_trunc(s, ts)") end, "the unit of date_trunc must be a literal string")
  -- Wrong types fail when the query is built.
  t.raises(function() df:selectExpr("year(1)") end,
    "cannot resolve 'year%(1%)' due to data type mismatch: year needs a date, not int")
  t.raises(function() df:selectExpr("hour(true)") end, "hour needs a timestamp, not boolean")
  t.raises(function() df:selectExpr("timestamp_millis(1.5)") end,
    "timestamp_millis needs an integer, not decimal%(2,1%)")
  t.raises(function() df:selectExpr("from_unixtime(ts)") end, "from_unixtime needs a bigint, not timestamp")
  t.raises(function() df:selectExpr("date_format(ts)") end, "date_format takes 2 arguments, not 1")
  t.raises(function() df:selectExpr("unix_timestamp(ts, 'y', 1)") end, "unix_timestamp takes 0 to 2 arguments")
  -- The builders check what Lua can.
  t.raises(function() F.date_trunc(F.col("ts"), "month") end, "date_trunc%(format, timestamp%) takes the unit first")
  t.raises(function() F.date_format("ts") end, "date_format's format must be a datetime pattern string")
  t.raises(function() F.year() end, "year%(%) needs a column")
end)

t.run()
