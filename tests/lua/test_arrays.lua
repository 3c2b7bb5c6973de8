-- Array columns (Spark's ArrayType): building them from Lua lists, their
-- schema, show's and collect's forms, and the row operations that move
-- them (filter, sort, union, joins) with their elements.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local T = tide.types
local spark = tide.session()

local function tags()
  return spark:createDataFrame({ { 1, { "a", "b" } }, { 2, {} }, { 3, nil }, { 4, { "x", nil, "z", n = 3 } } },
    "id int, tags array<string>")
end

t.test("an array column: its type, printSchema, show and collect", function()
  local df = tags()
  t.eq(df.schema.fields[2].dataType, T.array(T.string))
  t.eq(tostring(T.parse("array<array<decimal(10,2)>>")), "array<array<decimal(10,2)>>")
  t.eq(df.schema:treeString(), [[
root
 |-- id: integer (nullable = true)
 |-- tags: array (nullable = true)
 |    |-- element: string (containsNull = true)
]])
  t.same_table(t.rows(df), { "1|[a, b]", "2|[]", "3|null", "4|[x, null, z]" })
  local rows = df:collect()
  t.same_table(rows[1].tags, { "a", "b", n = 2 })
  t.same_table(rows[2].tags, { n = 0 })
  t.eq(rows[3].tags, nil)
  t.same_table({ rows[4].tags.n, rows[4].tags[1], rows[4].tags[2], rows[4].tags[3] }, { 3, "x", nil, "z" })
  -- nested arrays and arrays of structs
  local nested = spark:createDataFrame({ { { { 1, 2 }, { 3 } }, { { x = 1, y = "a" }, { x = 2 } } } },
    "a array<array<int>>, s array<struct<x:int,y:string>>")
  t.same_table(t.rows(nested), { "[[1, 2], [3]]|[{1, a}, {2, null}]" })
  t.eq(nested:collect()[1].s[2].x, 2)
end)

t.test("rows move with their elements: filter, orderBy, union, limit, joins", function()
  local df = tags()
  t.same_table(t.rows(df:filter("id > 1"):orderBy(F.desc("id"))), { "4|[x, null, z]", "3|null", "2|[]" })
  t.same_table(t.rows(df:union(df):filter("id = 4")), { "4|[x, null, z]", "4|[x, null, z]" })
  t.same_table(t.rows(df:limit(1)), { "1|[a, b]" })
  local names = spark:createDataFrame({ { 4, "four" }, { 1, "one" }, { 9, "nine" } }, "id int, name string")
  t.same_table(t.rows(names:join(df, "id", "left"):orderBy("id")), { "1|one|[a, b]", "4|four|[x, null, z]",
    "9|nine|null" })
end)

t.test("a value that is not a list fails naming the row and column", function()
  t.raises(function() spark:createDataFrame({ { "a" } }, "tags array<string>") end,
    'row 1, column "tags": "a" is not a list')
  t.raises(function() spark:createDataFrame({ { { 1 } } }, "tags array<string>") end,
    'row 1, column "tags.element": 1 is not a string')
end)

t.run()
