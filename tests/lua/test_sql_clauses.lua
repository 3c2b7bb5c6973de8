-- spark:sql clauses beyond SELECT ... FROM ... WHERE ... GROUP BY ... ORDER BY ... LIMIT: inline
-- tables (VALUES), GROUP BY ALL, OFFSET, named windows (WINDOW), TABLESAMPLE, CLUSTER / DISTRIBUTE /
-- SORT BY, PIVOT and UNPIVOT, with Spark 3.5's results and errors.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local function q(text) return t.rows(spark:sql(text)) end
local function columns(text) return spark:sql(text).columns end
local function types(text)
  local out = {}
  for i, d in ipairs(spark:sql(text).dtypes) do out[i] = d[2] end
  return out
end
-- The query fails with that text in its error, raised at the test's line.
local function fails(text, message)
  local err = t.raises(function() spark:sql(text) end)
  t.has(err, message)
  t.at_caller(err)
end

t.test("VALUES: inline tables in FROM, in joins and as queries, named col1, ... or by the alias", function()
  t.same_table(columns("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS v(id, name)"), { "id", "name" })
  t.same_table(q("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS v(id, name)"), { "1|a", "2|b" })
  t.same_table(columns("SELECT * FROM VALUES 1, 2"), { "col1" })
  t.same_table(q("SELECT * FROM VALUES 1, 2"), { "1", "2" })
  t.same_table(columns("SELECT * FROM VALUES ('one', 1) AS data"), { "col1", "col2" })
  t.same_table(q("SELECT data.col2 FROM VALUES ('one', 1) data"), { "1" })
  t.same_table(q("SELECT v.id * 10 AS x FROM VALUES (1), (2), (3) v(id) WHERE id > 1"), { "20", "30" })
  -- (e) is one column, (e, e) a row of two; a value's alias names nothing
  t.same_table(q("SELECT * FROM VALUES (1 + 2) * 3, (4)"), { "9", "4" })
  t.same_table(q("SELECT * FROM VALUES ('one', 1 AS one) AS data(a, b)"), { "one|1" })
  -- a whole query, with its own ORDER BY and LIMIT, in set operations and WITH
  t.same_table(columns("VALUES (1, 2), (3, 4)"), { "col1", "col2" })
  t.same_table(q("VALUES (1, 2), (3, 4)"), { "1|2", "3|4" })
  t.same_table(q("VALUES (3), (1), (2) ORDER BY col1 DESC LIMIT 2"), { "3", "2" })
  t.same_table(q("SELECT 1 AS n UNION ALL VALUES (2), (3)"), { "1", "2", "3" })
  t.same_table(q("WITH w AS (VALUES ('x', 1) AS t(s, n)) SELECT n, s FROM w"), { "1|x" })
  t.same_table(q("SELECT * FROM (VALUES (1, 2)) AS t(a, b)"), { "1|2" })
  t.same_table(columns("SELECT * FROM (VALUES (1, 2)) AS t(a, b)"), { "a", "b" })
  t.same_table(q("SELECT a.x, b.y FROM VALUES (1), (2) AS a(x) JOIN VALUES (2, 'p'), (1, 'q') AS b(x, y)"
    .. " ON a.x = b.x ORDER BY a.x"), { "1|q", "2|p" })
  -- any table takes column names after its alias
  spark:createDataFrame({ { "a", 1 } }, "s string, n int"):createOrReplaceTempView("pairs")
  t.same_table(columns("SELECT * FROM pairs AS p(x, y)"), { "x", "y" })
  t.same_table(q("SELECT p.y FROM pairs p(x, y)"), { "1" })
  fails("SELECT * FROM pairs AS p(x)", "Number of column aliases does not match number of columns. Number of column"
    .. " aliases: 1; number of columns: 2.")
end)

t.test("VALUES: each column of the type its values widen to, without string promotion, as Spark's", function()
  t.same_table(types("SELECT * FROM VALUES ('one', 1), ('two', 2L) AS data(a, b)"), { "string", "bigint" })
  t.same_table(types("SELECT * FROM VALUES ('one', 1 + 0), ('two', 1 + 3L) AS data(a, b)"), { "string", "bigint" })
  t.same_table(q("SELECT * FROM VALUES ('one', 1 + 0), ('two', 1 + 3L) AS data(a, b)"), { "one|1", "two|4" })
  t.same_table(types("SELECT * FROM VALUES (1), (CAST(2.5 AS decimal(2,1)))"), { "decimal(11,1)" })
  t.same_table(types("SELECT * FROM VALUES ('one', 2.0), ('two', 3.0D) AS data(a, b)"), { "string", "double" })
  t.same_table(types("SELECT * FROM VALUES ('one', 1), ('two', NULL) AS data(a, b)"), { "string", "int" })
  t.same_table(q("SELECT * FROM VALUES ('one', 1), ('three', NULL) AS data(a, b)"), { "one|1", "three|null" })
  t.same_table(types("SELECT * FROM VALUES ('one', array(0, 1)), ('two', array(2, 3L)) AS data(a, b)"),
    { "string", "array<bigint>" })
  t.same_table(q("SELECT * FROM VALUES (DATE '2024-01-01'), (TIMESTAMP '2024-01-02 03:00:00')"),
    { "2024-01-01 00:00:00", "2024-01-02 03:00:00" })
  t.same_table(types("SELECT * FROM VALUES (DATE '2024-01-01'), (TIMESTAMP '2024-01-02 03:00:00')"),
    { "timestamp" })
  -- Spark's errors: rows of another width, types with no common one, values that are no constants
  fails("SELECT * FROM VALUES ('one', 2.0), ('two') AS data(a, b)", "[INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH]"
    .. " Invalid inline table. Inline table expected 2 columns but found 1 columns in row 1.")
  fails("SELECT * FROM VALUES ('one'), ('two') AS data(a, b)",
    "Inline table expected 2 columns but found 1 columns in row 0.")
  fails("SELECT * FROM VALUES (1), ('a')", "[INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE] Invalid inline"
    .. " table. Found incompatible types in the column `col1` for inline table.")
  fails("SELECT * FROM VALUES ('one', array(0, 1)), ('two', struct(1, 2)) AS data(a, b)",
    "Found incompatible types in the column `b` for inline table.")
  fails("SELECT * FROM VALUES ('one', rand(5)), ('two', 3.0D) AS data(a, b)",
    '[INVALID_INLINE_TABLE.CANNOT_EVALUATE_EXPRESSION_IN_INLINE_TABLE] Invalid inline table. Cannot evaluate the'
    .. ' expression "rand(5)" in inline table definition.')
  fails("SELECT * FROM VALUES ('one', count(1)), ('two', 2) AS data(a, b)", 'Cannot evaluate the expression'
    .. ' "count(1)" in inline table definition.')
  fails("SELECT * FROM VALUES (1, x)", "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column or function parameter with"
    .. " name `x` cannot be resolved.")
end)

-- Spark's group-by-all.sql data.
local function data_view()
  spark:sql([[SELECT * FROM VALUES
    ('USA', 'San Francisco', 'Reynold', 1, 11.0), ('USA', 'San Francisco', 'Matei', 2, 12.0),
    ('USA', 'Berkeley', 'Xiao', 3, 13.0), ('China', 'Hangzhou', 'Wenchen', 4, 14.0),
    ('China', 'Shanghai', 'Shanghaiese', 5, 15.0), ('Korea', 'Seoul', 'Hyukjin', 6, 16.0)
    AS data(country, city, name, id, power)]]):createOrReplaceTempView("data")
end

t.test("GROUP BY ALL groups by every select item without an aggregate, as Spark 3.4's", function()
  data_view()
  t.same_table(columns("SELECT country, count(*) FROM data GROUP BY ALL"), { "country", "count(1)" })
  t.same_table(q("SELECT country, count(*) FROM data GROUP BY ALL ORDER BY country"), { "China|2", "Korea|1", "USA|3" })
  t.same_table(q("select country, count(*) from data group by aLl order by 1"), { "China|2", "Korea|1", "USA|3" })
  t.same_table(q("SELECT count(*), country, city, sum(power) FROM data GROUP BY ALL ORDER BY country, city"),
    { "1|China|Hangzhou|14.0", "1|China|Shanghai|15.0", "1|Korea|Seoul|16.0", "1|USA|Berkeley|13.0",
      "2|USA|San Francisco|23.0" })
  t.same_table(q("SELECT country AS con, count(*) FROM data GROUP BY ALL ORDER BY con"),
    { "China|2", "Korea|1", "USA|3" })
  t.same_table(q("SELECT upper(country), count(*) AS powerup FROM data GROUP BY ALL ORDER BY 1"),
    { "CHINA|2", "KOREA|1", "USA|3" })
  t.same_table(q("SELECT country, sum(power) + 10 AS powerup FROM data GROUP BY ALL ORDER BY 1"),
    { "China|39.0", "Korea|26.0", "USA|46.0" })
  t.same_table(q("SELECT country, city FROM data GROUP BY ALL ORDER BY 1, 2"),
    { "China|Hangzhou", "China|Shanghai", "Korea|Seoul", "USA|Berkeley", "USA|San Francisco" })
  t.same_table(q("SELECT con, powerup FROM (SELECT country AS con, sum(power) + 10 AS powerup FROM data"
    .. " GROUP BY ALL) ORDER BY con"), { "China|39.0", "Korea|26.0", "USA|46.0" })
  -- HAVING may name a select alias
  t.same_table(q("SELECT country, count(id) AS cnt FROM data GROUP BY ALL HAVING cnt > 1 ORDER BY 1"),
    { "China|2", "USA|3" })
  -- a literal item is a key, * is its columns
  t.same_table(q("SELECT 2, country, count(*) FROM data GROUP BY ALL ORDER BY country"),
    { "2|China|2", "2|Korea|1", "2|USA|3" })
  t.same_table(q("SELECT * FROM (SELECT country FROM data) GROUP BY ALL ORDER BY 1"), { "China", "Korea", "USA" })
  -- only aggregates: one group
  t.same_table(q("SELECT count(id) FROM data GROUP BY ALL"), { "6" })
  t.same_table(q("SELECT count(id + power / 2) * 3 FROM data GROUP BY ALL"), { "18" })
  t.same_table(q("SELECT count(*) FROM (SELECT * FROM data WHERE country = 'DNS') GROUP BY ALL"), { "0" })
  -- a column named all is a column
  t.same_table(q("SELECT `all`, count(*) FROM VALUES (1, 2), (1, 3) AS t(`all`, b) GROUP BY ALL"), { "1|2" })
  fails("SELECT id + count(*) FROM data GROUP BY ALL", "[UNRESOLVED_ALL_IN_GROUP_BY] Cannot infer grouping columns for"
    .. " GROUP BY ALL based on the select clause. Please explicitly specify the grouping columns.")
  fails("SELECT (id + id) / 2 + count(*) * 2 FROM data GROUP BY ALL", "[UNRESOLVED_ALL_IN_GROUP_BY]")
end)

t.test("LIMIT n OFFSET m, OFFSET alone and LIMIT ALL, with Spark's checks of the counts", function()
  data_view()
  t.same_table(q("SELECT name FROM data ORDER BY name LIMIT 3 OFFSET 2"), { "Reynold", "Shanghaiese", "Wenchen" })
  t.same_table(q("SELECT name, id FROM data ORDER BY name OFFSET 4"), { "Wenchen|4", "Xiao|3" })
  t.same_table(q("SELECT name FROM data ORDER BY name OFFSET length('SPARK')"), { "Xiao" })
  t.same_table(q("SELECT name FROM data ORDER BY name LIMIT ALL OFFSET 0"),
    { "Hyukjin", "Matei", "Reynold", "Shanghaiese", "Wenchen", "Xiao" })
  t.same_table(q("SELECT name FROM data ORDER BY name LIMIT 1 + 1"), { "Hyukjin", "Matei" })
  t.same_table(q("SELECT name FROM data LIMIT 0"), {})
  t.same_table(q("SELECT name FROM data ORDER BY name OFFSET 10"), {})
  t.same_table(q("SELECT country, count(*) AS n FROM data GROUP BY country ORDER BY n DESC LIMIT 1 OFFSET 1"),
    { "China|2" })
  -- the whole result's, after set operations
  t.same_table(q("SELECT country FROM data UNION SELECT 'Chile' ORDER BY 1 LIMIT 2 OFFSET 1"), { "China", "Korea" })
  t.same_table(q("(SELECT id FROM data) ORDER BY id DESC OFFSET 4"), { "2", "1" })
  fails("SELECT name FROM data ORDER BY name OFFSET length(name)", '[INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE] The'
    .. ' limit like expression "length(name)" is invalid. The offset expression must evaluate to a constant value.')
  fails("SELECT name FROM data LIMIT -1", '[INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE] The limit like expression "-1"'
    .. ' is invalid. The limit expression must be equal to or greater than 0, but got -1.')
  fails("SELECT name FROM data OFFSET -2", "The offset expression must be equal to or greater than 0, but got -2.")
  fails("SELECT name FROM data LIMIT 2L", '[INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE] The limit like expression "2" is'
    .. ' invalid. The limit expression must be integer type, but got "BIGINT".')
  fails("SELECT name FROM data LIMIT 'a'", 'The limit expression must be integer type, but got "STRING".')
  fails("SELECT name FROM data LIMIT CAST(NULL AS int)", '[INVALID_LIMIT_LIKE_EXPRESSION.IS_NULL] The limit like'
    .. ' expression "CAST(NULL AS INT)" is invalid. The limit expression must not be null.')
  fails("SELECT id FROM data ORDER BY id LIMIT 1 UNION SELECT 7", "ORDER BY or LIMIT before UNION")
  fails("SELECT id FROM data OFFSET 1 UNION SELECT 7", "ORDER BY or LIMIT before UNION")
end)

t.test("WINDOW names windows that OVER w and OVER (w) use, as Spark's named windows", function()
  spark:createDataFrame({ { "a", 1 }, { "a", 2 }, { "b", 3 }, { "b", 3 }, { "a", 5 } }, "k string, v int")
    :createOrReplaceTempView("kv")
  t.same_table(q("SELECT k, v, rank() OVER w AS r FROM kv WINDOW w AS (PARTITION BY k ORDER BY v) ORDER BY k, v"),
    { "a|1|1", "a|2|2", "a|5|3", "b|3|1", "b|3|1" })
  t.same_table(q("SELECT k, v, rank() OVER (w) AS r FROM kv WINDOW w AS (PARTITION BY k ORDER BY v DESC)"
    .. " ORDER BY k, v"), { "a|1|3", "a|2|2", "a|5|1", "b|3|1", "b|3|1" })
  -- several windows; one defined as another; a frame; a window's function named as one written in place
  t.same_table(q("SELECT k, v, rank() OVER w1 AS r, sum(v) OVER w2 AS s, count(*) OVER w3 AS n FROM kv"
    .. " WINDOW w1 AS (PARTITION BY k ORDER BY v), w2 AS (PARTITION BY k), w3 AS w1 ORDER BY k, v"),
    { "a|1|1|8|1", "a|2|2|8|2", "a|5|3|8|3", "b|3|1|6|2", "b|3|1|6|2" })
  t.same_table(q("SELECT k, v, sum(v) OVER w AS s FROM kv WINDOW w AS (PARTITION BY k ORDER BY v ROWS BETWEEN"
    .. " 1 PRECEDING AND CURRENT ROW) ORDER BY k, v, s"), { "a|1|1", "a|2|3", "a|5|7", "b|3|3", "b|3|6" })
  t.same_table(columns("SELECT lag(v, 1) OVER w FROM kv WINDOW w AS (ORDER BY v)"),
    columns("SELECT lag(v, 1) OVER (ORDER BY v) FROM kv"))
  -- ordered by the window function's alias; the clause after HAVING or after ORDER BY
  t.same_table(q("SELECT v, row_number() OVER w AS r FROM kv WINDOW w AS (ORDER BY v DESC, k) ORDER BY r"),
    { "5|1", "3|2", "3|3", "2|4", "1|5" })
  t.same_table(q("SELECT k, count(*) AS n FROM kv GROUP BY k HAVING count(*) > 1 WINDOW w AS (ORDER BY k)"
    .. " ORDER BY k"), { "a|3", "b|2" })
  t.same_table(q("SELECT k, v, rank() OVER w AS r FROM kv ORDER BY k, v WINDOW w AS (PARTITION BY k ORDER BY v)"),
    { "a|1|1", "a|2|2", "a|5|3", "b|3|1", "b|3|1" })
  -- a subquery's windows are its own
  t.same_table(q("SELECT v, (SELECT max(v) OVER w FROM kv WINDOW w AS (PARTITION BY k) LIMIT 1) AS m,"
    .. " rank() OVER w AS r FROM kv WINDOW w AS (ORDER BY v) ORDER BY r"), { "1|5|1", "2|5|2", "3|5|3", "3|5|3",
    "5|5|5" })
  -- Spark's errors
  fails("SELECT max(v) OVER w FROM kv", "Window specification w is not defined in the WINDOW clause.")
  fails("SELECT max(v) OVER x FROM kv WINDOW w AS (PARTITION BY k)",
    "Window specification x is not defined in the WINDOW clause.")
  fails("SELECT min(v) OVER win FROM kv WINDOW win AS win, win AS win2", "[INVALID_SQL_SYNTAX.REPETITIVE_WINDOW"
    .. "_DEFINITION] Invalid SQL syntax: The definition of window `win` is repetitive.")
  fails("SELECT min(v) OVER win FROM kv WINDOW win AS win", "[INVALID_SQL_SYNTAX.INVALID_WINDOW_REFERENCE] Invalid"
    .. " SQL syntax: Window reference `win` is not a window specification.")
  fails("SELECT min(v) OVER win FROM kv WINDOW win AS win2", "[INVALID_SQL_SYNTAX.UNRESOLVED_WINDOW_REFERENCE]"
    .. " Invalid SQL syntax: Cannot resolve window reference `win2`.")
  fails("SELECT min(v) OVER w FROM kv WINDOW w AS (PARTITION BY)", "expected an expression, found ')'")
  fails("SELECT rank() OVER w FROM kv WINDOW w AS (PARTITION BY k)", "Window function rank() requires window to be"
    .. " ordered")
end)

t.test("TABLESAMPLE: x PERCENT and BUCKET x OUT OF y draw rows as df:sample, n ROWS is a limit", function()
  spark:createDataFrame({ { "a", 1 }, { "a", 2 }, { "b", 3 }, { "b", 4 }, { "a", 5 } }, "k string, v int")
    :createOrReplaceTempView("five")
  local all = { "a|1", "a|2", "b|3", "b|4", "a|5" }
  t.same_table(q("SELECT * FROM five TABLESAMPLE (100 PERCENT)"), all)
  t.same_table(q("SELECT * FROM five TABLESAMPLE (0 PERCENT)"), {})
  t.same_table(q("SELECT * FROM five TABLESAMPLE (BUCKET 4 OUT OF 4) AS s WHERE s.v > 2"), { "b|3", "b|4", "a|5" })
  t.same_table(q("SELECT * FROM five TABLESAMPLE (2 ROWS)"), { "a|1", "a|2" })
  t.same_table(q("SELECT v FROM (SELECT * FROM five WHERE v > 1) TABLESAMPLE (1 + 1 ROWS) t"), { "2", "3" })
  -- REPEATABLE (seed) draws as df:sample(fraction, seed) does, the same rows each time
  local drawn = t.rows(spark:table("five"):sample(0.5, 7))
  t.same_table(q("SELECT * FROM five TABLESAMPLE (50 PERCENT) REPEATABLE (7)"), drawn)
  t.same_table(q("SELECT * FROM five TABLESAMPLE (BUCKET 1 OUT OF 2) REPEATABLE (7)"), drawn)
  local tenth = spark:range(10000):sample(0.1, 3):count()
  t.same_table(q("SELECT count(*) FROM (SELECT * FROM range(10000)) TABLESAMPLE (10 PERCENT) REPEATABLE (3)"),
    { tostring(tenth) })
  t.ok(tenth > 800 and tenth < 1200, "about a tenth of the rows")
  fails("SELECT * FROM five TABLESAMPLE (150 PERCENT)", "Sampling fraction (1.5) must be on interval [0, 1]")
  fails("SELECT * FROM five TABLESAMPLE (-10 PERCENT)", "Sampling fraction (-0.1) must be on interval [0, 1]")
  fails("SELECT * FROM five TABLESAMPLE (BUCKET 3 OUT OF 2)", "Sampling fraction (1.5) must be on interval [0, 1]")
  fails("SELECT * FROM five TABLESAMPLE ()", "TABLESAMPLE does not accept empty inputs.")
  fails("SELECT * FROM five TABLESAMPLE (v ROWS)", '[INVALID_LIMIT_LIKE_EXPRESSION.IS_UNFOLDABLE] The limit like'
    .. ' expression "v" is invalid.')
  fails("SELECT * FROM five TABLESAMPLE (100M)", "TABLESAMPLE(byteLengthLiteral) is not supported.")
  fails("SELECT * FROM five TABLESAMPLE (BUCKET 1 OUT OF 2 ON k)",
    "TABLESAMPLE(BUCKET x OUT OF y ON colname) is not supported.")
  fails("SELECT * FROM five TABLESAMPLE (5 PERCENTS)", "expected PERCENT, ROWS or BUCKET x OUT OF y in TABLESAMPLE")
end)

t.test("CLUSTER BY, DISTRIBUTE BY and SORT BY: in one process DISTRIBUTE BY moves no row, SORT BY sorts", function()
  spark:createDataFrame({ { "b", 3 }, { "a", 2 }, { nil, 9 }, { "b", 1 }, { "a", 5 } }, "k string, v int")
    :createOrReplaceTempView("mixed")
  t.same_table(q("SELECT k, v FROM mixed SORT BY v DESC"), { "null|9", "a|5", "b|3", "a|2", "b|1" })
  t.same_table(q("SELECT k FROM mixed SORT BY v"), { "b", "a", "b", "a", "null" })
  t.same_table(q("SELECT k, v FROM mixed CLUSTER BY k, v"), { "null|9", "a|2", "a|5", "b|1", "b|3" })
  t.same_table(q("SELECT k, v FROM mixed DISTRIBUTE BY k"), { "b|3", "a|2", "null|9", "b|1", "a|5" })
  t.same_table(q("SELECT k, v FROM mixed DISTRIBUTE BY k SORT BY k DESC NULLS LAST, v"),
    { "b|1", "b|3", "a|2", "a|5", "null|9" })
  t.same_table(q("SELECT k, sum(v) AS s FROM mixed GROUP BY k CLUSTER BY s"), { "b|4", "a|7", "null|9" })
  t.same_table(q("SELECT k FROM mixed WHERE k IS NOT NULL UNION SELECT 'c' SORT BY k DESC LIMIT 2"), { "c", "b" })
  fails("SELECT k, v FROM mixed ORDER BY k SORT BY v", "[UNSUPPORTED_FEATURE.COMBINATION_QUERY_RESULT_CLAUSES] The"
    .. " feature is not supported: Combination of ORDER BY/SORT BY/DISTRIBUTE BY/CLUSTER BY.")
  fails("SELECT k FROM mixed CLUSTER BY k DISTRIBUTE BY k", "Combination of ORDER BY/SORT BY/DISTRIBUTE BY/CLUSTER BY.")
  fails("SELECT k FROM mixed DISTRIBUTE BY nope", "cannot resolve 'nope' given input columns: [k, v]")
end)

t.test("PIVOT: one column per value (and aggregate), grouped by the other columns, named as Spark names them",
  function()
  spark:createDataFrame({ { 2012, "dotNET", 10000 }, { 2012, "Java", 20000 }, { 2012, "dotNET", 5000 },
    { 2013, "dotNET", 48000 }, { 2013, "Java", 30000 } }, "year int, course string, earnings int")
    :createOrReplaceTempView("courseSales")
  local text = "SELECT * FROM courseSales PIVOT (sum(earnings) FOR course IN ('dotNET', 'Java')) ORDER BY year"
  t.same_table(columns(text), { "year", "dotNET", "Java" })
  t.same_table(q(text), { "2012|15000|20000", "2013|48000|30000" })
  -- several aggregates: value_alias, or value_expression without one; values with aliases
  text = "SELECT * FROM courseSales PIVOT (sum(earnings) AS s, avg(earnings) AS a FOR course IN ('dotNET' AS d,"
    .. " 'Java' AS j)) ORDER BY year"
  t.same_table(columns(text), { "year", "d_s", "d_a", "j_s", "j_a" })
  t.same_table(q(text), { "2012|15000|7500.0|20000|20000.0", "2013|48000|48000.0|30000|30000.0" })
  text = "SELECT * FROM courseSales PIVOT (sum(earnings), count(*) FOR course IN ('dotNET', 'Java')) ORDER BY year"
  t.same_table(columns(text),
    { "year", "dotNET_sum(earnings)", "dotNET_count(1)", "Java_sum(earnings)", "Java_count(1)" })
  t.same_table(q(text), { "2012|15000|2|20000|1", "2013|48000|1|30000|1" })
  -- values cast to the pivot column's type; NULL, and a value without rows
  text = "SELECT * FROM courseSales PIVOT (sum(earnings) FOR year IN ('2012' AS y12, 2013, 2014, NULL))"
    .. " ORDER BY course"
  t.same_table(columns(text), { "course", "y12", "2013", "2014", "null" })
  t.same_table(q(text), { "Java|20000|30000|null|null", "dotNET|15000|48000|null|null" })
  -- the pivoted table's columns, for WHERE and the select list; qualified names in the aggregate
  t.same_table(q("SELECT year, dotNET FROM courseSales c PIVOT (sum(c.earnings) FOR course IN ('dotNET', 'Java'))"
    .. " WHERE dotNET > 20000"), { "2013|48000" })
  t.same_table(q("SELECT * FROM (SELECT course, earnings FROM courseSales) PIVOT (max(earnings) FOR course IN"
    .. " ('Java', 'dotNET'))"), { "30000|48000" })
  fails("SELECT * FROM courseSales PIVOT (sum(earnings) FOR course IN (course))", '[NON_LITERAL_PIVOT_VALUES]'
    .. ' Literal expressions required for pivot values, found "course".')
  fails("SELECT * FROM courseSales PIVOT (sum(earnings) FOR nope IN (1))",
    "cannot resolve 'nope' given input columns: [year, course, earnings]")
  fails("SELECT * FROM courseSales PIVOT (earnings FOR course IN ('Java'))", "Aggregate expression required for pivot")
  fails("SELECT * FROM courseSales LATERAL VIEW explode(array(1)) e AS x PIVOT (sum(earnings) FOR course IN ('Java'))",
    "[NOT_ALLOWED_IN_FROM.LATERAL_WITH_PIVOT] Not allowed in the FROM clause: LATERAL together with PIVOT.")
  fails("SELECT * FROM courseSales PIVOT (sum(earnings) FOR course IN ('Java')) UNPIVOT (v FOR c IN (Java))",
    "[NOT_ALLOWED_IN_FROM.UNPIVOT_WITH_PIVOT] Not allowed in the FROM clause: UNPIVOT together with PIVOT.")
  fails("SELECT * FROM courseSales PIVOT (sum(earnings) FOR (course, year) IN (('Java', 2012)))",
    "PIVOT FOR (col, ...) of several columns is not supported")
end)

t.test("UNPIVOT: a row per column (or set of columns), the other columns as ids, NULLs left out unless INCLUDE",
  function()
  spark:createDataFrame({ { 1, 10, nil, 30 }, { 2, nil, nil, nil } }, "id int, q1 int, q2 int, q3 bigint")
    :createOrReplaceTempView("quarters")
  local text = "SELECT * FROM quarters UNPIVOT (val FOR quarter IN (q1, q2, q3)) ORDER BY id, quarter"
  t.same_table(columns(text), { "id", "quarter", "val" })
  t.same_table(types(text), { "int", "string", "bigint" })
  t.same_table(q(text), { "1|q1|10", "1|q3|30" })
  t.same_table(q("SELECT * FROM quarters UNPIVOT INCLUDE NULLS (val FOR quarter IN (q1 AS first, q2 AS `second`, q3))"
    .. " ORDER BY id, quarter"), { "1|first|10", "1|q3|30", "1|second|null", "2|first|null", "2|q3|null",
    "2|second|null" })
  t.same_table(q("SELECT u.id, u.quarter FROM quarters UNPIVOT EXCLUDE NULLS (val FOR quarter IN (q1, q3)) AS u"),
    { "1|q1", "1|q3" })
  -- several value columns: sets of columns, named by their alias or their columns' names
  text = "SELECT * FROM quarters UNPIVOT ((a, b) FOR half IN ((q1, q2) AS h1, (q3, q3))) ORDER BY id, half"
  t.same_table(columns(text), { "id", "half", "a", "b" })
  t.same_table(q(text), { "1|h1|10|null", "1|q3_q3|30|30" })
  t.same_table(q("SELECT * FROM quarters UNPIVOT INCLUDE NULLS ((a, b) FOR half IN ((q1, q2), (q3, q3)))"
    .. " WHERE id = 2 ORDER BY half"), { "2|q1_q2|null|null", "2|q3_q3|null|null" })
  fails("SELECT * FROM quarters UNPIVOT ((a, b) FOR half IN ((q1, q2), (q3)))", "[UNPIVOT_VALUE_SIZE_MISMATCH] All"
    .. " unpivot value columns must have the same size as there are value column names (2).")
  fails("SELECT * FROM VALUES (1, 'x', 2) AS t(id, s, n) UNPIVOT (v FOR c IN (s, n))",
    '[UNPIVOT_VALUE_DATA_TYPE_MISMATCH] Unpivot value columns must share a least common type, some types do not:'
    .. ' ["INT" (`n`), "STRING" (`s`)]')
  fails("SELECT * FROM quarters UNPIVOT (val FOR quarter IN (nope))",
    "cannot resolve 'nope' given input columns: [id, q1, q2, q3]")
end)

t.test("VALUES of untyped collections and niladic functions, VALUES as a subquery, GROUP BY ALL over a scalar, PIVOT's FILTER", function()
  local spark = require("tide").session()
  local function rows(q) local df = spark:sql(q); return df.schema:simpleString(), t.rows(df) end
  local ty, r = rows("SELECT * FROM VALUES (array()), (array(1))")
  t.eq(ty, "struct<col1:array<int>>"); t.same_table(r, { "[]", "[1]" })
  ty, r = rows("SELECT * FROM VALUES (map()), (map('a', 1))")
  t.eq(ty, "struct<col1:map<string,int>>"); t.same_table(r, { "{}", "{a -> 1}" })
  ty, r = rows("SELECT a FROM VALUES ('one', current_timestamp) AS data(a, b)")
  t.same_table(r, { "one" })
  t.same_table(select(2, rows("SELECT 1 AS x WHERE 1 IN (VALUES (1), (2))")), { "1" })
  t.same_table(select(2, rows("SELECT 3 AS x WHERE EXISTS (VALUES 1)")), { "3" })
  spark:createDataFrame({ { 1, "a" }, { 2, "b" }, { 3, "a" } }, "id int, k string"):createOrReplaceTempView("gba")
  spark:createDataFrame({ { 5 }, { 7 } }, "a int"):createOrReplaceTempView("gbu")
  t.same_table(select(2, rows("SELECT k, (SELECT max(a) FROM gbu) AS m, count(*) FROM gba GROUP BY ALL ORDER BY k")),
    { "a|7|2", "b|7|1" })
  spark:createDataFrame({ { "dotNET", 2012, 10000 }, { "Java", 2012, 20000 }, { "dotNET", 2012, 5000 },
    { "dotNET", 2013, 48000 }, { "Java", 2013, 30000 } }, "course string, year int, earnings int")
    :createOrReplaceTempView("cs")
  t.same_table(select(2, rows("SELECT * FROM (SELECT course, year, earnings FROM cs) PIVOT (sum(earnings) FILTER"
    .. " (WHERE year > 2012) AS s, count(*) FILTER (WHERE earnings > 9000) AS c FOR course IN ('dotNET', 'Java'))")),
    { "48000|2|30000|2" })
  t.raises(function()
    spark:sql("SELECT * FROM (SELECT array(year) AS y, earnings FROM cs) PIVOT (sum(earnings) FOR y IN (array(2012)))")
  end, "PIVOT on y, a column of type array<int>, is not supported in tide")
end)

t.run()
