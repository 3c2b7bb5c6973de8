-- Spark 3.5's TIMESTAMP_NTZ (TimestampNTZType, T.timestampNTZ): the type,
-- literals, casts, the functions that make one, its text whatever the
-- session time zone, arithmetic with intervals, comparisons and Spark's
-- coercion with TIMESTAMP and DATE, aggregates, windows, JSON and CSV
-- text, and collect's values. Every expected value is Apache Spark
-- 3.5.3's (spark.sql in local mode; tests/spark/corpus/36_timestamp_ntz.sql
-- compares many more statements).
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local T = tide.types
local spark = tide.session()

-- The rows of a query as show prints its cells (a TIMESTAMP_NTZ as its
-- local date-time, an interval as its text).
local function shown(df) return t.rows(require("tide.interval_values").shown(df)) end
local function one(sql) return shown(spark:sql(sql))[1] end

local function types_of(df)
  local out = {}
  for i, f in ipairs(df.schema.fields) do out[i] = f.dataType:simpleString() end
  return out
end

local LA = "America/Los_Angeles"

t.test("the type: names, DDL, JSON, printSchema, typeof", function()
  local ntz = T.timestampNTZ
  t.eq(ntz:simpleString(), "timestamp_ntz")
  t.eq(ntz:typeName(), "timestamp_ntz")
  t.eq(ntz:json(), '"timestamp_ntz"')
  t.ok(T.timestampNTZ() == ntz, "TimestampNTZType() is the type")
  t.ok(T.parse("TIMESTAMP_NTZ") == ntz and T.fromJson('"timestamp_ntz"') == ntz, "parsed from DDL and JSON")
  t.ok(ntz ~= T.timestamp and T.parse("timestamp_ltz") == T.timestamp, "TIMESTAMP is TIMESTAMP_LTZ, not NTZ")
  t.eq(T.fromDDL("a timestamp_ntz, b array<timestamp_ntz>"):treeString(), "root\n"
    .. " |-- a: timestamp_ntz (nullable = true)\n |-- b: array (nullable = true)\n"
    .. " |    |-- element: timestamp_ntz (containsNull = true)\n")
  local df = spark:sql("SELECT TIMESTAMP_NTZ '2024-01-01 10:00:00', typeof(TIMESTAMP_NTZ '2024-01-01 10:00:00')")
  t.same_table(df.columns, { "TIMESTAMP_NTZ '2024-01-01 10:00:00'", "typeof(TIMESTAMP_NTZ '2024-01-01 10:00:00')" })
  t.eq(shown(df)[1], "2024-01-01 10:00:00|timestamp_ntz")
  t.same_table(types_of(df), { "timestamp_ntz", "string" })
end)

t.test("literals and CAST from strings: a zone ignored, a time alone NULL", function()
  t.eq(one("SELECT TIMESTAMP_NTZ '2024-01-01', TIMESTAMP_NTZ '2024-01-01T10:00', "
    .. "TIMESTAMP_NTZ '2024-01-01 10:00:00+02:00'"), "2024-01-01 00:00:00|2024-01-01 10:00:00|2024-01-01 10:00:00")
  t.eq(one("SELECT CAST('2024-01-01 10:00:00+02:00' AS TIMESTAMP_NTZ) AS a, "
    .. "CAST('2024-01-01 10:00:00 America/New_York' AS TIMESTAMP_NTZ) AS b, "
    .. "CAST('2024-01-01T10:00:00.123456' AS TIMESTAMP_NTZ) AS c"),
    "2024-01-01 10:00:00|2024-01-01 10:00:00|2024-01-01 10:00:00.123456")
  t.eq(one("SELECT CAST('garbage' AS TIMESTAMP_NTZ), CAST('2024' AS TIMESTAMP_NTZ), CAST('2024-02' AS TIMESTAMP_NTZ),"
    .. " CAST('T10:00:00' AS TIMESTAMP_NTZ), CAST('10:00:00' AS TIMESTAMP_NTZ)"),
    "null|2024-01-01 00:00:00|2024-02-01 00:00:00|null|null")
  -- the column's own strings, a row at a time
  local rows = shown(spark:sql("SELECT CAST(s AS TIMESTAMP_NTZ) FROM VALUES ('2024-03-10 02:30:00+01:00'), "
    .. "('T10:00'), ('x'), (NULL) AS v(s)"))
  t.same_table(rows, { "2024-03-10 02:30:00", "null", "null", "null" })
  t.raises(function() spark:sql("SELECT TIMESTAMP_NTZ 'garbage'") end, "cannot parse the TIMESTAMP_NTZ value")
  local df = spark:sql("SELECT CAST('2024-01-01 10:00:00' AS TIMESTAMP_NTZ)")
  t.same_table(df.columns, { "CAST(2024-01-01 10:00:00 AS TIMESTAMP_NTZ)" })
end)

t.test("not shifted by the session time zone; collect gives the local date-time's microseconds", function()
  t.in_zone(LA, function()
    local df = spark:sql("SELECT TIMESTAMP_NTZ '2024-03-10 02:30:00' AS x, CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00'"
      .. " AS STRING) AS s, hour(TIMESTAMP_NTZ '2024-03-10 02:30:00') AS h")
    t.eq(shown(df)[1], "2024-03-10 02:30:00|2024-01-01 10:00:00|2")
    -- 2024-03-10T02:30:00 read as UTC
    t.eq(df:collect()[1].x, 1710037800000000)
  end)
  local made = spark:createDataFrame({ { 1, 1704103200000000 }, { 2, nil } }, "id int, t timestamp_ntz")
  t.same_table(types_of(made), { "int", "timestamp_ntz" })
  t.in_zone(LA, function() t.same_table(shown(made), { "1|2024-01-01 10:00:00", "2|null" }) end)
end)

t.test("CAST between TIMESTAMP_NTZ, TIMESTAMP and DATE in the session time zone", function()
  t.in_zone(LA, function()
    -- 02:30 does not happen on 2024-03-10 in Los Angeles (moved to 03:30); 01:30 on 2024-11-03 happens twice
    t.eq(one("SELECT CAST(TIMESTAMP_NTZ '2024-03-10 02:30:00' AS TIMESTAMP), "
      .. "CAST(TIMESTAMP '2024-03-10 12:30:00' AS TIMESTAMP_NTZ), "
      .. "CAST(TIMESTAMP_NTZ '2024-11-03 01:30:00' AS TIMESTAMP)"),
      "2024-03-10 03:30:00|2024-03-10 12:30:00|2024-11-03 01:30:00")
    t.eq(one("SELECT to_date(x), CAST(x AS DATE), CAST(DATE '2024-01-01' AS TIMESTAMP_NTZ) "
      .. "FROM VALUES (TIMESTAMP_NTZ '2024-03-10 23:30:00') AS v(x)"), "2024-03-10|2024-03-10|2024-01-01 00:00:00")
  end)
  t.raises(function() spark:sql("SELECT CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00' AS BIGINT)") end,
    'cannot cast "TIMESTAMP_NTZ" to "BIGINT"')
  t.raises(function() spark:sql("SELECT CAST(1 AS TIMESTAMP_NTZ)") end, 'cannot cast "INT" to "TIMESTAMP_NTZ"')
end)

t.test("to_timestamp_ntz, make_timestamp_ntz, localtimestamp, convert_timezone", function()
  local df = spark:sql("SELECT to_timestamp_ntz('2024-01-01 10:00:00'), "
    .. "to_timestamp_ntz('01/02/2024 10:30', 'MM/dd/yyyy HH:mm'), to_timestamp_ntz('bad'), to_timestamp_ntz(1)")
  t.same_table(df.columns, { "to_timestamp_ntz(2024-01-01 10:00:00)",
    "to_timestamp_ntz(01/02/2024 10:30, MM/dd/yyyy HH:mm)", "to_timestamp_ntz(bad)", "to_timestamp_ntz(1)" })
  t.eq(shown(df)[1], "2024-01-01 10:00:00|2024-01-02 10:30:00|null|null")
  t.same_table(types_of(df), { "timestamp_ntz", "timestamp_ntz", "timestamp_ntz", "timestamp_ntz" })
  -- a zone or offset the text names is read and not applied (Spark 3.5.3,
  -- in America/Los_Angeles: 10:00 each time)
  t.in_zone("America/Los_Angeles", function()
    t.eq(one("SELECT to_timestamp_ntz('2024-03-05 10:00 +02:00', 'yyyy-MM-dd HH:mm XXX'),"
      .. " to_timestamp_ntz('2024-03-05 10:00 Europe/Paris', 'yyyy-MM-dd HH:mm VV'),"
      .. " to_timestamp_ntz('2024-03-05 10:00 PST', 'yyyy-MM-dd HH:mm z'), to_timestamp_ntz('2024-03-05T10:00:00+05:00'),"
      .. " to_timestamp_ntz('2024-03-05 10:00 +0200', 'yyyy-MM-dd HH:mm Z')"),
      "2024-03-05 10:00:00|2024-03-05 10:00:00|2024-03-05 10:00:00|2024-03-05 10:00:00|2024-03-05 10:00:00")
  end)
  t.eq(one("SELECT make_timestamp_ntz(2024, 1, 1, 10, 30, 45.5), make_timestamp_ntz(2024, 13, 1, 0, 0, 0), "
    .. "make_timestamp_ntz(2024, 1, 1, 0, 0, 60)"), "2024-01-01 10:30:45.5|null|2024-01-01 00:01:00")
  t.raises(function() spark:sql("SELECT make_timestamp_ntz(2024, 1, 1, 10, 30, 45.5, 'UTC')") end,
    "requires 6 parameters but the actual number is 7")
  t.eq(one("SELECT typeof(localtimestamp()), localtimestamp() - CAST(current_timestamp() AS TIMESTAMP_NTZ)"),
    "timestamp_ntz|INTERVAL '0 00:00:00' DAY TO SECOND")
  local conv = spark:sql("SELECT convert_timezone('UTC', 'Asia/Tokyo', x), convert_timezone('Asia/Tokyo', x) "
    .. "FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)")
  t.same_table(conv.columns, { "convert_timezone(UTC, Asia/Tokyo, x)",
    "convert_timezone(current_timezone(), Asia/Tokyo, x)" })
  t.eq(shown(conv)[1], "2024-03-10 11:30:45.5|2024-03-10 11:30:45.5")
  local s = spark:createDataFrame({ { "2024-01-01 10:00:00" } }, "s string")
  t.eq(shown(s:select(F.to_timestamp_ntz("s"), F.make_timestamp_ntz(F.lit(2024), F.lit(2), F.lit(3), F.lit(4),
    F.lit(5), F.lit(6))))[1], "2024-01-01 10:00:00|2024-02-03 04:05:06")
end)

t.test("fields and functions: the local date-time's own, or a TIMESTAMP's where Spark casts", function()
  t.in_zone(LA, function()
    -- hour, timestampadd and unix_timestamp take the local date-time; date_format, date_trunc and
    -- timestampdiff its TIMESTAMP in the zone (02:30 is 03:30 there, 20.5 hours before midnight)
    local df = spark:sql("SELECT hour(x), date_format(x, 'yyyy-MM-dd HH:mm'), date_trunc('DAY', x), "
      .. "unix_timestamp(x), timestampadd(HOUR, 1, x), timestampdiff(HOUR, x, TIMESTAMP_NTZ '2024-03-11 00:00:00'),"
      .. " extract(SECOND FROM x), dayofweek(x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)")
    t.eq(shown(df)[1], "2|2024-03-10 03:30|2024-03-10 00:00:00|1710037800|2024-03-10 03:30:00|20|0.000000|1")
    t.same_table(types_of(df), { "int", "string", "timestamp", "bigint", "timestamp_ntz", "bigint", "decimal(8,6)",
      "int" })
  end)
  t.raises(function() spark:sql("SELECT unix_seconds(TIMESTAMP_NTZ '2024-01-01 00:00:00')") end,
    'needs a TIMESTAMP, not "TIMESTAMP_NTZ"')
end)

t.test("intervals: moves on the local calendar, differences are day-time intervals", function()
  t.in_zone(LA, function()
    local df = spark:sql("SELECT x + INTERVAL 1 DAY, x + INTERVAL 24 HOURS, x - INTERVAL '1-2' YEAR TO MONTH, "
      .. "x - TIMESTAMP_NTZ '2024-03-09 02:30:00', x - TIMESTAMP '2024-03-10 00:00:00', x - DATE '2024-03-09' "
      .. "FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)")
    t.same_table(df.columns, { "x + INTERVAL '1' DAY", "x + INTERVAL '24' HOUR", "x - INTERVAL '1-2' YEAR TO MONTH",
      "(x - TIMESTAMP_NTZ '2024-03-09 02:30:00')", "(x - TIMESTAMP '2024-03-10 00:00:00')", "(x - DATE '2024-03-09')" })
    t.eq(shown(df)[1], "2024-03-11 02:30:00|2024-03-11 02:30:00|2023-01-10 02:30:00|"
      .. "INTERVAL '1 00:00:00' DAY TO SECOND|INTERVAL '0 02:30:00' DAY TO SECOND|INTERVAL '1 02:30:00' DAY TO SECOND")
    t.same_table(types_of(df), { "timestamp_ntz", "timestamp_ntz", "timestamp_ntz", "interval day to second",
      "interval day to second", "interval day to second" })
  end)
  local cols = spark:sql("SELECT x + i, x - i FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5', INTERVAL '3' HOUR)"
    .. " AS v(x, i)")
  t.same_table(cols.columns, { "x + i", "x - i" })
  t.eq(shown(cols)[1], "2024-03-10 05:30:45.5|2024-03-09 23:30:45.5")
  t.raises(function() spark:sql("SELECT TIMESTAMP_NTZ '2024-01-01 00:00:00' + 1") end, "incompatible types")
end)

t.test("comparisons and coercion with TIMESTAMP, DATE and strings", function()
  t.in_zone(LA, function()
    -- a TIMESTAMP_NTZ meets a TIMESTAMP as its TIMESTAMP in the zone (02:30 is 03:30 there)
    t.eq(one("SELECT x = TIMESTAMP '2024-03-10 03:30:00', x > DATE '2024-03-10', x = '2024-03-10 02:30:00', "
      .. "x < '2024-03-11' FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:00') AS v(x)"), "true|true|true|true")
  end)
  local df = spark:sql("SELECT coalesce(x, TIMESTAMP '2024-01-01 00:00:00') AS a, coalesce(x, DATE '2024-01-01') AS b,"
    .. " coalesce(x, '2024-01-01') AS c FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)")
  t.same_table(types_of(df), { "timestamp", "timestamp_ntz", "string" })
  local u = spark:sql("SELECT x FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x) UNION ALL "
    .. "SELECT TIMESTAMP '2024-01-01 00:00:00'")
  t.same_table(types_of(u), { "timestamp" })
end)

t.test("order, group, min and max keep the type", function()
  local df = spark:sql("SELECT min(x), max(x), count(x) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5'), "
    .. "(NULL), (TIMESTAMP_NTZ '2023-01-01 00:00:00') AS v(x)")
  t.eq(shown(df)[1], "2023-01-01 00:00:00|2024-03-10 02:30:45.5|2")
  t.same_table(types_of(df), { "timestamp_ntz", "timestamp_ntz", "bigint" })
  local g = spark:sql("SELECT x, count(*) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5'), "
    .. "(TIMESTAMP_NTZ '2024-03-10 02:30:45.5'), (TIMESTAMP_NTZ '2023-01-01 00:00:00') AS v(x) GROUP BY x ORDER BY x")
  t.same_table(shown(g), { "2023-01-01 00:00:00|1", "2024-03-10 02:30:45.5|2" })
  t.same_table(types_of(g), { "timestamp_ntz", "bigint" })
end)

t.test("window and session_window of a TIMESTAMP_NTZ are TIMESTAMP_NTZ's", function()
  t.in_zone(LA, function()
    local w = spark:sql("SELECT window(x, '1 hour') AS w, count(*) AS n FROM VALUES "
      .. "(TIMESTAMP_NTZ '2024-03-10 02:30:00'), (TIMESTAMP_NTZ '2024-03-10 02:45:00') AS v(x) "
      .. "GROUP BY window(x, '1 hour')")
    t.same_table(shown(w), { "{2024-03-10 02:00:00, 2024-03-10 03:00:00}|2" })
    t.same_table(types_of(w), { "struct<start:timestamp_ntz,end:timestamp_ntz>", "bigint" })
    local s = spark:sql("SELECT session_window(x, '10 minutes') AS w, count(*) AS n FROM VALUES "
      .. "(TIMESTAMP_NTZ '2024-03-10 02:30:00'), (TIMESTAMP_NTZ '2024-03-10 02:35:00'), "
      .. "(TIMESTAMP_NTZ '2024-03-10 04:00:00') AS v(x) GROUP BY session_window(x, '10 minutes') ORDER BY n")
    t.same_table(shown(s), { "{2024-03-10 04:00:00, 2024-03-10 04:10:00}|1",
      "{2024-03-10 02:30:00, 2024-03-10 02:45:00}|2" })
  end)
  local df = spark:sql("SELECT window(x, '1 hour'), window_time(window(x, '1 hour')) AS r "
    .. "FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)")
  t.eq(shown(df)[1], "{2024-03-10 02:00:00, 2024-03-10 03:00:00}|2024-03-10 02:59:59.999999")
  t.same_table(types_of(df), { "struct<start:timestamp_ntz,end:timestamp_ntz>", "timestamp_ntz" })
  -- an event time Spark's withWatermark takes
  local marked = spark:sql("SELECT TIMESTAMP_NTZ '2024-01-01 00:00:00' AS t"):withWatermark("t", "1 minute")
  t.same_table(shown(marked), { "2024-01-01 00:00:00" })
end)

t.test("a stream's windows over a TIMESTAMP_NTZ event time, with a watermark", function()
  t.in_zone(LA, function()
    local dir = t.tempdir()
    os.execute("mkdir -p " .. dir .. "/in")
    t.write(dir .. "/in/a.csv", "2024-03-10 02:10:00,1\n2024-03-10 02:50:00,2\n")
    t.write(dir .. "/in/b.csv", "2024-03-10 04:10:00,3\n2024-03-10 02:20:00,4\n")
    local df = spark.readStream:csv(dir .. "/in", { schema = "t timestamp_ntz, v int", maxFilesPerTrigger = 1 })
    local batches = {}
    local q = df:withWatermark("t", "30 minutes"):groupBy(F.window("t", "1 hour")):agg(F.sum("v"):alias("s"))
      .writeStream:outputMode("update"):foreachBatch(function(b, epoch)
        batches[epoch + 1] = shown(b:orderBy("window"))
        t.same_table(types_of(b), { "struct<start:timestamp_ntz,end:timestamp_ntz>", "bigint" })
      end):option("checkpointLocation", dir .. "/cp"):start()
    q:processAllAvailable()
    q:stop()
    -- (02:20 is not late: the watermark after the first batch is 02:50 less 30 minutes)
    t.same_table(batches[1], { "{2024-03-10 02:00:00, 2024-03-10 03:00:00}|3" })
    t.same_table(batches[2], { "{2024-03-10 02:00:00, 2024-03-10 03:00:00}|7",
      "{2024-03-10 04:00:00, 2024-03-10 05:00:00}|3" })
    -- min and max kept across batches: the local date-times themselves
    local kept = {}
    local q2 = df:groupBy(F.lit(1)):agg(F.min("t"):alias("lo"), F.max("t"):alias("hi")).writeStream
      :outputMode("update"):foreachBatch(function(b, epoch) kept[epoch + 1] = shown(b:drop("1"))[1] end)
      :option("checkpointLocation", dir .. "/cp2"):start()
    q2:processAllAvailable()
    q2:stop()
    t.same_table(kept, { "2024-03-10 02:10:00|2024-03-10 02:50:00", "2024-03-10 02:10:00|2024-03-10 04:10:00" })
  end)
end)

t.test("JSON and CSV: from_json, to_json, to_csv, the CSV source and the file writers", function()
  t.in_zone(LA, function()
    t.eq(one([[SELECT from_json('{"a":"2024-01-01T10:00:00"}', 'a timestamp_ntz'), ]]
      .. [[from_json('{"a":"2024-01-01 10:00:00.5"}', 'a timestamp_ntz'), ]]
      .. [[from_json('{"a":"2024-01-01T10:00:00+02:00"}', 'a timestamp_ntz')]]),
      "{2024-01-01 10:00:00}|{2024-01-01 10:00:00.5}|{null}")
    t.eq(one("SELECT to_json(named_struct('a', x)), to_csv(named_struct('a', x, 'b', 1)), "
      .. "to_json(named_struct('a', array(x))) FROM VALUES (TIMESTAMP_NTZ '2024-03-10 02:30:45.5') AS v(x)"),
      [[{"a":"2024-03-10T02:30:45.500"}|2024-03-10T02:30:45.500,1|{"a":["2024-03-10T02:30:45.500"]}]])
    local dir = t.tempdir()
    t.write(dir .. "/in.csv", "id,t\n1,2024-01-01T10:00:00\n2,2024-03-10 02:30:45.5\n3,bad\n"
      .. "4,2024-01-01 10:00:00+02:00\n")
    local df = spark.read:option("header", "true"):schema("id int, t timestamp_ntz"):csv(dir .. "/in.csv")
    t.same_table(shown(df), { "1|2024-01-01 10:00:00", "2|2024-03-10 02:30:45.5", "3|null", "4|null" })
    df.write:mode("overwrite"):option("header", "true"):csv(dir .. "/csv")
    df.write:mode("overwrite"):json(dir .. "/json")
    local function file_text(sub, ext)
      local p = io.popen("cat " .. dir .. "/" .. sub .. "/*." .. ext)
      local text = p:read("*a")
      p:close()
      return text
    end
    t.eq(file_text("csv", "csv"), "id,t\n1,2024-01-01T10:00:00.000\n2,2024-03-10T02:30:45.500\n3,\n4,\n")
    t.eq(file_text("json", "json"), '{"id":1,"t":"2024-01-01T10:00:00.000"}\n{"id":2,"t":"2024-03-10T02:30:45.500"}\n'
      .. '{"id":3}\n{"id":4}\n')
  end)
end)

t.run()
