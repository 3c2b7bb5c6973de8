-- The datetime pattern letters of Spark 3.5 beyond the numeric ones:
-- eras (G), stand-alone months and quarters (L, q), the aligned day of
-- week in month (F), zone ids, names and localized offsets (VV, z, O,
-- ZZZZ) and optional sections, in formatting and parsing, with the
-- counts Spark refuses. Expected values are Spark 3.5.3's own output
-- (java.time's English locale), in UTC and in America/New_York.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local TS = "TIMESTAMP'2024-03-05 07:08:09.123456'"

local in_zone = t.in_zone

local function expr(e) return t.rows(spark:range(1):selectExpr(e))[1] end
local function fmt(ts, pattern) return expr(("date_format(%s, '%s')"):format(ts, pattern)) end
local function parse(text, pattern) return expr(("to_timestamp('%s', '%s')"):format(text, pattern)) end

t.test("F, G, L, q: formatting", function()
  t.eq(fmt(TS, "F"), "5")
  t.eq(fmt("TIMESTAMP'1969-07-20 00:00:00'", "F"), "6")
  t.eq(fmt("TIMESTAMP'0999-12-31 00:00:00'", "F"), "3")
  t.eq(fmt(TS, "yyyy-MM-dd G"), "2024-03-05 AD")
  t.eq(fmt(TS, "GG GGG GGGG"), "AD AD Anno Domini")
  -- with an era, y is the year of era: year 0 is 1 BC, -5 is 6 BC
  t.eq(fmt("make_timestamp(-5, 3, 5, 1, 2, 3)", "y yy yyy yyyy G"), "6 06 006 0006 BC")
  t.eq(fmt("make_timestamp(0, 3, 5, 1, 2, 3)", "y yyyy G"), "1 0001 BC")
  t.eq(fmt("make_timestamp(-5, 3, 5, 1, 2, 3)", "y yyyy"), "-5 -0005")
  t.eq(fmt(TS, "M MM MMM MMMM L LL"), "3 03 Mar March 3 03")
  t.eq(fmt(TS, "LLL LLLL"), "Mar March")
  t.eq(fmt(TS, "Q QQ q qq"), "1 01 1 01")
  t.eq(fmt(TS, "QQQ QQQQ qqq qqqq"), "Q1 1st quarter Q1 1st quarter")
end)

t.test("zone letters in UTC", function()
  t.eq(fmt(TS, "z VV XXX xx Z O"), "UTC UTC Z +0000 +0000 GMT")
  t.eq(fmt(TS, "zz zzz zzzz OOOO ZZZZ"), "UTC UTC Coordinated Universal Time GMT GMT")
  t.eq(fmt("DATE'2024-03-05'", "yyyy-MM-dd z"), "2024-03-05 UTC")
end)

t.test("zone letters in America/New_York, standard and daylight time", function()
  in_zone("America/New_York", function()
    local p = "z zzzz O OOOO VV ZZZZ"
    t.eq(fmt("TIMESTAMP'2024-03-05 07:08:09'", p),
         "EST Eastern Standard Time GMT-5 GMT-05:00 America/New_York GMT-05:00")
    t.eq(fmt("TIMESTAMP'2024-07-05 07:08:09'", p),
         "EDT Eastern Daylight Time GMT-4 GMT-04:00 America/New_York GMT-04:00")
    -- a named zone is read in its own rules, text without one in the session's
    t.eq(parse("2024-03-05 10:11:12 PST", "yyyy-MM-dd HH:mm:ss z"), "2024-03-05 13:11:12")
    t.eq(parse("2024-03-05 10:11:12", "yyyy-MM-dd HH:mm:ss"), "2024-03-05 10:11:12")
  end)
end)

t.test("optional sections: written, and read when they match", function()
  t.eq(fmt(TS, "[yyyy]"), "2024")
  t.eq(fmt(TS, "yyyy[-MM[-dd]] HH"), "2024-03-05 07")
  t.eq(fmt(TS, "[yyyy"), "2024")
  t.eq(parse("2024-03-05", "yyyy[-MM[-dd]]"), "2024-03-05 00:00:00")
  t.eq(parse("2024-03", "yyyy[-MM[-dd]]"), "2024-03-01 00:00:00")
  t.eq(parse("2024", "yyyy[-MM[-dd]]"), "2024-01-01 00:00:00")
  t.eq(parse("2024-03-05 10:11", "yyyy-MM-dd HH:mm[:ss]"), "2024-03-05 10:11:00")
  t.eq(parse("2024-03-05 10:11:12", "yyyy-MM-dd HH:mm[:ss]"), "2024-03-05 10:11:12")
  t.eq(parse("2024-03-05 10:11:", "yyyy-MM-dd HH:mm[:ss]"), "null")
  -- a section that fails part way leaves nothing behind
  t.eq(parse("2024-03-05 10:11:12 +0100", "yyyy-MM-dd HH:mm:ss[ Z][ z]"), "2024-03-05 09:11:12")
  t.eq(parse("2024-03-05 10:11:12 PST", "yyyy-MM-dd HH:mm:ss[ Z][ z]"), "2024-03-05 18:11:12")
end)

t.test("parsing zone names, ids and localized offsets", function()
  local p = "yyyy-MM-dd HH:mm:ss z"
  t.eq(parse("2024-03-05 10:11:12 PST", p), "2024-03-05 18:11:12")
  t.eq(parse("2024-07-05 10:11:12 PDT", p), "2024-07-05 17:11:12")
  t.eq(parse("2024-07-05 10:11:12 PST", p), "2024-07-05 17:11:12") -- Los Angeles's rules
  t.eq(parse("2024-03-05 10:11:12 EST", p), "2024-03-05 15:11:12")
  t.eq(parse("2024-03-05 10:11:12 UTC", p), "2024-03-05 10:11:12")
  t.eq(parse("2024-03-05 10:11:12 CET", p), "2024-03-05 09:11:12")
  t.eq(parse("2024-03-05 10:11:12 GMT+01:00", p), "2024-03-05 09:11:12")
  t.eq(parse("2024-03-05 10:11:12 America/New_York", p), "2024-03-05 15:11:12")
  t.eq(parse("2024-03-05 10:11:12 Pacific Standard Time", "yyyy-MM-dd HH:mm:ss zzzz"),
       "2024-03-05 18:11:12")
  local v = "yyyy-MM-dd HH:mm:ss VV"
  t.eq(parse("2024-03-05 10:11:12 America/New_York", v), "2024-03-05 15:11:12")
  t.eq(parse("2024-03-05 10:11:12 Europe/Paris", v), "2024-03-05 09:11:12")
  t.eq(parse("2024-03-05 10:11:12 +02:00", v), "2024-03-05 08:11:12")
  t.eq(parse("2024-03-05 10:11:12 Z", v), "2024-03-05 10:11:12")
  t.eq(parse("2024-03-05 10:11:12 GMT-5", "yyyy-MM-dd HH:mm:ss O"), "2024-03-05 15:11:12")
  t.eq(parse("2024-03-05 10:11:12 GMT", "yyyy-MM-dd HH:mm:ss O"), "2024-03-05 10:11:12")
  t.eq(parse("2024-03-05 10:11:12 GMT+5:30", "yyyy-MM-dd HH:mm:ss O"), "2024-03-05 04:41:12")
  t.eq(parse("2024-03-05 10:11:12 GMT+05", "yyyy-MM-dd HH:mm:ss O"), "2024-03-05 05:11:12")
  t.eq(parse("2024-03-05 10:11:12 GMT+05:30", "yyyy-MM-dd HH:mm:ss OOOO"), "2024-03-05 04:41:12")
  t.eq(parse("2024-03-05 10:11:12 GMT-05:00", "yyyy-MM-dd HH:mm:ss ZZZZ"), "2024-03-05 15:11:12")
  t.eq(expr("unix_timestamp('2024-03-05 10:11:12 PST', 'yyyy-MM-dd HH:mm:ss z')"), "1709662272")
end)

t.test("parsing eras and stand-alone months", function()
  t.eq(parse("2024-03-05 AD", "yyyy-MM-dd G"), "2024-03-05 00:00:00")
  t.eq(parse("0005-03-05 BC", "yyyy-MM-dd G"), "-0004-03-05 00:00:00")
  t.eq(parse("2024-03-05 Anno Domini", "yyyy-MM-dd GGGG"), "2024-03-05 00:00:00")
  t.eq(parse("2024-03-05 ad", "yyyy-MM-dd G"), "2024-03-05 00:00:00")
  t.eq(parse("2024-03-05", "yyyy-MM-dd G"), "null")
  t.eq(expr("to_date('2024-03-05 BC', 'yyyy-MM-dd G')"), "-2023-03-05")
  t.eq(parse("2024-3-05", "yyyy-L-dd"), "2024-03-05 00:00:00")
  t.eq(parse("2024-Mar-05", "yyyy-LLL-dd"), "2024-03-05 00:00:00")
  t.eq(parse("2024-March-05", "yyyy-LLLL-dd"), "2024-03-05 00:00:00")
end)

t.test("counts and letters Spark refuses", function()
  local function refuses(pattern, message, parsing)
    local e = parsing and ("to_timestamp('x', '%s')"):format(pattern)
      or ("date_format(%s, '%s')"):format(TS, pattern)
    t.raises(function() expr(e) end, message)
  end
  refuses("GGGGG", "Too many pattern letters: G")
  refuses("LLLLL", "Too many pattern letters: L")
  refuses("qqqqq", "Too many pattern letters: q")
  refuses("FF", "Too many pattern letters: F")
  refuses("zzzzz", "Too many pattern letters: z")
  refuses("V", "Pattern letter count must be 2: V")
  refuses("VVV", "Pattern letter count must be 2: V")
  refuses("OO", "Pattern letter count must be 1 or 4: O")
  refuses("yyyy]", "contains %] without previous %[")
  refuses("yyyy#", "reserved character")
  refuses("yyyy-q", "Illegal pattern character: q", true)
  refuses("yyyy-F", "Illegal pattern character: F", true)
end)
t.run()
