-- CASE and IF branches that run over their own rows (rand, uuid,
-- monotonically_increasing_id, assert_true, raise_error), raise_error,
-- Spark's cast functions (int(x), ...), current_user, iff, and the stack
-- generator.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function frame()
  local df = spark:createDataFrame({ { 1, "7" }, { -2, "x" }, { 3, nil } }, "id int, s string")
  df:createOrReplaceTempView("t")
  return df
end

t.test("raise_error fails the query with the first row's message, only where it is evaluated", function()
  frame()
  local guarded = "SELECT id, CASE WHEN id < 0 THEN raise_error(concat('negative: ', id)) ELSE id END AS v FROM t"
  t.same_table(t.rows(spark:sql(guarded .. " WHERE id > 0")), { "1|1", "3|3" })
  t.raises(function() spark:sql(guarded):collect() end, "^%[USER_RAISED_EXCEPTION%] negative: %-2$")
  t.raises(function() frame():select(F.raise_error("stop")):collect() end, "^%[USER_RAISED_EXCEPTION%] stop$")
  -- over no rows, a NULL of NULL's type (Spark's void, as a selected NULL), which a CASE takes the others' of
  local none = spark:sql("SELECT raise_error('x') AS e, IF(id > 5, raise_error('y'), id) AS v FROM t WHERE id > 9")
  t.same_table(none.dtypes, { { "e", "void" }, { "v", "int" } })
  t.eq(none:count(), 0)
  t.same_table(t.rows(spark:sql("SELECT IF(id > 5, raise_error('y'), id) FROM t")), { "1", "-2", "3" })
end)

t.test("a branch's rand and monotonically_increasing_id advance only on the rows it is taken for", function()
  frame()
  local df = spark:sql("SELECT id, IF(id > 0, monotonically_increasing_id(), -1) AS m,"
    .. " CASE WHEN id > 0 THEN rand(42) END AS r, rand(42) AS r2 FROM t")
  local rows = df:collect()
  t.same_table({ rows[1].m, rows[2].m, rows[3].m }, { 0, -1, 1 })
  -- the branch's values are the first and second of the seed's sequence
  t.eq(rows[1].r, rows[1].r2)
  t.eq(rows[3].r, rows[2].r2)
  t.eq(rows[2].r, nil)
  -- ELSE branches too, and branches whose rows are none or all
  local e = spark:sql("SELECT CASE WHEN id > 0 THEN 0 ELSE monotonically_increasing_id() END AS m,"
    .. " CASE WHEN id > 9 THEN monotonically_increasing_id() END AS n,"
    .. " CASE WHEN id > -9 THEN monotonically_increasing_id() END AS a FROM t")
  t.same_table(t.rows(e), { "0|null|0", "0|null|1", "0|null|2" })
  -- assert_true in a branch checks that branch's rows alone
  t.same_table(t.rows(spark:sql("SELECT CASE WHEN id > 0 THEN assert_true(id > 0) END FROM t")),
    { "null", "null", "null" })
  t.raises(function() spark:sql("SELECT CASE WHEN id > -9 THEN assert_true(id > 0) END FROM t"):collect() end,
    "is not true")
end)

t.test("coalesce, nvl, nvl2, AND, OR and later WHEN conditions run such calls only where they are reached", function()
  frame()
  local function q(text) return t.rows(spark:sql(text)) end
  t.same_table(q("SELECT coalesce(id, raise_error('co')), nvl(id, raise_error('nvl')), ifnull(s, string(rand()) || 'x')"
    .. " IS NULL FROM t WHERE id > 0"), { "1|1|false", "3|3|false" })
  t.raises(function() spark:sql("SELECT coalesce(s, raise_error('no s')) FROM t"):collect() end,
    "%[USER_RAISED_EXCEPTION%] no s")
  t.same_table(q("SELECT nvl2(s, 1, raise_error('nvl2')) FROM t WHERE s IS NOT NULL"), { "1", "1" })
  t.same_table(q("SELECT id FROM t WHERE id > 100 AND assert_true(id > 100) IS NULL"), {})
  t.same_table(q("SELECT id FROM t WHERE id > -9 OR raise_error('or') IS NULL"), { "1", "-2", "3" })
  t.raises(function() spark:sql("SELECT id FROM t WHERE id > 0 OR raise_error('or') IS NULL"):collect() end, "or")
  -- (a condition must be a boolean: Spark refuses raise_error's void there, not its cast)
  t.same_table(q("SELECT CASE WHEN id > -9 THEN 1 WHEN CAST(raise_error('c2') AS BOOLEAN) THEN 2 END FROM t"),
    { "1", "1", "1" })
  -- a later condition's rand advances only over the rows it is tried on
  t.same_table(q("SELECT CASE WHEN id > 0 THEN 'p' WHEN rand(42) < 2 THEN 'r' END FROM t"), { "p", "r", "p" })
  -- the names stay the expressions'
  t.same_table(spark:sql("SELECT coalesce(id, raise_error('x')) FROM t").columns,
    { "coalesce(id, raise_error(x))" })
end)

t.test("Spark's cast functions are CASTs named as their operand; current_user, iff", function()
  local df = frame()
  local out = df:selectExpr("int(s)", "double(id)", "string(id) AS text", "boolean('true')", "date('2024-01-02')",
    "decimal('1.5')", "bigint(id)")
  t.same_table(out.dtypes, { { "s", "int" }, { "id", "double" }, { "text", "string" },
    { "true", "boolean" }, { "2024-01-02", "date" }, { "1.5", "decimal(10,0)" }, { "id", "bigint" } })
  t.same_table(t.rows(out), { "7|1.0|1|true|2024-01-02|2|1", "null|-2.0|-2|true|2024-01-02|2|-2",
    "null|3.0|3|true|2024-01-02|2|3" })
  t.raises(function() df:selectExpr("int(id, s)") end, "Function int accepts only one argument")
  local user = t.sh("id -un"):gsub("%s+$", "")
  local users = spark:range(1):select(F.current_user(), F.user(), F.session_user())
  t.same_table(users.columns, { "current_user()", "user()", "session_user()" })
  t.same_table(t.rows(users), { user .. "|" .. user .. "|" .. user })
  t.same_table(t.rows(df:selectExpr("iff(id > 0, 'p', 'n')")), { "p", "n", "p" })
end)

t.test("stack: n rows of each row's values, NULL past the last, columns col0, ...", function()
  local df = spark:createDataFrame({ { 1, 2, 3 } }, "a int, b int, c int")
  df:createOrReplaceTempView("s")
  local out = spark:sql("SELECT stack(2, 1, 2, 3)")
  t.same_table(out.dtypes, { { "col0", "int" }, { "col1", "int" } })
  t.same_table(t.rows(out), { "1|2", "3|null" })
  t.same_table(t.rows(spark:sql("SELECT a, stack(3, 'b', b, 'c', c, 'x', NULL) AS (k, v) FROM s")),
    { "1|b|2", "1|c|3", "1|x|null" })
  t.same_table(t.rows(df:select("a", F.stack(2, "b", "c", "a"))), { "1|2|3", "1|1|null" })
  t.raises(function() spark:sql("SELECT stack(2, 1, 'x', 'y', 2) FROM s") end,
    "STACK_COLUMN_DIFF_TYPES.*column %(0%) do not have the same type: int")
  t.raises(function() spark:sql("SELECT stack(0, 1) FROM s") end, "the number of rows, a positive integer literal")
end)

t.run()
