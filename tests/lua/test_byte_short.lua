-- tinyint and smallint (Spark's ByteType and ShortType): their names,
-- literals, casts that wrap to 8 and 16 bits, arithmetic that overflows
-- as Java's byte and short, coercion with the other numbers, and the
-- aggregates' types. Expected values are Apache Spark 3.5.3's for the
-- same queries (non-ANSI).
local t = require("testing")
local tide = require("tide")
local T, F = tide.types, tide.functions

local spark = tide.session()

-- The one row of SELECT exprs, as its cells' text.
local function row(exprs)
  return t.rows(spark:sql("SELECT " .. exprs))[1]
end

t.test("types: names, JSON names, DDL names", function()
  t.eq(T.byte:simpleString(), "tinyint")
  t.eq(T.short:simpleString(), "smallint")
  t.eq(T.byte:typeName(), "byte")
  t.eq(T.short:typeName(), "short")
  t.eq(T.byte:json(), '"byte"')
  t.eq(T.short:json(), '"short"')
  t.eq(T.parse("tinyint"), T.byte)
  t.eq(T.parse("BYTE"), T.byte)
  t.eq(T.parse("smallint"), T.short)
  t.eq(T.parse("short"), T.short)
  t.ok(T.byte ~= T.int and T.short ~= T.int and T.byte ~= T.short, "three types")
  t.eq(T.fromDDL("a tinyint, b smallint"):simpleString(), "struct<a:tinyint,b:smallint>")
  local schema = spark:sql("SELECT 1Y AS a, 2S AS b, CAST(3 AS TINYINT) AS c").schema
  -- (printSchema's names; nullability is not what this checks)
  t.eq((schema:treeString():gsub(" %(nullable = %a+%)", "")), "root\n |-- a: byte\n |-- b: short\n |-- c: byte\n")
end)

t.test("literals and typeof", function()
  t.eq(row("typeof(1Y), typeof(1S), typeof(1Y + 1S), typeof(1Y + 1), typeof(1Y + 1.5), typeof(1Y * 1L),"
    .. " typeof(1S + 1.5D)"), "tinyint|smallint|smallint|int|decimal(5,1)|bigint|double")
  t.raises(function() spark:sql("SELECT 128Y") end, "tinyint")
  t.raises(function() spark:sql("SELECT 32768S") end, "smallint")
end)

t.test("casts to tinyint and smallint wrap as Java's (byte) and (short)", function()
  t.eq(row("CAST(200 AS TINYINT), CAST(127 AS TINYINT) + CAST(1 AS TINYINT), CAST(1e10D AS SMALLINT),"
    .. " CAST(-1e20D AS TINYINT)"), "-56|-128|-1|0")
  t.eq(row("CAST(3000000000L AS SMALLINT), CAST(CAST(12345.678 AS DECIMAL(8,3)) AS TINYINT)"), "24064|57")
  t.eq(row("CAST(true AS TINYINT), CAST(-129.9D AS TINYINT), CAST(128.9D AS TINYINT),"
    .. " CAST(CAST('NaN' AS DOUBLE) AS SMALLINT), CAST(1Y AS STRING), CAST(-1Y AS DOUBLE)"),
    "1|127|-128|0|1|-1.0")
  t.eq(row("CAST(TIMESTAMP '2024-01-01 00:00:00' AS TINYINT), CAST(TIMESTAMP '2024-01-01 00:00:00' AS SMALLINT),"
    .. " CAST(DATE '2024-01-01' AS TINYINT)"), "-128|128|null")
  -- a column's values, one kernel over the batch
  local df = spark:sql("SELECT CAST(x AS TINYINT) AS b, CAST(x AS SMALLINT) AS s FROM VALUES (200), (-129), (65535),"
    .. " (NULL) AS t(x)")
  t.same_table(t.rows(df), { "-56|200", "127|-129", "-1|-1", "null|null" })
  t.eq(df.schema:simpleString(), "struct<b:tinyint,s:smallint>")
end)

t.test("a string out of range casts to NULL; TRY_CAST is NULL out of range", function()
  t.eq(row("CAST('300' AS TINYINT), CAST('-129' AS TINYINT), CAST('127' AS TINYINT), CAST('40000' AS SMALLINT),"
    .. " CAST('12.7' AS TINYINT), CAST(' 12 ' AS TINYINT)"), "null|null|127|null|12|12")
  t.eq(row("try_add(127Y, 1Y), try_multiply(100Y, 2Y), try_subtract(-32768S, 1S), try_cast(200 AS TINYINT),"
    .. " try_cast('200' AS TINYINT), try_cast(1e10D AS SMALLINT)"), "null|null|null|null|null|null")
end)

t.test("arithmetic of tinyints and smallints overflows as Java's", function()
  t.eq(row("127Y + 1Y, CAST(100 AS TINYINT) * 3Y, 32767S + 1S, -32768S - 1S, 5Y % 3Y, pmod(-7Y, 3Y),"
    .. " typeof(pmod(-7Y, 3Y)), typeof(5Y % 3Y)"), "-128|44|-32768|32767|2|2|tinyint|tinyint")
  t.eq(row("abs(CAST(-128 AS TINYINT)), round(127Y, -1), bround(127Y, -1), round(32767S, -1), -(-128Y),"
    .. " negative(-32768S)"), "-128|-126|-126|-32766|-128|-32768")
  t.eq(row("1Y + 1.5, 100Y + 100Y + 100, 100Y + (100Y + 100)"), "2.5|44|300")
  local df = spark:sql("SELECT x, x + 1Y, abs(x), -x FROM VALUES (CAST(-128 AS TINYINT)), (CAST(127 AS TINYINT)),"
    .. " (NULL) AS t(x)")
  t.same_table(t.rows(df), { "-128|-127|-128|-128", "127|-128|127|-127", "null|null|null|null" })
  df = spark:sql("SELECT x, x * 2S, CAST(x AS TINYINT) FROM VALUES (CAST(-32768 AS SMALLINT)),"
    .. " (CAST(300 AS SMALLINT)) AS t(x)")
  t.same_table(t.rows(df), { "-32768|0|0", "300|600|44" })
  -- the DataFrame API, the same kernels
  local b = spark:range(1):select(F.lit(120):cast("tinyint"):alias("b"))
  t.same_table(t.rows(b:select(F.col("b") + F.col("b"), F.abs(F.col("b") * F.lit(3):cast("tinyint")))),
    { "-16|104" })
end)

t.test("bitwise operators, shifts, division and comparison", function()
  t.eq(row("shiftleft(1Y, 7), typeof(shiftleft(1Y, 7)), typeof(1Y & 1), typeof(1Y & 1Y), 127Y | -128Y, ~1Y,"
    .. " typeof(~1Y), typeof(1Y div 1Y), 1Y / 2Y"), "128|int|int|tinyint|-1|-2|tinyint|bigint|0.5")
  t.eq(row("typeof(greatest(1Y, 2S)), typeof(CASE WHEN true THEN 1Y ELSE 2S END), typeof(coalesce(1Y, 1)),"
    .. " 1Y = 1, hash(1Y), hash(1S), typeof(array(1Y, 2Y))"),
    "smallint|smallint|int|true|-559580957|-559580957|array<tinyint>")
end)

t.test("aggregates: sum is a bigint, avg a double, min/max/first keep the type", function()
  local df = spark:sql("SELECT sum(x), avg(x), min(x), max(x), first(x), count(x) FROM VALUES"
    .. " (CAST(100 AS TINYINT)), (CAST(100 AS TINYINT)) AS t(x)")
  t.same_table(t.rows(df), { "200|100.0|100|100|100|2" })
  t.eq(df.schema:simpleString(),
    "struct<sum(x):bigint,avg(x):double,min(x):tinyint,max(x):tinyint,first(x):tinyint,count(x):bigint>")
  df = spark:sql("SELECT x, grouping(x), typeof(grouping(x)) FROM VALUES (1) AS t(x) GROUP BY ROLLUP(x)")
  t.same_table(t.rows(df), { "1|0|tinyint", "null|1|tinyint" })
end)

t.test("set operations widen tinyint and smallint as Spark does", function()
  -- (Spark 3.5.3: 1, 1000 as int; decimal(4,1); smallint)
  local u = spark:sql("SELECT CAST(1 AS TINYINT) AS x UNION ALL SELECT 1000 ORDER BY x")
  t.same_table(t.rows(u), { "1", "1000" })
  t.eq(u.schema:simpleString(), "struct<x:int>")
  t.eq(spark:sql("SELECT CAST(1 AS TINYINT) AS x UNION ALL SELECT 1.5").schema:simpleString(), "struct<x:decimal(4,1)>")
  t.eq(spark:sql("SELECT CAST(1 AS TINYINT) AS x UNION ALL SELECT CAST(2 AS SMALLINT)").schema:simpleString(),
    "struct<x:smallint>")
end)

t.test("readers of text refuse values out of a tinyint's or smallint's range", function()
  -- (Spark 3.5.3: Jackson's getByteValue takes -128 ... 255, wrapping the
  -- top half as an unsigned byte's; getShortValue and Java's parseByte
  -- and parseShort refuse what does not fit: the field is NULL, the
  -- record malformed)
  t.eq(row([[from_json('{"a":300,"b":1}', 'a tinyint, b int'), from_json('{"a":-129}', 'a tinyint'),]]
    .. [[ from_json('{"a":-128}', 'a tinyint'), from_json('{"a":40000}', 'a smallint'),]]
    .. [[ from_json('{"a":[127, 128]}', 'a array<tinyint>'), from_json('{"a":-32768}', 'a smallint'),]]
    .. [[ from_json('{"a":200}', 'a tinyint'), from_json('{"a":256}', 'a tinyint')]]),
    "{null, 1}|{null}|{-128}|{null}|{[127, -128]}|{-32768}|{-56}|{null}")
  t.eq(row("from_csv('300,1', 'a tinyint, b int'), from_csv('-128,1', 'a tinyint, b int'),"
    .. " from_csv('40000,1', 'a smallint, b int'), from_csv('32767,1', 'a smallint, b int'),"
    .. " from_csv('200', 'a tinyint')"),
    "{null, 1}|{-128, 1}|{null, 1}|{32767, 1}|{null}")
  local k, malformed = t.malformed_statuses({ '{"a":127}', '{"a":256}', '{"a":-200}' }, "a tinyint")
  t.eq(k, 2, "from_json's malformed records")
  t.eq(malformed, 2, "counted as malformed")

  local dir = t.tempdir()
  t.write(dir .. "/t.csv", "a,b\n127,x\n128,y\n-32769,z\n")
  local csv = spark.read:option("header", true):schema("a tinyint, b string, _corrupt_record string")
    :csv(dir .. "/t.csv")
  t.same_table(t.rows(csv), { "127|x|null", "null|y|128,y", "null|z|-32769,z" })
  t.write(dir .. "/t.json", '{"a":127,"b":1}\n{"a":40000,"b":2}\n')
  local json = spark.read:schema("a smallint, b int, _corrupt_record string"):json(dir .. "/t.json")
  t.same_table(t.rows(json), { '127|1|null', 'null|2|{"a":40000,"b":2}' })
end)

t.run()
