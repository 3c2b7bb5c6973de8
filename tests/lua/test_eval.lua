-- tide.eval: expressions compiled against a schema and run over batches
-- by the C kernels, checked for values, NULLs, types and Spark's names;
-- directly and through DataFrames.
local t = require("testing")
local tide = require("tide")
local ffi = require("ffi")
local eval = require("tide.eval")
local column = require("tide.column")
local F = tide.functions
local T = tide.types
local spark = tide.session()

-- Evaluates Columns (or column names) over rows; returns the output
-- columns as lists of Lua values (nil kept by index) and the output schema.
local function run(rows, schema, ...)
  local b = tide.batch.fromRows(rows, schema)
  local nodes = {}
  for i, c in ipairs({ ... }) do nodes[i] = column.colNode(c) end
  local compiled = eval.compileSelect(nodes, b:schema())
  local out = eval.project(b, compiled, {})
  local cols = {}
  for c = 1, out.num_columns do
    local view = out:column(c)
    local values = { n = out:count() }
    for r = 0, out:count() - 1 do values[r + 1] = view:get(r) end
    cols[c] = values
  end
  return cols, compiled.schema, out, b
end

-- One expression over one column `v` of the given type: its values.
local function values(typ, list, expr)
  local rows = {}
  for i = 1, list.n or #list do rows[i] = { list[i] } end
  local cols, schema = run(rows, "v " .. typ, expr)
  return cols[1], schema.fields[1]
end

local function list(...) return { n = select("#", ...), ... } end

local function same(actual, expected, what)
  local n = math.max(expected.n or #expected, actual.n or #actual)
  for i = 1, n do
    if actual[i] ~= expected[i] then
      error(("%srow %d: expected %s, got %s"):format(what and (what .. ", ") or "", i,
        tostring(expected[i]), tostring(actual[i])), 2)
    end
  end
end

-- ---- columns, literals, names ---------------------------------------------------

t.test("columns pass through without copying, under Spark's names", function()
  local cols, schema, out, input = run({ { 1, "a" }, { 2, "b" } }, "id int, s string",
    "id", F.col("s"):alias("name"), F.col("id") + 1, F.lit("x"), F.lit(nil))
  t.eq(schema:simpleString(), "struct<id:int,name:string,(id + 1):int,x:string,NULL:void>")
  same(cols[1], { 1, 2 })
  same(cols[2], { "a", "b" })
  same(cols[3], { 2, 3 })
  same(cols[4], { "x", "x" })
  same(cols[5], list(nil, nil))
  t.ok(out.columns[1].data == input.columns[1].data, "an aliased column shares the input's bytes")
  t.ok(out.parent == input, "the projection derives from its input")
end)

t.test("an unknown column fails at compile time naming it and the columns there are", function()
  local b = tide.batch.fromRows({}, "id int, s string")
  t.raises(function() eval.compile(F.col("nope").node, b:schema()) end,
    "cannot resolve 'nope' given input columns: %[id, s%]")
  local err = t.raises(function() spark:createDataFrame({}, "a int"):select(F.col("b") + 1) end)
  t.ok(err:find("'b'", 1, true) and err:find("[a]", 1, true), err)
end)

t.test("type errors name the expression", function()
  local b = tide.batch.fromRows({}, "n int, flag boolean, s struct<x:int>")
  t.raises(function() eval.compile((F.col("n") + F.col("flag")).node, b:schema()) end,
    "cannot resolve '%(n %+ flag%)' due to data type mismatch")
  t.raises(function() eval.compile(F.col("n"):and_(F.col("flag")).node, b:schema()) end, "%(n AND flag%)")
  t.raises(function() eval.compile(F.col("s"):cast("int").node, b:schema()) end, "cannot cast struct<x:int> to int")
  t.raises(function() eval.compile(F.col("n"):getField("x").node, b:schema()) end, "not a struct")
  t.raises(function() eval.compile(F.col("s"):getField("y").node, b:schema()) end, "no such struct field y in x")
  t.raises(function() eval.compile({ k = "call", fn = "nope", args = {} }, b:schema()) end, "undefined function: 'nope'")
end)

t.test("literals take Spark's types", function()
  local _, schema = run({ { 1 } }, "v int", F.lit(1), F.lit(2 ^ 40), F.lit(0.5), F.lit(true), F.lit("s"),
    F.lit(ffi.new("int64_t", 5)))
  t.eq(schema:simpleString(), "struct<1:int,1099511627776:bigint,0.5:double,true:boolean,s:string,5:bigint>")
end)

-- ---- casts -------------------------------------------------------------------------

t.test("CAST from strings: invalid text is NULL, as Spark's non-ANSI mode", function()
  local strings = list("1", " 7 ", "1.9", "-12", "x", "2147483648", "", nil, "+", "1e3")
  same(values("string", strings, F.col("v"):cast("int")), list(1, 7, 1, -12, nil, nil, nil, nil, nil, nil))
  same(values("string", list("9223372036854775807", "9223372036854775808", "-9223372036854775808"),
    F.col("v"):cast("bigint")), list(9223372036854775807LL, nil, -9223372036854775807LL - 1))
  same(values("string", list("1e3", " -0.5 ", "inf", "-Infinity", "1.5d", "abc", "1.2.3", ".5"),
    F.col("v"):cast("double")), list(1000, -0.5, math.huge, -math.huge, 1.5, nil, nil, 0.5))
  local nan = values("string", list("NaN"), F.col("v"):cast("double"))[1]
  t.ok(nan ~= nan, "NaN")
  -- (Spark 3.5.3: Java's parseDouble takes "NaN" with a sign and hexadecimal
  -- text with a binary exponent; its fallback any case of nan, inf and
  -- infinity, but not "-nan")
  local special = values("string", list("-NaN", "nan", "+NAN", "-nan", "-INF", "+Infinity", "0x1.8P1", "-0x1p-2",
    "0x1p3f", "0x1", "0xp1"), F.col("v"):cast("double"))
  t.ok(special[1] ~= special[1] and special[2] ~= special[2], "-NaN and nan are NaN")
  same(list(special[3], special[4], special[5], special[6], special[7], special[8], special[9], special[10],
    special[11]), list(nil, nil, -math.huge, math.huge, 3, -0.25, 8, nil, nil))
  same(values("string", list("true", "Y", "0", "no", "maybe", " t "), F.col("v"):cast("boolean")),
    list(true, true, false, false, nil, true))
  same(values("string", list("10000169349117863715", "-1", "x", "1e2", "123456789012345678901234567890123456789"),
    F.col("v"):cast("decimal(38,0)")), list("10000169349117863715", "-1", nil, "100", nil))
  same(values("string", list("1.005", "-1.005", "0.004", "12345678.9", "1.5E-1"), F.col("v"):cast("decimal(10,2)")),
    list("1.01", "-1.01", "0.00", "12345678.90", "0.15"))
  same(values("string", list("2022-06-29 02:38:24.177", "2022-06-29T02:38:24Z", "2022-06-29", "junk"),
    F.col("v"):cast("timestamp")), list(1656470304177000, 1656470304000000, 1656460800000000, nil))
end)

t.test("CAST(string AS timestamp) takes every form Spark's does, region zones too", function()
  local noon = 1710072000000000 -- 2024-03-10 12:00:00 UTC
  local hour = 3600000000
  same(values("string", list("2024", "2024-3", "2024-3-10 12", "2024-03-10T12", "2024-03-10 12:00:00.",
      " 2024-03-10 12:00:00 UTC ", "2024-03-10 12:00:00+0100", "2024-03-10 12:00:00 +01:00",
      "2024-03-10 12:00:00GMT+2", "2024-03-10 12:00:00UTC+01:00", "2024-03-10 12:00:00.5+1",
      "+10000-01-01", "-0001-01-01"), F.col("v"):cast("timestamp")),
    list(1704067200000000, 1709251200000000, noon, noon, noon, noon, noon - hour, noon - hour, noon - 2 * hour,
      noon - hour, noon - hour + 500000, 253402300800000000, -62198755200000000))
  same(values("string", list("2024-13-01", "2024-02-30", "2024-03-10 24:00:00", "2024-03-10 12:00Z",
      "2024-03-10 12:00:00+18:01", "2024-03-10 12:00:00+05:", "2024-03-10 12:00:00 Europe/Pariss",
      "2024-03-10 12:00:00 utc", "20240310"), F.col("v"):cast("timestamp")),
    list(nil, nil, nil, nil, nil, nil, nil, nil, nil))
  -- Region ids, and Java's short ids for them (PST: Los Angeles, on
  -- daylight saving time from 10:00Z that day).
  same(values("string", list("2024-03-10 12:00:00 Europe/Paris", "2024-03-10 12:00:00 PST"),
    F.col("v"):cast("timestamp")), list(noon - hour, noon + 7 * hour))
  -- A time alone is today's, in UTC.
  local today = values("string", list("12:34:56"), F.col("v"):cast("timestamp"))[1]
  t.eq(tonumber(today % 86400000000LL), 45296000000)
  t.ok(math.abs(tonumber(today) / 1e6 - os.time()) < 86400, "today")
  -- Years past 4 digits print as Spark prints them; from_json reads the same forms.
  same(values("string", list("+10000-01-01", "-0001-01-01 10:00"), F.col("v"):cast("timestamp"):cast("string")),
    list("+10000-01-01 00:00:00", "-0001-01-01 10:00:00"))
  same(values("string", list('{"t": "2024-03-10 12"}', '{"t": "2024"}', '{"t": "2024-03-10 12:00:00 UTC"}'),
    F.from_json("v", "t timestamp"):getField("t")), list(noon, 1704067200000000, noon))
end)

t.test("CAST to string prints values as Spark does", function()
  same(values("double", list(0.1, 1e-5, 1e7, 123.0, -0.0, 1 / 0, nil), F.col("v"):cast("string")),
    list("0.1", "1.0E-5", "1.0E7", "123.0", "-0.0", "Infinity", nil))
  same(values("float", list(0.1), F.col("v"):cast("string")), list("0.1"))
  same(values("bigint", list(-42, 2 ^ 53), F.col("v"):cast("string")), list("-42", "9007199254740992"))
  same(values("decimal(38,2)", list("-0.05", "10000169349117863715.10"), F.col("v"):cast("string")),
    list("-0.05", "10000169349117863715.10"))
  same(values("timestamp", list("2022-06-29 02:38:24.177", "2022-06-29 00:00:00"), F.col("v"):cast("string")),
    list("2022-06-29 02:38:24.177", "2022-06-29 00:00:00"))
  same(values("boolean", list(true, false), F.col("v"):cast("string")), list("true", "false"))
  same(values("struct<a:int,b:string>", list({ a = 1, b = "x" }, { a = 2 }, nil), F.col("v"):cast("string")),
    list("{1, x}", "{2, null}", nil))
end)

t.test("CAST between numbers: integers wrap, doubles saturate, decimals round half up", function()
  same(values("bigint", list(4294967297, -1), F.col("v"):cast("int")), list(1, -1))
  same(values("double", list(1.9, -1.9, 1e20, -1e20, 0 / 0), F.col("v"):cast("int")),
    list(1, -1, 2147483647, -2147483648, 0))
  same(values("double", list(0.1, 2.675, 1e30), F.col("v"):cast("decimal(10,2)")), list("0.10", "2.68", nil))
  same(values("decimal(38,2)", list("1.25", "-1.99"), F.col("v"):cast("bigint")), list(1, -1))
  same(values("decimal(38,2)", list("1.25"), F.col("v"):cast("double")), list(1.25))
  same(values("decimal(10,4)", list("1.2345", "99.99995", "9.995"), F.col("v"):cast("decimal(4,2)")), list("1.23", nil, "10.00"))
  same(values("int", list(0, 5), F.col("v"):cast("boolean")), list(false, true))
  same(values("boolean", list(true, false), F.col("v"):cast("int")), list(1, 0))
  same(values("timestamp", list(1500000, -1500000), F.col("v"):cast("bigint")), list(1, -2))
  same(values("bigint", list(2), F.col("v"):cast("timestamp")), list(2000000))
end)

t.test("CAST keeps a column's name; binary to string shares the bytes", function()
  local cols, schema, out, input = run({ { "hi" } }, "value binary", F.col("value"):cast("string"))
  t.eq(schema:simpleString(), "struct<value:string>")
  same(cols[1], { "hi" })
  t.ok(out.columns[0].data == input.columns[0].data, "zero-copy")
  local _, s2 = run({ { 1 } }, "v int", (F.col("v") + 1):cast("string"))
  t.eq(s2.fields[1].name, "CAST((v + 1) AS STRING)")
end)

-- ---- arithmetic ------------------------------------------------------------------

t.test("arithmetic follows Spark's result types", function()
  local _, schema = run({ { 1, 2, 0.5, "1.5", "3" } }, "i int, l bigint, d double, m decimal(10,2), s string",
    F.col("i") + F.col("l"), F.col("i") * F.col("d"), F.col("i") / F.col("i"), F.col("m") + 1,
    F.col("m") * F.col("m"), F.col("m") / F.col("i"), F.col("s") + 1, F.col("i") % 2, -F.col("m"))
  local types = {}
  for i, f in ipairs(schema.fields) do types[i] = f.dataType:simpleString() end
  t.same_table(types, { "bigint", "double", "double", "decimal(11,2)", "decimal(21,4)", "decimal(21,13)",
    "double", "int", "decimal(10,2)" })
  t.eq(schema.fields[9].name, "(- m)")
end)

t.test("arithmetic values: NULL in NULL out, division by zero NULL, integers wrap", function()
  local cols = run({ { 7, 2, 7.5 }, { 7, 0, 0 }, { nil, 1, 1 }, { 2147483647, 1, -1 } }, "a int, b int, d double",
    F.col("a") + F.col("b"), F.col("a") / F.col("b"), F.col("a") % F.col("b"), F.col("d") / F.col("b"),
    F.col("a") - F.col("b"), F.col("a") * F.col("b"), F.col("d") % 2)
  same(cols[1], list(9, 7, nil, -2147483648))
  same(cols[2], list(3.5, nil, nil, 2147483647))
  same(cols[3], list(1, nil, nil, 0))
  same(cols[4], list(3.75, nil, 1, -1))
  same(cols[5], list(5, 7, nil, 2147483646))
  same(cols[6], list(14, 0, nil, 2147483647))
  same(cols[7], list(1.5, 0, 1, -1))
end)

t.test("decimal arithmetic is exact, rounds half up, and overflows to NULL", function()
  local cols = run({ { "10000169349117863715", "0.10", "3" }, { "99999999999999999999999999999999999999", "2.55", "-7" } },
    "id decimal(38,0), p decimal(10,2), q decimal(10,0)",
    F.col("id") + 1, F.col("p") * F.col("p"), F.col("p") / F.col("q"), F.col("q") % 2, F.col("id") * 10,
    F.col("p") + 0.5)
  same(cols[1], list("10000169349117863716", nil))
  same(cols[2], list("0.0100", "6.5025"))
  same(cols[3], list("0.0333333333333", "-0.3642857142857"))
  same(cols[4], list("1", "-1"))
  same(cols[5], list("100001693491178637150", nil))
  same(cols[6], list(0.6, 3.05))
end)

-- ---- comparisons and logic ----------------------------------------------------------

t.test("comparisons across types, Spark's NaN and NULL rules, <=>", function()
  local cols = run({ { 1, 1.0, "1", "0.5", "b" }, { 2, 0 / 0, "x", "2.50", "B" }, { nil, 3, "3", nil, "ab" } },
    "i int, d double, s string, m decimal(10,2), t string",
    F.col("i"):eq(F.col("d")), F.col("i"):lt(F.col("s")), F.col("d"):eq(F.col("d")), F.col("d"):gt(1e308),
    F.col("m"):ge(F.lit(2.5)), F.col("t"):lt("b"), F.col("i"):eqNullSafe(F.lit(nil)), F.col("i"):ne(2),
    F.col("m"):eq(F.col("m") * 1))
  same(cols[1], list(true, false, nil))
  same(cols[2], list(false, nil, nil)) -- "x" is not a number: NULL
  same(cols[3], list(true, true, true))
  same(cols[4], list(false, true, false))
  same(cols[5], list(false, true, nil))
  same(cols[6], list(false, true, true))
  same(cols[7], list(false, false, true))
  same(cols[8], list(true, false, nil))
  same(cols[9], list(true, true, nil))
end)

t.test("timestamps compare with timestamp strings", function()
  local cols = run({ { "2022-06-29 02:38:24" }, { "2021-01-01" } }, "ts timestamp",
    F.col("ts"):gt("2022-01-01 00:00:00"))
  same(cols[1], list(true, false))
end)

t.test("AND, OR and NOT use three-valued logic", function()
  local rows = {}
  local vals = { true, false, nil }
  for i = 1, 3 do for j = 1, 3 do rows[#rows + 1] = { vals[i], vals[j] } end end
  local cols = run(rows, "a boolean, b boolean", F.col("a"):and_(F.col("b")), F.col("a"):or_(F.col("b")), F.col("a"):not_())
  same(cols[1], list(true, false, nil, false, false, false, nil, false, nil))
  same(cols[2], list(true, true, true, true, false, nil, true, nil, nil))
  same(cols[3], list(false, false, false, true, true, true, nil, nil, nil))
end)

t.test("IS NULL, IN with NULLs, CASE WHEN, coalesce", function()
  local cols, schema = run({ { 1, "a" }, { nil, nil }, { 5, "c" } }, "n int, s string",
    F.col("n"):isNull(), F.col("s"):isNotNull(), F.col("n"):isin(1, 2), F.col("n"):isin(2, F.lit(nil)),
    F.when(F.col("n"):gt(2), "big"):when(F.col("n"):eq(1), "one"), F.when(F.col("n"):isNull(), 0):otherwise(F.col("n")),
    F.coalesce("s", F.lit("none")), F.coalesce(F.col("n"), F.lit(1.5)))
  same(cols[1], list(false, true, false))
  same(cols[2], list(true, false, true))
  same(cols[3], list(true, nil, false))
  same(cols[4], list(nil, nil, nil))
  same(cols[5], list("one", nil, "big"))
  same(cols[6], list(1, 0, 5))
  same(cols[7], list("a", "none", "c"))
  same(cols[8], list(1, 1.5, 5))
  t.eq(schema.fields[8].dataType:simpleString(), "double")
  t.eq(schema.fields[5].name, "CASE WHEN (n > 2) THEN big WHEN (n = 1) THEN one END")
end)

t.test("isnan and nanvl as Spark's: NaN only, NULL is not NaN, types widened", function()
  local nan = 0 / 0
  local cols, schema = run({ { 1.5, nan, 2 }, { nan, 7.5, nil }, { nil, 1.0, 3 }, { nan, nil, nil } },
    "d double, e double, n int",
    F.isnan("d"), F.nanvl("d", "e"), F.isnan("n"), F.expr("isnan(CAST(d AS float))"), F.expr("nanvl(n, 0.5)"),
    F.expr("isnan('NaN')"), F.expr("isnan(NULL)"))
  same(cols[1], list(false, true, false, true))
  t.eq(cols[2][1], 1.5)
  t.eq(cols[2][2], 7.5)
  t.eq(cols[2][3], nil)
  t.eq(cols[2][4], nil)
  same(cols[3], list(false, false, false, false))
  same(cols[4], list(false, true, false, true))
  same(cols[5], list(2, nil, 3, nil))
  same(cols[6], list(true, true, true, true))
  same(cols[7], list(false, false, false, false))
  t.eq(schema.fields[1].name, "isnan(d)")
  t.eq(schema.fields[2].name, "nanvl(d, e)")
  t.eq(schema.fields[1].dataType:simpleString(), "boolean")
  t.eq(schema.fields[2].dataType:simpleString(), "double")
  t.eq(schema.fields[5].dataType:simpleString(), "double")
  local _, floats = run({ { 1.5, 2.5 } }, "f float, g float", F.nanvl("f", "g"))
  t.eq(floats.fields[1].dataType:simpleString(), "float")
  t.raises(function() run({ { true } }, "b boolean", F.isnan("b")) end, "isnan needs a number, not boolean")
  t.raises(function() run({ { 1.5 } }, "d double", F.nanvl("d")) end, "nanvl takes 2 arguments, not 1")
end)

-- ---- structs ------------------------------------------------------------------------

t.test("struct fields: zero-copy children, NULL when the struct is NULL, data.* expands", function()
  local cols, schema, out, input = run({ { { x = 1, y = "a" } }, { nil }, { { x = 3 } } }, "data struct<x:int,y:string>",
    "data.x", F.col("data"):getField("y"), "data.*")
  t.eq(schema:simpleString(), "struct<x:int,data.y:string,x:int,y:string>")
  same(cols[1], list(1, nil, 3))
  same(cols[2], list("a", nil, nil))
  same(cols[4], list("a", nil, nil))
  t.ok(out.columns[1].data == input.columns[0].children[1].data, "the field shares the struct's bytes")
end)

t.test("struct(...) builds a struct column named after its fields", function()
  local cols, schema = run({ { 1, "a" }, { nil, "b" } }, "id int, s string", F.struct("id", F.col("s"):alias("name"), F.lit(2)),
    F.struct("id", "s"))
  t.eq(schema.fields[1].dataType:simpleString(), "struct<id:int,name:string,col3:int>")
  t.eq(schema.fields[2].name, "struct(id, s)")
  t.eq(cols[1][1].id, 1)
  t.eq(cols[1][2].id, nil)
  t.eq(cols[1][2].name, "b")
  t.eq(cols[1][2].col3, 2)
end)

t.test("struct(*) and struct(data.*) take every column or field, named as Spark names them", function()
  local cols, schema = run({ { 1, { x = 2, y = "b" } }, { 3, nil } }, "id int, data struct<x:int,y:string>",
    F.struct("*"), F.struct("data.*", "id"))
  t.eq(schema.fields[1].name, "struct(id, data)")
  t.eq(schema.fields[1].dataType:simpleString(), "struct<id:int,data:struct<x:int,y:string>>")
  t.eq(schema.fields[2].dataType:simpleString(), "struct<x:int,y:string,id:int>")
  t.eq(cols[1][1].data.y, "b")
  t.eq(cols[2][1].x, 2)
  t.eq(cols[2][2].x, nil)
  t.eq(cols[2][2].id, 3)
  local b = tide.batch.fromRows({ { 1, "a" }, { 2, nil } }, "x int, y string")
  local json = tide.session():createDataFrame(b):selectExpr("to_json(struct(*)) AS v"):toBatch():column("v")
  t.eq(json:get(0), '{"x":1,"y":"a"}')
  t.eq(json:get(1), '{"x":2}')
  t.raises(function() eval.compile(F.struct("x.*").node, b:schema()) end, "cannot expand 'x.*': x is int, not a struct")
end)

-- ---- strings --------------------------------------------------------------------------

t.test("lower, upper and length count characters, not bytes", function()
  local cols = run({ { "Hello" }, { "ÉTÉ wörld" }, { nil } }, "s string", F.lower("s"), F.upper("s"), F.length("s"))
  same(cols[1], list("hello", "été wörld", nil))
  same(cols[2], list("HELLO", "ÉTÉ WÖRLD", nil))
  same(cols[3], list(5, 9, nil))
end)

t.test("substring is 1-based, counts negative positions from the end", function()
  local function sub(pos, len)
    return values("string", list("héllo", nil), F.substring("v", pos, len))
  end
  same(sub(1, 2), list("hé", nil))
  same(sub(0, 2), list("hé", nil))
  same(sub(2, 100), list("éllo", nil))
  same(sub(-3, 2), list("ll", nil))
  same(sub(-10, 7), list("hé", nil))
  same(sub(10, 2), list("", nil))
  same(sub(2, -1), list("", nil))
  same(values("string", list("abc"), F.col("v"):substr(2, 1)), list("b"))
end)

t.test("concat is NULL when any argument is", function()
  local cols = run({ { "a", 1 }, { nil, 2 }, { "c", nil } }, "s string, n int", F.concat("s", F.lit("-"), "n"))
  same(cols[1], list("a-1", nil, nil))
end)

t.test("regexp_replace: Java patterns and $n groups", function()
  local v = list("2022-06-29", "no digits", nil, "aaa")
  same(values("string", v, F.regexp_replace("v", "(\\d+)-(\\d+)-(\\d+)", "$3/$2/$1")),
    list("29/06/2022", "no digits", nil, "aaa"))
  same(values("string", v, F.regexp_replace("v", "a*", "-")), list("-2-0-2-2---0-6---2-9-", "-n-o- -d-i-g-i-t-s-", nil, "--"))
  same(values("string", list("a.b.c"), F.regexp_replace("v", "\\.", "\\$")), list("a$b$c"))
  t.raises(function() values("string", list("x"), F.regexp_replace("v", "(", "")) end, "invalid regular expression '%('")
end)

t.test("split(...)[i] gives Spark's pieces, NULL past the end", function()
  local v = list("a,b,,c,,", "", nil, "x")
  local function piece(i, pattern, limit)
    return values("string", v, F.split("v", pattern or ",", limit):getItem(i))
  end
  same(piece(0), list("a", "", nil, "x"))
  same(piece(3), list("c", nil, nil, nil))
  same(piece(5), list("", nil, nil, nil))
  same(piece(6), list(nil, nil, nil, nil))
  same(piece(1, ",", 2), list("b,,c,,", nil, nil, nil))
  same(values("string", list("abc"), F.split("v", ""):getItem(2)), list("c"))
  -- An empty pattern gives the characters and no trailing empty piece (Spark 3.4+, SPARK-40194);
  -- a regex that matches empty keeps it, as Java's split.
  local chars = list("abc", "", "héllo", nil)
  same(values("string", chars, F.split("v", ""):getItem(3)), list(nil, nil, "l", nil))
  same(values("string", chars, F.split("v", ""):getItem(0)), list("a", "", "h", nil))
  same(values("string", chars, F.split("v", ""):getItem(1)), list("b", nil, "é", nil))
  same(values("string", chars, F.split("v", "", 2):getItem(1)), list("bc", nil, "éllo", nil))
  same(values("string", list("abc"), F.split("v", "x*"):getItem(3)), list(""))
end)

t.test("LIKE: % and _, escapes, whole-string matches", function()
  local v = list("Hello", "hello", "H_llo", "Hxllo world", nil, "50%")
  same(values("string", v, F.col("v"):like("H%")), list(true, false, true, true, nil, false))
  same(values("string", v, F.col("v"):like("H_llo")), list(true, false, true, false, nil, false))
  same(values("string", v, F.col("v"):like("H\\_llo")), list(false, false, true, false, nil, false))
  same(values("string", v, F.col("v"):like("%\\%")), list(false, false, false, false, nil, true))
  same(values("string", list("a\nb"), F.col("v"):like("a_b")), list(true))
end)

-- ---- hashing, time, functions of whole batches --------------------------------------

t.test("xxhash64 matches Spark's values", function()
  -- Spark: SELECT xxhash64('Spark', array(123), 2) = 5602566077635097486;
  -- an array of one int hashes like the int.
  local cols, schema = run({ { "Spark", 123, 2 }, { nil, nil, nil } }, "s string, a int, b int",
    F.xxhash64("s", "a", "b"), F.xxhash64("s"), F.xxhash64(F.lit(nil)))
  t.eq(cols[1][1], 5602566077635097486LL)
  t.eq(cols[1][2], 42, "NULLs leave the seed")
  t.eq(cols[3][1], 42)
  t.eq(schema.fields[1].dataType, T.long)
  t.eq(schema.fields[1].name, "xxhash64(s, a, b)")
  -- The same value hashes alike through an int or a long column only when
  -- Spark would too: ints take 4 bytes, longs 8.
  local c2 = run({ { 1, 1 } }, "i int, l bigint", F.xxhash64("i"), F.xxhash64("l"))
  t.ok(c2[1][1] ~= c2[2][1], "int and bigint encodings differ")
end)

t.test("current_timestamp is one value per batch, the batch's own when the query sets it", function()
  local b = tide.batch.fromRows({ { 1 }, { 2 } }, "v int")
  local compiled = eval.compileSelect({ F.current_timestamp().node, F.current_timestamp():alias("again").node }, b:schema())
  t.eq(compiled.schema:simpleString(), "struct<current_timestamp():timestamp,again:timestamp>")
  local out = eval.project(b, compiled, { batchTimestampUs = 1656470304177000 })
  local rows = out:collect()
  t.eq(rows[1]["current_timestamp()"], 1656470304177000)
  t.eq(rows[2].again, 1656470304177000)
  local before = tide.now_us and tide.now_us() or nil
  local live = eval.project(b, compiled, {}):collect()
  t.eq(live[1]["current_timestamp()"], live[2].again)
  if before then t.ok(live[1].again >= before) end
end)

t.test("udf: once per batch over column views, or per row", function()
  local df = spark:createDataFrame({ { 1, "ab" }, { nil, "c" }, { 3, nil } }, "x int, s string")
  local calls = 0
  local twice = F.udf(function(n, out, x)
    calls = calls + 1
    local xs, o = x:values(), out:values()
    for i = 0, n - 1 do
      if x:isNull(i) then out:setNull(i) else o[i] = xs[i] * 2 end
    end
  end, "bigint")
  local rev = F.udf(function(s) return s and s:reverse() end, "string", { perRow = true })
  local listed = F.udf(function(n, _, s)
    local r = {}
    for i = 0, n - 1 do r[i + 1] = s:isNull(i) and "none" or s:get(i):upper() end
    return r
  end)
  local rows = df:select(twice("x"):alias("t"), rev("s"):alias("r"), listed("s"):alias("u")):collect()
  t.eq(calls, 1)
  t.eq(rows[1].t, 2)
  t.eq(rows[2].t, nil)
  t.eq(rows[3].t, 6)
  t.eq(rows[1].r, "ba")
  t.eq(rows[3].r, nil)
  t.eq(rows[3].u, "none")
  t.eq(rows[2].u, "C")
  t.eq(df:select(twice("x")).schema:simpleString(), "struct<udf(x):bigint>")
  local bad = F.udf(function() return 5 end, "int")
  t.raises(function() df:select(bad("x")):collect() end, "udf%(x%) returned number")
end)

t.test("a udf ported from PySpark (one row's values) fails saying the function gets the batch", function()
  local df = tide.session():createDataFrame({ { "a" }, { "b" } }, "s string")
  local up = F.udf(function(s) return s:upper() end, "string")
  local err = t.raises(function() df:select(up(F.col("s"))):collect() end, "attempt to index local 's' %(a number value%)")
  t.has(err, "F.udf's function is called once a batch, with (n, out, columns...); for PySpark's call per row,"
    .. " F.udf(fn, type, {perRow = true})")
  local per_row = F.udf(function(s) return s:upper() end, "string", { perRow = true })
  t.eq(df:select(per_row(F.col("s")):alias("u")):collect()[2].u, "B")
end)

-- ---- projection and filter ------------------------------------------------------------

t.test("filter keeps rows whose predicate is true; NULL drops the row", function()
  local b = tide.batch.fromRows({ { 1, "a" }, { nil, "b" }, { 3, "c" }, { 4, nil } }, "n int, s string")
  local pred = eval.compile(F.col("n"):gt(1).node, b:schema())
  local f = eval.filter(b, pred, {})
  t.eq(f:count(), 2)
  t.eq(f:collect()[2].s, nil)
  local all = eval.filter(b, eval.compile(F.lit(true).node, b:schema()), {})
  t.eq(all:count(), 4)
  t.ok(all.columns[1].data == b.columns[1].data, "all rows pass: shared")
  t.eq(eval.filter(b, eval.compile(F.lit(false).node, b:schema()), {}):count(), 0)
end)

t.test("DataFrames: select, selectExpr-free chains, withColumn, filter, na, limit, union", function()
  local df = spark:createDataFrame({
    { "10000169349117863715", 14102100, "1fbe01fe", 0.5 },
    { "10000720757801103869", 14102101, nil, nil },
    { "1", 14102102, "85f751fd", 0.25 },
  }, "id decimal(38,0), hour int, site_id string, p double")
  local out = df:withColumn("hour_s", F.col("hour"):cast("string"))
    :withColumn("p2", F.col("p") * 2)
    :filter(F.col("hour"):ge(14102101))
    :select("id", "hour_s", "p2", F.upper("site_id"):alias("site"))
  t.eq(out.schema:simpleString(), "struct<id:decimal(38,0),hour_s:string,p2:double,site:string>")
  local rows = out:collect()
  t.eq(#rows, 2)
  t.eq(rows[1].id, "10000720757801103869")
  t.eq(rows[1].hour_s, "14102101")
  t.eq(rows[1].p2, nil)
  t.eq(rows[2].site, "85F751FD")
  t.eq(df.na:drop():count(), 2)
  local filled = df.na:fill(0):collect()
  t.eq(filled[2].p, 0)
  t.eq(df.na:fill("none"):collect()[2].site_id, "none")
  t.eq(df:limit(2):count(), 2)
  t.eq(df:union(df):count(), 6)
  t.eq(df:union(df):collect()[6].site_id, "85f751fd")
  t.eq(df:select("*"):count(), 3)
  t.same_table(df:select("*", F.lit(1)).columns, { "id", "hour", "site_id", "p", "1" })
end)

t.test("na.drop as Spark's: how, thresh, subset; NaN counts as null", function()
  local nan = 0 / 0
  local df = spark:createDataFrame(tide.batch.fromRows({
    { 1, "a", 1.5 }, { 2, nil, 2.5 }, { nil, nil, nan }, { 4, "d", nan }, { nil, "e", nil },
  }, "k int, s string, x double"))
  local function keys(d)
    local out = {}
    for i, r in ipairs(d:collect()) do out[i] = r.k == nil and "null" or tostring(r.k) end
    return table.concat(out, ",")
  end
  t.eq(keys(df.na:drop()), "1")
  t.eq(keys(df.na:drop("all")), "1,2,4,null")
  t.eq(keys(df.na:drop { thresh = 2 }), "1,2,4")
  t.eq(keys(df.na:drop("any", nil, { "k", "s" })), "1,4")
  t.eq(keys(df.na:drop { subset = "x" }), "1,2")
  t.eq(keys(df.na:drop { thresh = 0 }), "1,2,null,4,null")
  t.raises(function() df.na:drop("any", nil, { "nope" }) end, 'na.drop: cannot resolve column "nope"')
end)

t.test("SQL strings: selectExpr and where run through the same evaluator", function()
  local df = spark:createDataFrame({
    { "{\"x\":1}", 7, 2.5, "Hello" },
    { "{\"x\":2}", -7, nil, "world" },
    { "oops", 0, 1.0, nil },
  }, "value binary, n int, d double, s string")
  local out = df:selectExpr("CAST(value AS STRING)", "n div 2 AS h", "n % 3", "n BETWEEN 0 AND 7 AS inr",
    "s || '!' AS bang", "s LIKE 'H%' AS h_like", "d IS DISTINCT FROM 1.0 AS dd", "upper(s)",
    "CASE WHEN n > 0 THEN 'pos' WHEN n < 0 THEN 'neg' ELSE 'zero' END AS sign", "CAST(n AS DECIMAL(10,2)) AS m")
  t.eq(out.schema:simpleString(), "struct<value:string,h:bigint,(n % 3):int,inr:boolean,bang:string," ..
    "h_like:boolean,dd:boolean,upper(s):string,sign:string,m:decimal(10,2)>")
  local rows = out:collect()
  t.eq(rows[1].value, '{"x":1}')
  t.eq(rows[1].h, 3)
  t.eq(rows[2].h, -3)
  t.eq(rows[2]["(n % 3)"], -1)
  t.eq(rows[2].inr, false)
  t.eq(rows[1].bang, "Hello!")
  t.eq(rows[3].bang, nil)
  t.eq(rows[1].h_like, true)
  t.eq(rows[3].dd, false)
  t.eq(rows[2].dd, true)
  t.eq(rows[3].sign, "zero")
  t.eq(rows[2].m, "-7.00")
  local parsed = df:selectExpr("CAST(value AS STRING) AS value")
    :select(F.from_json("value", "x int"):alias("data")):selectExpr("data.x", "data.x + 1 AS y")
  t.eq(parsed.schema:simpleString(), "struct<x:int,y:int>")
  local p = parsed:collect()
  t.eq(p[2].y, 3)
  t.eq(p[3].x, nil)
  t.eq(df:where("n > 0 AND d >= 2.5"):count(), 1)
  t.eq(df:filter("s IS NULL OR n < 0"):count(), 2)
  t.raises(function() df:selectExpr("nope + 1") end, "cannot resolve 'nope' given input columns")
end)

t.test("projections of many batches do not leak: results own their memory", function()
  local b = tide.batch.fromRows({ { "x" } }, "s string")
  local compiled = eval.compileSelect({ F.concat("s", F.lit("y")).node }, b:schema())
  for _ = 1, 2000 do eval.project(b, compiled, {}) end
  collectgarbage()
  t.eq(eval.project(b, compiled, {}):collect()[1]["concat(s, y)"], "xy")
end)

t.test("createDataFrame with a list of column names infers their types, as PySpark", function()
  local df = spark:createDataFrame({ { 1, "a", true, 1.5 }, { 2, nil, false, 2 } }, { "k", "value", "b", "x" })
  t.eq(df.schema:simpleString(), "struct<k:bigint,value:string,b:boolean,x:double>")
  local rows = df:collect()
  t.eq(rows[2].k, 2)
  t.eq(rows[2].value, nil)
  t.eq(rows[2].x, 2)
  t.eq(spark:createDataFrame({ { k = 3, v = "x" } }, { "k", "v" }):collect()[1].v, "x")
  t.raises(function() spark:createDataFrame({ { 1 }, { "a" } }, { "k" }) end,
    'column "k" holds a string in row 2 after a number; give a DDL schema')
  t.raises(function() spark:createDataFrame({ { nil, 1 } }, { "k", "n" }) end,
    'cannot infer the type of column "k" %(every value is nil%)')
end)

t.test("createDataFrame refuses numbers outside their column's type instead of storing another value", function()
  -- bigint: whole numbers in [-2^63, 2^63), with the schema given or inferred (PySpark refuses the others).
  for _, v in ipairs({ 2 ^ 63, 1e30, -1e30, math.huge, 1.5 }) do
    t.raises(function() spark:createDataFrame({ { v } }, "x bigint") end, 'row 1, column "x": .* is not a long')
    if v ~= 1.5 then -- inferred: whole numbers make a bigint column (1.5 a double one)
      t.raises(function() spark:createDataFrame({ { 1 }, { v } }, { "x" }) end, 'row 2, column "x".* is not a long')
    end
  end
  t.raises(function() spark:createDataFrame({ { 2 ^ 63 } }, "x bigint") end, "9223372036854775808 is not a long")
  local edge = spark:createDataFrame({ { -2 ^ 63 }, { 2 ^ 53 }, { 9223372036854775807LL } }, "x bigint"):collect()
  t.eq(edge[1].x, -9223372036854775807LL - 1)
  t.eq(edge[2].x, 9007199254740992LL)
  t.eq(edge[3].x, 9223372036854775807LL)
  -- timestamps given as microseconds: the same range.
  t.raises(function() spark:createDataFrame({ { 1e30 } }, "t timestamp") end, "is not a timestamp")
  -- decimals: within the precision, from the double's shortest digits (no exponent).
  t.raises(function() spark:createDataFrame({ { "123456" } }, "d decimal(5,2)") end, '"123456" is not a decimal%(5,2%)')
  t.raises(function() spark:createDataFrame({ { 12345.6 } }, "d decimal(5,2)") end, "is not a decimal%(5,2%)")
  t.raises(function() spark:createDataFrame({ { 999.996 } }, "d decimal(5,2)") end, "is not a decimal%(5,2%)")
  t.raises(function() spark:createDataFrame({ { 0 / 0 } }, "d decimal(5,2)") end, "is not a decimal")
  local dec = spark:createDataFrame({ { 1e15 }, { 2 ^ 53 + 2 }, { 1e-7 }, { 0.1 + 0.2 }, { 999.99 } },
    "d decimal(20,2)")
  t.same_table(dec:toBatch():showCells(10, false).rows,
    { { "1000000000000000.00" }, { "9007199254740994.00" }, { "0.00" }, { "0.30" }, { "999.99" } })
end)

t.test("each node compiles once, however deep, under the compilers that wrap others", function()
  -- (operators, casts, negation, abs, extract, to_json: each looks at its
  -- operands' types before handing the node on to the compiler it wraps)
  local compiles = 0
  eval.register("compile_counted", function(node, _, compileChild)
    compiles = compiles + 1
    return compileChild(node.args[1])
  end)
  local expr = "compile_counted(x)"
  for _ = 1, 6 do
    expr = ("to_json(named_struct('a', abs(-CAST(%s + 1 AS BIGINT)) * 2 > 0))"):format(expr)
    expr = ("length(%s) + date_part('hour', timestamp'2024-01-01 00:00:00' + make_dt_interval(0, 1))"):format(expr)
  end
  local df = spark:sql("SELECT " .. expr .. " AS s FROM VALUES (1) AS t(x)")
  t.eq(compiles, 1)
  t.same_table(t.rows(df), { "11" })
end)

t.run()
