-- spark:sql correlated subqueries beyond WHERE's plain forms (those are test_sql_query.lua's): in the select list
-- and HAVING, IN and EXISTS inside WHERE's other expressions, correlation by non-equalities, and GROUP BY inside
-- the subquery, with Spark 3.5's results, column names and errors (several from Spark's own subquery tests).
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

t.test("x IN (subquery) in the select list: never NULL, as Spark's existence join, correlated or not", function()
  -- cu's lim holds 15, 20 and NULL: no match is false, as is NULL IN anything (not SQL's NULL); NOT IN is
  -- null-aware: false for a NULL v
  local df = spark:sql("SELECT id, v IN (SELECT lim FROM cu) AS hit, v NOT IN (SELECT lim FROM cu"
    .. " WHERE lim IS NOT NULL) FROM ct ORDER BY id")
  t.same_table(df.columns, { "id", "hit", "(NOT (v IN (listquery())))" })
  t.same_table(t.rows(df), { "1|false|true", "2|true|false", "3|false|true", "4|false|false", "5|false|true" })
  -- nothing is IN an empty subquery, NULL neither
  t.same_table(q("SELECT id, v IN (SELECT lim FROM cu WHERE lim > 100) FROM ct WHERE id >= 4 ORDER BY id"),
    { "4|false", "5|false" })
  -- correlated: a's values {15}, b's {20, NULL}, c's none
  local per_k = spark:sql("SELECT id, v IN (SELECT lim FROM cu u WHERE u.k = ct.k) FROM ct ORDER BY id")
  t.same_table(per_k.columns, { "id", "(v IN (listquery(k)))" })
  t.same_table(t.rows(per_k), { "1|false", "2|true", "3|false", "4|false", "5|false" })
  -- correlated by more than equalities (the values >= v, and k's), and x itself a correlated subquery
  local both = spark:sql("SELECT id, v IN (SELECT lim FROM cu u WHERE u.lim >= t.v OR u.k = t.k),"
    .. " (SELECT max(lim) FROM cu u WHERE u.k = t.k) IN (SELECT lim FROM cu u2 WHERE u2.lim >= t.v) FROM ct t"
    .. " ORDER BY id")
  t.same_table(both.columns, { "id", "(v IN (listquery(v, k)))", "(scalarsubquery(k) IN (listquery(v)))" })
  t.same_table(t.rows(both), { "1|false|true", "2|true|true", "3|false|false", "4|false|false", "5|false|true" })
  -- over a correlated aggregate: its one value per row, x = it
  t.same_table(q("SELECT id, v IN (SELECT max(lim) FROM cu u WHERE u.k = ct.k) FROM ct ORDER BY id"),
    { "1|false", "2|true", "3|false", "4|false", "5|false" })
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

-- Spark's subquery tests' tables (sql-tests/inputs/subquery): salaries and bonuses as whole numbers
local function emp_views(with_duplicates)
  local rows = with_duplicates and { { 100, "emp 1", 100, 10 }, { 100, "emp 1", 100, 10 }, { 200, "emp 2", 200, 10 },
    { 300, "emp 3", 300, 20 }, { 400, "emp 4", 400, 30 }, { 500, "emp 5", 400, nil },
    { 600, "emp 6 - no dept", 400, 100 }, { 700, "emp 7", 400, 100 }, { 800, "emp 8", 150, 70 } }
    or { { 100, "emp 1", 0, 10 }, { 200, "emp 2", 0, nil }, { 300, "emp 3", 0, 20 }, { 400, "emp 4", 0, 30 },
    { 500, "emp 5", 0, nil }, { 600, "emp 6", 0, 100 }, { 800, "emp 8", 0, 70 } }
  spark:createDataFrame(rows, "id int, emp_name string, salary int, dept_id int"):createOrReplaceTempView("emp")
  spark:createDataFrame({ { 10, "dept 1", "CA" }, { 20, "dept 2", "NY" }, { 30, "dept 3", "TX" },
    { 40, "dept 4 - unassigned", "OR" }, { 50, "dept 5 - unassigned", "NJ" }, { 70, "dept 7", "FL" } },
    "dept_id int, dept_name string, state string"):createOrReplaceTempView("dept")
  spark:createDataFrame({ { "emp 1", 10 }, { "emp 1", 20 }, { "emp 2", 300 }, { "emp 2", 100 }, { "emp 3", 300 },
    { "emp 4", 100 }, { "emp 5", 1000 }, { "emp 6 - no dept", 500 } }, "emp_name string, bonus_amt int")
    :createOrReplaceTempView("bonus")
end

t.test("IN and EXISTS inside WHERE's other expressions (OR, NOT, CASE): their values, NOT IN null-aware", function()
  emp_views(false)
  spark:createDataFrame({ { 100, "emp 1", "addr1" }, { 200, nil, "addr2" }, { nil, "emp 3", "addr3" },
    { nil, nil, "addr4" }, { 600, "emp 6", "addr6" }, { 800, "emp 8", "addr8" } },
    "id int, emp_name string, address string"):createOrReplaceTempView("address")
  -- Spark's nested-not-in.sql: emp's dept_id holds NULLs, so no dept_id is NOT IN it
  t.same_table(q("SELECT id, dept_id FROM emp WHERE id = 600 OR id = 500 OR dept_id NOT IN (SELECT dept_id FROM emp)"),
    { "500|null", "600|100" })
  t.same_table(q("SELECT id FROM emp WHERE id = 800 OR (dept_id IS NOT NULL AND dept_id NOT IN"
    .. " (SELECT dept_id FROM emp))"), { "800" })
  t.same_table(q("SELECT id FROM emp WHERE id = 100 OR dept_id NOT IN (SELECT dept_id FROM emp"
    .. " WHERE dept_id IS NOT NULL)"), { "100" })
  t.same_table(q("SELECT id FROM emp WHERE id = 200 OR (dept_id IS NOT NULL AND dept_id + 100 NOT IN"
    .. " (SELECT dept_id FROM emp WHERE dept_id IS NOT NULL))"), { "100", "200", "300", "400", "600", "800" })
  t.same_table(q("SELECT id FROM emp WHERE emp_name IN (SELECT emp_name FROM bonus) OR (dept_id IS NOT NULL"
    .. " AND dept_id NOT IN (SELECT dept_id FROM dept))"), { "100", "200", "300", "400", "500", "600" })
  t.same_table(q("SELECT id FROM emp WHERE EXISTS (SELECT emp_name FROM bonus WHERE emp.emp_name = bonus.emp_name)"
    .. " OR (dept_id IS NOT NULL AND dept_id NOT IN (SELECT dept_id FROM dept))"),
    { "100", "200", "300", "400", "500", "600" })
  -- correlated, and two of them in one condition
  t.same_table(q("SELECT id FROM emp WHERE dept_id = 10 OR emp_name NOT IN (SELECT emp_name FROM address"
    .. " WHERE id IS NOT NULL AND emp_name IS NOT NULL AND emp.id = address.id)"),
    { "100", "200", "300", "400", "500" })
  t.same_table(q("SELECT id FROM emp WHERE id NOT IN (SELECT id FROM address WHERE id IS NOT NULL"
    .. " AND emp_name IS NOT NULL AND id >= 400) OR emp_name NOT IN (SELECT emp_name FROM address"
    .. " WHERE id IS NOT NULL AND emp_name IS NOT NULL AND emp.id = address.id AND id < 400)"),
    { "100", "200", "300", "400", "500", "600", "800" })
  -- under NOT, three-valued: 5 IN (7, 8, 11, NULL) is NULL, and so is its NOT
  spark:createDataFrame({ { nil, nil }, { 5, 5 }, { 8, 8 }, { 11, 11 } }, "a int, b int"):createOrReplaceTempView("s1")
  spark:createDataFrame({ { 7, 7 }, { 8, 8 }, { 11, 11 }, { nil, nil } }, "c int, d int"):createOrReplaceTempView("s2")
  t.same_table(q("SELECT * FROM s1 WHERE NOT (a NOT IN (SELECT c FROM s2))"), { "8|8", "11|11" })
  t.same_table(q("SELECT * FROM s1 WHERE NOT (a > 5 OR a IN (SELECT c FROM s2))"), {})
  t.same_table(q("SELECT * FROM s1 WHERE NOT (a > 5 OR a NOT IN (SELECT c FROM s2))"), {})
  t.same_table(q("SELECT * FROM s1 WHERE NOT (a > 5 AND a IN (SELECT c FROM s2))"), { "5|5" })
  t.same_table(q("SELECT * FROM s1 WHERE NOT (a > 5 AND a NOT IN (SELECT c FROM s2))"), { "5|5", "8|8", "11|11" })
  -- as values: the NOTs pushed down to the IN first (Spark's BooleanSimplification), so that NOT (a > 5 OR a IN
  -- ...) is a <= 5 AND a NOT IN (...), null-aware (s2 holds a NULL: false), and NOT NOT a IN is a IN; never NULL
  local pushed = spark:sql("SELECT a, NOT (a > 5 OR a IN (SELECT c FROM s2)), NOT (NOT (a IN (SELECT c FROM s2))),"
    .. " (a IN (SELECT c FROM s2)) IS NULL, NOT (a NOT IN (SELECT c FROM s2 WHERE c > 7) AND a < 10) FROM s1 ORDER BY a")
  t.same_table(pushed.columns, { "a", "(NOT ((a > 5) OR (a IN (listquery()))))", "(NOT (NOT (a IN (listquery()))))",
    "((a IN (listquery())) IS NULL)", "(NOT ((NOT (a IN (listquery()))) AND (a < 10)))" })
  t.same_table(t.rows(pushed), { "null|false|false|false|null", "5|false|false|false|false", "8|false|true|false|true",
    "11|false|true|false|true" })
  -- and a comparison with a boolean literal as Spark's SimplifyBinaryComparison rewrites it first: x = false is
  -- NOT x (null-aware there), x = true and x <> false are x, either side
  local compared = spark:sql("SELECT a, (a IN (SELECT c FROM s2)) = false, (a IN (SELECT c FROM s2)) <> true,"
    .. " (NOT (a IN (SELECT c FROM s2))) = false, true = (a IN (SELECT c FROM s2)) FROM s1 ORDER BY a")
  t.same_table(t.rows(compared), { "null|false|false|false|false", "5|false|false|false|false",
    "8|false|false|true|true", "11|false|false|true|true" })
  t.same_table(q("SELECT * FROM s1 WHERE (a IN (SELECT c FROM s2)) = false"), {})
  t.same_table(q("SELECT * FROM s1 WHERE false = (a NOT IN (SELECT c FROM s2 WHERE c > 7))"), { "8|8", "11|11" })
  -- not in a sort, as Spark's CheckAnalysis; by the alias of a select item it is
  t.raises(function() q("SELECT a FROM s1 ORDER BY a IN (SELECT c FROM s2)") end, "UNSUPPORTED_IN_EXISTS_SUBQUERY")
  t.same_table(q("SELECT a, a IN (SELECT c FROM s2) AS hit FROM s1 ORDER BY hit DESC, a"),
    { "8|true", "11|true", "null|false", "5|false" })
  -- CASE, and beside a scalar subquery, in an aggregate query and over a join
  t.same_table(q("SELECT id FROM ct t WHERE CASE WHEN EXISTS (SELECT 1 FROM cu u WHERE u.k = t.k) THEN v > 9"
    .. " ELSE true END ORDER BY id"), { "1", "2", "3", "4" })
  t.same_table(q("SELECT id FROM ct t WHERE id = 4 OR (SELECT count(*) FROM cu u WHERE u.k = t.k) > 1 ORDER BY id"),
    { "2", "4", "5" })
  t.same_table(q("SELECT k, count(*) FROM ct t WHERE v > 25 OR EXISTS (SELECT 1 FROM cu u WHERE u.lim > t.v)"
    .. " GROUP BY k ORDER BY k"), { "a|2", "b|1" })
  t.same_table(q("SELECT t.id, u.lim FROM ct t JOIN cu u ON t.k = u.k WHERE t.v > 25 OR EXISTS (SELECT 1 FROM cu x"
    .. " WHERE x.lim < t.v) ORDER BY t.id, u.lim"), { "2|null", "2|20", "3|15" })
  -- * stays the query's own columns
  t.same_table(q("SELECT * FROM ct t WHERE id = 4 OR v IN (SELECT lim FROM cu)"), { "2|b|20", "4|c|null" })
end)

t.test("WHERE's [NOT] EXISTS and [NOT] IN correlated by non-equalities only: every pair tested", function()
  emp_views(true)
  -- Spark's exists-basic.sql and exists-within-and-or.sql (a correlated OR; bonus_amt is the outer row's)
  t.same_table(q("SELECT id FROM emp WHERE EXISTS (SELECT dept.dept_name FROM dept WHERE emp.dept_id = dept.dept_id"
    .. " OR emp.dept_id IS NULL)"), { "100", "100", "200", "300", "400", "500", "800" })
  t.same_table(q("SELECT dept_id FROM dept WHERE NOT EXISTS (SELECT emp_name FROM emp WHERE emp.dept_id = dept.dept_id"
    .. " OR state = 'NJ')"), { "40" })
  local under_salary = { "emp 1|10", "emp 1|20", "emp 2|100", "emp 4|100" }
  t.same_table(q("SELECT * FROM bonus WHERE NOT EXISTS (SELECT * FROM emp WHERE emp.emp_name = emp_name"
    .. " AND bonus_amt > emp.salary)"), under_salary)
  t.same_table(q("SELECT * FROM bonus WHERE NOT EXISTS (SELECT * FROM emp WHERE emp.emp_name = emp_name"
    .. " AND bonus_amt > emp.salary) AND emp_name IN (SELECT emp_name FROM emp WHERE bonus_amt < emp.salary)"),
    under_salary)
  t.same_table(q("SELECT count(*) FROM bonus WHERE (NOT EXISTS (SELECT * FROM emp WHERE emp.emp_name = emp_name"
    .. " AND bonus_amt > emp.salary) OR EXISTS (SELECT * FROM emp WHERE emp.emp_name = emp_name"
    .. " OR bonus_amt < emp.salary))"), { "8" })
  -- cu's lim is 15, 20 and NULL: a NULL compares to nothing
  t.same_table(q("SELECT id FROM ct t WHERE EXISTS (SELECT 1 FROM cu u WHERE u.lim > t.v) ORDER BY id"), { "1", "5" })
  t.same_table(q("SELECT id FROM ct t WHERE NOT EXISTS (SELECT 1 FROM cu u WHERE u.lim > t.v) ORDER BY id"),
    { "2", "3", "4" })
  t.same_table(q("SELECT id FROM ct t WHERE v IN (SELECT lim FROM cu u WHERE u.lim >= t.v) ORDER BY id"), { "2" })
  -- NOT IN null-aware per row: 4's v is NULL, but its subquery has no row
  t.same_table(q("SELECT id FROM ct t WHERE v NOT IN (SELECT lim FROM cu u WHERE u.lim >= t.v) ORDER BY id"),
    { "1", "3", "4", "5" })
end)

t.test("GROUP BY and DISTINCT inside a correlated subquery, where Spark 3.5 takes them", function()
  emp_views(true)
  -- Spark's exists-aggregate.sql: the correlation on the grouping column
  local grouped = "(SELECT max(dept.dept_id) a FROM dept WHERE dept.dept_id = emp.dept_id GROUP BY dept.dept_id)"
  t.same_table(q("SELECT emp_name FROM emp WHERE EXISTS " .. grouped),
    { "emp 1", "emp 1", "emp 2", "emp 3", "emp 4", "emp 8" })
  t.same_table(q("SELECT emp_name FROM emp WHERE NOT EXISTS " .. grouped), { "emp 5", "emp 6 - no dept", "emp 7" })
  -- a correlated subquery's own WHERE may hold one of its own
  t.same_table(q("SELECT * FROM bonus WHERE NOT EXISTS (SELECT 1 FROM emp WHERE emp.emp_name = bonus.emp_name"
    .. " AND EXISTS " .. grouped .. ")"), { "emp 5|1000", "emp 6 - no dept|500" })
  -- HAVING over the groups; a grouping column the equality does not name (its column joins the keys)
  t.same_table(q("SELECT id FROM ct t WHERE EXISTS (SELECT k FROM cu u WHERE u.k = t.k GROUP BY k"
    .. " HAVING count(*) > 1) ORDER BY id"), { "2", "5" })
  t.same_table(q("SELECT id FROM ct t WHERE v IN (SELECT max(lim) FROM cu u WHERE u.k = t.k GROUP BY k) ORDER BY id"),
    { "2" })
  t.same_table(q("SELECT id FROM ct t WHERE v NOT IN (SELECT lim FROM cu u WHERE u.k = t.k GROUP BY lim)"
    .. " ORDER BY id"), { "1", "3", "4" })
  local values = spark:sql("SELECT id, v IN (SELECT lim FROM cu u WHERE u.k = t.k GROUP BY lim) AS hit,"
    .. " EXISTS (SELECT k FROM cu u WHERE u.k = t.k GROUP BY k HAVING count(*) > 1) AS twice FROM ct t ORDER BY id")
  t.same_table(t.rows(values), { "1|false|false", "2|true|true", "3|false|false", "4|false|false", "5|false|true" })
  -- DISTINCT changes neither what EXISTS finds nor IN's values
  t.same_table(q("SELECT id FROM ct t WHERE v IN (SELECT DISTINCT lim FROM cu u WHERE u.lim >= t.v) ORDER BY id"),
    { "2" })
  t.same_table(q("SELECT id FROM ct t WHERE NOT EXISTS (SELECT DISTINCT k FROM cu u WHERE u.k = t.k)"), { "4" })
  -- a scalar one: one group at most for each row, NULL where none (no count bug: no group, no row)
  local per_k = spark:sql("SELECT id, (SELECT count(*) FROM cu u WHERE u.k = t.k GROUP BY k) AS n,"
    .. " (SELECT max(lim) FROM cu u WHERE u.k = t.k GROUP BY u.k HAVING count(*) > 1) AS m FROM ct t ORDER BY id")
  t.same_table(t.rows(per_k), { "1|1|null", "2|2|20", "3|1|null", "4|null|null", "5|2|20" })
  t.same_table(q("SELECT id FROM ct t WHERE v >= (SELECT max(lim) FROM cu u WHERE u.k = t.k GROUP BY k) ORDER BY id"),
    { "2", "3" })
  -- Spark's errors: a non-equality (or an expression's equality) under the GROUP BY; a scalar's GROUP BY column
  -- the equalities leave free, or no aggregate
  local err = t.raises(function()
    spark:sql("SELECT id FROM ct t WHERE EXISTS (SELECT k FROM cu u WHERE u.lim > t.v GROUP BY k)")
  end)
  t.at_caller(err)
  t.has(err, "[UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_IN_PREDICATE] Unsupported"
    .. " subquery expression: Correlated column is not allowed in predicate: ")
  t.raises(function()
    spark:sql("SELECT id, EXISTS (SELECT 1 FROM cu u WHERE upper(u.k) = upper(t.k) GROUP BY k) FROM ct t")
  end, "CORRELATED_COLUMN_IS_NOT_ALLOWED_IN_PREDICATE")
  t.raises(function() spark:sql("SELECT id, (SELECT count(*) FROM cu u WHERE u.k = t.k GROUP BY lim) FROM ct t") end,
    "A GROUP BY clause in a scalar correlated subquery cannot contain non%-correlated columns: lim%.")
  t.raises(function() spark:sql("SELECT id, (SELECT k FROM cu u WHERE u.k = t.k GROUP BY k) FROM ct t") end,
    "Correlated scalar subqueries must be aggregated")
  -- (Spark takes this one, a domain join under the aggregate; tide does not)
  t.raises(function()
    spark:sql("SELECT id, (SELECT max(lim) FROM cu u WHERE u.k = t.k AND u.lim < t.v GROUP BY k) FROM ct t")
  end, "a correlated scalar subquery with GROUP BY correlated by more than equalities")
end)

t.test("an uncorrelated subquery in an aggregate query: the query's own value, with no row to aggregate too", function()
  spark:createDataFrame({ { 1, 10 } }, "id int, v int"):createOrReplaceTempView("one")
  spark:createDataFrame({ { 5 }, { 100 } }, "w int"):createOrReplaceTempView("ws")
  -- no GROUP BY and no row left: one row all the same, with the subqueries' values, not NULL
  local df = spark:sql("SELECT count(*) n, (SELECT max(w) FROM ws) m, EXISTS (SELECT 1 FROM ws) e,"
    .. " 5 IN (SELECT w FROM ws) i, count(*) + (SELECT min(w) FROM ws) s FROM one WHERE id > 1")
  t.same_table(df.columns, { "n", "m", "e", "i", "s" })
  t.same_table(t.rows(df), { "0|100|true|true|5" })
  t.same_table(q("SELECT count(*), (SELECT max(w) FROM ws WHERE w > 1000), EXISTS (SELECT 1 FROM ws WHERE w > 1000),"
    .. " 5 NOT IN (SELECT w FROM ws WHERE w > 1000) FROM one WHERE id > 1"), { "0|null|false|true" })
  t.same_table(q("SELECT count(*) n FROM one WHERE id > 1 HAVING EXISTS (SELECT 1 FROM ws)"), { "0" })
  t.same_table(q("SELECT count(*) n FROM one WHERE id > 1 HAVING NOT EXISTS (SELECT 1 FROM ws)"), {})
  t.same_table(q("SELECT 1 AS x FROM one WHERE id > 1 HAVING (SELECT max(w) FROM ws) > 50"), { "1" })
  -- with GROUP BY: each group's row; an aggregate as IN's value
  t.same_table(q("SELECT k, count(*), (SELECT max(lim) FROM cu) FROM ct GROUP BY k ORDER BY k"),
    { "a|2|20", "b|2|20", "c|1|20" })
  t.same_table(q("SELECT k, sum(v) - 20 IN (SELECT lim FROM cu WHERE lim IS NOT NULL) FROM ct GROUP BY k ORDER BY k"),
    { "a|true", "b|false", "c|false" })
  t.same_table(q("SELECT k, count(*) FROM ct GROUP BY k HAVING count(*) < (SELECT count(*) FROM cu) - 1 ORDER BY k"),
    { "c|1" })
  -- Spark's in-having.sql: NOT IN in HAVING over the groups
  spark:createDataFrame({ { "val1a", 6 }, { "val1b", 8 }, { "val1a", 16 }, { "val1a", 16 }, { "val1c", 8 },
    { "val1d", nil }, { "val1d", nil }, { "val1e", 10 }, { "val1e", 10 }, { "val1d", 10 }, { "val1a", 6 },
    { "val1e", 10 } }, "t1a string, t1b int"):createOrReplaceTempView("t1")
  spark:createDataFrame({ { "val2a", 6 }, { "val1b", 10 }, { "val1b", 8 }, { "val1c", 12 }, { "val1b", nil },
    { "val2e", 8 }, { "val1f", 19 }, { "val1b", 10 }, { "val1b", 8 }, { "val1c", 12 }, { "val1e", 8 }, { "val1f", 19 },
    { "val1b", nil } }, "t2a string, t2b int"):createOrReplaceTempView("t2")
  t.same_table(q("SELECT t1a, max(t1b) FROM t1 WHERE t1b > 0 GROUP BY t1a HAVING t1a NOT IN (SELECT t2a FROM t2"
    .. " WHERE t2b > 3) ORDER BY t1a"), { "val1a|16", "val1d|10" })
  -- inside a correlated subquery's aggregate: its value over no matched rows too
  t.same_table(q("SELECT id, (SELECT count(*) + (SELECT max(w) FROM ws) FROM cu u WHERE u.k = t.k) c FROM ct t"
    .. " ORDER BY id"), { "1|101", "2|102", "3|101", "4|100", "5|102" })
end)

t.test("a correlated subquery as a GROUP BY key (by position or alias), in GROUP BY, and in a window's spec", function()
  local m = { "null|1", "15|2", "20|2" }
  t.same_table(q("SELECT (SELECT max(lim) FROM cu u WHERE u.k = t.k) m, count(*) n FROM ct t GROUP BY 1 ORDER BY m"), m)
  t.same_table(q("SELECT (SELECT max(lim) FROM cu u WHERE u.k = t.k) m, count(*) n FROM ct t GROUP BY m ORDER BY m"), m)
  local df = spark:sql("SELECT (SELECT max(lim) FROM cu u WHERE u.k = t.k), (SELECT min(lim) FROM cu u"
    .. " WHERE u.k = t.k) + 1, count(*) FROM ct t GROUP BY 1, 2 ORDER BY 1")
  t.same_table(df.columns, { "scalarsubquery(k)", "(scalarsubquery(k) + 1)", "count(1)" })
  t.same_table(t.rows(df), { "null|null|1", "15|16|2", "20|21|2" })
  emp_views(true)
  -- Spark's exists-outside-filter.sql: GROUP BY EXISTS, and EXISTS in a window's PARTITION BY (TC.01.07)
  t.same_table(q("SELECT count(id), sum(salary) FROM emp GROUP BY EXISTS (SELECT 1 FROM dept"
    .. " WHERE emp.dept_id = dept.dept_id) ORDER BY 1"), { "3|1200", "6|1250" })
  t.same_table(q("SELECT emp_name, sum(salary) OVER (PARTITION BY EXISTS (SELECT 1 FROM dept WHERE dept.dept_id > 10"
    .. " AND dept.dept_id < 30)) FROM emp ORDER BY emp_name"), { "emp 1|2450", "emp 1|2450", "emp 2|2450",
    "emp 3|2450", "emp 4|2450", "emp 5|2450", "emp 6 - no dept|2450", "emp 7|2450", "emp 8|2450" })
  t.same_table(q("SELECT emp_name, sum(salary) OVER (PARTITION BY EXISTS (SELECT 1 FROM dept"
    .. " WHERE emp.dept_id = dept.dept_id)) FROM emp ORDER BY emp_name"), { "emp 1|1250", "emp 1|1250",
    "emp 2|1250", "emp 3|1250", "emp 4|1250", "emp 5|1200", "emp 6 - no dept|1200", "emp 7|1200", "emp 8|1250" })
  -- a scalar one in PARTITION BY and ORDER BY, a qualified name there, and over the groups of an aggregate query
  t.same_table(q("SELECT id, rank() OVER (PARTITION BY (SELECT max(lim) FROM cu u WHERE u.k = t.k) ORDER BY t.v DESC)"
    .. " FROM ct t ORDER BY id"), { "1|2", "2|1", "3|1", "4|1", "5|2" })
  t.same_table(q("SELECT id, row_number() OVER (ORDER BY (SELECT count(*) FROM cu u WHERE u.k = t.k), id DESC)"
    .. " FROM ct t ORDER BY id"), { "1|3", "2|5", "3|2", "4|1", "5|4" })
  t.same_table(q("SELECT k, sum(count(*)) OVER (PARTITION BY EXISTS (SELECT 1 FROM cu WHERE lim > 18)) FROM ct"
    .. " GROUP BY k ORDER BY k"), { "a|5", "b|5", "c|5" })
end)

t.test("IN and correlated equalities over other types: NULL, strings and numbers as Spark casts them", function()
  -- NULL IN (...) is false; NULL NOT IN (...) false when the subquery has rows, true when none
  t.same_table(q("SELECT NULL IN (SELECT lim FROM cu), NULL IN (SELECT lim FROM cu WHERE lim > 100),"
    .. " NULL NOT IN (SELECT lim FROM cu WHERE lim > 100), NULL NOT IN (SELECT lim FROM cu)"),
    { "false|false|true|false" })
  t.same_table(q("SELECT id FROM ct WHERE NULL IN (SELECT lim FROM cu)"), {})
  t.same_table(q("SELECT id FROM ct WHERE NULL NOT IN (SELECT lim FROM cu WHERE lim > 100) AND id < 3"),
    { "1", "2" })
  -- IN compares a number and a string as strings (20 is not '20.0'); = as numbers ('20.0' is 20)
  spark:createDataFrame({ { "10" }, { "x" }, { "20.0" } }, "s string"):createOrReplaceTempView("cs")
  t.same_table(q("SELECT id, v IN (SELECT s FROM cs) FROM ct ORDER BY id"),
    { "1|true", "2|false", "3|false", "4|false", "5|false" })
  t.same_table(q("SELECT id FROM ct WHERE v IN (SELECT s FROM cs)"), { "1" })
  t.same_table(q("SELECT id FROM ct WHERE v NOT IN (SELECT s FROM cs) ORDER BY id"), { "2", "3", "5" })
  t.same_table(q("SELECT id FROM ct t WHERE v IN (SELECT s FROM cs WHERE cs.s <> t.k) ORDER BY id"), { "1" })
  t.same_table(q("SELECT id FROM ct WHERE EXISTS (SELECT 1 FROM cs WHERE cs.s = ct.v) ORDER BY id"), { "1", "2" })
  t.same_table(q("SELECT id FROM ct WHERE NOT EXISTS (SELECT 1 FROM cs WHERE cs.s = ct.v) ORDER BY id"),
    { "3", "4", "5" })
  t.same_table(q("SELECT id, (SELECT count(*) FROM cs WHERE cs.s = ct.v), EXISTS (SELECT 1 FROM cs WHERE ct.v = cs.s)"
    .. " FROM ct ORDER BY id"), { "1|1|true", "2|1|true", "3|0|false", "4|0|false", "5|0|false" })
  -- no type both are (a boolean and a string): Spark's error
  local err = t.raises(function() spark:sql("SELECT id FROM ct WHERE (v > 1) IN (SELECT s FROM cs)") end)
  t.at_caller(err)
  t.has(err, "[DATATYPE_MISMATCH.IN_SUBQUERY_DATA_TYPE_MISMATCH] Cannot resolve \"((v > 1) IN (listquery()))\" due"
    .. " to data type mismatch: The data type of one or more elements in the left hand side of an IN subquery is not"
    .. " compatible with the data type of the output of the subquery.")
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
  -- (Spark 3.5 refuses LIMIT on a correlation path; tide HAVING without GROUP BY and grouping sets too)
  t.raises(function() spark:sql("SELECT id FROM ct t WHERE EXISTS (SELECT k FROM cu u WHERE u.k = t.k LIMIT 1)") end,
    "a correlated subquery with LIMIT, OFFSET, GROUPING SETS %(ROLLUP, CUBE%), or HAVING without GROUP BY is not")
  t.raises(function()
    spark:sql("SELECT id FROM ct t WHERE EXISTS (SELECT count(*) FROM cu u WHERE u.k = t.k HAVING count(*) > 1)")
  end, "HAVING without GROUP BY is not supported in tide")
  -- a name neither the subquery's tables nor the outer query's have
  t.raises(function() spark:sql("SELECT (SELECT count(*) FROM cu u WHERE u.k = z.k) FROM ct t") end,
    "cannot resolve")
end)

t.run()
