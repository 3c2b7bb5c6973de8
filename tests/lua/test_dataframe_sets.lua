-- Set operations as Spark's (union with widened types, unionByName,
-- intersect, intersectAll, subtract, exceptAll), withColumns and
-- withColumnsRenamed, and the partitioning calls a single process makes
-- moot (repartition, coalesce, hint), tail.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local table_of = t.rows

local function left()
  return spark:createDataFrame({ { 1, "x" }, { 2, "y" }, { 2, "y" }, { 3, nil }, { 3, nil }, { 3, nil } },
    "n int, s string")
end
local function right() return spark:createDataFrame({ { 2, "y" }, { 3, nil }, { 4, "z" } }, "k bigint, s string") end

t.test("union widens column types as Spark's set operations do, and keeps the left's names", function()
  local u = left():union(right())
  t.same_table(u.dtypes, { { "n", "bigint" }, { "s", "string" } })
  t.eq(u:count(), 9)
  local rows = table_of(u)
  t.eq(rows[7], "2|y")
  t.eq(rows[9], "4|z")
  local dec = spark:createDataFrame({ { 1 } }, "d decimal(5,2)"):union(spark:createDataFrame({ { 7 } }, "i int"))
  t.same_table(dec.dtypes, { { "d", "decimal(12,2)" } })
  t.same_table(table_of(dec), { "1.00", "7.00" })
  local dbl = spark:createDataFrame({ { 1 } }, "d decimal(5,2)"):union(spark:createDataFrame({ { 0.5 } }, "x double"))
  t.same_table(dbl.dtypes, { { "d", "double" } })
  local str = spark:createDataFrame({ { "a" } }, "s string"):union(spark:createDataFrame({ { 5 } }, "i int"))
  t.same_table(table_of(str), { "a", "5" })
  t.raises(function() left():union(spark:createDataFrame({ { true, "x" } }, "b boolean, s string")) end,
    "union: column 1 %(n%) is int on the left and boolean on the right, which have no common type")
  t.raises(function() left():union(spark:createDataFrame({ { 1 } }, "n int")) end,
    "union needs the same number of columns: 2 and 1")
  t.eq(left():unionAll(right()):count(), 9)
end)

t.test("unionByName matches columns by name; allowMissingColumns fills the missing ones with nulls", function()
  local other = spark:createDataFrame({ { "q", 9 } }, "S string, n bigint")
  local u = left():unionByName(other)
  t.same_table(u.dtypes, { { "n", "bigint" }, { "s", "string" } })
  t.same_table(table_of(u:filter("n = 9")), { "9|q" })
  local extra = spark:createDataFrame({ { "q", 7 } }, "s string, m int")
  local filled = left():unionByName(extra, true)
  t.same_table(filled.columns, { "n", "s", "m" })
  t.same_table(table_of(filled:filter("m IS NOT NULL OR n = 1")), { "1|x|null", "null|q|7" })
  local err = t.raises(function() left():unionByName(extra) end)
  t.has(err, "unionByName: column n is not on the right (columns: s, m); unionByName(other, true) fills it")
  t.ok(err:find("test_dataframe_sets.lua:%d+:"), err)
  t.raises(function() spark:createDataFrame({ { 1 } }, "n int"):unionByName(left()) end,
    "column s is not on the left")
end)

t.test("intersect, intersectAll, subtract and exceptAll count rows as Spark's, nulls equal, left order", function()
  local a, b = left(), right()
  t.same_table(table_of(a:intersect(b)), { "2|y", "3|null" })
  t.same_table(table_of(a:intersectAll(b)), { "2|y", "3|null" })
  t.same_table(table_of(a:subtract(b)), { "1|x" })
  t.same_table(table_of(a:exceptAll(b)), { "1|x", "2|y", "3|null", "3|null" })
  t.same_table(table_of(a:intersectAll(a:union(a))), table_of(a))
  t.same_table(table_of(a:exceptAll(a)), {})
  t.same_table(a:intersect(b).dtypes, { { "n", "bigint" }, { "s", "string" } })
  -- Lazy: computed at the action, from the DataFrames as they are then.
  t.eq(a:subtract(b):count(), 1)
  t.raises(function() a:intersect(spark:createDataFrame({ { 1 } }, "n int")) end, "intersect needs the same number")
  t.raises(function() a:exceptAll("t") end, "exceptAll needs a DataFrame, not a string")
end)

t.test("withColumns computes every column from the DataFrame's own; withColumnsRenamed renames at once", function()
  local df = spark:createDataFrame({ { 1, 10 } }, "a int, b int")
  local swapped = df:withColumns({ a = F.col("b"), b = F.col("a"), c = F.col("a") + F.col("b") })
  t.same_table(swapped.columns, { "a", "b", "c" })
  t.same_table(table_of(swapped), { "10|1|11" })
  local ordered = df:withColumns({ { "z", F.lit(1) }, { "y", F.lit(2) } })
  t.same_table(ordered.columns, { "a", "b", "z", "y" })
  t.raises(function() df:withColumns({ a = 1 }) end, "withColumns: a = a number is not a column name and a Column")
  t.raises(function() df:withColumns(F.col("a")) end, "withColumns needs a table")
  local renamed = df:withColumnsRenamed({ a = "b", b = "a", nope = "x" })
  t.same_table(renamed.columns, { "b", "a" })
  t.same_table(table_of(renamed), { "1|10" })
end)

t.test("repartition, coalesce, hint and sortWithinPartitions leave one process's rows as they are", function()
  local df = left()
  t.eq(df:repartition(4), df)
  t.eq(df:repartition(2, "n"), df)
  t.eq(df:repartition("n", F.col("s")), df)
  t.eq(df:repartitionByRange(3, "n"), df)
  t.eq(df:coalesce(1), df)
  t.eq(df:hint("broadcast"), df)
  t.raises(function() df:repartition(0) end, "repartition: the number of partitions must be a whole number >= 1")
  t.raises(function() df:coalesce(1.5) end, "coalesce: the number of partitions")
  t.raises(function() df:repartition(2, "nope") end, 'repartition: cannot resolve column "nope"')
  t.same_table(table_of(df:sortWithinPartitions(F.desc("n")):limit(2)), { "3|null", "3|null" })
  t.eq(df:checkpoint():count(), 6)
end)

t.test("tail gives the last rows", function()
  local rows = left():tail(2)
  t.eq(#rows, 2)
  t.eq(rows[1].n, 3)
  t.eq(#left():tail(0), 0)
  t.eq(#left():tail(100), 6)
  t.raises(function() left():tail(-1) end, "tail needs a whole number >= 0")
end)

t.test("an untyped NULL's column takes the other side's type in a union, as Spark's void does", function()
  local function typed(q) local df = spark:sql(q); return df.schema:simpleString(), t.rows(df) end
  local ty, rows = typed("SELECT 1 AS a UNION ALL SELECT NULL")
  t.eq(ty, "struct<a:int>"); t.same_table(rows, { "1", "null" })
  ty, rows = typed("SELECT NULL AS a UNION ALL SELECT DATE'2024-01-02'")
  t.eq(ty, "struct<a:date>"); t.same_table(rows, { "null", "2024-01-02" })
  ty, rows = typed("SELECT array(1) AS a UNION ALL SELECT NULL")
  t.eq(ty, "struct<a:array<int>>"); t.same_table(rows, { "[1]", "null" })
  ty, rows = typed("SELECT array(1) AS a UNION ALL SELECT array()")
  t.eq(ty, "struct<a:array<int>>"); t.same_table(rows, { "[1]", "[]" })
  ty = typed("SELECT * FROM (SELECT NULL AS a) UNION ALL SELECT 2L")
  t.eq(ty, "struct<a:bigint>")
  -- columns go by position, whatever their names: SELECT NULL, NULL names two alike
  ty, rows = typed("SELECT 1 AS a, 'x' AS b UNION SELECT NULL, NULL")
  t.eq(ty, "struct<a:int,b:string>"); t.same_table(rows, { "1|x", "null|null" })
  local byname = spark:sql("SELECT 1 AS a, 'x' AS b"):unionByName(spark:sql("SELECT 'y' AS b, NULL AS a"))
  t.eq(byname.schema:simpleString(), "struct<a:int,b:string>")
  t.same_table(t.rows(byname), { "1|x", "null|y" })
  -- a NULL alone is Spark's void
  t.eq(spark:sql("SELECT NULL AS n").schema:simpleString(), "struct<n:void>")
end)

t.run()
