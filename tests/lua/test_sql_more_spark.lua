-- Spark 3.5 results tide used to refuse: grouping_id(cols), regexp_replace
-- from a position, a field of an array of structs (GetArrayStructFields),
-- format_string's %a, percentile_disc descending and UNPIVOT over a column
-- of untyped NULLs. Each expected table is what Spark 3.5.3's
-- show(20, false) printed for the same SQL.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function show(df) return df:limit(21):toBatch():showString(20, false) end

-- The query shows Spark's table (its lines).
local function spark_shows(text, lines)
  t.eq(show(spark:sql(text)), table.concat(lines, "\n") .. "\n", text)
end

t.test("grouping_id(keys) is grouping_id(); other columns are Spark's error", function()
  spark_shows("SELECT a, b, grouping_id(a, b) AS gid FROM VALUES (1, 2) AS t(a, b) GROUP BY CUBE(a, b) ORDER BY gid", {
    "+----+----+---+", "|a   |b   |gid|", "+----+----+---+", "|1   |2   |0  |", "|1   |NULL|1  |",
    "|NULL|2   |2  |", "|NULL|NULL|3  |", "+----+----+---+" })
  spark_shows("SELECT a, grouping_id(a) AS g, typeof(grouping_id(a)) FROM VALUES (1, 2) AS t(a, b) GROUP BY ROLLUP(a)"
    .. " ORDER BY g", {
    "+----+---+----------------------+", "|a   |g  |typeof(grouping_id(a))|", "+----+---+----------------------+",
    "|1   |0  |bigint                |", "|NULL|1  |bigint                |", "+----+---+----------------------+" })
  t.has(t.raises(function()
    spark:sql("SELECT grouping_id(b, a) FROM VALUES (1, 2) AS t(a, b) GROUP BY CUBE(a, b)"):collect()
  end), "GROUPING_ID_COLUMN_MISMATCH")
  local df = spark:sql("SELECT * FROM VALUES (1, 2, 3) AS t(a, b, v)")
  local rows = df:cube("a", "b"):agg(F.grouping_id("a", "b"):alias("gid")):orderBy("gid"):collect()
  local ids = {}
  for i, r in ipairs(rows) do ids[i] = r.gid end
  t.same_table(ids, { 0, 1, 2, 3 })
  t.has(t.raises(function() df:cube("a", "b"):agg(F.grouping_id("b")):collect() end), "GROUPING_ID_COLUMN_MISMATCH")
end)

t.test("regexp_replace from a position keeps the text before it", function()
  spark_shows("SELECT regexp_replace('abcabc', 'b', 'X', 3) AS r",
    { "+------+", "|r     |", "+------+", "|abcaXc|", "+------+" })
  -- ^ matches where the search starts; lookbehind does not see before it
  spark_shows("SELECT regexp_replace('aaa', '^a', 'X', 2) AS r", { "+---+", "|r  |", "+---+", "|aXa|", "+---+" })
  spark_shows("SELECT regexp_replace('abc', 'c', 'X', 3) AS r, regexp_replace('abc', 'c', 'X', 4) AS r2,"
    .. " regexp_replace('abc', '$', 'X', 4) AS r3, regexp_replace('', '', 'X', 2) AS r4", {
    "+---+---+---+---+", "|r  |r2 |r3 |r4 |", "+---+---+---+---+", "|abX|abc|abc|   |", "+---+---+---+---+" })
  spark_shows("SELECT regexp_replace('abcabc', '(?<=a)b', 'X', 2) AS r, regexp_replace('äbcäbc', 'b', 'X', 3) AS r2,"
    .. " regexp_replace('abcabc', 'b', 'X', 1) AS r3", {
    "+------+------+------+", "|r     |r2    |r3    |", "+------+------+------+", "|abcaXc|äbcäXc|aXcaXc|",
    "+------+------+------+" })
  t.has(t.raises(function() spark:sql("SELECT regexp_replace('abc', 'b', 'X', 0) AS r") end),
    "The position must be between (0, 2147483647] (current value = 0)")
end)

t.test("a field of an array of structs is the array of the field's values", function()
  spark_shows("SELECT array(named_struct('a', 1), named_struct('a', 2)).a AS r",
    { "+------+", "|r     |", "+------+", "|[1, 2]|", "+------+" })
  spark_shows("SELECT arr.a FROM VALUES (array(named_struct('a', 1), named_struct('a', 2))) AS t(arr)",
    { "+------+", "|a     |", "+------+", "|[1, 2]|", "+------+" })
  -- null structs give null elements, a null array a null; nested fields too
  local df = spark:sql("SELECT arr FROM VALUES (array(named_struct('a', 1, 's', named_struct('x', 'p')), NULL,"
    .. " named_struct('a', 3, 's', CAST(NULL AS STRUCT<x: STRING>)))), (NULL) AS t(arr)")
  local expected = table.concat({ "+------------+---------------+", "|a           |x              |",
    "+------------+---------------+", "|[1, NULL, 3]|[p, NULL, NULL]|", "|NULL        |NULL           |",
    "+------------+---------------+" }, "\n") .. "\n"
  t.eq(show(df:select("arr.a", "arr.s.x")), expected)
  t.eq(show(df:select(F.col("arr"):getField("a"):alias("a"), F.col("arr.s"):getField("x"):alias("x"))), expected)
  local st = df:select("arr.a")._plan.schema
  t.eq(st.fields[1].dataType:simpleString(), "array<int>")
end)

t.test("format_string's %a is Java's hexadecimal floating point", function()
  spark_shows("SELECT format_string('%a', 1.0D) AS a, format_string('%a', 0.1D) AS b, format_string('%a', -2.5D)"
    .. " AS c, format_string('%a', 0.0D) AS d, format_string('%a', CAST(1.0 AS FLOAT)) AS e,"
    .. " format_string('%A', 255.0D) AS f", {
    "+-------+--------------------+--------+-------+-------+--------+",
    "|a      |b                   |c       |d      |e      |f       |",
    "+-------+--------------------+--------+-------+-------+--------+",
    "|0x1.0p0|0x1.999999999999ap-4|-0x1.4p1|0x0.0p0|0x1.0p0|0X1.FEP7|",
    "+-------+--------------------+--------+-------+-------+--------+" })
  spark_shows("SELECT format_string('%a', 4.9E-324D) AS a, format_string('%a', CAST('NaN' AS DOUBLE)) AS b,"
    .. " format_string('%a', CAST('-Infinity' AS DOUBLE)) AS c, format_string('%.2a', 1.0D) AS d,"
    .. " format_string('%10a|', 1.0D) AS e, format_string('%+a', 3.0D) AS f, format_string('%a', -0.0D) AS g", {
    "+-----------------------+---+---------+--------+-----------+--------+--------+",
    "|a                      |b  |c        |d       |e          |f       |g       |",
    "+-----------------------+---+---------+--------+-----------+--------+--------+",
    "|0x0.0000000000001p-1022|NaN|-Infinity|0x1.00p0|   0x1.0p0||+0x1.8p1|-0x0.0p0|",
    "+-----------------------+---+---------+--------+-----------+--------+--------+" })
  -- Java's Formatter refuses an Integer or Spark's Decimal for %a
  t.has(t.raises(function() spark:sql("SELECT format_string('%a', 1)"):collect() end), "a != java.lang.Integer")
  t.has(t.raises(function() spark:sql("SELECT format_string('%a', 1.5)"):collect() end),
    "a != org.apache.spark.sql.types.Decimal")
  -- an array's or binary's text is the Java object's: refused, saying why
  t.has(t.raises(function() spark:sql("SELECT format_string('%s', X'01')"):collect() end), "Java object text")
end)

t.test("percentile_disc and percentile_cont WITHIN GROUP (ORDER BY x DESC)", function()
  spark_shows("SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC), percentile_disc(0.25) WITHIN GROUP"
    .. " (ORDER BY x DESC) FROM VALUES (1), (2), (3), (4) AS t(x)", {
    "+----------------------------------------------------+----------------------------------------------------+",
    "|percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC)|percentile_disc(0.25) WITHIN GROUP (ORDER BY x DESC)|",
    "+----------------------------------------------------+----------------------------------------------------+",
    "|3.25                                                |4.0                                                 |",
    "+----------------------------------------------------+----------------------------------------------------+" })
  spark_shows("SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY x DESC) AS c, percentile_disc(0.5) WITHIN GROUP"
    .. " (ORDER BY x DESC) AS d, percentile_disc(0.5) WITHIN GROUP (ORDER BY x) AS e FROM VALUES (1, 1), (1, 2),"
    .. " (1, 3), (2, 5), (2, NULL) AS t(g, x) GROUP BY g ORDER BY g", {
    "+---+---+---+---+", "|g  |c  |d  |e  |", "+---+---+---+---+", "|1  |2.0|2.0|2.0|", "|2  |5.0|5.0|5.0|",
    "+---+---+---+---+" })
end)

t.test("UNPIVOT: a column of untyped NULLs takes the other values' type", function()
  spark_shows("SELECT * FROM VALUES (1, 10, NULL) AS t(id, a, b) UNPIVOT (val FOR col IN (a AS x, b AS y))",
    { "+---+---+---+", "|id |col|val|", "+---+---+---+", "|1  |x  |10 |", "+---+---+---+" })
  spark_shows("SELECT * FROM VALUES (1, 10, NULL) AS t(id, a, b) UNPIVOT INCLUDE NULLS"
    .. " (val FOR col IN (a AS x, b AS y))",
    { "+---+---+----+", "|id |col|val |", "+---+---+----+", "|1  |x  |10  |", "|1  |y  |NULL|", "+---+---+----+" })
  local df = spark:sql("SELECT * FROM VALUES (1, 10, NULL) AS t(id, a, b) UNPIVOT (val FOR col IN (a AS x, b AS y))")
  t.eq(df._plan.schema.fields[3].dataType:simpleString(), "int")
end)

t.run()
