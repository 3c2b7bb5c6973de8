-- Functions whose results once differed from Apache Spark 3.5's: trim's
-- spaces, -0.0 and NaN as keys, from_json's lenient records, to_json's
-- options, decimals past 38 digits, Java's text of doubles, base64's lines,
-- binary lpad/rpad/concat. The expected values are those Spark 3.5.3 gives
-- for the same queries (local[1], on Java 17).
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local rows = t.rows

-- A query's rows and its columns' Spark type names.
local function sql(query)
  local df = spark:sql(query)
  local types = {}
  for i, d in ipairs(df.dtypes) do types[i] = d[2] end
  return rows(df), types
end

-- ---- trim -----------------------------------------------------------------------------------

t.test("trim, ltrim, rtrim and btrim of one argument take spaces only; of two, the characters given", function()
  t.same_table(sql([[SELECT hex(trim('\t a \t')), hex(ltrim(' \ta ')), hex(rtrim(' a\t ')), hex(btrim(' \n a \n ')),
    trim('  a  ')]]), { "0920612009|096120|206109|0A2061200A|a" })
  t.same_table(sql([[SELECT btrim('xyaxy', 'xy'), trim(BOTH 'x' FROM 'xxaxx'), trim(LEADING 'x' FROM 'xxaxx'),
    trim(TRAILING 'x' FROM 'xxaxx'), ltrim('xy', 'xyxa'), rtrim('xy', 'axyx'), ltrim('ab', 'abcab')]]),
    { "a|a|axx|xxa|a|a|cab" })
end)

-- ---- -0.0 and NaN as keys ---------------------------------------------------------------------

t.test("grouping, DISTINCT and set operations give -0.0 as 0.0 and one NaN (NormalizeFloatingNumbers)", function()
  local nan = "CAST('NaN' AS DOUBLE)"
  t.same_table(sql(("SELECT DISTINCT x FROM VALUES (-0.0D), (0.0D), (%s), (%s) AS t(x) ORDER BY x"):format(nan, nan)),
    { "0.0", "NaN" })
  t.same_table(sql("SELECT x, count(*) FROM VALUES (-0.0D), (-0.0D) AS t(x) GROUP BY x"), { "0.0|2" })
  t.same_table(sql("SELECT DISTINCT x FROM VALUES (-0.0D) AS t(x)"), { "0.0" })
  -- inside structs and arrays too
  t.same_table(sql("SELECT s, count(*) FROM VALUES (named_struct('a', -0.0D)), (named_struct('a', 0.0D)) AS t(s)"
    .. " GROUP BY s"), { "{0.0}|2" })
  t.same_table(sql("SELECT a, count(*) FROM VALUES (array(-0.0D)), (array(0.0D)) AS t(a) GROUP BY a"), { "[0.0]|2" })
  t.same_table(sql("SELECT f, count(*) FROM VALUES (CAST(-0.0 AS FLOAT) * -1) AS t(f) GROUP BY f"), { "0.0|1" })
  -- set operations aggregate their rows in Spark
  t.same_table(sql("SELECT x FROM VALUES (-0.0D), (0.0D) AS t(x) UNION SELECT 0.0D"), { "0.0" })
  t.same_table(sql("SELECT x FROM VALUES (-0.0D) AS t(x) INTERSECT SELECT 0.0D"), { "0.0" })
  t.same_table(sql("SELECT x FROM VALUES (-0.0D), (1.0D) AS t(x) EXCEPT SELECT 1.0D"), { "0.0" })
  t.same_table(sql("SELECT x FROM VALUES (-0.0D), (-0.0D) AS t(x) INTERSECT ALL SELECT 0.0D"), { "0.0" })
  -- the DataFrame API alike
  local df = spark:createDataFrame({ { -0.0, "a" }, { 0.0, "b" }, { -0.0, "c" } }, "x double, y string")
  t.same_table(rows(df:dropDuplicates({ "x" })), { "0.0|a" })
  t.same_table(rows(df:select("x"):distinct()), { "0.0" })
  t.same_table(rows(df:groupBy("x"):count()), { "0.0|3" })
end)

t.test("joins and window partitions match -0.0 with 0.0 but keep the rows' own values", function()
  t.same_table(sql("SELECT l.x, r.y FROM VALUES (-0.0D) AS l(x) JOIN VALUES (0.0D) AS r(y) ON l.x = r.y"),
    { "-0.0|0.0" })
  t.same_table(sql("SELECT x, count(*) OVER (PARTITION BY x) FROM VALUES (-0.0D), (0.0D) AS t(x) ORDER BY x"),
    { "-0.0|2", "0.0|2" })
end)

t.test("array_distinct and the array set functions tell -0.0 from 0.0 and keep one NaN; collect_set every NaN",
  function()
  t.same_table(sql([[SELECT array_distinct(array(-0.0D, 0.0D)),
    array_distinct(array(CAST('NaN' AS DOUBLE), CAST('NaN' AS DOUBLE), -0.0D, 0.0D)),
    array_union(array(1.0D, -0.0D), array(0.0D)),
    array_intersect(array(-0.0D, 0.0D, CAST('NaN' AS DOUBLE)), array(0.0D, CAST('NaN' AS DOUBLE))),
    array_except(array(-0.0D, 0.0D), array(0.0D))]]),
    { "[-0.0, 0.0]|[NaN, -0.0, 0.0]|[1.0, -0.0, 0.0]|[0.0, NaN]|[-0.0]" })
  -- floats alike; nested values compare as values (-0.0 = 0.0)
  t.same_table(sql([[SELECT array_distinct(array(CAST(-0.0 AS FLOAT) * -1, CAST(0.0 AS FLOAT),
    CAST('NaN' AS FLOAT), CAST('NaN' AS FLOAT))), array_distinct(array(array(-0.0D), array(0.0D)))]]),
    { "[-0.0, 0.0, NaN]|[[-0.0]]" })
  -- collect_set's Scala HashSet: -0.0 == 0.0, but no NaN equals another
  t.same_table(sql([[SELECT size(collect_set(x)), size(array_remove(collect_set(x), 0.0D))
    FROM VALUES (CAST('NaN' AS DOUBLE)), (CAST('NaN' AS DOUBLE)), (-0.0D), (0.0D), (1.0D) AS t(x)]]), { "4|3" })
  t.same_table(sql("SELECT collect_set(x) FROM VALUES (1), (2), (1) AS t(x)"), { "[1, 2]" })
end)

-- ---- from_json ------------------------------------------------------------------------------

t.test("from_json reads NaN, Infinity, +INF, -INF as numbers (allowNonNumericNumbers)", function()
  t.same_table(sql([[SELECT from_json('{"a":NaN}', 'a DOUBLE'),
    from_json('{"a":-INF,"b":+Infinity,"c":Infinity,"d":+INF,"e":-Infinity}',
      'a DOUBLE, b DOUBLE, c FLOAT, d DOUBLE, e DOUBLE'),
    from_json('{"a":[1, NaN]}', 'a ARRAY<DOUBLE>'), from_json('{"a":{"b": Infinity}}', 'a STRUCT<b: DOUBLE>'),
    from_json('{"a":NaN}', 'map<string,double>')]]),
    { "{NaN}|{-Infinity, Infinity, Infinity, Infinity, -Infinity}|{[1.0, NaN]}|{{Infinity}}|{a -> NaN}" })
  -- a string field gets the text Jackson writes for them: quoted
  t.same_table(sql([[SELECT from_json('{"a":NaN}', 'a STRING'), from_json('{"a":[NaN, -INF]}', 'a STRING'),
    from_json('{"a":[NaN]}', 'a ARRAY<STRING>')]]), { '{"NaN"}|{["NaN","-Infinity"]}|{["NaN"]}' })
  -- other types do not take them: that field is null (the record is malformed)
  t.same_table(sql([[SELECT from_json('{"a":NaN, "b": 2}', 'a INT, b INT'), from_json('{"a":NaN}', 'a DECIMAL(5,2)'),
    from_json('{"a":Infinity}', 'a BINARY'), from_json('{"a":NaN}', 'a TIMESTAMP')]]),
    { "{null, 2}|{null}|{null}|{null}" })
  -- anything else is no number: the record is not JSON
  t.same_table(sql([[SELECT from_json('{"a":NaNx}', 'a DOUBLE'), from_json('{"a":-NaN}', 'a DOUBLE'),
    from_json('{"a":INF}', 'a DOUBLE'), from_json('{NaN:1}', 'NaN INT'),
    from_json('{"a":NaN}', 'a DOUBLE', map('allowNonNumericNumbers', 'false'))]]),
    { "{null}|{null}|{null}|{null}|{null}" })
end)

t.test("from_json takes single quotes and reads the first object only, as Jackson does", function()
  t.same_table(sql([[SELECT from_json("{'a':1}", 'a INT'), from_json("{'a':'x\"y'}", 'a STRING'),
    from_json('{"a":"it\'s"}', 'a STRING'), from_json("{'a':'b'}", 'map<string,string>'),
    from_json("{'a':1}", 'a INT', map('allowSingleQuotes', 'false'))]]), { '{1}|{x"y}|{it\'s}|{a -> b}|{null}' })
  t.same_table(sql([[SELECT from_json('{"a":1} x', 'a INT'), from_json('{"a":1}}', 'a INT'),
    from_json('{"a":1} {"a":2}', 'a INT'), from_json('  {"a":1}  x', 'a INT'),
    from_json('[{"a":1}] x', 'array<struct<a:int>>'),
    from_json('{"a":1} x', 'map<string,int>')]]), { "{1}|{1}|{1}|{1}|[{1}]|{a -> 1}" })
  -- still malformed: unquoted names, trailing commas, a record left open
  t.same_table(sql([[SELECT from_json('{a:1}', 'a INT'), from_json('{"a":1,}', 'a INT'), from_json('{"a":"1"', 'a INT'),
    from_json("{'a':x}", 'a INT, _corrupt_record STRING')]]), { "{null}|{null}|{null}|{null, {'a':x}}" })
  -- a good record's _corrupt_record stays null; FAILFAST fails only on what Jackson refuses
  t.same_table(sql([[SELECT from_json("{'a':1} x", 'a INT, _corrupt_record STRING'),
    from_json("{'a':1} x", 'a INT', map('mode', 'FAILFAST'))]]), { "{1, null}|{1}" })
  t.raises(function() spark:sql([[SELECT from_json("{'a':x}", 'a INT', map('mode', 'FAILFAST'))]]):collect() end,
    "Malformed records are detected in record parsing%. Parse Mode: FAILFAST%. Row 0: .*Record: {'a':x}")
  local k, malformed, status = t.malformed_statuses({ "{'a':1}", '{"a":NaN} x', "{'a':", '{"a":1}' }, "a DOUBLE")
  t.eq(tonumber(k), 1)
  t.eq(malformed, 1)
  t.same_table({ status[0], status[1], status[2], status[3] }, { 0, 0, 1, 0 })
end)

t.test("from_json's second reading gives the same rows on worker threads", function()
  local values = {}
  for i = 1, 3000 do
    local kind = i % 4
    values[i] = { kind == 0 and ('{"a":%d,"s":"v%d"}'):format(i, i) or kind == 1 and ("{'a':%d,'s':'q%d'}"):format(i, i)
      or kind == 2 and ('{"a":NaN,"s":"n%d"} tail'):format(i) or ('{"a":%d,"s":'):format(i) }
  end
  local df = spark:createDataFrame(values, "v string"):select(F.from_json("v", "a DOUBLE, s STRING"):alias("j"))
    :select("j.a", "j.s")
  local runs = t.collect_with_workers(spark, df)
  for _, threads in ipairs({ 0, 3 }) do
    local r = runs[threads]
    t.eq(#r, 3000)
    t.same_table({ r[1][1], r[1][2], r[2][2], r[3][1], r[3][2], r[4][1], r[4][2] },
      { 1, "q1", "n2", nil, nil, 4, "v4" }, "threads " .. threads)
    t.ok(r[2][1] ~= r[2][1] and r[2998][1] ~= r[2998][1] and r[2998][2] == "n2998", "NaN rows, threads " .. threads)
    t.same_table({ r[2999][1], r[2999][2], r[3000][1] }, { nil, nil, 3000 }, "threads " .. threads)
  end
end)

-- ---- to_json --------------------------------------------------------------------------------

t.test("to_json's options in SQL: timestampFormat, dateFormat, ignoreNullFields; struct keys as Spark's rows",
  function()
  t.same_table(sql([[SELECT to_json(named_struct('t', TIMESTAMP'2024-01-01 10:00:00'), map('timestampFormat',
    'dd/MM/yyyy HH:mm')), to_json(named_struct('d', DATE'2024-03-05'), map('dateFormat', 'dd.MM.yyyy')),
    to_json(named_struct('n', CAST(NULL AS INT)), map('ignoreNullFields', 'false')),
    to_json(array(named_struct('n', CAST(NULL AS INT))), map('IGNORENULLFIELDS', 'false'))]]),
    { '{"t":"01/01/2024 10:00"}|{"d":"05.03.2024"}|{"n":null}|[{"n":null}]' })
  t.same_table(sql([[SELECT to_json(map(named_struct('a', 1), 2)),
    to_json(map(named_struct('a', 1, 'b', 'x', 'c', CAST(NULL AS INT), 'd', 1.5D, 'e', named_struct('f', true)), 2)),
    to_json(map(named_struct('a', DATE'2024-01-01', 'b', CAST(1.50 AS DECIMAL(5,2)),
      'c', CAST('NaN' AS DOUBLE)), 2))]]),
    { '{"[1]":2}|{"[1,x,null,1.5,[true]]":2}|{"[19723,1.50,NaN]":2}' })
  t.same_table(rows(spark:sql("SELECT named_struct('n', CAST(NULL AS INT)) AS s")
    :select(F.to_json("s", { ignoreNullFields = false }))), { '{"n":null}' })
  t.raises(function() spark:sql("SELECT to_json(named_struct('a', 1), map('x', current_date()))"):collect() end,
    "the options must be map")
  -- pretty: Jackson's default pretty printer, objects a member a line, arrays inline
  local pretty = spark:sql([[SELECT to_json(named_struct('a', 1, 'b', array(1, 2), 'c', named_struct('d', 'x',
    'e', array()), 'f', map('k', 1), 'g', array(named_struct('h', 1)), 'n', CAST(NULL AS INT), 'm', map()),
    map('pretty', 'true')) AS j, to_json(array(1, 2), map('pretty', 'true')) AS a]]):collect()[1]
  t.eq(pretty.j, '{\n  "a" : 1,\n  "b" : [ 1, 2 ],\n  "c" : {\n    "d" : "x",\n    "e" : [ ]\n  },\n  "f" : {\n'
    .. '    "k" : 1\n  },\n  "g" : [ {\n    "h" : 1\n  } ],\n  "m" : { }\n}')
  t.eq(pretty.a, "[ 1, 2 ]")
end)

-- ---- decimals -------------------------------------------------------------------------------

t.test("decimal + - % exact past 38 digits, then rounded to the adjusted type (decimal(38,8))", function()
  local a = "CAST('1.123456789012345678' AS DECIMAL(19,18))"
  local b = "CAST('12345678901234567890123456789.123456789' AS DECIMAL(38,9))"
  local r, types = sql(("SELECT %s + %s, %s - %s, %s - %s, %s %% %s, %s %% %s, -%s %% %s")
    :format(a, b, a, b, b, a, a, b, b, a, b, a))
  t.same_table(r, { "12345678901234567890123456790.24691358|-12345678901234567890123456788.00000000|"
    .. "12345678901234567890123456788.00000000|1.123456789012345678|0.777880387582119392|-0.777880387582119392" })
  t.same_table(types, { "decimal(38,8)", "decimal(38,8)", "decimal(38,8)", "decimal(19,18)", "decimal(19,18)",
    "decimal(19,18)" })
  t.same_table(sql([[SELECT CAST('99999999999999999999999999999.999999999' AS DECIMAL(38,9))
    + CAST('0.999999999999999999' AS DECIMAL(19,18)), CAST('1E+37' AS DECIMAL(38,0)) % CAST('0.3' AS DECIMAL(2,1)),
    CAST('-99999999999999999999999999999.999999999' AS DECIMAL(38,9))
    - CAST('0.000000000000000005' AS DECIMAL(19,18))]]),
    { "100000000000000000000000000001.00000000|0.1|-100000000000000000000000000000.00000000" })
  -- past the result's precision: NULL, as Spark's non-ANSI overflow
  t.same_table(sql([[SELECT CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0))
    + CAST('0.5' AS DECIMAL(19,18)), CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0))
    - CAST('-0.5' AS DECIMAL(19,18))]]), { "null|null" })
end)

t.test("decimal div: the truncated quotient's low 64 bits, NULL past its digits or for 0", function()
  local r, types = sql([[SELECT CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)) div 1, 7.5 div 2,
    -7.5 div 2, 7 div 0.0, CAST(1 AS DECIMAL(38,37)) div CAST(0.001 AS DECIMAL(4,3)), 10.5 div 0.25,
    CAST(-99999999999999999999999999999999999999 AS DECIMAL(38,0)) div 3,
    CAST(12345678901234567890123.5 AS DECIMAL(30,1)) div CAST(0.5 AS DECIMAL(2,1))]])
  t.same_table(r, { "687399551400673279|3|-3|null|1000|42|5919781507436292779|-8832512227953833577" })
  t.same_table(types, { "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "bigint" })
end)

-- ---- doubles --------------------------------------------------------------------------------

t.test("doubles and floats as Java 17's Double.toString and Float.toString print them", function()
  t.same_table(sql([[SELECT CAST(1.0E-323D AS STRING), CAST(4.9E-324D AS STRING), CAST(1.0E-320D AS STRING),
    CAST(2.2250738585072014E-308D AS STRING), CAST(1.0E23D AS STRING), CAST(2.0E-3D AS STRING),
    CAST(123456789012345678D AS STRING), CAST(9007199254740993D AS STRING), CAST(1.0E7D AS STRING),
    CAST(0.001D AS STRING), CAST(9.999999999999999E22D AS STRING), CAST(2.0E22D AS STRING)]]),
    { "1.0E-323|4.9E-324|1.0E-320|2.2250738585072014E-308|9.999999999999999E22|0.002|1.2345678901234568E17|"
      .. "9.007199254740992E15|1.0E7|0.001|9.999999999999999E22|2.0E22" })
  t.same_table(sql([[SELECT CAST(CAST(123456789.123 AS FLOAT) AS STRING), CAST(CAST(2147483648 AS FLOAT) AS STRING),
    CAST(CAST(1.17549435E-38 AS FLOAT) AS STRING), CAST(CAST(0.1 AS FLOAT) AS STRING),
    CAST(CAST(1.0E-40 AS FLOAT) AS STRING), CAST(CAST(1.0E10 AS FLOAT) AS STRING)]]),
    { "1.23456792E8|2.14748365E9|1.17549435E-38|0.1|1.0E-40|1.0E10" })
  t.same_table(sql("SELECT to_json(named_struct('x', 1.0E-323D, 'f', CAST(123456789.123 AS FLOAT)))"),
    { '{"x":1.0E-323,"f":1.23456792E8}' })
end)

-- ---- base64 and binary ----------------------------------------------------------------------

t.test("base64 breaks its lines after 76 characters with CRLF, as Java's MIME encoder", function()
  local r = spark:sql([[SELECT base64(CAST(repeat('a', 57) AS BINARY)) a, base64(CAST(repeat('a', 58) AS BINARY)) b,
    base64(CAST(repeat('a', 115) AS BINARY)) c, unbase64(base64(CAST(repeat('a', 200) AS BINARY))) d]]):collect()[1]
  local line = ("YWFh"):rep(19)
  t.eq(r.a, line)
  t.eq(r.b, line .. "\r\nYQ==")
  t.eq(r.c, line .. "\r\n" .. line .. "\r\nYQ==")
  t.eq(r.d, ("a"):rep(200))
end)

t.test("lpad and rpad of binary with a binary pad (or none: a zero byte), and concat of binaries, are binary",
  function()
  local r, types = sql([[SELECT hex(lpad(X'01', 3, X'00')), hex(rpad(X'01', 3, X'FF')), hex(lpad(X'0102', 1, X'00')),
    hex(lpad(X'01', 3)), hex(rpad(X'01', 3)), hex(lpad(X'01', 5, X'AABB')), hex(lpad(X'0102', 3, X'')),
    hex(lpad(X'01', 0, X'00')), rpad(X'61', 3, 'x'), lpad(X'01', 2, X'00'), concat(X'01', X'02'),
    hex(concat(X'01', X'02')), concat(X'61', 'b'), X'01' || X'02', concat(X'01', NULL)]])
  t.same_table(r, { "000001|01FFFF|01|000001|010000|AABBAABB01|0102||axx|[00 01]|[01 02]|0102|ab|[01 02]|null" })
  t.same_table(types, { "string", "string", "string", "string", "string", "string", "string", "string", "string",
    "binary", "binary", "string", "string", "binary", "string" })
  t.raises(function() spark:sql("SELECT lpad(X'01', -1, X'00')"):collect() end, "cannot be padded to %-1 bytes")
  -- concat of nothing is the empty string
  t.same_table(sql("SELECT concat(), length(concat())"), { "|0" })
end)

t.test("withField and dropFields update a struct as Spark's UpdateFields, named as Spark names them", function()
  local df = spark:sql("SELECT named_struct('a', 1, 'b', named_struct('x', 2, 'y', 3)) AS s UNION ALL SELECT NULL")
  local s = F.col("s")
  local out = df:select(s:withField("c", F.lit(9)), s:withField("a", F.lit("z")), s:withField("b.x", F.lit(7)),
    s:dropFields("a"), s:dropFields("b.y", "a"))
  t.same_table(out.columns, { "update_fields(s, WithField(9))", "update_fields(s, WithField(z))",
    "update_fields(s, WithField(update_fields(s.b, WithField(7))))", "update_fields(s, dropfield())",
    "update_fields(s, WithField(update_fields(s.b, dropfield())), dropfield())" })
  t.same_table(rows(out), { "{1, {2, 3}, 9}|{z, {2, 3}}|{1, {7, 3}}|{{2, 3}}|{{2}}", "null|null|null|null|null" })
  t.eq(out.schema.fields[2].dataType:simpleString(), "struct<a:string,b:struct<x:int,y:int>>")
  t.eq(df:select(s:withField("c", F.lit(1)):withField("d", F.lit(2))).columns[1],
    "update_fields(s, WithField(1), WithField(2))")
  t.same_table(rows(df:select(s:dropFields("zz"))), { "{1, {2, 3}}", "null" })
  t.raises(function() df:select(s:dropFields("a", "b")) end, "Cannot drop all fields in struct")
  t.raises(function() df:select(s:withField("q.r", F.lit(1))) end, "No such struct field `q` in `a`, `b`")
end)

t.run()
