-- spark:sql's select list as Spark 3.5 plans it: a generator beside ORDER BY, qualified stars (t.*)
-- after joins, a struct's fields (s.*), * under GROUP BY and ORDER BY's positions, ORDER BY what the
-- select leaves out, and window functions over an aggregate's groups. Each expected result is Spark
-- 3.5.3's: its column names and its collect() rows as PySpark prints them.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

-- A query's column names and its rows as collect() gives them (Row(a=1, b='x')).
local function result(text)
  local df = spark:sql(text)
  local rows = {}
  for i, row in ipairs(df:collect()) do rows[i] = tostring(row) end
  return { columns = df.columns, rows = rows }
end

-- The query gives Spark's columns and rows.
local function spark_gives(text, columns, rows)
  t.same_table(result(text), { columns = columns, rows = rows }, text)
end

-- The query fails with that text in its error.
local function fails(text, message)
  t.has(t.raises(function() spark:sql(text) end), message)
end

t.test("a generator in the select list: its rows are there before ORDER BY sorts them", function()
  spark_gives("SELECT explode(array(3, 1, 2)) AS e ORDER BY e", { "e" }, { "Row(e=1)", "Row(e=2)", "Row(e=3)" })
  spark_gives("SELECT explode(array(3, 1, 2)) AS e, 1 AS one ORDER BY e", { "e", "one" },
    { "Row(e=1, one=1)", "Row(e=2, one=1)", "Row(e=3, one=1)" })
  spark_gives("SELECT explode(array(3, 1, 2)) AS e ORDER BY e LIMIT 2", { "e" }, { "Row(e=1)", "Row(e=2)" })
  spark_gives("SELECT explode(array(3, 1, 2)) AS e ORDER BY e DESC LIMIT 2", { "e" }, { "Row(e=3)", "Row(e=2)" })
  spark_gives("SELECT explode(array(3, 1, 2)) AS e ORDER BY 1 DESC", { "e" }, { "Row(e=3)", "Row(e=2)", "Row(e=1)" })
  spark_gives("SELECT explode(array(3, 1, 2)) AS e ORDER BY -e", { "e" }, { "Row(e=3)", "Row(e=2)", "Row(e=1)" })
  spark_gives("SELECT explode(array(3, 1, 2)) ORDER BY col", { "col" }, { "Row(col=1)", "Row(col=2)", "Row(col=3)" })
  spark_gives("SELECT DISTINCT explode(array(3, 1, 3, 2)) AS e ORDER BY e", { "e" },
    { "Row(e=1)", "Row(e=2)", "Row(e=3)" })
  -- posexplode's pos and col, or the names AS gives them
  spark_gives("SELECT posexplode(array(3, 1, 2)) ORDER BY pos DESC", { "pos", "col" },
    { "Row(pos=2, col=2)", "Row(pos=1, col=1)", "Row(pos=0, col=3)" })
  spark_gives("SELECT posexplode(array(3, 1, 2)) AS (p, v) ORDER BY v", { "p", "v" },
    { "Row(p=1, v=1)", "Row(p=2, v=2)", "Row(p=0, v=3)" })
  spark_gives("SELECT inline(array(named_struct('a', 2, 'b', 'x'), named_struct('a', 1, 'b', 'y'))) ORDER BY a",
    { "a", "b" }, { "Row(a=1, b='y')", "Row(a=2, b='x')" })
  spark_gives("SELECT stack(2, 'b', 1, 'a', 2) ORDER BY col0", { "col0", "col1" },
    { "Row(col0='a', col1=2)", "Row(col0='b', col1=1)" })
  spark_gives("SELECT explode(map('b', 1, 'a', 2)) ORDER BY key", { "key", "value" },
    { "Row(key='a', value=2)", "Row(key='b', value=1)" })
  -- with the table's columns, and ordered by one the select leaves out
  spark_gives("SELECT g, explode(a) AS v FROM VALUES ('x', array(1, 2)), ('y', array(3)) AS t(g, a)"
    .. " ORDER BY g DESC, v DESC", { "g", "v" }, { "Row(g='y', v=3)", "Row(g='x', v=2)", "Row(g='x', v=1)" })
  spark_gives("SELECT explode(a) AS v FROM VALUES ('x', array(1, 2)), ('y', array(3)) AS t(g, a) ORDER BY g DESC, v",
    { "v" }, { "Row(v=3)", "Row(v=1)", "Row(v=2)" })
  spark_gives("SELECT x, explode(array(x, -x)) AS e FROM VALUES (1), (2) AS t(x) ORDER BY e", { "x", "e" },
    { "Row(x=2, e=-2)", "Row(x=1, e=-1)", "Row(x=1, e=1)", "Row(x=2, e=2)" })
  spark_gives("SELECT explode(array(3, 1, 2)) AS e, x FROM VALUES (10), (20) AS t(x) ORDER BY x DESC, e",
    { "e", "x" }, { "Row(e=1, x=20)", "Row(e=2, x=20)", "Row(e=3, x=20)", "Row(e=1, x=10)", "Row(e=2, x=10)",
      "Row(e=3, x=10)" })
end)

t.test("t.* is that table's columns, named as in it, after joins and LATERAL VIEW", function()
  spark_gives("SELECT r.* FROM VALUES (1, 'x') AS l(a, b) JOIN VALUES (1, 'y') AS r(a, c) ON l.a = r.a",
    { "a", "c" }, { "Row(a=1, c='y')" })
  spark_gives("SELECT l.*, r.* FROM VALUES (1, 'x') AS l(a, b) JOIN VALUES (1, 'y') AS r(a, c) ON l.a = r.a",
    { "a", "b", "a", "c" }, { "Row(a=1, b='x', a=1, c='y')" })
  -- * too names the right side's a as r has it
  spark_gives("SELECT * FROM VALUES (1, 'x') AS l(a, b) JOIN VALUES (1, 'y') AS r(a, c) ON l.a = r.a",
    { "a", "b", "a", "c" }, { "Row(a=1, b='x', a=1, c='y')" })
  spark_gives("SELECT r.*, l.b FROM VALUES (1, 'x') AS l(a, b) LEFT JOIN VALUES (2, 'y') AS r(a, c) ON l.a = r.a",
    { "a", "c", "b" }, { "Row(a=None, c=None, b='x')" })
  -- l.a stays l's where r's column is named a as well
  spark_gives("SELECT l.*, r.* FROM VALUES (1) AS l(a) FULL JOIN VALUES (2) AS r(a) ON l.a = r.a"
    .. " ORDER BY l.a NULLS LAST", { "a", "a" }, { "Row(a=1, a=None)", "Row(a=None, a=2)" })
  spark_gives("SELECT * FROM VALUES (1) AS l(a) FULL JOIN VALUES (2) AS r(a) ON l.a = r.a ORDER BY r.a NULLS LAST",
    { "a", "a" }, { "Row(a=None, a=2)", "Row(a=1, a=None)" })
  spark_gives("SELECT r.*, l.b FROM VALUES (1, 'x'), (2, 'y') AS l(a, b) JOIN VALUES (1, 'p'), (2, 'q') AS r(a, c)"
    .. " ON l.a = r.a ORDER BY r.a DESC", { "a", "c", "b" }, { "Row(a=2, c='q', b='y')", "Row(a=1, c='p', b='x')" })
  spark_gives("SELECT r.* FROM VALUES (1, 'x'), (2, 'y') AS l(a, b) JOIN VALUES (1, 'p'), (2, 'q') AS r(a, c)"
    .. " ON l.a = r.a GROUP BY r.a, r.c ORDER BY r.c DESC", { "a", "c" }, { "Row(a=2, c='q')", "Row(a=1, c='p')" })
  -- three tables
  spark_gives("SELECT k.*, l.b FROM VALUES (1, 'x') AS l(a, b) JOIN VALUES (1, 'y') AS r(a2, c) ON l.a = r.a2"
    .. " JOIN VALUES (1, 'z') AS k(a, d) ON k.a = r.a2", { "a", "d", "b" }, { "Row(a=1, d='z', b='x')" })
  -- USING: each side's key, the one an outer join leaves NULL too
  spark_gives("SELECT r.* FROM VALUES (1, 'x') AS l(a, b) JOIN VALUES (1, 'y') AS r(a, c) USING (a)",
    { "a", "c" }, { "Row(a=1, c='y')" })
  spark_gives("SELECT l.* FROM VALUES (1, 'x') AS l(a, b) LEFT JOIN VALUES (2, 'y') AS r(a, c) USING (a)",
    { "a", "b" }, { "Row(a=1, b='x')" })
  spark_gives("SELECT r.* FROM VALUES (1, 'x') AS l(a, b) LEFT JOIN VALUES (2, 'y') AS r(a, c) USING (a)",
    { "a", "c" }, { "Row(a=None, c=None)" })
  spark_gives("SELECT l.*, r.* FROM VALUES (1, 'x') AS l(a, b) FULL JOIN VALUES (2, 'y') AS r(a, c) USING (a)",
    { "a", "b", "a", "c" }, { "Row(a=1, b='x', a=None, c=None)", "Row(a=None, b=None, a=2, c='y')" })
  spark_gives("SELECT r.*, l.* FROM VALUES (1, 'x') AS l(a, b) RIGHT JOIN VALUES (2, 'y') AS r(a, c) USING (a)",
    { "a", "c", "a", "b" }, { "Row(a=2, c='y', a=None, b=None)" })
  spark_gives("SELECT * FROM VALUES (1, 'x') AS l(a, b) LEFT JOIN VALUES (2, 'y') AS r(a, c) USING (a)",
    { "a", "b", "c" }, { "Row(a=1, b='x', c=None)" })
  -- a semi join's rows are the left's
  spark_gives("SELECT l.* FROM VALUES (1, 'x') AS l(a, b) LEFT SEMI JOIN VALUES (1, 'y') AS r(a, c) ON l.a = r.a",
    { "a", "b" }, { "Row(a=1, b='x')" })
  fails("SELECT r.* FROM VALUES (1, 'x') AS l(a, b) LEFT SEMI JOIN VALUES (1, 'y') AS r(a, c) ON l.a = r.a",
    "[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve `r`.*")
  -- a lateral view's columns are its own
  spark_gives("SELECT t.*, v.* FROM VALUES (1, array(5, 6)) AS t(a, arr) LATERAL VIEW explode(arr) v AS e",
    { "a", "arr", "e" }, { "Row(a=1, arr=[5, 6], e=5)", "Row(a=1, arr=[5, 6], e=6)" })
  spark_gives("SELECT v.* FROM VALUES (1, array(5, 6)) AS t(a, arr) LATERAL VIEW posexplode(arr) v",
    { "pos", "col" }, { "Row(pos=0, col=5)", "Row(pos=1, col=6)" })
  spark_gives("SELECT v.*, t.a FROM VALUES (1, array(5, 6)) AS t(a, arr) LATERAL VIEW OUTER explode(arr) v AS e"
    .. " ORDER BY e DESC", { "e", "a" }, { "Row(e=6, a=1)", "Row(e=5, a=1)" })
  -- one table, a subquery's alias, a quoted name
  spark_gives("SELECT w.* FROM (SELECT 1 AS a, 2 AS b) w WHERE w.a = 1", { "a", "b" }, { "Row(a=1, b=2)" })
  spark_gives("SELECT `t`.* FROM VALUES (1, 2) AS t(a, b)", { "a", "b" }, { "Row(a=1, b=2)" })
  fails("SELECT x.* FROM VALUES (1) AS t(a)",
    "[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve `x`.* given input columns `a`.")
end)

t.test("s.* is a struct column's fields, t.s.* too; a table's name comes first", function()
  spark_gives("SELECT s.* FROM (SELECT named_struct('a', 1, 'b', 2) AS s)", { "a", "b" }, { "Row(a=1, b=2)" })
  spark_gives("SELECT t.s.* FROM (SELECT named_struct('a', 1, 'b', 2) AS s) t", { "a", "b" }, { "Row(a=1, b=2)" })
  spark_gives("SELECT s.b.*, s.* FROM (SELECT named_struct('a', 1, 'b', named_struct('c', 3, 'd', 4)) AS s)",
    { "c", "d", "a", "b" }, { "Row(c=3, d=4, a=1, b=Row(c=3, d=4))" })
  spark_gives("SELECT s.* FROM (SELECT named_struct('a', 1, 'b', 2) AS s) s", { "s" }, { "Row(s=Row(a=1, b=2))" })
  spark_gives("SELECT s.* FROM (SELECT named_struct('a', 2, 'b', 1) AS s UNION ALL"
    .. " SELECT named_struct('a', 1, 'b', 2)) ORDER BY a", { "a", "b" }, { "Row(a=1, b=2)", "Row(a=2, b=1)" })
  spark_gives("SELECT s.*, count(*) FROM (SELECT named_struct('a', 1, 'b', 2) AS s) GROUP BY s",
    { "a", "b", "count(1)" }, { "Row(a=1, b=2, count(1)=1)" })
  fails("SELECT s.* FROM (SELECT 1 AS s)", "Can only star expand struct data types")
  -- selectExpr takes it as well
  local df = spark:sql("SELECT named_struct('a', 1, 'b', named_struct('c', 3)) AS s")
  t.same_table(df:selectExpr("s.*").columns, { "a", "b" })
  t.same_table(df:selectExpr("s.b.*").columns, { "c" })
end)

t.test("Kafka's SELECT data.* FROM (SELECT from_json(CAST(value AS STRING), schema) AS data FROM events)", function()
  local schema = "'user STRING, n INT'"
  spark_gives("SELECT data.* FROM (SELECT from_json('{\"user\":\"a\",\"n\":1}', " .. schema .. ") AS data)",
    { "user", "n" }, { "Row(user='a', n=1)" })
  -- over a temp view, as a batch
  spark:createDataFrame({ { '{"user":"a","n":1}' }, { '{"user":"b","n":2}' } }, "value string")
    :createOrReplaceTempView("select_spark_events")
  local query = "SELECT data.* FROM (SELECT from_json(CAST(value AS STRING), " .. schema
    .. ") AS data FROM select_spark_events)"
  spark_gives(query, { "user", "n" }, { "Row(user='a', n=1)", "Row(user='b', n=2)" })
  -- and over a stream's temp view, into a memory sink
  local dir = t.tempdir()
  t.write(dir .. "/a.txt", '{"user":"a","n":1}\n{"user":"b","n":2}\n')
  spark.readStream:text(dir):createOrReplaceTempView("select_spark_stream")
  local streamed = spark:sql("SELECT data.* FROM (SELECT from_json(CAST(value AS STRING), " .. schema
    .. ") AS data FROM select_spark_stream)")
  t.eq(streamed.isStreaming, true)
  t.same_table(streamed.columns, { "user", "n" })
  local name = t.unique("select_spark_out")
  local q = streamed.writeStream:format("memory"):queryName(name):option("checkpointLocation", t.tempdir() .. "/cp")
    :start()
  q:processAllAvailable()
  q:stop()
  spark_gives("SELECT * FROM " .. name .. " ORDER BY n", { "user", "n" },
    { "Row(user='a', n=1)", "Row(user='b', n=2)" })
end)

t.test("* under GROUP BY when each column is a key, and ORDER BY positions over *", function()
  spark_gives("SELECT * FROM VALUES (1, 2) AS t(a, b) GROUP BY a, b", { "a", "b" }, { "Row(a=1, b=2)" })
  spark_gives("SELECT * FROM VALUES (1, 2), (1, 2), (3, 4) AS t(a, b) GROUP BY a, b ORDER BY a DESC", { "a", "b" },
    { "Row(a=3, b=4)", "Row(a=1, b=2)" })
  spark_gives("SELECT *, count(*) AS n FROM VALUES (1, 2), (1, 2), (3, 4) AS t(a, b) GROUP BY a, b ORDER BY a",
    { "a", "b", "n" }, { "Row(a=1, b=2, n=2)", "Row(a=3, b=4, n=1)" })
  spark_gives("SELECT t.* FROM VALUES (1, 2) AS t(a, b) GROUP BY a, b ORDER BY 2 DESC", { "a", "b" },
    { "Row(a=1, b=2)" })
  spark_gives("SELECT * FROM VALUES (1, 'x') AS l(a, b) FULL JOIN VALUES (2, 'y') AS r(a, c) USING (a)"
    .. " GROUP BY a, b, c ORDER BY a", { "a", "b", "c" }, { "Row(a=1, b='x', c=None)", "Row(a=2, b=None, c='y')" })
  fails("SELECT * FROM VALUES (1, 2) AS t(a, b) GROUP BY a", "b is neither a grouping key")
  spark_gives("SELECT * FROM VALUES 3, 1, 2 ORDER BY 1", { "col1" }, { "Row(col1=1)", "Row(col1=2)", "Row(col1=3)" })
  spark_gives("SELECT * FROM VALUES (3, 'a'), (1, 'c'), (2, 'b') AS t(x, y) ORDER BY 2 DESC", { "x", "y" },
    { "Row(x=1, y='c')", "Row(x=2, y='b')", "Row(x=3, y='a')" })
  spark_gives("SELECT *, x * 10 AS z FROM VALUES (3, 'a'), (1, 'c') AS t(x, y) ORDER BY 3", { "x", "y", "z" },
    { "Row(x=1, y='c', z=10)", "Row(x=3, y='a', z=30)" })
  spark_gives("SELECT * FROM VALUES (1, 'x') AS l(a, b) RIGHT JOIN VALUES (2, 'y') AS r(a, c) USING (a) ORDER BY 1",
    { "a", "b", "c" }, { "Row(a=2, b=None, c='y')" })
  fails("SELECT * FROM VALUES 3, 1, 2 ORDER BY 2", "position 2 is not in the select list")
end)

t.test("ORDER BY a key or an aggregate the select leaves out, and an input column without grouping", function()
  spark_gives("SELECT sum(y) FROM VALUES (1, 2), (2, 3) AS t(x, y) GROUP BY x ORDER BY x", { "sum(y)" },
    { "Row(sum(y)=2)", "Row(sum(y)=3)" })
  spark_gives("SELECT sum(y) FROM VALUES (1, 2), (2, 3) AS t(x, y) GROUP BY x ORDER BY x DESC", { "sum(y)" },
    { "Row(sum(y)=3)", "Row(sum(y)=2)" })
  spark_gives("SELECT sum(y) AS s FROM VALUES (1, 2), (2, 3), (3, 1) AS t(x, y) GROUP BY x ORDER BY x % 2, x",
    { "s" }, { "Row(s=3)", "Row(s=2)", "Row(s=1)" })
  spark_gives("SELECT sum(y) FROM VALUES (1, 2), (2, 3) AS t(x, y) GROUP BY x ORDER BY max(y) DESC", { "sum(y)" },
    { "Row(sum(y)=3)", "Row(sum(y)=2)" })
  spark_gives("SELECT x AS k, sum(y) FROM VALUES (1, 2), (2, 3) AS t(x, y) GROUP BY x ORDER BY x DESC",
    { "k", "sum(y)" }, { "Row(k=2, sum(y)=3)", "Row(k=1, sum(y)=2)" })
  spark_gives("SELECT sum(y) FROM VALUES (1, 2), (2, 3), (1, 9) AS t(x, y) GROUP BY x HAVING count(*) > 0"
    .. " ORDER BY x DESC", { "sum(y)" }, { "Row(sum(y)=3)", "Row(sum(y)=11)" })
  spark_gives("SELECT a FROM VALUES (1, 3), (2, 1) AS t(a, b) ORDER BY b", { "a" }, { "Row(a=2)", "Row(a=1)" })
  spark_gives("SELECT a + 1 AS c FROM VALUES (1, 3), (2, 1) AS t(a, b) ORDER BY b DESC", { "c" },
    { "Row(c=2)", "Row(c=3)" })
  -- a column neither a key nor aggregated, and a key under grouping sets, Spark cannot resolve
  fails("SELECT sum(y) FROM VALUES (1, 2), (2, 3) AS t(x, y) GROUP BY x ORDER BY y", "y is neither a grouping key")
  fails("SELECT sum(y) FROM VALUES ('a', 1, 2), ('b', 2, 3) AS t(g, x, y) GROUP BY ROLLUP(g) ORDER BY g NULLS LAST",
    "cannot resolve column \"g\"")
end)

t.test("a window over an aggregate: the groups first, then the window over them", function()
  spark_gives("SELECT x, rank() OVER (ORDER BY sum(y)) AS r FROM VALUES (1, 2), (2, 3) AS t(x, y) GROUP BY x",
    { "x", "r" }, { "Row(x=1, r=1)", "Row(x=2, r=2)" })
  spark_gives("SELECT x, sum(y) AS s, rank() OVER (ORDER BY sum(y) DESC) AS r, sum(sum(y)) OVER () AS tot"
    .. " FROM VALUES (1, 2), (2, 3), (1, 5), (3, 1) AS t(x, y) GROUP BY x ORDER BY x", { "x", "s", "r", "tot" },
    { "Row(x=1, s=7, r=1, tot=11)", "Row(x=2, s=3, r=2, tot=11)", "Row(x=3, s=1, r=3, tot=11)" })
  spark_gives("SELECT x % 2 AS p, x, rank() OVER (PARTITION BY x % 2 ORDER BY count(*), x) AS r"
    .. " FROM VALUES (1, 2), (2, 3), (1, 5), (3, 1) AS t(x, y) GROUP BY x ORDER BY x", { "p", "x", "r" },
    { "Row(p=1, x=1, r=2)", "Row(p=0, x=2, r=1)", "Row(p=1, x=3, r=1)" })
  -- HAVING filters the groups the window sees
  spark_gives("SELECT x, rank() OVER (ORDER BY sum(y)) AS r FROM VALUES (1, 2), (2, 3), (3, 4) AS t(x, y) GROUP BY x"
    .. " HAVING sum(y) > 2 ORDER BY x", { "x", "r" }, { "Row(x=2, r=1)", "Row(x=3, r=2)" })
  spark_gives("SELECT x, count(*) OVER () AS c FROM VALUES (1, 2), (2, 3) AS t(x, y) GROUP BY x ORDER BY x",
    { "x", "c" }, { "Row(x=1, c=2)", "Row(x=2, c=2)" })
  spark_gives("SELECT x, lag(sum(y)) OVER (ORDER BY x) AS prev FROM VALUES (1, 2), (2, 3), (3, 4) AS t(x, y)"
    .. " GROUP BY x ORDER BY x", { "x", "prev" }, { "Row(x=1, prev=None)", "Row(x=2, prev=2)", "Row(x=3, prev=3)" })
  spark_gives("SELECT x, sum(y) / sum(sum(y)) OVER () AS share FROM VALUES (1, 2), (2, 6) AS t(x, y) GROUP BY x"
    .. " ORDER BY x", { "x", "share" }, { "Row(x=1, share=0.25)", "Row(x=2, share=0.75)" })
  spark_gives("SELECT x, avg(sum(y)) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS m"
    .. " FROM VALUES (1, 2), (2, 3), (1, 4), (3, 10) AS t(x, y) GROUP BY x ORDER BY x", { "x", "m" },
    { "Row(x=1, m=6.0)", "Row(x=2, m=4.5)", "Row(x=3, m=6.5)" })
  spark_gives("SELECT x, (SELECT 1) AS one, rank() OVER (ORDER BY sum(y)) AS r FROM VALUES (1, 2), (2, 3) AS t(x, y)"
    .. " GROUP BY x ORDER BY x", { "x", "one", "r" }, { "Row(x=1, one=1, r=1)", "Row(x=2, one=1, r=2)" })
  -- an aggregate inside a window makes the query aggregate, without GROUP BY too: one row
  spark_gives("SELECT rank() OVER (ORDER BY sum(y)) AS r FROM VALUES (1, 2), (2, 3) AS t(x, y)", { "r" },
    { "Row(r=1)" })
  spark_gives("SELECT sum(y) AS s, rank() OVER (ORDER BY sum(y)) AS r FROM VALUES (1, 2), (2, 3) AS t(x, y)",
    { "s", "r" }, { "Row(s=5, r=1)" })
  -- a column outside the aggregates must be a key; the message names the script's line once
  local err = t.raises(function()
    spark:sql("SELECT x, rank() OVER (ORDER BY y) FROM VALUES (1, 2), (2, 3) AS t(x, y) GROUP BY x")
  end, "y is neither a grouping key")
  local _, places = err:gsub("test_sql_select_spark%.lua:%d+:", "")
  t.eq(places, 1)
end)

t.run()
