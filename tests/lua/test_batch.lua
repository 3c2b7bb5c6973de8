-- Batches from Lua: building, schema, Spark's show format, collect, and
-- zero-copy column views.
local t = require("testing")
local tide = require("tide")
local ffi = require("ffi")
local T = tide.types

local function sample()
  return tide.batch.fromRows({
    { 1, "hello", 0.5, "10000169349117863715", true, "2022-06-29 02:38:24.177", { x = 1, y = "a" } },
    { nil, "a long string that exceeds twenty chars", 1e10, "-1", false, 0, nil },
    { 3, nil, 123456789.125, nil, nil, nil, { x = 2 } },
  }, "id int, name string, p double, big decimal(38,0), ok boolean, ts timestamp, s struct<x:int,y:string>")
end

t.test("count and schema", function()
  local b = sample()
  t.eq(b:count(), 3)
  t.eq(#b, 3)
  t.eq(b:schema():simpleString(),
    "struct<id:int,name:string,p:double,big:decimal(38,0),ok:boolean,ts:timestamp,s:struct<x:int,y:string>>")
  t.same_table(b:columnNames(), { "id", "name", "p", "big", "ok", "ts", "s" })
end)

t.test("show prints Spark's table, truncated and right-aligned", function()
  t.eq(sample():showString(), [[
+----+--------------------+---------------+--------------------+-----+--------------------+---------+
|  id|                name|              p|                 big|   ok|                  ts|        s|
+----+--------------------+---------------+--------------------+-----+--------------------+---------+
|   1|               hello|            0.5|10000169349117863715| true|2022-06-29 02:38:...|   {1, a}|
|NULL|a long string tha...|         1.0E10|                  -1|false| 1970-01-01 00:00:00|     NULL|
|   3|                NULL|1.23456789125E8|                NULL| NULL|                NULL|{2, NULL}|
+----+--------------------+---------------+--------------------+-----+--------------------+---------+
]])
end)

t.test("show(n, false) is left-aligned, untruncated, and says how many rows it shows", function()
  local b = tide.batch.fromRows({ { "a" }, { "a much longer value than twenty" }, { "c" } }, "v string")
  t.eq(b:showString(2, false), [[
+-------------------------------+
|v                              |
+-------------------------------+
|a                              |
|a much longer value than twenty|
+-------------------------------+
only showing top 2 rows
]])
  t.eq(b:showString(1, 5), "+---+\n|  v|\n+---+\n|  a|\n+---+\nonly showing top 1 row\n")
end)

t.test("show of an empty batch prints the header only", function()
  t.eq(tide.batch.fromRows({}, "a int, b string"):showString(), "+---+---+\n|  a|  b|\n+---+---+\n+---+---+\n")
end)

t.test("show formats binary, floats and unicode widths as Spark does", function()
  local b = tide.batch.fromRows({ { "hi\0", 1e-5, 0.1, "héllo" } }, "b binary, x double, f float, s string")
  t.eq(b:showString(), [[
+----------+------+---+-----+
|         b|     x|  f|    s|
+----------+------+---+-----+
|[68 69 00]|1.0E-5|0.1|héllo|
+----------+------+---+-----+
]])
end)

t.test("printSchema prints the tree", function()
  t.eq(sample():schema():treeString(), [[
root
 |-- id: integer (nullable = true)
 |-- name: string (nullable = true)
 |-- p: double (nullable = true)
 |-- big: decimal(38,0) (nullable = true)
 |-- ok: boolean (nullable = true)
 |-- ts: timestamp (nullable = true)
 |-- s: struct (nullable = true)
 |    |-- x: integer (nullable = true)
 |    |-- y: string (nullable = true)
]])
end)

t.test("collect returns Rows with exact values", function()
  local rows = sample():collect()
  t.eq(#rows, 3)
  t.eq(rows[1].id, 1)
  t.eq(rows[1].big, "10000169349117863715")
  t.eq(rows[1].ts, 1656470304177000)
  t.eq(rows[1].s.y, "a")
  t.eq(rows[2].id, nil)
  t.eq(rows[2].ok, false)
  t.eq(rows[3].s.y, nil)
  t.eq(tostring(rows[1]), "Row(id=1, name='hello', p=0.5, big='10000169349117863715', ok=true, " ..
    "ts=1656470304177000, s=Row(x=1, y='a'))")
end)

t.test("a Row prints floats as Python does, whole ones with .0", function()
  local rows = tide.batch.fromRows({ { 1, 1.0, 0.1, 1e20, 0 / 0 } },
    "i int, whole double, tenth double, big double, nan double")
    :collect()
  t.eq(tostring(rows[1]), "Row(i=1, whole=1.0, tenth=0.1, big=1e+20, nan=nan)")
  t.eq(rows[1].whole, 1)
end)

t.test("columns are zero-copy views over the C buffers", function()
  local b = tide.batch.fromRows({ { 10 }, { 20 }, { nil } }, "n long")
  local col = b:column("n")
  local values = col:values()
  t.ok(ffi.istype("int64_t*", values), "int64_t* view")
  t.eq(tonumber(values[1]), 20)
  values[1] = 21 -- writes land in the batch itself
  t.eq(b:collect()[2].n, 21)
  t.ok(col:isNull(2))
  t.eq(col:nullCount(), 1)
  t.eq(col:get(0), 10)
  t.eq(b:column(1):name(), "n")
  t.raises(function() b:column("missing") end, 'no column "missing"')
end)

t.test("strings are offsets plus bytes", function()
  local b = tide.batch.fromRows({ { "ab" }, { "" }, { "cde" } }, "s string")
  local col = b:column("s")
  local off = col:values()
  t.eq(off[0], 0); t.eq(off[1], 2); t.eq(off[2], 2); t.eq(off[3], 5)
  t.eq(ffi.string(col:data(), 5), "abcde")
end)

t.test("ids above 2^63 and decimals with a scale survive exactly", function()
  local b = tide.batch.fromRows({ { "18446744073709551615", "12.345" }, { "0", "-0.5" } },
    "id decimal(38,0), d decimal(10,3)")
  local rows = b:collect()
  t.eq(rows[1].id, "18446744073709551615")
  t.eq(rows[1].d, "12.345")
  t.eq(rows[2].d, "-0.500")
end)

t.test("a value of the wrong type is refused with its row and column", function()
  t.raises(function() tide.batch.fromRows({ { 1 }, { "x" } }, "a int") end, 'row 2, column "a": "x" is not an int')
  t.raises(function() tide.batch.fromRows({ { 2 ^ 40 } }, "a int") end, "is not an int")
  t.raises(function() tide.batch.fromRows({ { "12x" } }, "d decimal(5,0)") end, "is not a decimal%(5,0%)")
  t.raises(function() tide.batch.fromRows({ { "soon" } }, "t timestamp") end, "is not a timestamp")
  t.raises(function() tide.batch.fromRows({}, "a nosuchtype") end, "unknown type 'nosuchtype'")
end)

t.test("rows may be keyed by name", function()
  local b = tide.batch.fromRows({ { name = "x", id = 7 } }, T.struct { T.field("id", T.long), T.field("name", T.string) })
  t.eq(b:collect()[1].id, 7)
  t.eq(b:collect()[1].name, "x")
end)

t.test("tostring of a batch is its table", function()
  local b = tide.batch.fromRows({ { 1 } }, "a int")
  t.eq(tostring(b), "+---+\n|  a|\n+---+\n|  1|\n+---+\n")
end)

t.run()
