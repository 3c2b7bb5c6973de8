-- from_csv, to_csv and schema_of_csv (tide.eval_csv) through the DataFrame
-- API, SQL and the kernel: Spark 3.5's docstring examples and
-- CsvFunctionsSuite's cases, then nulls, quoting, malformed records in
-- each mode and dates and timestamps with patterns.
local t = require("testing")
local tide = require("tide")
local F, T = tide.functions, tide.types
local C = require("tide.ffi")
local csv = require("tide.eval_csv")

local spark = tide.session()

-- A DataFrame of one string column "value"; false stands for null.
local function frame(values)
  local rows = {}
  for i, v in ipairs(values) do rows[i] = { v or nil } end
  return spark:createDataFrame(rows, "value string")
end

-- The structs from_csv makes of values, as show prints them.
local function parsed(values, schema, options)
  return t.rows(frame(values):select(F.from_csv("value", schema, options):alias("csv")))
end

local function one(df) return df:collect()[1] end

-- ---- from_csv ------------------------------------------------------------------------

t.test("from_csv: PySpark's docstring examples", function()
  local df = frame { "1,2,3" }
  t.same_table(t.rows(df:select(F.from_csv(F.col("value"), "a INT, b INT, c INT"):alias("csv"))),
    { "{1, 2, 3}" })
  local row = one(df:select(F.from_csv(F.col("value"), F.schema_of_csv("1,2,3")):alias("csv")))
  t.eq(tostring(row.csv), "Row(_c0=1, _c1=2, _c2=3)")
  t.eq(one(frame { "   abc" }:select(F.from_csv("value", "s string", { ignoreLeadingWhiteSpace = true })
    :alias("csv"))).csv.s, "abc")
end)

t.test("from_csv: the SQL examples, and the column's name", function()
  local df = spark:range(1)
  local row = one(df:selectExpr("from_csv('1, 0.8', 'a INT, b DOUBLE') AS c"))
  t.eq(row.c.a, 1)
  t.eq(row.c.b, 0.8)
  row = one(df:selectExpr("from_csv('26/08/2015', 'time Timestamp', map('timestampFormat', 'dd/MM/yyyy')) AS c")
    :selectExpr("CAST(c.time AS string) AS s"))
  t.eq(row.s, "2015-08-26 00:00:00")
  t.eq(frame { "1" }:select(F.from_csv("value", "a int")).columns[1], "from_csv(value)")
  t.eq(df:selectExpr("from_csv('1', 'a int', map('sep', ';'))").columns[1], "from_csv(1)")
  t.eq(frame { "1;x" }:selectExpr("from_csv(value, 'a int, b string', map('sep', ';')) AS c")
    :select("c.*"):collect()[1].b, "x")
end)

t.test("from_csv: timestampFormat, dateFormat and the corrupt-record column", function()
  local row = one(frame { "26/08/2015 18:00" }
    :select(F.from_csv("value", T.struct { T.field("time", T.timestamp) }, { timestampFormat = "dd/MM/yyyy HH:mm" })
      :alias("c")):selectExpr("CAST(c.time AS string) AS s"))
  t.eq(row.s, "2015-08-26 18:00:00")
  row = one(frame { "26/08/2015" }:select(F.from_csv("value", "time date", { dateFormat = "dd/MM/yyyy" }):alias("c"))
    :selectExpr("CAST(c.time AS string) AS s"))
  t.eq(row.s, "2015-08-26")
  -- CsvFunctionsSuite "checking the columnNameOfCorruptRecord option"
  local got = frame { "0,2013-111-11 12:13:14", "1,1983-08-04" }
    :select(F.from_csv("value", "a int, b date, _unparsed string",
      { mode = "Permissive", columnNameOfCorruptRecord = "_unparsed" }):alias("c"))
    :selectExpr("c.a", "CAST(c.b AS string) AS b", "c._unparsed"):collect()
  t.eq(got[1].a, 0)
  t.eq(got[1].b, nil)
  t.eq(got[1]._unparsed, "0,2013-111-11 12:13:14")
  t.eq(got[2].a, 1)
  t.eq(got[2].b, "1983-08-04")
  t.eq(got[2]._unparsed, nil)
end)

t.test("from_csv: escape, comment, blanks, nullValue, nanValue and the infinities", function()
  t.eq(one(frame { '"#""' }:select(F.from_csv("value", "str string", { escape = "#" }):alias("c"))).c.str, '"')
  t.same_table(parsed({ "# This line is commented" }, "str string", { comment = "#" }), { "{null}" })
  t.eq(one(frame { " a   " }:select(F.from_csv("value", "str string", { ignoreLeadingWhiteSpace = "true" })
    :alias("c"))).c.str, "a   ")
  t.eq(one(frame { " a   " }:select(F.from_csv("value", "str string", { ignoreTrailingWhiteSpace = "true" })
    :alias("c"))).c.str, " a")
  t.eq(one(frame { " a   " }:select(F.from_csv("value", "str string"):alias("c"))).c.str, " a   ")
  t.same_table(parsed({ "-" }, "str string", { nullValue = "-" }), { "{null}" })
  local v = one(frame { "#" }:select(F.from_csv("value", "float float", { nanValue = "#" }):alias("c"))).c.float
  t.ok(v ~= v, "NaN")
  t.eq(one(frame { "#" }:select(F.from_csv("value", "float float", { positiveInf = "#" }):alias("c"))).c.float,
    math.huge)
  t.eq(one(frame { "#" }:select(F.from_csv("value", "float float", { negativeInf = "#" }):alias("c"))).c.float,
    -math.huge)
  -- The defaults: NaN, Inf and -Inf; with other texts set, "Inf" is no number (Java's parseDouble)
  local row = one(frame { "NaN,Inf,-Inf,Infinity" }:select(F.from_csv("value", "a double, b double, c double, d double")
    :alias("c"))).c
  t.ok(row.a ~= row.a, "NaN")
  t.eq(row.b, math.huge)
  t.eq(row.c, -math.huge)
  t.eq(row.d, math.huge)
  t.eq(one(frame { "Inf" }:select(F.from_csv("value", "a double", { positiveInf = "+oo" }):alias("c"))).c.a, nil)
end)

t.test("from_csv: quoting as univocity reads it", function()
  t.same_table(parsed({ '1,"haa"' }, "a INT, b STRING"), { "{1, haa}" })
  local row = one(frame { [["a,b","say \"hi\"","x""y",'q',"\\"]] }
    :select(F.from_csv("value", "a string, b string, c string, d string, e string"):alias("c"))).c
  t.eq(row.a, "a,b")
  t.eq(row.b, 'say "hi"')
  t.eq(row.c, 'x"y')
  t.eq(row.d, "'q'")
  t.eq(row.e, "\\")
  -- a quote inside an unquoted field is an ordinary character; blanks
  -- after a closing quote are skipped
  row = one(frame { [[5'10","b"  ,c]] }:select(F.from_csv("value", "a string, b string, c string"):alias("c"))).c
  t.eq(row.a, [[5'10"]])
  t.eq(row.b, "b")
  t.eq(row.c, "c")
  -- line breaks are ordinary characters (SPARK-38955)
  local df = frame { "1,2\n2" }
  row = one(df:select(F.from_csv("value", F.schema_of_csv("1,2\n2")):alias("c"))).c
  t.eq(row._c0, 1)
  t.eq(row._c1, "2\n2")
  -- empty fields: unquoted and quoted are null (nullValue ""); with another
  -- nullValue a quoted empty field is ""
  t.same_table(parsed({ ',"",x' }, "a string, b string, c string"), { "{null, null, x}" })
  row = one(frame { ',"",-' }:select(F.from_csv("value", "a string, b string, c string", { nullValue = "-" })
    :alias("c"))).c
  t.eq(row.a, nil)
  t.eq(row.b, "")
  t.eq(row.c, nil)
  t.eq(one(frame { "a;b" }:select(F.from_csv("value", "a string, b string", { sep = ";" }):alias("c"))).c.b, "b")
  t.eq(one(frame { "a\tb" }:select(F.from_csv("value", "a string, b string", { delimiter = "\\t" }):alias("c"))).c.b,
    "b")
end)

t.test("from_csv: malformed records in PERMISSIVE mode keep what converted", function()
  local schema = "a int, b int, _unparsed string"
  local opts = { columnNameOfCorruptRecord = "_unparsed" }
  -- CsvFunctionsSuite "from_csv invalid csv - check modes"
  t.same_table(parsed({ '"', "2,12" }, schema, opts), { '{null, null, "}', "{2, 12, null}" })
  -- fewer fields: the rest null; more: the extra dropped; both malformed
  t.same_table(parsed({ "1", "1,2,3", "x,2", "", false, '"a"b,1' }, schema, opts),
    { "{1, null, 1}", "{1, 2, 1,2,3}", "{null, 2, x,2}", "{null, null, }", "null", '{null, null, "a"b,1}' })
  -- _corrupt_record by default, anywhere in the schema (SPARK-32968)
  t.same_table(t.rows(frame { "a,b,c,d", "a,b" }
    :selectExpr("from_csv(value, 'a string, _corrupt_record string, b string') AS c"):select("c._corrupt_record")),
    { "a,b,c,d", "null" })
  -- without a corrupt-record column, nulls alone
  t.same_table(parsed({ "1,x" }, "a int, b int"), { "{1, null}" })
end)

t.test("from_csv: FAILFAST stops at the first malformed record, DROPMALFORMED is refused", function()
  local schema = "a int, b int"
  local err = t.raises(function() frame { "2,12", '"' }:select(F.from_csv("value", schema, { mode = "FAILFAST" }))
    :collect() end)
  t.has(err, "Malformed records are detected in record parsing. Parse Mode: FAILFAST.")
  t.has(err, "a quote is not closed")
  err = t.raises(function() frame { "2,x" }:select(F.from_csv("value", schema, { mode = "failfast" })):collect() end)
  t.has(err, 'field b: "x" cannot be read as int. Record: 2,x')
  err = t.raises(function() frame { "1,2,3" }:selectExpr("from_csv(value, 'a int, b int', map('mode', 'FAILFAST'))")
    :collect() end)
  t.has(err, "3 fields where the schema has 2")
  t.same_table(parsed({ "2,12", false }, schema, { mode = "FAILFAST" }), { "{2, 12}", "null" })
  err = t.raises(function() frame { "1" }:select(F.from_csv("value", schema, { mode = "DROPMALFORMED" })):collect() end)
  t.has(err, "from_csv() doesn't support the DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST.")
end)

t.test("from_csv kernel: malformed records counted into ctx, FAILFAST naming the row's origin", function()
  local b = tide.batch.fromRows({ { "1,2" }, { "x,2" }, { nil }, { "1" } }, "value string")
  local out = tide.batch.wrap(C.tide_batch_derive(b, 1))
  local ctx = { malformed = 0 }
  local plan = csv.fromCsvPlan(T.fromDDL("a int, b int, _corrupt_record string"), {})
  t.eq(csv.fromCsv(plan, out, b.columns[0], out.columns[0], ctx), 2)
  t.eq(ctx.malformed, 2)
  local rows = out:collect()
  t.eq(tostring(rows[1].from_csv), "Row(a=1, b=2, _corrupt_record=None)")
  t.eq(tostring(rows[2].from_csv), "Row(a=None, b=2, _corrupt_record='x,2')")
  t.eq(rows[3].from_csv, nil)
  t.eq(tostring(rows[4].from_csv), "Row(a=1, b=None, _corrupt_record='1')")
  local failfast = csv.fromCsvPlan(T.fromDDL("a int, b int"), { mode = "FAILFAST" })
  local err = t.raises(function()
    csv.fromCsv(failfast, out, b.columns[0], out.columns[0], { describeRow = function(r) return "offset " .. r end })
  end)
  t.has(err, "Row 1: field a: \"x\" cannot be read as int. Record: x,2 (offset 1)")
  err = t.raises(function()
    csv.fromCsv(failfast, out, b.columns[0], out.columns[0], { malformedRecord = function(r, why)
      return ("record %d: %s"):format(r, why) end })
  end)
  t.eq(err, 'record 1: field a: "x" cannot be read as int. Record: x,2')
end)

t.test("from_csv: numbers, booleans, decimals, dates and timestamps as Spark converts them", function()
  local row = one(frame { "-7,9000000000,1.5e3,TRUE,\"1,234.565\",2024-3-1,2024-03-01 10:20:30" }
    :select(F.from_csv("value", "i int, l bigint, d double, b boolean, m decimal(10,2), dt date, ts timestamp")
      :alias("c")):selectExpr("c.i", "c.l", "c.d", "c.b", "CAST(c.m AS string) AS m", "CAST(c.dt AS string) AS dt",
      "CAST(c.ts AS string) AS ts"))
  t.eq(row.i, -7)
  t.eq(tonumber(row.l), 9000000000)
  t.eq(row.d, 1500)
  t.eq(row.b, true)
  t.eq(row.m, "1234.57")
  t.eq(row.dt, "2024-03-01")
  t.eq(row.ts, "2024-03-01 10:20:30")
  -- Java's parseInt takes no blanks; a date beside its pattern is malformed
  t.same_table(parsed({ " 1,01/02/2024" }, "i int, dt date", { dateFormat = "yyyy-MM-dd" }), { "{null, null}" })
  t.same_table(parsed({ "2024-01-02 GMT" }, "ts timestamp"), { "{2024-01-02 00:00:00}" })
  -- a field of a type CSV cannot hold is refused when the plan is made
  t.raises(function() F.from_csv("value", "a array<int>") end, "does not support array<int> data type")
end)

t.test("from_csv: the schema as a literal Column, refused when it is not one", function()
  t.same_table(parsed({ '1,"a"' }, F.lit("i int, s string")), { "{1, a}" })
  local err = t.raises(function()
    spark:createDataFrame({ { "1", "i int" } }, "csv string, schema string")
      :select(F.from_csv("csv", F.col("schema"))):collect()
  end)
  t.has(err, "Schema should be specified in DDL format as a string literal")
end)

-- ---- to_csv --------------------------------------------------------------------------

-- to_csv of one struct field holding value (a Lua value of type ddl).
local function to_csv_of(value, ddl, options)
  local df = spark:createDataFrame({ { value } }, "a " .. ddl)
  return one(df:select(F.to_csv(F.struct("a"), options):alias("csv"))).csv
end

t.test("to_csv: PySpark's docstring example and the SQL examples", function()
  local df = spark:createDataFrame({ { 1, 2, "Alice" } }, "key int, age int, name string")
  t.eq(one(df:select(F.to_csv(F.struct("age", "name")):alias("csv"))).csv, "2,Alice")
  t.eq(df:select(F.to_csv(F.struct("age", "name"))).columns[1], "to_csv(struct(age, name))")
  local row = one(spark:range(1):selectExpr("to_csv(named_struct('a', 1, 'b', 2)) AS c",
    "to_csv(named_struct('time', to_timestamp('2015-08-26', 'yyyy-MM-dd')), "
      .. "map('timestampFormat', 'dd/MM/yyyy')) AS d"))
  t.eq(row.c, "1,2")
  t.eq(row.d, "26/08/2015")
end)

t.test("to_csv: CsvFunctionsSuite's options", function()
  t.eq(to_csv_of(1, "int"), "1")
  t.eq(to_csv_of('"', "string", { escape = "#" }), '"#""')
  t.eq(to_csv_of('test "escapeQuotes"', "string", { escapeQuotes = "false" }), 'test "escapeQuotes"')
  t.eq(to_csv_of("  a, b  , c  ", "string", { ignoreLeadingWhiteSpace = "false" }), '"  a, b  , c"')
  t.eq(to_csv_of("  a, b  , c  ", "string", { ignoreTrailingWhiteSpace = "false" }), '"a, b  , c  "')
  t.eq(to_csv_of(nil, "string", { nullValue = "-" }), "-")
  t.eq(to_csv_of("", "string", { emptyValue = "-" }), "-")
  local df = spark:range(1):selectExpr("named_struct('d', DATE'2015-08-26', 't', TIMESTAMP'2015-08-26 18:00:00') AS a")
  t.eq(one(df:select(F.to_csv("a", { dateFormat = "dd/MM/yyyy", timestampFormat = "dd/MM/yyyy HH:mm" })
    :alias("c"))).c, "26/08/2015,26/08/2015 18:00")
end)

t.test("to_csv: nulls, empty strings, quoting and blanks by default", function()
  local df = spark:createDataFrame({ { nil, "", "a,b", 'say "hi"', "  x  ", "back\\slash", "l1\nl2", "'q'" } },
    "a string, b string, c string, d string, e string, f string, g string, h string")
  local cols = { "a", "b", "c", "d", "e", "f", "g", "h" }
  t.eq(one(df:select(F.to_csv(F.struct(unpack(cols))):alias("c"))).c,
    [[,"","a,b","say \"hi\"",x,back\slash,"l1]] .. "\n" .. [[l2",'q']])
  t.eq(one(df:select(F.to_csv(F.struct("a", "c", "f"), { quoteAll = true }):alias("c"))).c, [["","a,b","back\\slash"]])
  t.eq(one(df:select(F.to_csv(F.struct("c", "d"), { sep = ";", quote = "'" }):alias("c"))).c, [[a,b;say "hi"]])
  -- an empty string with quoteAll is its emptyValue, "", not quoted again; a carriage return is quoted
  t.eq(one(df:select(F.to_csv(F.struct("b", "b"), { quoteAll = true }):alias("c"))).c, [["",""]])
  t.eq(to_csv_of("a\rb", "string"), '"a\rb"')
  -- a value starting with a quote is quoted; a null struct is null
  t.eq(to_csv_of('"x', "string"), [["\"x"]])
  t.eq(one(spark:createDataFrame({ { nil } }, "a struct<x:int>"):select(F.to_csv("a"):alias("c"))).c, nil)
end)

t.test("to_csv: values as Spark's CSV writer formats them", function()
  local df = spark:range(1):selectExpr("named_struct('b', true, 'l', 12345678901, 'd', 1e10, 'f', CAST(0.1 AS float), "
    .. "'m', CAST(0.00000001 AS decimal(10,8)), 'n', CAST(-12.5 AS decimal(5,2)), 'dt', DATE'2024-03-01', "
    .. "'ts', TIMESTAMP'2024-03-01 10:20:30.123456', 'nan', CAST('NaN' AS double)) AS a")
  t.eq(one(df:select(F.to_csv("a"):alias("c"))).c,
    "true,12345678901,1.0E10,0.1,1E-8,-12.50,2024-03-01,2024-03-01T10:20:30.123Z,NaN")
  -- round trips (CsvFunctionsSuite)
  local structs = spark:createDataFrame({ { 1 }, { nil } }, "a int"):selectExpr("IF(a IS NULL, NULL, struct(a)) AS s")
  t.same_table(t.rows(structs:select(F.to_csv("s"):alias("csv")):select(F.from_csv("csv", "a int"):alias("s"))),
    { "{1}", "null" })
  t.same_table(t.rows(frame { "1", false }:select(F.from_csv("value", "a int"):alias("s"))
    :select(F.to_csv("s"):alias("csv"))), { "1", "null" })
  t.raises(function() spark:range(1):select(F.to_csv(F.lit(1))):collect() end, "to_csv needs a struct")
  t.raises(function() spark:range(1):selectExpr("to_csv(named_struct('a', array(1)))"):collect() end,
    "does not support array<int> data type")
end)

-- ---- schema_of_csv -------------------------------------------------------------------

t.test("schema_of_csv: Spark's examples and its inference", function()
  local df = spark:range(1)
  t.eq(one(df:select(F.schema_of_csv(F.lit("1|a"), { sep = "|" }):alias("csv"))).csv, "STRUCT<_c0: INT, _c1: STRING>")
  t.eq(one(df:select(F.schema_of_csv("1|a", { sep = "|" }):alias("csv"))).csv, "STRUCT<_c0: INT, _c1: STRING>")
  t.eq(one(df:selectExpr("schema_of_csv('1,abc') AS s")).s, "STRUCT<_c0: INT, _c1: STRING>")
  t.eq(one(df:select(F.schema_of_csv("0.1,1"):alias("s"))).s, "STRUCT<_c0: DOUBLE, _c1: INT>")
  t.eq(one(df:select(F.schema_of_csv(F.lit("0.1 1"), { sep = " " }):alias("s"))).s, "STRUCT<_c0: DOUBLE, _c1: INT>")
  t.eq(df:select(F.schema_of_csv("1,abc")).columns[1], "schema_of_csv(1,abc)")
  t.eq(one(df:select(F.schema_of_csv('true,2024-01-02,2024-01-02 10:00:00,12345678901,123456789012345678901,,""')
    :alias("s"))).s,
    "STRUCT<_c0: BOOLEAN, _c1: DATE, _c2: TIMESTAMP, _c3: BIGINT, _c4: DECIMAL(21,0), _c5: STRING, _c6: STRING>")
  t.eq(one(df:select(F.schema_of_csv("26/08/2015,x", { dateFormat = "dd/MM/yyyy" }):alias("s"))).s,
    "STRUCT<_c0: DATE, _c1: STRING>")
  t.raises(function() frame { "1" }:select(F.schema_of_csv(F.col("value"))):collect() end, "NON_FOLDABLE_INPUT")
end)

t.run()
