-- spark.sql.legacy.timeParserPolicy: what to_date, to_timestamp,
-- unix_timestamp, to_unix_timestamp and try_to_timestamp with a pattern
-- give for a text the pattern does not match. EXCEPTION (Spark 3.5's
-- default) fails the query when Spark's legacy parser (SimpleDateFormat,
-- non-lenient) reads the text, else gives NULL; CORRECTED gives NULL;
-- LEGACY reads every text with the legacy parser. Expected values are
-- Spark 3.5.3's own output, session time zone UTC unless said.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local KEY = "spark.sql.legacy.timeParserPolicy"
local ERR = {} -- Spark's INCONSISTENT_BEHAVIOR_CROSS_VERSION error

-- The value of a SQL expression as CAST to STRING writes it ("null").
local function value(e) return t.rows(spark:sql(("SELECT CAST((%s) AS STRING)"):format(e)))[1] end

local function under(policy, fn)
  spark.conf:set(KEY, policy)
  local ok, err = pcall(fn)
  spark.conf:unset(KEY)
  if not ok then error(err, 0) end
end

-- Each case: an expression, the text it reads, then what it gives under
-- EXCEPTION, CORRECTED and LEGACY.
local function check(cases)
  for _, c in ipairs(cases) do
    local e, text = c[1], c[2]
    for k, policy in ipairs({ "EXCEPTION", "CORRECTED", "LEGACY" }) do
      under(policy, function()
        local want = c[k + 2]
        if want == ERR then
          local err = t.raises(function() value(e) end,
            "INCONSISTENT_BEHAVIOR_CROSS_VERSION%.PARSE_DATETIME_BY_NEW_PARSER")
          t.ok(err:find(("Fail to parse '%s' in the new parser"):format(text), 1, true), err)
        else
          t.eq(value(e), want, policy .. ": " .. e)
        end
      end)
    end
  end
end

t.test("the setting: EXCEPTION unless set, its three values in any case, others refused", function()
  t.eq(spark.conf:get(KEY), "EXCEPTION")
  t.eq(t.rows(spark:sql("SET " .. KEY))[1], KEY .. "|EXCEPTION")
  spark.conf:set(KEY, "corrected")
  t.eq(value("to_date('2024-3-5', 'yyyy-MM-dd')"), "null")
  spark.conf:set(KEY, "Legacy")
  t.eq(value("to_date('2024-3-5', 'yyyy-MM-dd')"), "2024-03-05")
  spark.conf:unset(KEY)
  t.raises(function() spark.conf:set(KEY, "bogus") end, "EXCEPTION, CORRECTED or LEGACY")
  t.eq(spark.conf:get(KEY), "EXCEPTION")
end)

t.test("leading spaces, trailing text and single-digit fields", function()
  check {
    { "to_date('2024-3-5', 'yyyy-MM-dd')", "2024-3-5", ERR, "null", "2024-03-05" },
    { "to_date(' 2024-03-05', 'yyyy-MM-dd')", " 2024-03-05", ERR, "null", "2024-03-05" },
    { "to_date('2024- 3-05', 'yyyy-MM-dd')", "2024- 3-05", ERR, "null", "2024-03-05" },
    { "to_date('2024-03-05 extra', 'yyyy-MM-dd')", "2024-03-05 extra", ERR, "null", "2024-03-05" },
    { "to_date('2024-03-05T10:00:00', 'yyyy-MM-dd')", "2024-03-05T10:00:00", ERR, "null", "2024-03-05" },
    { "to_date('5.3.2024', 'dd.MM.yyyy')", "5.3.2024", ERR, "null", "2024-03-05" },
    { "to_timestamp('2024-03-05 7:08:09', 'yyyy-MM-dd HH:mm:ss')", "2024-03-05 7:08:09", ERR, "null",
      "2024-03-05 07:08:09" },
    -- numbers side by side keep to their letter count in the legacy parser
    { "to_date('2024035', 'yyyyMMdd')", "2024035", ERR, "null", "2024-03-05" },
    -- a year of fewer digits is that year; two 'y' take more digits literally
    { "to_date('24-03-05', 'yyyy-MM-dd')", "24-03-05", ERR, "null", "0024-03-05" },
    { "to_date('1924-03-05', 'yy-MM-dd')", "1924-03-05", ERR, "null", "1924-03-05" },
    -- what the new parser reads it keeps (its yy is 2000-2099; the legacy one's within 80 years back)
    { "to_date('99-03-05', 'yy-MM-dd')", "99-03-05", "2099-03-05", "2099-03-05", "1999-03-05" },
    { "to_date('2024-03-05', 'yyyy-MM-dd')", "2024-03-05", "2024-03-05", "2024-03-05", "2024-03-05" },
    -- a tab is no literal space; a space before a text field is not skipped
    { "to_timestamp('2024-03-05\t1:00:00', 'yyyy-MM-dd HH:mm:ss')", "", "null", "null", "null" },
    { "to_timestamp('05  Mar 2024', 'dd MMM yyyy')", "", "null", "null", "null" },
  }
end)

t.test("out-of-range fields: the legacy parser is not lenient, nothing rolls over", function()
  check {
    { "to_date('2024-02-30', 'yyyy-MM-dd')", "", "null", "null", "null" },
    { "to_date('2024-13-01', 'yyyy-MM-dd')", "", "null", "null", "null" },
    { "to_date('2024-03-00', 'yyyy-MM-dd')", "", "null", "null", "null" },
    { "to_date('2024--3-05', 'yyyy-MM-dd')", "", "null", "null", "null" },
    { "to_timestamp('2024-03-05 25:00:00', 'yyyy-MM-dd HH:mm:ss')", "", "null", "null", "null" },
    { "to_timestamp('2024-03-05 10:61:00', 'yyyy-MM-dd HH:mm:ss')", "", "null", "null", "null" },
    { "to_date('2023-366', 'yyyy-DDD')", "", "null", "null", "null" },
    { "to_date('0-03-05', 'yyyy-MM-dd')", "", "null", "null", "null" },
    -- S is milliseconds: 1234 of them is out of range
    { "to_timestamp('2024-03-05 10:00:00.1234', 'yyyy-MM-dd HH:mm:ss.SSS')", "", "null", "null", "null" },
  }
end)

t.test("text months, day names, 12-hour clock with am/pm", function()
  check {
    { "to_timestamp('5 March 2024', 'd MMM yyyy')", "5 March 2024", ERR, "null", "2024-03-05 00:00:00" },
    { "to_timestamp('Mar 5, 2024', 'MMMM d, yyyy')", "Mar 5, 2024", ERR, "null", "2024-03-05 00:00:00" },
    { "to_date('MARCH 5 2024', 'MMM d yyyy')", "MARCH 5 2024", ERR, "null", "2024-03-05" },
    { "to_timestamp('05 Mar 2024', 'dd MMM yyyy')", "", "2024-03-05 00:00:00", "2024-03-05 00:00:00",
      "2024-03-05 00:00:00" },
    { "to_date('2024-Sept-05', 'yyyy-MMM-dd')", "", "null", "null", "null" },
    { "to_timestamp('2024-03-05 07:08:09 pm', 'yyyy-MM-dd hh:mm:ss a')", "", "2024-03-05 19:08:09",
      "2024-03-05 19:08:09", "2024-03-05 19:08:09" },
    { "to_timestamp('3/5/2024 7:08:09 PM', 'MM/dd/yyyy h:mm:ss a')", "3/5/2024 7:08:09 PM", ERR, "null",
      "2024-03-05 19:08:09" },
    { "to_timestamp('2024-03-05 0:30', 'yyyy-MM-dd KK:mm')", "2024-03-05 0:30", ERR, "null", "2024-03-05 00:30:00" },
    { "to_timestamp('2024-03-05 12:30 AM', 'yyyy-MM-dd h:mm a')", "", "2024-03-05 00:30:00", "2024-03-05 00:30:00",
      "2024-03-05 00:30:00" },
    { "to_timestamp('2024-03-05 13:08 PM', 'yyyy-MM-dd hh:mm a')", "", "null", "null", "null" },
    { "to_timestamp('2024-03-05 0:30 AM', 'yyyy-MM-dd h:mm a')", "", "null", "null", "null" },
    -- H and a must agree
    { "to_timestamp('2024-03-05 10:00 PM', 'yyyy-MM-dd HH:mm a')", "", "null", "null", "null" },
    { "to_timestamp('12/25/2024 11:30:00 XM', 'MM/dd/yyyy hh:mm:ss a')", "", "null", "null", "null" },
  }
  -- Spark refuses E and u for parsing unless LEGACY, where they are SimpleDateFormat's
  under("LEGACY", function()
    t.eq(value("to_date('Tue 2024-03-05', 'EEE yyyy-MM-dd')"), "2024-03-05")
    t.eq(value("to_date('Tuesday 2024-03-05', 'EEE yyyy-MM-dd')"), "2024-03-05")
    t.eq(value("to_date('Mon 2024-03-05', 'EEE yyyy-MM-dd')"), "null")
    t.eq(value("to_date('Tue 2024-03', 'EEE yyyy-MM')"), "2024-03-05")
    t.eq(value("to_date('2024-03-05 2', 'yyyy-MM-dd u')"), "2024-03-05")
    t.eq(value("to_date('2024-03-05 3', 'yyyy-MM-dd u')"), "null")
    t.eq(value("to_date('2024-60', 'yyyy-D')"), "2024-02-29")
    t.eq(value("to_date('0044-03-15 BC', 'yyyy-MM-dd G')"), "0044-03-15")
  end)
end)

t.test("fractions and offsets: SimpleDateFormat's S, z, Z and X", function()
  check {
    { "to_timestamp('2024-03-05 10:00:00.5', 'yyyy-MM-dd HH:mm:ss.SSS')", "", "2024-03-05 10:00:00.5",
      "2024-03-05 10:00:00.5", "2024-03-05 10:00:00.005" },
    { "to_timestamp('2024-03-05 10:00:00.0999', 'yyyy-MM-dd HH:mm:ss.SSS')", "2024-03-05 10:00:00.0999", ERR, "null",
      "2024-03-05 10:00:00.999" },
    { "to_timestamp('2024-03-05T10:00:00 +01:00', \"yyyy-MM-dd'T'HH:mm:ss X\")", "2024-03-05T10:00:00 +01:00", ERR,
      "null", "2024-03-05 09:00:00" },
    { "to_timestamp('2024-03-05 10:00:00 GMT+1:30', 'yyyy-MM-dd HH:mm:ss z')", "2024-03-05 10:00:00 GMT+1:30", ERR,
      "null", "2024-03-05 08:30:00" },
    { "to_timestamp('2024-03-05 10:00:00 +0130', 'yyyy-MM-dd HH:mm:ss z')", "2024-03-05 10:00:00 +0130", ERR,
      "null", "2024-03-05 08:30:00" },
    { "to_timestamp('2024-03-05 10:00:00 UTC', 'yyyy-MM-dd HH:mm:ss Z')", "2024-03-05 10:00:00 UTC", ERR,
      "null", "2024-03-05 10:00:00" },
    { "to_timestamp('2024-03-05 10:00:00 -08:00', 'yyyy-MM-dd HH:mm:ss z')", "", "2024-03-05 18:00:00",
      "2024-03-05 18:00:00", "null" },
    -- a daylight-saving name is its summer offset to the legacy parser
    { "to_timestamp('2024-03-05 10:00:00 PDT', 'yyyy-MM-dd HH:mm:ss z')", "", "2024-03-05 18:00:00",
      "2024-03-05 18:00:00", "2024-03-05 17:00:00" },
    { "to_timestamp('2024-03-05 10:00:00 +2400', 'yyyy-MM-dd HH:mm:ss Z')", "", "null", "null", "null" },
    { "to_timestamp('2024-03-05T10:00:00+01:00', \"yyyy-MM-dd'T'HH:mm:ssZ\")", "", "null", "null", "null" },
  }
end)

t.test("texts neither parser reads are NULL under every policy", function()
  check {
    { "to_timestamp('abc', 'yyyy-MM-dd')", "", "null", "null", "null" },
    { "to_timestamp('', 'yyyy-MM-dd')", "", "null", "null", "null" },
    { "to_timestamp('2024/03/05', 'yyyy-MM-dd')", "", "null", "null", "null" },
    { "to_timestamp('2024-03-05 10:00', 'yyyy-MM-dd HH:mm:ss')", "", "null", "null", "null" },
    { "to_date('+2024-03-05', 'yyyy-MM-dd')", "", "null", "null", "null" },
    { "to_date('2024-03-05', 'yyyy-MMM-dd')", "", "null", "null", "null" },
    { "try_to_timestamp('abc', 'yyyy-MM-dd')", "", "null", "null", "null" },
  }
end)

t.test("unix_timestamp, to_unix_timestamp, try_to_timestamp and the default pattern", function()
  check {
    { "unix_timestamp('2024-3-5', 'yyyy-MM-dd')", "2024-3-5", ERR, "null", "1709596800" },
    { "to_unix_timestamp('2024-3-5', 'yyyy-MM-dd')", "2024-3-5", ERR, "null", "1709596800" },
    -- try_ does not catch Spark's upgrade error
    { "try_to_timestamp('2024-3-5', 'yyyy-MM-dd')", "2024-3-5", ERR, "null", "2024-03-05 00:00:00" },
    { "unix_timestamp('2024-3-5 1:2:3')", "2024-3-5 1:2:3", ERR, "null", "1709600523" },
  }
  -- one argument is CAST(x AS timestamp), whatever the policy
  t.eq(value("to_timestamp('2024-3-5')"), "2024-03-05 00:00:00")
end)

t.test("to_timestamp_ntz and to_timestamp_ltz: NTZ keeps the new parser under LEGACY, as Spark", function()
  check {
    { "to_timestamp_ntz('2024-3-5', 'yyyy-MM-dd')", "2024-3-5", ERR, "null", "null" },
    { "to_timestamp_ntz('2024-03-05', 'yyyy-MM-dd')", "", "2024-03-05 00:00:00", "2024-03-05 00:00:00",
      "2024-03-05 00:00:00" },
    { "to_timestamp_ltz('2024-3-5', 'yyyy-MM-dd')", "2024-3-5", ERR, "null", "2024-03-05 00:00:00" },
  }
  under("LEGACY", function()
    t.raises(function() value("to_timestamp_ntz('Tue 2024-03-05', 'EEE yyyy-MM-dd')") end, "Illegal pattern character: E")
  end)
end)

t.test("the legacy parser in a zone with daylight saving: an overlap is standard time, a gap NULL", function()
  t.in_zone("America/Los_Angeles", function()
    check {
      { "unix_timestamp('2024-11-03 1:30:00', 'yyyy-MM-dd HH:mm:ss')", "2024-11-03 1:30:00", ERR, "null",
        "1730626200" },
      { "unix_timestamp('2024-03-10 2:30:00', 'yyyy-MM-dd HH:mm:ss')", "", "null", "null", "null" },
      { "to_date('2024-3-5', 'yyyy-MM-dd')", "2024-3-5", ERR, "null", "2024-03-05" },
    }
  end)
end)

t.test("a column: the first row only the legacy parser reads fails the query, naming it; the policy is read "
  .. "when the query runs", function()
  local df = spark:createDataFrame({ { "2024-03-05" }, { "bogus" }, { "2024-3-6" } }, "s string")
  local q = df:selectExpr("CAST(to_date(s, 'yyyy-MM-dd') AS STRING) AS d")
  t.raises(function() t.rows(q) end, "Fail to parse '2024%-3%-6' in the new parser")
  under("CORRECTED", function() t.same_table(t.rows(q), { "2024-03-05", "null", "null" }) end)
  under("LEGACY", function() t.same_table(t.rows(q), { "2024-03-05", "null", "2024-03-06" }) end)
end)

t.test("patterns: LEGACY takes SimpleDateFormat's letters, refusing the others as Java does", function()
  under("LEGACY", function()
    t.raises(function() value("to_date('2024-03-05', 'yyyy-MM-ddTHH')") end, "Illegal pattern character 'T'")
    t.raises(function() value("to_timestamp('2024-03-05 +01', 'yyyy-MM-dd xxx')") end, "Illegal pattern character 'x'")
    t.raises(function() value("to_date('2024-03-05', 'YYYY-MM-dd')") end, "not supported by tide's legacy parser")
    t.raises(function() value("to_date('2024-03-05', 'yyyy-MM-dd\\'')") end, "Unterminated quote")
  end)
  -- java.time's letters SimpleDateFormat lacks: under EXCEPTION the text is just NULL
  t.eq(value("to_timestamp('2024-03-05 10:00:00 +01', 'yyyy-MM-dd HH:mm:ss xxx')"), "null")
end)

t.run()
