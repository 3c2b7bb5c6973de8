-- spark:sql runs a query over temp views as Spark SQL does: SELECT with
-- joins, grouping and ordering, set operations, WITH queries; and
-- spark:range, the DataFrame of ids Spark's examples start from.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

t.test("spark:sql runs a SELECT over temp views: joins, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT", function()
  spark:createDataFrame({ { "fr", "a", 1, 1 }, { "fr", "b", 2, 0 }, { "de", "a", 3, 1 }, { "fr", "a", 4, 1 },
    { nil, "c", 5, 0 } }, "country string, site string, n int, click int"):createOrReplaceTempView("events")
  spark:createDataFrame({ { "a", "Site A" }, { "b", "Site B" } }, "site string, title string")
    :createOrReplaceTempView("sites")
  local ctr = spark:sql("SELECT site, avg(click) AS ctr, count(*) n FROM events GROUP BY site HAVING count(*) > 1"
    .. " ORDER BY ctr DESC, site")
  t.same_table(ctr.columns, { "site", "ctr", "n" })
  t.same_table(t.rows(ctr), { "a|1.0|3" })
  t.same_table(t.rows(spark:sql([[SELECT e.site, s.title, e.n FROM events e JOIN sites s ON e.site = s.site
    WHERE e.n > 1 ORDER BY e.n DESC LIMIT 2]])), { "a|Site A|4", "a|Site A|3" })
  t.same_table(t.rows(spark:sql("SELECT e.site, title FROM events AS e LEFT JOIN sites USING (site) WHERE n = 5")),
    { "c|null" })
  -- A name both sides have: t.col is each side's own; the bare name is
  -- ambiguous, as in Spark.
  spark:createDataFrame({ { "a", "x" }, { "b", "y" } }, "site string, country string"):createOrReplaceTempView("owners")
  local both = spark:sql("SELECT e.country, o.country, e.n FROM events e JOIN owners o ON e.site = o.site ORDER BY e.n")
  t.same_table(both.columns, { "country", "country", "n" })
  t.same_table(t.rows(both), { "fr|x|1", "fr|y|2", "de|x|3", "fr|x|4" })
  t.raises(function() spark:sql("SELECT country FROM events e JOIN owners o ON e.site = o.site") end,
    "Reference 'country' is ambiguous, could be: country, o.country")
  -- Positions and aliases in GROUP BY and ORDER BY; DISTINCT; a subquery.
  t.same_table(t.rows(spark:sql("SELECT DISTINCT country FROM events ORDER BY 1")), { "null", "de", "fr" })
  t.same_table(t.rows(spark:sql("SELECT country AS c, sum(n) FROM events GROUP BY c ORDER BY sum(n) DESC")),
    { "fr|7", "null|5", "de|3" })
  t.same_table(t.rows(spark:sql("SELECT site, n FROM events ORDER BY click DESC, n LIMIT 3")), { "a|1", "a|3", "a|4" })
  t.same_table(t.rows(spark:sql("SELECT t.site FROM (SELECT site, n FROM events WHERE n > 2) AS t;")),
    { "a", "a", "c" })
  t.same_table(t.rows(spark:sql("SELECT count(*) FROM events")), { "5" })
  t.same_table(t.rows(spark.sql("SELECT max(n) AS m FROM events")), { "5" })
  -- Errors name the table or the place.
  local err = t.raises(function() spark:sql("SELECT x FROM nope") end)
  t.at_caller(err)
  t.has(err, 'table or view not found: nope (a DataFrame is registered with df:createOrReplaceTempView("nope"))')
  t.raises(function() spark:sql("SELECT site FROM events GROUP") end, "expected BY, found the end of the text")
  t.raises(function() spark:sql("SELECT site FROM events ORDER BY 7") end, "position 7 is not in the select list")
end)

t.test("UNION, EXCEPT and INTERSECT, [ALL | DISTINCT], with Spark's precedence; ORDER BY and LIMIT after them", function()
  spark:createDataFrame({ { "a", 1 }, { "b", 2 }, { "a", 3 }, { "c", 4 } }, "site string, n int")
    :createOrReplaceTempView("clicks")
  spark:createDataFrame({ { "a" }, { "a" }, { "d" } }, "site string"):createOrReplaceTempView("shown")
  local q = function(text) return t.rows(spark:sql(text)) end
  t.same_table(q("SELECT site FROM clicks UNION SELECT site FROM shown ORDER BY site"), { "a", "b", "c", "d" })
  t.same_table(q("SELECT site FROM clicks UNION DISTINCT SELECT site FROM shown ORDER BY 1 DESC"),
    { "d", "c", "b", "a" })
  t.same_table(q("SELECT site FROM clicks UNION ALL SELECT site FROM shown ORDER BY site LIMIT 5"),
    { "a", "a", "a", "a", "b" })
  t.same_table(q("SELECT site FROM clicks EXCEPT SELECT site FROM shown ORDER BY site"), { "b", "c" })
  t.same_table(q("SELECT site FROM clicks MINUS SELECT site FROM shown ORDER BY site"), { "b", "c" })
  t.same_table(q("SELECT site FROM shown EXCEPT ALL SELECT site FROM clicks"), { "d" })
  t.same_table(q("SELECT site FROM clicks INTERSECT ALL SELECT site FROM shown"), { "a", "a" })
  t.same_table(q("SELECT site FROM clicks INTERSECT SELECT site FROM shown"), { "a" })
  -- INTERSECT first: b UNION (a), not (b UNION a, b, c) INTERSECT (a, d).
  t.same_table(q("SELECT 'b' AS site UNION SELECT site FROM clicks INTERSECT SELECT site FROM shown ORDER BY site"),
    { "a", "b" })
  t.same_table(q("(SELECT 'b' AS site UNION SELECT site FROM clicks) INTERSECT SELECT site FROM shown"), { "a" })
  -- Each side's own ORDER BY and LIMIT, in parentheses.
  t.same_table(q("(SELECT site FROM clicks ORDER BY n DESC LIMIT 1) UNION ALL (SELECT site FROM shown LIMIT 1)"),
    { "c", "a" })
  -- The first select names the columns; types widen as Spark's union.
  local u = spark:sql("SELECT n AS x FROM clicks UNION ALL SELECT CAST(2.5 AS decimal(3,1))")
  t.same_table(u.columns, { "x" })
  t.eq(u.dtypes[1][2], "decimal(11,1)")
  local err = t.raises(function() spark:sql("SELECT site, n FROM clicks UNION SELECT site FROM shown") end)
  t.at_caller(err)
  t.has(err, "union needs the same number of columns: 2 and 1")
  t.raises(function() spark:sql("SELECT site FROM clicks ORDER BY n UNION SELECT site FROM shown") end,
    "ORDER BY or LIMIT before UNION at position 36")
  t.raises(function() spark:sql("SELECT site FROM clicks UNION SELECT site FROM shown ORDER BY 2") end,
    "position 2 is not in the select list")
end)

t.test("WITH names queries the rest reads as tables, before temp views of the name", function()
  spark:createDataFrame({ { "fr", "a", 1 }, { "de", "b", 2 }, { "fr", "b", 3 } }, "country string, site string, n int")
    :createOrReplaceTempView("visits")
  spark:createDataFrame({ { "zz" } }, "x string"):createOrReplaceTempView("fr")
  t.same_table(t.rows(spark:sql([[
    WITH fr AS (SELECT site, n FROM visits WHERE country = 'fr'),
         big (s, total) AS (SELECT site, sum(n) FROM fr GROUP BY site)
    SELECT fr.site, fr.n, big.total FROM fr JOIN big ON fr.site = big.s ORDER BY fr.n]])),
    { "a|1|1", "b|3|3" })
  -- A WITH query is seen inside subqueries, and in set operations.
  t.same_table(t.rows(spark:sql([[WITH s AS (SELECT DISTINCT site FROM visits)
    SELECT x.site FROM (SELECT site FROM s WHERE site > 'a') x UNION ALL SELECT site FROM s ORDER BY 1]])),
    { "a", "b", "b" })
  -- The temp view of that name is back after the query.
  t.same_table(t.rows(spark:sql("SELECT * FROM fr")), { "zz" })
  t.raises(function() spark:sql("WITH s AS SELECT 1 SELECT * FROM s") end, "expected '%(', found 'SELECT'")
end)

t.test("SELECT without FROM is one row", function()
  t.same_table(t.rows(spark:sql("SELECT 1 AS one, 'x' AS s, 1 + 2")), { "1|x|3" })
  t.same_table(spark:sql("SELECT 1 + 2").columns, { "(1 + 2)" })
end)

t.test("subqueries: a scalar anywhere, [NOT] IN and [NOT] EXISTS in WHERE, as Spark plans them", function()
  spark:createDataFrame({ { "a", 1 }, { "b", 2 }, { "a", 3 }, { "c", 4 }, { nil, 5 } }, "site string, n int")
    :createOrReplaceTempView("hits")
  spark:createDataFrame({ { "a" }, { "a" }, { "d" } }, "site string"):createOrReplaceTempView("seen")
  spark:createDataFrame({ { "a" }, { nil } }, "site string"):createOrReplaceTempView("seen_null")
  local q = function(text) return t.rows(spark:sql(text)) end
  t.same_table(q("SELECT * FROM hits WHERE site IN (SELECT site FROM seen)"), { "a|1", "a|3" })
  t.same_table(q("SELECT n FROM hits WHERE site IN (SELECT site FROM seen) AND n > 1"), { "3" })
  -- NOT IN is null-aware: a NULL in the subquery leaves no row, a NULL
  -- value is never NOT IN a subquery with rows, and every row is NOT IN
  -- an empty one.
  t.same_table(q("SELECT * FROM hits WHERE site NOT IN (SELECT site FROM seen)"), { "b|2", "c|4" })
  t.same_table(q("SELECT * FROM hits WHERE site NOT IN (SELECT site FROM seen_null)"), {})
  t.same_table(q("SELECT n FROM hits WHERE site NOT IN (SELECT site FROM seen WHERE site = 'zz')"),
    { "1", "2", "3", "4", "5" })
  t.same_table(q("SELECT n FROM hits WHERE n + 1 IN (SELECT n FROM hits WHERE n > 3)"), { "3", "4" })
  t.same_table(q("SELECT n FROM hits WHERE EXISTS (SELECT * FROM seen WHERE site = 'd') AND n > 3"), { "4", "5" })
  t.same_table(q("SELECT n FROM hits WHERE NOT EXISTS (SELECT * FROM seen WHERE site = 'd')"), {})
  t.same_table(q("SELECT n FROM hits WHERE NOT EXISTS (SELECT * FROM seen WHERE site = 'x') AND n < 2"), { "1" })
  -- Scalars: in WHERE and the select list (* leaves their columns out),
  -- in a grouped query, NULL without a row.
  t.same_table(q("SELECT n, n * 100 / (SELECT sum(n) FROM hits) AS pct FROM hits WHERE n > (SELECT avg(n) FROM hits)"),
    { "4|26.666666666666668", "5|33.333333333333336" })
  local with_max = spark:sql("SELECT *, (SELECT max(n) FROM hits) FROM hits WHERE n = 1")
  t.same_table(with_max.columns, { "site", "n", "scalarsubquery()" })
  t.same_table(t.rows(with_max), { "a|1|5" })
  t.same_table(q("SELECT site, count(*) / (SELECT count(*) FROM hits) AS share FROM hits GROUP BY site ORDER BY site"),
    { "null|0.2", "a|0.4", "b|0.2", "c|0.2" })
  t.same_table(q("SELECT count(*), (SELECT count(*) FROM seen) FROM hits"), { "5|3" })
  t.same_table(q("SELECT (SELECT n FROM hits WHERE n > 100) AS x FROM seen WHERE site = 'd'"), { "null" })
  -- Spark's errors: several rows for a scalar fail the query; the column
  -- counts.
  t.raises(function() q("SELECT (SELECT n FROM hits) FROM seen") end,
    "more than one row returned by a subquery used as an expression")
  t.raises(function() spark:sql("SELECT (SELECT site, n FROM hits) FROM seen") end,
    "Scalar subquery must return only one column, but got 2")
  local err = t.raises(function() spark:sql("SELECT * FROM hits WHERE site IN (SELECT site, n FROM hits)") end)
  t.at_caller(err)
  t.has(err, "IN subquery must return only one column, but got 2")
  -- inside another condition: its value (Spark's existence join)
  t.same_table(q("SELECT * FROM hits WHERE n > 2 OR site IN (SELECT site FROM seen)"),
    { "a|1", "a|3", "c|4", "null|5" })
  -- the select list's subqueries are read after the query's tables, whose columns they may name
  local per_site = spark:sql("SELECT (SELECT count(*) FROM seen s WHERE s.site = h.site) FROM hits h")
  t.same_table(per_site.columns, { "scalarsubquery(site)" })
  t.same_table(t.rows(per_site), { "2", "0", "2", "0", "0" })
  err = t.raises(function() spark:sql("SELECT (SELECT count(*) FROM seen s WHERE s.site = x.site) FROM hits h") end)
  t.at_caller(err)
  t.has(err, "(a subquery reads its own tables, and in its WHERE the outer query's)")
end)

t.test("correlated subqueries in WHERE: [NOT] EXISTS, [NOT] IN and scalars, decorrelated into joins as Spark's", function()
  spark:createDataFrame({ { 1, "a", 10 }, { 2, "b", 20 }, { 3, "a", 30 }, { 4, "c", nil }, { 5, "b", 7 } },
    "id int, k string, v int"):createOrReplaceTempView("ct")
  spark:createDataFrame({ { "a", 15 }, { "b", 20 }, { "b", nil } }, "k string, lim int"):createOrReplaceTempView("cu")
  local function ids(q) return t.rows(spark:sql(q)) end
  t.same_table(ids("SELECT id FROM ct WHERE EXISTS (SELECT 1 FROM cu WHERE cu.k = ct.k) ORDER BY id"),
    { "1", "2", "3", "5" })
  t.same_table(ids("SELECT id FROM ct t WHERE NOT EXISTS (SELECT * FROM cu u WHERE u.k = t.k) ORDER BY id"), { "4" })
  t.same_table(ids("SELECT id FROM ct t WHERE EXISTS (SELECT 1 FROM cu u WHERE u.k = t.k AND u.lim > t.v) ORDER BY id"),
    { "1", "5" })
  -- a name only the outer rows have is theirs; one both have is the subquery's own
  t.same_table(ids("SELECT id FROM ct WHERE EXISTS (SELECT 1 FROM cu WHERE lim = v) ORDER BY id"), { "2" })
  t.same_table(ids("SELECT id FROM ct WHERE v IN (SELECT lim FROM cu u WHERE u.k = ct.k) ORDER BY id"), { "2" })
  -- NOT IN: null-aware, per outer row (5: 7 against {20, NULL} is unknown, so no row)
  t.same_table(ids("SELECT id FROM ct WHERE v NOT IN (SELECT lim FROM cu u WHERE u.k = ct.k) ORDER BY id"),
    { "1", "3", "4" })
  t.same_table(ids("SELECT id FROM ct t WHERE v >= (SELECT avg(v) FROM ct x WHERE x.k = t.k) ORDER BY id"),
    { "2", "3" })
  -- a row no group matches: the aggregate of no rows (count 0, not NULL)
  t.same_table(ids("SELECT id FROM ct t WHERE (SELECT count(*) FROM cu u WHERE u.k = t.k) = 0"), { "4" })
  -- correlated by a non-equality: Spark's domain join (per distinct t.v)
  t.same_table(ids("SELECT id FROM ct t WHERE v > (SELECT max(lim) FROM cu u WHERE u.lim < t.v) ORDER BY id"),
    { "2", "3" })
  t.raises(function() spark:sql("SELECT id FROM ct t WHERE v = (SELECT lim FROM cu u WHERE u.k = t.k)") end,
    "Correlated scalar subqueries must be aggregated")
  -- GROUP BY in the subquery, the correlation on its grouping column
  t.same_table(ids("SELECT id FROM ct t WHERE EXISTS (SELECT k FROM cu u WHERE u.k = t.k GROUP BY k) ORDER BY id"),
    { "1", "2", "3", "5" })
end)

t.test("assert_true is NULL while its condition holds and fails the query where it does not", function()
  t.same_table(t.rows(spark:range(3):selectExpr("id", "assert_true(id < 5)")), { "0|null", "1|null", "2|null" })
  t.raises(function() spark:range(3):selectExpr("assert_true(id < 2)"):collect() end, "'%(id < 2%)' is not true!")
  t.raises(function() spark:range(3):selectExpr("assert_true(id < 2, 'id too big')"):collect() end, "id too big")
  t.raises(function() spark:range(3):selectExpr("assert_true(NULL)"):collect() end, "is not true!")
  t.raises(function() spark:range(3):selectExpr("assert_true(id)") end, "assert_true needs a boolean, not bigint")
end)

t.test("GROUP BY ROLLUP, CUBE, GROUPING SETS, WITH ROLLUP / CUBE, and keys that are expressions", function()
  spark:createDataFrame({ { "us", "a", 1 }, { "us", "b", 2 }, { "fr", "a", 3 } }, "c string, s string, n int")
    :createOrReplaceTempView("sales")
  local function q(text) return t.rows(spark:sql(text)) end
  t.same_table(q("SELECT c, s, sum(n) FROM sales GROUP BY ROLLUP(c, s) ORDER BY c, s"),
    { "null|null|6", "fr|null|3", "fr|a|3", "us|null|3", "us|a|1", "us|b|2" })
  t.same_table(q("SELECT c, s, sum(n) FROM sales GROUP BY c, s WITH ROLLUP ORDER BY c, s"),
    q("SELECT c, s, sum(n) FROM sales GROUP BY ROLLUP(c, s) ORDER BY c, s"))
  t.same_table(q("SELECT c, s, sum(n), grouping(c), grouping_id() FROM sales GROUP BY CUBE(c, s)"
    .. " ORDER BY 5, c, s"), { "fr|a|3|0|0", "us|a|1|0|0", "us|b|2|0|0", "fr|null|3|0|1", "us|null|3|0|1",
    "null|a|4|1|2", "null|b|2|1|2", "null|null|6|1|3" })
  t.same_table(q("SELECT c, s, count(*) AS k FROM sales GROUP BY c, s WITH CUBE ORDER BY c, s"),
    q("SELECT c, s, count(*) AS k FROM sales GROUP BY CUBE(c, s) ORDER BY c, s"))
  t.same_table(q("SELECT c, s, count(*) AS k FROM sales GROUP BY GROUPING SETS ((c), (s), ()) ORDER BY c, s"),
    { "null|null|3", "null|a|2", "null|b|1", "fr|null|1", "us|null|2" })
  -- a plain key is in every set
  t.same_table(q("SELECT c, s, count(*) AS k FROM sales GROUP BY c, ROLLUP(s) ORDER BY c, s"),
    { "fr|null|1", "fr|a|1", "us|null|2", "us|a|1", "us|b|1" })
  -- an expression key, and the select list's same expression
  t.same_table(q("SELECT upper(c) AS u, sum(n) FROM sales GROUP BY ROLLUP(upper(c)) ORDER BY u"),
    { "null|6", "FR|3", "US|3" })
  t.same_table(q("SELECT upper(c), sum(n) FROM sales GROUP BY upper(c) ORDER BY 1"), { "FR|3", "US|3" })
  t.same_table(q("SELECT lower(s) AS l, count(*) FROM sales GROUP BY l ORDER BY l"), { "a|2", "b|1" })
  t.raises(function() spark:sql("SELECT c FROM sales GROUP BY c WITH TOTALS") end, "ROLLUP or CUBE after GROUP BY")
  -- a set named twice gives its groups twice, as Spark's; keys that are one once resolved are one
  t.same_table(q("SELECT c, count(*) AS k, sum(n) FROM sales GROUP BY GROUPING SETS ((c), (c), ()) ORDER BY c, k"),
    { "null|3|6", "fr|1|3", "fr|1|3", "us|2|3", "us|2|3" })
  t.same_table(q("SELECT c AS cc, sum(n) FROM sales GROUP BY ROLLUP(cc, C) ORDER BY cc"),
    { "null|6", "fr|3", "fr|3", "us|3", "us|3" })
  -- ROLLUP and CUBE of groups of keys
  t.same_table(q("SELECT c, s, count(*) FROM sales GROUP BY ROLLUP((c, s)) ORDER BY c, s"),
    { "null|null|3", "fr|a|1", "us|a|1", "us|b|1" })
  -- a key's expression matches with its literals as they are
  t.raises(function() spark:sql("SELECT concat(c, 'x') FROM sales GROUP BY concat(c, 'X')") end,
    "neither a grouping key nor inside an aggregate")
  t.same_table(q("SELECT CONCAT(C, 'x') AS v FROM sales GROUP BY concat(c, 'x') ORDER BY v"), { "frx", "usx" })
  -- ORDER BY aggregates and grouping functions the select list lacks
  t.same_table(q("SELECT c, sum(n) FROM sales GROUP BY c ORDER BY count(*) DESC"), { "us|3", "fr|3" })
  t.same_table(q("SELECT c, sum(n) FROM sales GROUP BY ROLLUP(c) ORDER BY grouping(c), c"),
    { "fr|3", "us|3", "null|6" })
  t.same_table(q("SELECT c FROM sales GROUP BY c HAVING sum(n) > 0 ORDER BY max(n) DESC"), { "fr", "us" })
end)

t.test("GROUP BY window(ts, '10 minutes'[, slide]): Spark's event-time windows, selected as window or its fields",
  function()
  spark:createDataFrame({ { "a", "2024-01-01 00:01:00" }, { "a", "2024-01-01 00:07:00" },
    { "b", "2024-01-01 00:12:00" } }, "k string, ts string"):selectExpr("k", "CAST(ts AS TIMESTAMP) AS ts")
    :createOrReplaceTempView("ev")
  local function q(text) return t.rows(spark:sql(text)) end
  t.same_table(q("SELECT window.start, window.end, k, count(*) AS n FROM ev GROUP BY window(ts, '10 minutes'), k"
    .. " ORDER BY start, k"), { "2024-01-01 00:00:00|2024-01-01 00:10:00|a|2",
    "2024-01-01 00:10:00|2024-01-01 00:20:00|b|1" })
  t.same_table(q("SELECT window, count(*) AS n FROM ev GROUP BY window(ts, '10 minutes', '5 minutes') ORDER BY window"),
    { "{2023-12-31 23:55:00, 2024-01-01 00:05:00}|1", "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|2",
      "{2024-01-01 00:05:00, 2024-01-01 00:15:00}|2", "{2024-01-01 00:10:00, 2024-01-01 00:20:00}|1" })
  t.same_table(q("SELECT window(ts, '10 minutes') AS w, count(*) FROM ev GROUP BY window(ts, '10 minutes') ORDER BY w"),
    { "{2024-01-01 00:00:00, 2024-01-01 00:10:00}|2", "{2024-01-01 00:10:00, 2024-01-01 00:20:00}|1" })
  t.raises(function() spark:sql("SELECT count(*) FROM ev GROUP BY window(ts, k)") end,
    "durations are literal strings")
end)

t.test("spark:range gives Spark's id column: end, start and end, a step either way", function()
  local r = spark:range(4)
  t.same_table(r.dtypes, { { "id", "bigint" } })
  t.same_table(t.rows(r), { "0", "1", "2", "3" })
  t.same_table(t.rows(spark:range(2, 5)), { "2", "3", "4" })
  t.same_table(t.rows(spark:range(10, 0, -4)), { "10", "6", "2" })
  t.same_table(t.rows(spark:range(0, 10, 4, 2)), { "0", "4", "8" })
  t.eq(spark:range(5, 5):count(), 0)
  t.eq(spark:range(5, 0):count(), 0)
  t.same_table(t.rows(spark:range(1000000):agg(tide.functions.sum("id"))), { "499999500000" })
  local err = t.raises(function() spark:range(1, 5, 0) end)
  t.at_caller(err)
  t.has(err, "range: requirement failed: step (0) cannot be 0")
  t.raises(function() spark:range(1.5) end, "range: end must be a whole number, not 1.5")
  t.raises(function() spark:range("3") end, "range: end must be a whole number")
end)

t.test("table-valued functions in FROM: range and the generators, as Spark SQL's", function()
  t.same_table(t.rows(spark:sql("SELECT * FROM range(3)")), { "0", "1", "2" })
  t.same_table(t.rows(spark:sql("SELECT id * 2 AS d FROM range(2, 10, 3) r WHERE r.id > 2")), { "10", "16" })
  t.same_table(t.rows(spark:sql("SELECT * FROM range(10, 0, -4, 2)")), { "10", "6", "2" })
  t.same_table(t.rows(spark:sql("SELECT * FROM range(-2, 1)")), { "-2", "-1", "0" })
  local ex = spark:sql("SELECT * FROM explode(array(1, 2))")
  t.same_table(ex.columns, { "col" }); t.same_table(t.rows(ex), { "1", "2" })
  local pos = spark:sql("SELECT t.pos, t.col FROM posexplode(array('a', 'b')) AS t")
  t.same_table(t.rows(pos), { "0|a", "1|b" })
  local inl = spark:sql("SELECT * FROM inline(array(struct(1, 'a'), struct(2, 'b')))")
  t.same_table(inl.columns, { "col1", "col2" }); t.same_table(t.rows(inl), { "1|a", "2|b" })
  t.same_table(t.rows(spark:sql("SELECT * FROM stack(2, 1, 'x', 2, 'y')")), { "1|x", "2|y" })
  t.same_table(t.rows(spark:sql("SELECT * FROM explode_outer(CAST(NULL AS array<int>))")), { "null" })
  t.same_table(t.rows(spark:sql(
    "SELECT r.id, e.col FROM range(2) r JOIN explode(array(0, 1, 1)) e ON r.id = e.col ORDER BY r.id")),
    { "0|0", "1|1", "1|1" })
  t.raises(function() spark:sql("SELECT * FROM range('a')") end, 'range takes whole numbers %(int or bigint%), not a %("STRING"%)')
  t.same_table(t.rows(spark:sql("SELECT * FROM range(1 + 1, CAST(4 AS bigint))")), { "2", "3" })
  t.same_table(t.rows(spark:sql("SELECT v FROM explode(array(7, 8)) AS t(v)")), { "7", "8" })
  t.raises(function() spark:sql("SELECT * FROM range(1, 2, 3, 4, 5)") end, "range takes 1 to 4 arguments")
  t.raises(function() spark:sql("SELECT * FROM nosuch(1)") end, "unknown table%-valued function nosuch")
end)

t.test("correlated subqueries: expressions as keys, several scalars, aggregates in EXISTS and IN, clear refusals", function()
  spark:createDataFrame({ { 1, "a", 10 }, { 2, "b", 20 }, { 3, "c", 30 }, { 4, nil, 40 }, { 5, "a", 50 } },
    "id int, k string, v int"):createOrReplaceTempView("rt")
  spark:createDataFrame({ { "a", 1, 5 }, { "a", 2, 100 }, { "b", 3, 20 }, { nil, 4, 1 }, { "d", 5, 7 } },
    "k string, a int, b int"):createOrReplaceTempView("ru")
  local function ids(q) return t.rows(spark:sql(q .. " ORDER BY id")) end
  t.same_table(ids("SELECT id FROM rt WHERE v >= (SELECT min(b) FROM ru WHERE ru.k = rt.k)"
    .. " AND v <= (SELECT max(b) FROM ru WHERE ru.k = rt.k)"), { "1", "2", "5" })
  t.same_table(ids("SELECT id FROM rt WHERE EXISTS (SELECT count(*) FROM ru WHERE ru.k = rt.k)"),
    { "1", "2", "3", "4", "5" })
  t.same_table(ids("SELECT id FROM rt WHERE NOT EXISTS (SELECT count(*) FROM ru WHERE ru.k = rt.k)"), {})
  t.same_table(ids("SELECT id FROM rt WHERE id + 1 IN (SELECT max(a) FROM ru WHERE ru.k = rt.k)"), { "1", "2" })
  t.same_table(ids("SELECT id FROM rt WHERE EXISTS (SELECT 1 FROM ru WHERE upper(ru.k) = upper(rt.k))"),
    { "1", "2", "5" })
  t.same_table(ids("SELECT id FROM rt WHERE EXISTS (SELECT 1 FROM ru WHERE ru.a + 1 = rt.id)"), { "2", "3", "4", "5" })
  t.same_table(ids("SELECT id FROM rt WHERE id IN (SELECT * FROM (SELECT a FROM ru) s WHERE s.a + 2 = rt.id + 2)"),
    { "1", "2", "3", "4", "5" })
  t.same_table(ids("SELECT id FROM rt WHERE (SELECT count(*) FROM ru WHERE ru.k <=> rt.k) = 1"), { "2", "4" })
  -- correlated by a non-equality alone: an anti join testing every pair
  t.same_table(ids("SELECT id FROM rt WHERE NOT EXISTS (SELECT 1 FROM ru WHERE ru.a > rt.id)"), { "5" })
  t.raises(function()
    spark:sql("SELECT id FROM rt WHERE EXISTS (SELECT 1 FROM ru WHERE ru.k = rt.k UNION ALL SELECT 1 FROM ru)")
  end, "a correlated subquery in UNION, INTERSECT or EXCEPT is not supported")
  t.raises(function() spark:sql("SELECT id FROM rt WHERE EXISTS ((SELECT 1 FROM ru WHERE ru.k = rt.k) LIMIT 1)") end,
    "under an ORDER BY, LIMIT or OFFSET of its own")
  t.raises(function()
    spark:sql("SELECT id FROM rt WHERE id IN (WITH c AS (SELECT a FROM ru WHERE ru.k = rt.k) SELECT a FROM c)")
  end, "as a WITH query")
end)

t.run()
