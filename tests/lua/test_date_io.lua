-- Dates (Spark's DateType) through tide's files and JSON, as Spark 3.5
-- reads and writes them: the CSV reader (CAST's forms without a
-- dateFormat, the pattern with one, Spark's fallback, malformed dates in
-- each mode, preferDate's inference), the CSV writer (dateFormat),
-- from_json, to_json, the JSON source and sink, and the state store of a
-- streaming aggregation and of dropDuplicates across restarts.
local t = require("testing")
local tide = require("tide")
local F, T = tide.functions, tide.types
local execution = require("tide.execution")
local files = require("tide.files")
local spark = tide.session()


local function csv(path, opts, schema)
  local r = spark.read:format("csv")
  for k, v in pairs(opts or {}) do r = r:option(k, v) end
  if schema then r = r:schema(schema) end
  return r:load(path)
end

-- A DataFrame's rows as show prints them, and the query context's
-- malformed and dropped counts.
local function read_counted(df)
  local ctx = execution.context()
  local b = execution.execute(df._plan, ctx)
  return t.rows(spark:createDataFrame(b)), ctx.malformed or 0, ctx.dropped or 0
end

-- The text of the only part file of a written directory.
local function part_text(dir, ext)
  for _, name in ipairs(files.list(dir)) do
    if name:match("^part%-.*%." .. ext .. "$") then return t.read(dir .. "/" .. name) end
  end
  error("no ." .. ext .. " part file in " .. dir)
end

-- The day number `days` (since 1970-01-01) as a date's text.
local function day_text(days)
  return spark:createDataFrame({ { days } }, "d date"):collect()[1].d
end

local with_zone = t.in_zone

-- ---- the CSV reader -----------------------------------------------------------------------

t.test("a CSV date column reads yyyy-MM-dd and every form CAST(string AS date) reads", function()
  local dir = t.tempdir()
  t.write(dir .. "/a.csv", table.concat({
    "id,d",
    "1,2024-03-01",
    "2,2024-3-2",
    "3, 2024-03-03 ",
    "4,2024-03-04T10:00:00Z",
    "5,2024-03-05 23:59:59.999 junk",
    "6,2024-04",
    "7,2024",
    "8,+10000-01-01",
    "9,-0001-12-31",
    "10,",
    "11,NA",
    "12,2024-03-07GMT",
    "13,GMT2024-03-08",
    "14,GMT2024-03-09 " .. ("x"):rep(200),
  }, "\n") .. "\n")
  local df = csv(dir, { header = "true", nullValue = "NA" }, "id int, d date")
  t.eq(df.schema, T.fromDDL("id int, d date"))
  local rows, malformed = read_counted(df)
  t.same_table(rows, { "1|2024-03-01", "2|2024-03-02", "3|2024-03-03", "4|2024-03-04", "5|2024-03-05",
    "6|2024-04-01", "7|2024-01-01", "8|+10000-01-01", "9|-0001-12-31", "10|null", "11|null", "12|2024-03-07",
    "13|2024-03-08", "14|2024-03-09" })
  t.eq(malformed, 0)
  local got = df:collect()
  t.eq(got[1].d, "2024-03-01")
  t.eq(got[10].d, nil)
  -- Dates compare, group and sort as dates once read.
  t.same_table(t.rows(df:filter(F.col("d"):lt(F.lit("2024-03-03"):cast("date"))):select("id")),
    { "1", "2", "7", "9" })
end)

t.test("a date that does not parse is a malformed record in every mode, FAILFAST naming file, line and field", function()
  local dir = t.tempdir()
  local path = t.write(dir .. "/bad.csv", "id,d,n\n1,2024-03-01,1\n2,2024-13-01,2\n3,2024-02-30,3\n"
    .. "4,01/03/2024,4\n5,junk,5\n6,20240306,6\n7,2024-03-07,7\n")
  local rows, malformed, dropped = read_counted(csv(dir, { header = "true" },
    "id int, d date, n int, _corrupt_record string"))
  t.same_table(rows, { "1|2024-03-01|1|null", "2|null|2|2,2024-13-01,2", "3|null|3|3,2024-02-30,3",
    "4|null|4|4,01/03/2024,4", "5|null|5|5,junk,5", "6|null|6|6,20240306,6", "7|2024-03-07|7|null" })
  t.same_table({ malformed, dropped }, { 5, 0 })
  rows, malformed, dropped = read_counted(csv(dir, { header = "true", mode = "DROPMALFORMED" }, "id int, d date, n int"))
  t.same_table(rows, { "1|2024-03-01|1", "7|2024-03-07|7" })
  t.same_table({ malformed, dropped }, { 5, 5 })
  local err = t.raises(function()
    csv(dir, { header = "true", mode = "FAILFAST" }, "id int, d date, n int"):collect()
  end)
  t.has(err, path .. ":3: malformed CSV record (field 2 (d): '2024-13-01' is not a valid date). "
    .. "Parse mode FAILFAST; use PERMISSIVE or DROPMALFORMED to read past it")
end)

t.test("dateFormat reads its pattern strictly, without the fallback unless asked; the fallback alone reads CAST's forms", function()
  local dir = t.tempdir()
  t.write(dir .. "/a.csv", "01/03/2024\n2/3/2024\n2024-03-04\n05/03/2024 junk\n31/02/2024\n")
  local schema = "d date, _corrupt_record string"
  local rows, malformed = read_counted(csv(dir, { dateFormat = "dd/MM/yyyy" }, schema))
  t.same_table(rows, { "2024-03-01|null", "null|2/3/2024", "null|2024-03-04", "null|05/03/2024 junk",
    "null|31/02/2024" })
  t.eq(malformed, 4)
  -- One-letter fields take one or more digits.
  rows = read_counted(csv(dir, { dateFormat = "d/M/yyyy" }, schema))
  t.same_table(rows, { "2024-03-01|null", "2024-03-02|null", "null|2024-03-04", "null|05/03/2024 junk",
    "null|31/02/2024" })
  -- Asked for, the fallback reads what the pattern does not, CAST's way.
  rows, malformed = read_counted(csv(dir, { dateFormat = "dd/MM/yyyy", enableDateTimeParsingFallback = "true" }, schema))
  t.same_table(rows, { "2024-03-01|null", "null|2/3/2024", "2024-03-04|null", "null|05/03/2024 junk",
    "null|31/02/2024" })
  t.eq(malformed, 3)
  -- A time the pattern reads is checked, then dropped.
  local tdir = t.tempdir()
  t.write(tdir .. "/t.csv", "2024-03-01 23:59\n2024-03-02 24:00\n")
  t.same_table(read_counted(csv(tdir, { dateFormat = "yyyy-MM-dd HH:mm" }, schema)),
    { "2024-03-01|null", "null|2024-03-02 24:00" })
  -- Without a dateFormat and without the fallback, Spark reads
  -- yyyy-MM-dd strictly (preferDate's pattern), CAST's forms no more.
  local sdir = t.tempdir()
  t.write(sdir .. "/s.csv", "2024-03-01\n2024-3-2\n2024-03-03GMT\n")
  t.same_table(read_counted(csv(sdir, { enableDateTimeParsingFallback = "false" }, schema)),
    { "2024-03-01|null", "null|2024-3-2", "null|2024-03-03GMT" })
  t.same_table(read_counted(csv(sdir, {}, schema)), { "2024-03-01|null", "2024-03-02|null", "2024-03-03|null" })
  -- A pattern Spark refuses fails at load, naming the option.
  t.raises(function() csv(sdir, { dateFormat = "YYYY-ww" }, "d date") end,
    "CSV option dateFormat \"YYYY%-ww\": All week%-based patterns are unsupported")
end)

t.test("CSV dates are the text's days in any session time zone, a midnight gap too", function()
  local dir = t.tempdir()
  -- Sao Paulo's clocks went from 00:00 to 01:00 on 2018-11-04.
  t.write(dir .. "/a.csv", "2018-11-04,04/11/2018\n2024-06-30,30/06/2024\n")
  for _, zone in ipairs({ "America/Sao_Paulo", "Pacific/Kiritimati", "America/Los_Angeles" }) do
    with_zone(zone, function()
      local df = csv(dir, {}, "a date, b string"):select("a", F.to_json(F.struct("a")):alias("j"))
      t.same_table(t.rows(df), { '2018-11-04|{"a":"2018-11-04"}', '2024-06-30|{"a":"2024-06-30"}' }, zone)
      t.same_table(t.rows(csv(dir, { dateFormat = "dd/MM/yyyy" }, "x string, a date")),
        { "2018-11-04|2018-11-04", "2024-06-30|2024-06-30" }, zone)
    end)
  end
end)

t.test("a CSV stream reads dates, malformed ones counted in its progress", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  t.write(input .. "/0.csv", "1,2024-03-01\n2,2024-99-01\n3,2024-03-03\n")
  local got = {}
  local q = spark.readStream:csv(input, { schema = "id int, d date" })
    .writeStream:foreachBatch(function(df) for _, r in ipairs(t.rows(df)) do got[#got + 1] = r end end)
    :option("checkpointLocation", cp):trigger { availableNow = true }:start()
  q:awaitTermination()
  t.eq(q:exception(), nil)
  t.same_table(got, { "1|2024-03-01", "2|null", "3|2024-03-03" })
  t.eq(q:lastProgress().numMalformedRows, 1)
end)

-- ---- inference ----------------------------------------------------------------------------

t.test("inferSchema infers dates as Spark 3.5's CSVInferSchema, preferDate and the merge with timestamps", function()
  local dir = t.tempdir()
  t.write(dir .. "/a.csv", table.concat({
    "a,b,c,d,e,f,g",
    "2024-03-01,2024-03-01,2024-03-01,1,01/03/2024,2024-03-01,",
    "2024-03-02,2024-03-02 10:00:00,2024-1-2,2024-03-01,02/03/2024,,",
  }, "\n") .. "\n")
  local function schema(opts)
    local o = { header = "true", inferSchema = "true" }
    for k, v in pairs(opts or {}) do o[k] = v end
    return csv(dir, o).schema
  end
  -- Dates alone: date; with timestamps (2024-1-2 is no strict yyyy-MM-dd:
  -- it votes timestamp): timestamp; with numbers or text: string.
  t.eq(schema(), T.fromDDL("a date, b timestamp, c timestamp, d string, e string, f date, g string"))
  -- With a timestampFormat, dates and timestamps make strings.
  t.eq(schema { timestampFormat = "yyyy-MM-dd HH:mm:ss" },
    T.fromDDL("a date, b string, c string, d string, e string, f date, g string"))
  -- preferDate false: no dates, the lenient timestamps read them.
  t.eq(schema { preferDate = "false" },
    T.fromDDL("a timestamp, b timestamp, c timestamp, d string, e string, f timestamp, g string"))
  -- A dateFormat is what infers dates; yyyy-MM-dd text is then a timestamp.
  t.eq(schema { dateFormat = "dd/MM/yyyy" },
    T.fromDDL("a timestamp, b timestamp, c timestamp, d string, e date, f timestamp, g string"))
  t.same_table(t.rows(csv(dir, { header = "true", inferSchema = "true", dateFormat = "dd/MM/yyyy" }):select("e")),
    { "2024-03-01", "2024-03-02" })
  -- Across files as within one: a timestamp, or a string with a
  -- timestampFormat or a dateFormat the lenient timestamps do not read.
  local two = t.tempdir()
  t.write(two .. "/1.csv", "x,y\n2024-01-01,01.02.2024\n")
  t.write(two .. "/2.csv", "x,y\n2024-01-01 10:00:00,2024-01-01 10:00:00\n")
  t.eq(csv(two, { header = "true", inferSchema = "true" }).schema, T.fromDDL("x timestamp, y string"))
  t.eq(csv(two, { header = "true", inferSchema = "true", dateFormat = "dd.MM.yyyy" }).schema,
    T.fromDDL("x timestamp, y string"))
  t.eq(csv(two, { header = "true", inferSchema = "true", timestampFormat = "yyyy-MM-dd HH:mm:ss" }).schema,
    T.fromDDL("x string, y string"))
  t.eq(csv(two .. "/1.csv", { header = "true", inferSchema = "true", dateFormat = "dd.MM.yyyy" }).schema,
    T.fromDDL("x timestamp, y date"))
  -- The inferred schema reads the values as dates.
  t.same_table(t.rows(csv(dir, { header = "true", inferSchema = "true" }):select("a", "f")),
    { "2024-03-01|2024-03-01", "2024-03-02|null" })
end)

-- ---- the CSV writer -----------------------------------------------------------------------

local WRITTEN = { { "2024-03-01", 1 }, { 2 ^ 31 - 1, 2 }, { -2 ^ 31, 3 }, { nil, 4 }, { "-0001-12-31", 5 } }

t.test("the CSV writer writes dates as yyyy-MM-dd or dateFormat, and the reader reads them back", function()
  local df = spark:createDataFrame(WRITTEN, "d date, n int")
  local out = t.tempdir() .. "/w"
  df.write:csv(out, { header = true })
  t.eq(part_text(out, "csv"), "d,n\n2024-03-01,1\n+5881580-07-11,2\n-5877641-06-23,3\n,4\n-0001-12-31,5\n")
  t.same_table(t.rows(csv(out, { header = "true" }, "d date, n int")), t.rows(df))
  local custom = t.tempdir() .. "/c"
  df:filter(F.col("n"):eq(1):or_(F.col("n"):eq(4))).write:csv(custom, { dateFormat = "dd.MM.yyyy" })
  t.eq(part_text(custom, "csv"), "01.03.2024,1\n,4\n")
  t.same_table(t.rows(csv(custom, { dateFormat = "dd.MM.yyyy" }, "d date, n int")), { "2024-03-01|1", "null|4" })
  -- The csv sink of a stream takes the option too.
  local input, sink, cp = t.tempdir(), t.tempdir() .. "/s", t.tempdir() .. "/cp"
  t.write(input .. "/0.csv", "2024-03-01,1\n,2\n")
  local q = spark.readStream:csv(input, { schema = "d date, n int" })
    .writeStream:format("csv"):option("path", sink):option("dateFormat", "yyyy/MM/dd")
    :option("checkpointLocation", cp):trigger { availableNow = true }:start()
  q:awaitTermination()
  t.eq(q:exception(), nil)
  t.eq(part_text(sink, "csv"), "2024/03/01,1\n,2\n")
  t.raises(function() df.write:csv(t.tempdir() .. "/x", { dateFormat = "yyyy-MM-dd A" }) end,
    "csv sink option dateFormat \"yyyy%-MM%-dd A\": Illegal pattern character: A")
end)

-- ---- JSON ---------------------------------------------------------------------------------

local function frame(values)
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { v or nil } end
  return spark:createDataFrame(rows, "value string")
end

local function parsed(values, schema, opts)
  return frame(values):select(F.from_json("value", schema, opts):alias("j")):select("j.*")
end

t.test("from_json reads date fields as Spark's JacksonParser: strings only, CAST's forms, then the fallback", function()
  local df = parsed({
    '{"d":"2024-03-01"}', '{"d":"2024-3-2"}', '{"d":" 2024-03-03T10:00:00+05:00 "}', '{"d":"+10000-01-01"}',
    '{"d":"2024-03-05GMT"}', '{"d":"123"}', '{"d":"-10000000"}', '{"d":null}', "{}",
    '{"d":19783}', '{"d":""}', '{"d":"2024-02-30"}', '{"d":true}', '{"d":["2024-03-01"]}',
  }, "d date, _corrupt_record string")
  t.eq(df.schema, T.fromDDL("d date, _corrupt_record string"))
  -- "123" is no date of CAST's (a year has 4 to 7 digits): the fallback
  -- reads it as days; -10000000 days, before 1582-10-15, rebased from the
  -- Julian calendar (two days, before year 1).
  t.same_table(t.rows(df), {
    "2024-03-01|null", "2024-03-02|null", "2024-03-03|null", "+10000-01-01|null", "2024-03-05|null",
    "1970-05-04|null", day_text(-9999998) .. "|null", "null|null", "null|null",
    'null|{"d":19783}', 'null|{"d":""}', 'null|{"d":"2024-02-30"}', 'null|{"d":true}', 'null|{"d":["2024-03-01"]}',
  })
  local k, malformed = t.malformed_statuses({ '{"d":19783}', '{"d":""}', '{"d":"junk"}', '{"d":"2024-03-01"}' },
    "d date")
  t.same_table({ k, malformed }, { 3, 3 })
  local function failfast(values, schema)
    return t.raises(function() parsed(values, schema, { mode = "FAILFAST" }):collect() end)
  end
  t.has(failfast({ '{"d":19783}' }, "d date"),
    'Row 0: field "d": a number cannot be read as date. Record: {"d":19783}')
  t.has(failfast({ '{"d":"2024-03-01"}', '{"d":"x"}' }, "d date"),
    'Row 1: field "d": a string cannot be read as date (not a date)')
  t.has(failfast({ '{"s":{"ds":["2024-01-01","no"]}}' }, "s struct<ds:array<date>>"),
    'field "s.ds[1]": a string cannot be read as date (not a date)')
end)

t.test("from_json's dateFormat reads strictly, with the fallback only when asked; dates nest in structs, arrays, maps", function()
  local values = { '{"d":"01/03/2024"}', '{"d":"2024-03-02"}', '{"d":"3/3/2024"}', '{"d":"5"}' }
  t.same_table(t.rows(parsed(values, "d date", { dateFormat = "dd/MM/yyyy" })),
    { "2024-03-01", "null", "null", "null" })
  t.same_table(t.rows(parsed(values, "d date", { dateFormat = "dd/MM/yyyy", enableDateTimeParsingFallback = "true" })),
    { "2024-03-01", "2024-03-02", "null", "1970-01-06" })
  -- Without a dateFormat and without the fallback: CAST's forms alone.
  t.same_table(t.rows(parsed({ '{"d":"2024-3-2"}', '{"d":"2024-03-02GMT"}', '{"d":"5"}' }, "d date",
    { enableDateTimeParsingFallback = false })), { "2024-03-02", "null", "null" })
  t.raises(function() parsed(values, "d date", { dateFormat = "QQQ" }):collect() end,
    "from_json option dateFormat: Illegal pattern character: Q")
  local nested = parsed({ '{"s":{"d":"2024-03-01"},"a":["2024-03-02",null],"m":{"x":"2024-03-03","y":null}}' },
    "s struct<d:date>, a array<date>, m map<string,date>")
  t.same_table(t.rows(nested), { "{2024-03-01}|[2024-03-02, null]|{x -> 2024-03-03, y -> null}" })
  local row = nested:collect()[1]
  t.eq(row.s.d, "2024-03-01")
  t.eq(row.a[1], "2024-03-02")
  t.eq(row.m.x, "2024-03-03")
  -- In SQL, with options as a map.
  t.same_table(t.rows(frame({ '{"d":"01.03.2024"}' })
    :selectExpr("from_json(value, 'd date', map('dateFormat', 'dd.MM.yyyy')).d AS d")), { "2024-03-01" })
end)

t.test("from_json's dates are the same with worker threads", function()
  local values = {}
  for i = 1, 3000 do values[i] = ('{"d":"%04d-%02d-%02d","n":%d}'):format(1900 + i % 200, 1 + i % 12, 1 + i % 28, i) end
  values[1500] = '{"d":"bad","n":1500}'
  local df = parsed(values, "d date, n int")
  local runs = t.collect_with_workers(spark, df)
  t.eq(#runs[3], 3000)
  for i = 1, 3000 do
    t.eq(runs[3][i].d, runs[0][i].d)
  end
  t.eq(runs[3][1].d, "1901-02-02")
  t.eq(runs[3][1500].d, nil)
end)

t.test("to_json writes dates as yyyy-MM-dd or dateFormat, map keys by their days; from_json reads them back", function()
  local df = spark:createDataFrame(WRITTEN, "d date, n int")
  t.same_table(t.rows(df:select(F.to_json(F.struct("d", "n")))), {
    '{"d":"2024-03-01","n":1}', '{"d":"+5881580-07-11","n":2}', '{"d":"-5877641-06-23","n":3}', '{"n":4}',
    '{"d":"-0001-12-31","n":5}' })
  t.same_table(t.rows(df:filter(F.col("n"):eq(1)):select(
    F.to_json(F.struct("d"), { dateFormat = "EEE, d MMM yyyy" }):alias("a"),
    F.to_json(F.struct(F.array("d", "d"):alias("ds")), { dateFormat = "yyyy'\"'MM" }):alias("b"),
    F.to_json(F.create_map("d", "n")):alias("c"))),
    { '{"d":"Fri, 1 Mar 2024"}|{"ds":["2024\\"03","2024\\"03"]}|{"19783":1}' })
  t.raises(function() df:select(F.to_json(F.struct("d"), { dateFormat = "yyyy-MM-dd A" })):collect() end,
    "to_json option dateFormat: Illegal pattern character: A")
  -- The round trip keeps every day an int holds.
  local back = df:select(F.to_json(F.struct("d", "n")):alias("value"))
    :select(F.from_json("value", "d date, n int"):alias("j")):select("j.*")
  t.same_table(t.rows(back), t.rows(df))
end)

t.test("the JSON source reads dates (dateFormat, file and line of a bad one), infers none, and its sink writes them", function()
  local dir = t.tempdir()
  local path = t.write(dir .. "/a.json", '{"id":1,"d":"2024-03-01"}\n{"id":2,"d":"2024/03/02"}\n\n{"id":3,"d":5}\n')
  local schema = "id int, d date, _corrupt_record string"
  t.same_table(t.rows(spark.read:schema(schema):json(dir)),
    { "1|2024-03-01|null", '2|null|{"id":2,"d":"2024/03/02"}', '3|null|{"id":3,"d":5}' })
  t.same_table(t.rows(spark.read:schema("id int, d date"):json(dir, { dateFormat = "yyyy/MM/dd" })),
    { "1|null", "2|2024-03-02", "3|null" })
  t.raises(function() spark.read:schema("id int, d date"):json(dir, { mode = "FAILFAST" }):collect() end,
    path:gsub("%p", "%%%0") .. ':2: malformed JSON record %(field "d": a string cannot be read as date %(not a date%)%. ')
  t.raises(function() spark.read:schema("d date"):json(dir, { dateFormat = "yyyy-ww" }) end,
    "JSON source option dateFormat: All week%-based patterns")
  -- Strings stay strings in inference, as Spark's JsonInferSchema.
  t.eq(spark.read:json(dir).schema, T.fromDDL("d string, id bigint"))
  -- The sink: dates as yyyy-MM-dd, which the source reads back.
  local input, out, cp = t.tempdir(), t.tempdir() .. "/out", t.tempdir() .. "/cp"
  t.write(input .. "/0.csv", "1,2024-03-01\n2,\n3,+10000-01-01\n")
  local q = spark.readStream:csv(input, { schema = "id int, d date" })
    .writeStream:format("json"):option("path", out):option("checkpointLocation", cp)
    :trigger { availableNow = true }:start()
  q:awaitTermination()
  t.eq(q:exception(), nil)
  t.eq(part_text(out, "json"), '{"id":1,"d":"2024-03-01"}\n{"id":2}\n{"id":3,"d":"+10000-01-01"}\n')
  t.same_table(t.rows(spark.read:schema("id int, d date"):json(out)),
    { "1|2024-03-01", "2|null", "3|+10000-01-01" })
end)

-- ---- the state store ----------------------------------------------------------------------

-- Runs build(stream of input's CSV files of "d date, n int") into the
-- checkpoint cp until the files are done; the rows the last epoch wrote,
-- ordered by d.
local function run_stream(input, cp, build, mode)
  local last
  local q = build(spark.readStream:csv(input, { schema = "d date, n int", maxFilesPerTrigger = 1 }))
    .writeStream:outputMode(mode)
    :foreachBatch(function(df) last = t.rows(df:orderBy("d")) end)
    :option("checkpointLocation", cp):trigger { availableNow = true }:start()
  q:awaitTermination()
  t.eq(q:exception(), nil)
  return last, q
end

local FILES = {
  "2024-03-01,1\n2024-03-02,2\n2024-03-01,3\n,4\n",
  "2024-03-02,10\n+10000-01-01,20\n2024-03-01,1\n",
  "-0001-12-31,5\n2024-03-02,10\n",
}

local function aggregated(df)
  return df:groupBy("d"):agg(F.sum("n"):alias("s"), F.max("d"):alias("top"), F.collect_list("d"):alias("ds"),
    F.count("*"):alias("c"))
end

t.test("a streaming aggregation keyed by a date keeps its state (dates in it too) across restarts", function()
  -- Uninterrupted: every file, one run.
  local whole = t.tempdir()
  for i, text in ipairs(FILES) do t.write(("%s/%d.csv"):format(whole, i), text) end
  local expected = run_stream(whole, t.tempdir() .. "/cp", aggregated, "complete")
  t.same_table(expected, {
    "null|4|null|[]|1",
    "-0001-12-31|5|-0001-12-31|[-0001-12-31]|1",
    "2024-03-01|5|2024-03-01|[2024-03-01, 2024-03-01, 2024-03-01]|3",
    "2024-03-02|22|2024-03-02|[2024-03-02, 2024-03-02, 2024-03-02]|3",
    "+10000-01-01|20|+10000-01-01|[+10000-01-01]|1",
  })
  -- A file a run, the state rebuilt from the checkpoint each time, in
  -- another session time zone each time: a date is no instant.
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local got
  for i, text in ipairs(FILES) do
    t.write(("%s/%d.csv"):format(input, i), text)
    with_zone(({ "UTC", "Pacific/Kiritimati", "America/Los_Angeles" })[i], function()
      got = run_stream(input, cp, aggregated, "complete")
    end)
  end
  t.same_table(got, expected)
  local snapshot = t.read(cp .. "/state/0/0.snapshot")
  t.ok(snapshot:find('"d":"2024-03-01"', 1, true), snapshot)
  t.ok(t.read(cp .. "/state/0/1.delta"):find('"d":"+10000-01-01"', 1, true), "the delta holds the new key")
end)

t.test("dropDuplicates on a date keeps the keys seen across restarts", function()
  local input, cp = t.tempdir(), t.tempdir() .. "/cp"
  local seen = {}
  for i, text in ipairs(FILES) do
    t.write(("%s/%d.csv"):format(input, i), text)
    local rows = run_stream(input, cp, function(df) return df:dropDuplicates("d") end, "append")
    seen[i] = rows
  end
  t.same_table(seen, {
    { "null|4", "2024-03-01|1", "2024-03-02|2" },
    { "+10000-01-01|20" },
    { "-0001-12-31|5" },
  })
end)

t.test("timestampFormat: the CSV reader, its inference, from_json and the JSON source read by it", function()
  local dir = t.tempdir()
  t.write(dir .. "/a.csv", "id,ts\n1,05/03/2024 10:30\n2,2024-03-05 10:30:00\n3,bad\n")
  local opts = { header = "true", timestampFormat = "dd/MM/yyyy HH:mm" }
  local rows, malformed = read_counted(csv(dir, opts, "id int, ts timestamp"))
  -- strictly by the pattern: the fallback is off once a timestampFormat is given
  t.same_table(rows, { "1|2024-03-05 10:30:00", "2|null", "3|null" })
  t.eq(malformed, 2)
  rows = read_counted(csv(dir, { header = "true" }, "id int, ts timestamp"))
  t.same_table(rows, { "1|null", "2|2024-03-05 10:30:00", "3|null" })
  rows = read_counted(csv(dir, { header = "true", timestampFormat = "dd/MM/yyyy HH:mm",
    enableDateTimeParsingFallback = "true" }, "id int, ts timestamp"))
  t.same_table(rows, { "1|2024-03-05 10:30:00", "2|2024-03-05 10:30:00", "3|null" })
  t.has(t.raises(function()
    read_counted(csv(dir, { header = "true", timestampFormat = "dd/MM/yyyy HH:mm", mode = "FAILFAST" },
      "id int, ts timestamp"))
  end), "a.csv:3: malformed CSV record (field 2 (ts): '2024-03-05 10:30:00' is not a valid timestamp)")
  -- inference reads the pattern alone
  t.write(dir .. "/a.csv", "id,ts\n1,05/03/2024 10:30\n2,31/12/1999 23:59\n")
  t.eq(csv(dir, { header = "true", inferSchema = "true", timestampFormat = "dd/MM/yyyy HH:mm" }).schema.fields[2]
    .dataType, T.timestamp)
  t.raises(function() csv(dir, { header = "true", timestampFormat = "yyyy-MM-dd v" }, "id int, ts timestamp") end,
    "timestampFormat")
  -- from_json and the JSON source
  local json = spark:createDataFrame({ { '{"t":"05/03/2024 10:30"}' }, { '{"t":"2024-03-05 10:30:00"}' },
    { '{"t":1700000000}' } }, "s string")
  t.same_table(t.rows(json:select(F.from_json("s", "t timestamp", { timestampFormat = "dd/MM/yyyy HH:mm" })
    :alias("v")):select("v.t")), { "2024-03-05 10:30:00", "null", "2023-11-14 22:13:20" })
  local jdir = t.tempdir()
  t.write(jdir .. "/a.json", '{"t":"05/03/2024 10:30"}\n{"t":"2024-03-05"}\n')
  t.same_table(t.rows(spark.read:schema("t timestamp"):option("timestampFormat", "dd/MM/yyyy HH:mm"):json(jdir)),
    { "2024-03-05 10:30:00", "null" })
end)

t.run()
