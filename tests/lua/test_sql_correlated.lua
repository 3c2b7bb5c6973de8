-- spark:sql correlated subqueries beyond WHERE: in the select list and HAVING, with Spark 3.5's results, column
-- names and errors (the WHERE forms are test_sql_query.lua's).
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

spark:createDataFrame({ { 1, "a", 10 }, { 2, "b", 20 }, { 3, "a", 30 }, { 4, "c", nil }, { 5, "b", 7 } },
  "id int, k string, v int"):createOrReplaceTempView("ct")
spark:createDataFrame({ { "a", 15 }, { "b", 20 }, { "b", nil } }, "k string, lim int"):createOrReplaceTempView("cu")

local function q(text) return t.rows(spark:sql(text)) end

t.test("a correlated scalar subquery in the select list: its aggregate per outer row, count(*) 0 where none", function()
  local m = spark:sql("SELECT id, (SELECT max(lim) FROM cu u WHERE u.k = t.k) AS m FROM ct t ORDER BY id")
  t.same_table(m.columns, { "id", "m" })
  t.same_table(t.rows(m), { "1|15", "2|20", "3|15", "4|null", "5|20" })
  -- a row no group matches gets the aggregate of no rows: count 0, not NULL (Spark's count bug fix)
  t.same_table(q("SELECT id, (SELECT count(*) FROM cu u WHERE u.k = t.k) AS n,"
    .. " (SELECT count(lim) FROM cu u WHERE u.k = t.k) AS nl, (SELECT sum(lim) FROM cu u WHERE u.k = t.k) AS s"
    .. " FROM ct t ORDER BY id"), { "1|1|1|15", "2|2|1|20", "3|1|1|15", "4|0|0|null", "5|2|1|20" })
  -- expressions around it, the outer query's WHERE and ORDER BY (by its alias)
  t.same_table(q("SELECT id, v - (SELECT avg(v) FROM ct x WHERE x.k = t.k) AS d FROM ct t WHERE id > 1"
    .. " ORDER BY d DESC"), { "3|10.0", "2|6.5", "5|-6.5", "4|null" })
  t.same_table(q("SELECT id, (SELECT max(lim) FROM cu u WHERE u.k = t.k) AS m FROM ct t WHERE v > 9"
    .. " ORDER BY m DESC, id"), { "2|20", "1|15", "3|15" })
  t.same_table(q("SELECT * FROM (SELECT id, (SELECT max(lim) FROM cu WHERE cu.k = ct.k) AS m FROM ct) s"
    .. " WHERE m > 15 ORDER BY id"), { "2|20", "5|20" })
  -- beside a subquery with a WINDOW clause of its own (read, as every one of the select list, after FROM)
  t.same_table(q("SELECT id, (SELECT count(*) FROM cu WINDOW w AS (ORDER BY lim)) AS c,"
    .. " (SELECT max(lim) FROM cu u WHERE u.k = t.k) AS m FROM ct t WHERE id < 3 ORDER BY id"), { "1|3|15", "2|3|20" })
  -- in the select list of a subquery of WHERE, correlated to that subquery's rows
  t.same_table(q("SELECT id FROM ct t WHERE id IN (SELECT id + (SELECT count(*) FROM cu WHERE cu.k = t2.k)"
    .. " FROM ct t2 WHERE t2.k = t.k)"), { "4" })
end)

t.test("Spark's names: scalarsubquery(the outer columns read, in order), scalarsubquery() uncorrelated", function()
  local df = spark:sql("SELECT *, (SELECT count(*) FROM cu WHERE cu.k = ct.k), v - (SELECT avg(v) FROM ct x"
    .. " WHERE x.k = ct.k), (SELECT count(*) FROM cu u WHERE u.k = ct.k AND u.lim > ct.v),"
    .. " (SELECT count(*) FROM cu WHERE lim = v), (SELECT max(lim) FROM cu) FROM ct WHERE id <= 2")
  t.same_table(df.columns, { "id", "k", "v", "scalarsubquery(k)", "(v - scalarsubquery(k))",
    "scalarsubquery(k, v)", "scalarsubquery(v)", "scalarsubquery()" })
  t.same_table(t.rows(df), { "1|a|10|1|-10.0|1|0|20", "2|b|20|2|6.5|0|1|20" })
end)

t.test("correlated by more than equalities: Spark's domain join over the distinct outer values", function()
  t.same_table(q("SELECT id, (SELECT max(lim) FROM cu u WHERE u.lim < t.v) AS below FROM ct t ORDER BY id"),
    { "1|null", "2|15", "3|20", "4|null", "5|null" })
  t.same_table(q("SELECT id, (SELECT count(*) FROM cu u WHERE u.k = t.k AND u.lim > t.v) FROM ct t ORDER BY id"),
    { "1|1", "2|0", "3|0", "4|0", "5|1" })
  -- NULL outer values are groups of their own (joined back with <=>)
  spark:createDataFrame({ { "a" }, { nil } }, "k string"):createOrReplaceTempView("cn")
  spark:createDataFrame({ { "a", 1 }, { nil, 2 }, { nil, 3 } }, "k string, x int"):createOrReplaceTempView("cm")
  t.same_table(q("SELECT k, (SELECT count(*) FROM cm m WHERE m.k = n.k) AS eq, (SELECT count(*) FROM cm m"
    .. " WHERE m.k <=> n.k) AS ns, (SELECT count(*) FROM cm m WHERE m.k = n.k OR m.x > 2) AS dom FROM cn n"),
    { "a|1|1|2", "null|0|2|1" })
end)

t.test("EXISTS in the select list: a boolean per row (Spark's existence join), named exists(k)", function()
  local df = spark:sql("SELECT id, EXISTS (SELECT 1 FROM cu WHERE cu.k = ct.k), NOT EXISTS (SELECT 1 FROM cu u"
    .. " WHERE u.lim > ct.v), EXISTS (SELECT 1 FROM cu WHERE lim > 18) AS any18 FROM ct ORDER BY id")
  t.same_table(df.columns, { "id", "exists(k)", "(NOT exists(v))", "any18" })
  t.same_table(t.rows(df), { "1|true|false|true", "2|true|true|true", "3|true|true|true", "4|false|true|true",
    "5|true|false|true" })
  t.same_table(q("SELECT id, CASE WHEN EXISTS (SELECT 1 FROM cu u WHERE u.k = ct.k AND u.lim >= ct.v) THEN 'under'"
    .. " ELSE 'over' END AS s FROM ct ORDER BY id"), { "1|under", "2|under", "3|over", "4|over", "5|under" })
  -- an aggregate without GROUP BY has a row for every outer row
  t.same_table(q("SELECT id, EXISTS (SELECT count(*) FROM cu u WHERE u.k = ct.k) FROM ct WHERE id = 4"),
    { "4|true" })
  local none = spark:sql("SELECT EXISTS (SELECT 1 FROM cu WHERE lim > 100) FROM ct WHERE id = 1")
  t.same_table(none.columns, { "exists()" })
  t.same_table(t.rows(none), { "false" })
end)

t.test("x IN (subquery) in the select list: SQL's three-valued IN, correlated or not", function()
  -- cu's lim holds 15, 20 and NULL: no match is unknown (NULL), as is NULL IN anything
  local df = spark:sql("SELECT id, v IN (SELECT lim FROM cu) AS hit, v NOT IN (SELECT lim FROM cu"
    .. " WHERE lim IS NOT NULL) FROM ct ORDER BY id")
  t.same_table(df.columns, { "id", "hit", "(NOT (v IN (listquery())))" })
  t.same_table(t.rows(df), { "1|null|true", "2|true|false", "3|null|true", "4|null|null", "5|null|true" })
  -- nothing is IN an empty subquery, NULL neither
  t.same_table(q("SELECT id, v IN (SELECT lim FROM cu WHERE lim > 100) FROM ct WHERE id >= 4 ORDER BY id"),
    { "4|false", "5|false" })
  -- correlated: a's values {15}, b's {20, NULL}, c's none
  local per_k = spark:sql("SELECT id, v IN (SELECT lim FROM cu u WHERE u.k = ct.k) FROM ct ORDER BY id")
  t.same_table(per_k.columns, { "id", "(v IN (listquery(k)))" })
  t.same_table(t.rows(per_k), { "1|false", "2|true", "3|false", "4|false", "5|null" })
  -- correlated by more than equalities (the values >= v, and k's), and x itself a correlated subquery
  local both = spark:sql("SELECT id, v IN (SELECT lim FROM cu u WHERE u.lim >= t.v OR u.k = t.k),"
    .. " (SELECT max(lim) FROM cu u WHERE u.k = t.k) IN (SELECT lim FROM cu u2 WHERE u2.lim >= t.v) FROM ct t"
    .. " ORDER BY id")
  t.same_table(both.columns, { "id", "(v IN (listquery(v, k)))", "(scalarsubquery(k) IN (listquery(v)))" })
  t.same_table(t.rows(both), { "1|false|true", "2|true|true", "3|false|false", "4|false|false", "5|null|true" })
  -- over a correlated aggregate: its one value per row, x = it
  t.same_table(q("SELECT id, v IN (SELECT max(lim) FROM cu u WHERE u.k = ct.k) FROM ct ORDER BY id"),
    { "1|false", "2|true", "3|false", "4|null", "5|false" })
end)

t.test("in an aggregate query: inside aggregates, in HAVING, and outside them over GROUP BY columns only", function()
  local total = spark:sql("SELECT count(*), sum((SELECT count(*) FROM cu u WHERE u.k = t.k)) FROM ct t")
  t.same_table(total.columns, { "count(1)", "sum(scalarsubquery(k))" })
  t.same_table(t.rows(total), { "5|6" })
  t.same_table(q("SELECT k, count(*) AS n, EXISTS (SELECT 1 FROM cu u WHERE u.k = t.k) AS has FROM ct t GROUP BY k"
    .. " ORDER BY k"), { "a|2|true", "b|2|true", "c|1|false" })
  t.same_table(q("SELECT k, count(*) FROM ct t GROUP BY k HAVING count(*) > (SELECT count(*) FROM cu u"
    .. " WHERE u.k = t.k) ORDER BY k"), { "a|2", "c|1" })
  t.same_table(q("SELECT k, max(v) FROM ct t GROUP BY k HAVING NOT EXISTS (SELECT 1 FROM cu u WHERE u.k = t.k)"),
    { "c|null" })
  -- Spark refuses a correlated scalar subquery outside the aggregates, and outer columns GROUP BY lacks
  local err = t.raises(function()
    spark:sql("SELECT k, (SELECT max(lim) FROM cu u WHERE u.k = t.k) FROM ct t GROUP BY k")
  end)
  t.at_caller(err)
  t.has(err, "[SCALAR_SUBQUERY_IS_IN_GROUP_BY_OR_AGGREGATE_FUNCTION] The correlated scalar subquery"
    .. " '\"scalarsubquery(k)\"' is neither present in GROUP BY, nor in an aggregate function.")
  t.raises(function() spark:sql("SELECT k, EXISTS (SELECT 1 FROM cu u WHERE u.lim = t.v) FROM ct t GROUP BY k") end,
    "%[MISSING_AGGREGATION%] The non%-aggregating expression \"v\" is based on columns which are not participating")
  t.raises(function()
    spark:sql("SELECT k FROM ct t GROUP BY k HAVING EXISTS (SELECT 1 FROM cu u WHERE u.lim = t.v)")
  end, "MISSING_AGGREGATION")
  -- (Spark takes an aggregate of the outer rows there; tide does not)
  t.raises(function()
    spark:sql("SELECT k FROM ct t GROUP BY k HAVING EXISTS (SELECT 1 FROM cu u WHERE u.lim < max(t.v))")
  end, "max%(t.v%): an aggregate of the outer query's columns in a correlated subquery is not supported in tide")
end)

t.test("Spark's errors for the shapes it refuses", function()
  local err = t.raises(function() spark:sql("SELECT id, (SELECT lim FROM cu u WHERE u.k = t.k) FROM ct t") end)
  t.at_caller(err)
  t.has(err, "Correlated scalar subqueries must be aggregated to return at most one row")
  t.raises(function() spark:sql("SELECT id, (SELECT max(lim), min(lim) FROM cu u WHERE u.k = t.k) FROM ct t") end,
    "Scalar subquery must return only one column, but got 2")
  t.raises(function() spark:sql("SELECT id, v IN (SELECT k, lim FROM cu u WHERE u.k = ct.k) FROM ct") end,
    "IN subquery must return only one column, but got 2")
  t.raises(function() spark:sql("SELECT id FROM ct t ORDER BY (SELECT max(lim) FROM cu u WHERE u.k = t.k)") end,
    "Correlated scalar subqueries can only be used in filters, aggregations, projections")
  t.raises(function() spark:sql("SELECT id, (SELECT max(lim) FROM cu u WHERE u.k = t.k GROUP BY k) FROM ct t") end,
    "a correlated subquery with DISTINCT, GROUP BY, HAVING, LIMIT or OFFSET is not supported")
  -- a name neither the subquery's tables nor the outer query's have
  t.raises(function() spark:sql("SELECT (SELECT count(*) FROM cu u WHERE u.k = z.k) FROM ct t") end,
    "cannot resolve")
end)

t.run()
