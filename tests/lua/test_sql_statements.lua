-- spark:sql's statements besides queries, as a notebook's SQL cells use
-- them: temp views made and dropped, SHOW and DESCRIBE over the catalog,
-- SET and RESET over spark.conf, CACHE TABLE, USE and EXPLAIN, each
-- giving the DataFrame Spark's does.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

spark:createDataFrame({ { 1, "a", 10 }, { 2, "b", 20 }, { 3, "a", nil } }, "id int, k string, v int")
  :createOrReplaceTempView("stmt_t")

local function none(df) t.eq(df.schema:simpleString(), "struct<>"); t.eq(df:count(), 0) end

t.test("CREATE [OR REPLACE] [GLOBAL] TEMP VIEW ... AS query, and DROP VIEW", function()
  none(spark:sql("CREATE OR REPLACE TEMP VIEW stmt_v AS SELECT * FROM stmt_t WHERE id > 1"))
  t.same_table(t.rows(spark:sql("SELECT id, k FROM stmt_v ORDER BY id")), { "2|b", "3|a" })
  none(spark:sql("CREATE TEMPORARY VIEW stmt_named (x, y) AS SELECT 1, 'a';"))
  t.same_table(spark:table("stmt_named").columns, { "x", "y" })
  t.raises(function() spark:sql("CREATE TEMP VIEW stmt_named AS SELECT 2") end, "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS")
  none(spark:sql("CREATE TEMP VIEW IF NOT EXISTS stmt_named AS SELECT 2 AS z"))
  t.same_table(spark:table("stmt_named").columns, { "x", "y" }, "IF NOT EXISTS leaves the view")
  t.raises(function() spark:sql("CREATE TEMP VIEW stmt_bad (a) AS SELECT 1, 2") end,
    "CREATE_VIEW_COLUMN_ARITY_MISMATCH")
  t.raises(function() spark:sql("CREATE VIEW stmt_p AS SELECT 1") end, "expected TEMP VIEW or TEMPORARY VIEW")
  none(spark:sql("CREATE GLOBAL TEMP VIEW stmt_g AS SELECT 1 AS one"))
  t.same_table(t.rows(spark:sql("SELECT * FROM global_temp.stmt_g")), { "1" })
  none(spark:sql("DROP VIEW global_temp.stmt_g"))
  none(spark:sql("DROP VIEW stmt_named"))
  t.raises(function() spark:sql("DROP VIEW stmt_named") end, "TABLE_OR_VIEW_NOT_FOUND")
  none(spark:sql("DROP VIEW IF EXISTS stmt_named"))
  t.raises(function() spark:table("stmt_named") end, "table or view not found")
end)

t.test("SHOW TABLES / VIEWS / COLUMNS / DATABASES / FUNCTIONS and DESCRIBE", function()
  spark:sql("CREATE OR REPLACE TEMP VIEW stmt_v AS SELECT * FROM stmt_t")
  local tables = spark:sql("SHOW TABLES LIKE 'stmt*'")
  t.eq(tables.schema:simpleString(), "struct<namespace:string,tableName:string,isTemporary:boolean>")
  t.same_table(t.rows(tables), { "|stmt_t|true", "|stmt_v|true" })
  t.same_table(t.rows(spark:sql("SHOW VIEWS IN default 'stmt_v'")), { "|stmt_v|true" })
  t.same_table(spark:sql("SHOW VIEWS").columns, { "namespace", "viewName", "isTemporary" })
  t.same_table(t.rows(spark:sql("SHOW COLUMNS IN stmt_t")), { "id", "k", "v" })
  local desc = spark:sql("DESCRIBE TABLE stmt_t")
  t.eq(desc.schema:simpleString(), "struct<col_name:string,data_type:string,comment:string>")
  t.same_table(t.rows(desc), { "id|int|null", "k|string|null", "v|int|null" })
  t.same_table(t.rows(spark:sql("DESC stmt_v")), t.rows(desc))
  t.raises(function() spark:sql("DESCRIBE nosuch") end, "TABLE_OR_VIEW_NOT_FOUND")
  t.same_table(t.rows(spark:sql("SHOW DATABASES")), { "default" })
  t.same_table(t.rows(spark:sql("SHOW FUNCTIONS LIKE 'upper'")), { "upper" })
  t.same_table(t.rows(spark:sql("DESCRIBE FUNCTION upper")), { "Function: upper", "Class: tide.functions" })
  none(spark:sql("USE default"))
  t.raises(function() spark:sql("USE nosuch") end, "SCHEMA_NOT_FOUND")
  t.raises(function() spark:sql("SHOW PARTITIONS stmt_t") end, "expected TABLES, VIEWS, COLUMNS, DATABASES or FUNCTIONS")
end)

t.test("SET, SET key, SET key = value and RESET over spark.conf", function()
  local set = spark:sql("SET spark.sql.session.timeZone = Europe/Paris")
  t.eq(set.schema:simpleString(), "struct<key:string,value:string>")
  t.same_table(t.rows(set), { "spark.sql.session.timeZone|Europe/Paris" })
  t.eq(spark.conf:get("spark.sql.session.timeZone"), "Europe/Paris")
  t.same_table(t.rows(spark:sql("SET spark.sql.session.timeZone")), { "spark.sql.session.timeZone|Europe/Paris" })
  t.same_table(t.rows(spark:sql("SELECT CAST(TIMESTAMP '2024-01-01 00:00:00Z' AS string)")),
    { "2024-01-01 01:00:00" }, "the zone set is the session's")
  t.ok(#t.rows(spark:sql("SET")) >= 1)
  none(spark:sql("RESET spark.sql.session.timeZone"))
  t.same_table(t.rows(spark:sql("SET spark.sql.session.timeZone")), { "spark.sql.session.timeZone|UTC" }, "back to the default")
  t.raises(function() spark:sql("SET spark.sql.session.timeZone = Mars/Base") end, "spark.sql.session.timeZone")
end)

t.test("${name} in SQL text is the setting of that name, as Spark's variable substitution", function()
  -- (expected: Apache Spark 3.5.3's answers to the same statements)
  local function row(text) return t.rows(spark:sql(text))[1] end
  t.eq(row("SELECT '${stmt_day}' AS a"), "", "unset: empty")
  spark:sql("SET stmt_day=2024-03-05")
  t.eq(row("SELECT '${stmt_day}', '${spark:stmt_day}', '${hiveconf:stmt_day}', '${hivevar:stmt_day}'"),
    "2024-03-05|2024-03-05|2024-03-05|2024-03-05")
  spark:sql("SET stmt_n=5")
  t.eq(row("SELECT ${stmt_n} + 1, regexp_replace('abc', '(?<x>b)', '[${stmt_n}]')"), "6|a[5]c")
  -- expressions of the DataFrame API too, and settings made from settings
  t.same_table(t.rows(spark:range(1):selectExpr("${stmt_n} * 2 AS b"):filter("'${stmt_n}' = '5'")), { "10" })
  spark:sql("SET stmt_m=${stmt_n}0")
  t.eq(spark.conf:get("stmt_m"), "50")
  -- what names nothing stays as written
  t.eq(row("SELECT '${foo:bar}', '${stmt_n', '${ stmt_n}', '$${stmt_n}', '${env:TIDE_SURELY_UNSET}', '${system:x}'"),
    "${foo:bar}|${stmt_n|${ stmt_n}|$5|${env:TIDE_SURELY_UNSET}|${system:x}")
  t.eq(row("SELECT '${env:HOME}'"), os.getenv("HOME"))
  spark.conf:set("stmt_p", "${stmt_q}")
  spark.conf:set("stmt_q", "${stmt_p}")
  t.raises(function() spark:sql("SELECT '${stmt_p}'") end, "Circular reference in ${stmt_p}: stmt_p")
  spark.conf:set("spark.sql.variable.substitute", false)
  t.eq(row("SELECT '${stmt_n}'"), "${stmt_n}")
  spark.conf:unset("spark.sql.variable.substitute")
  t.raises(function() spark.conf:set("spark.sql.variable.substitute", "yes") end, "true or false")
end)

t.test("CACHE TABLE [AS query], UNCACHE TABLE, CLEAR CACHE and EXPLAIN", function()
  none(spark:sql("CACHE TABLE stmt_c AS SELECT k, count(*) AS n FROM stmt_t GROUP BY k"))
  t.eq(spark.catalog:isCached("stmt_c"), true)
  t.same_table(t.rows(spark:sql("SELECT * FROM stmt_c ORDER BY k")), { "a|2", "b|1" })
  none(spark:sql("UNCACHE TABLE stmt_c"))
  t.eq(spark.catalog:isCached("stmt_c"), false)
  none(spark:sql("UNCACHE TABLE IF EXISTS nosuch"))
  none(spark:sql("CACHE LAZY TABLE stmt_t"))
  none(spark:sql("CLEAR CACHE"))
  t.eq(spark.catalog:isCached("stmt_t"), false)
  local plan = spark:sql("EXPLAIN SELECT k FROM stmt_t WHERE id > 1")
  t.same_table(plan.columns, { "plan" })
  local text = plan:collect()[1].plan
  t.ok(text:find("== Physical Plan ==", 1, true) and text:find("LocalRelation", 1, true), text)
  t.ok(spark:sql("EXPLAIN EXTENDED SELECT 1"):collect()[1].plan:find("== Logical Plan ==", 1, true))
end)

t.test("statements refuse what Spark's refuse, and SET reads Spark's forms", function()
  t.raises(function() spark:sql("CREATE OR REPLACE TEMP VIEW IF NOT EXISTS stmt_x AS SELECT 1") end,
    "CREATE VIEW with both IF NOT EXISTS and REPLACE is not allowed")
  t.raises(function() spark:sql("CREATE TEMP VIEW IF NOT EXISTS global_temp.stmt_x AS SELECT 1") end,
    "TEMP_VIEW_NAME_TOO_MANY_NAME_PARTS")
  spark:sql("CREATE OR REPLACE TEMP VIEW stmt_kept AS SELECT 1 AS x")
  t.raises(function() spark:sql("CACHE TABLE stmt_kept AS SELECT 2 AS y") end, "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS")
  t.same_table(spark:table("stmt_kept").columns, { "x" })
  t.same_table(t.rows(spark:sql("SET `spark.sql.session.timeZone` = `Europe/Paris`")),
    { "spark.sql.session.timeZone|Europe/Paris" })
  none(spark:sql("SET TIME ZONE 'America/New_York'"))
  t.eq(spark.conf:get("spark.sql.session.timeZone"), "America/New_York")
  spark:sql("RESET spark.sql.session.timeZone")
  t.raises(function() spark:sql("SET a = b; SELECT 1") end, "holds a ';'")
  t.raises(function() spark:sql("SET -v") end, "tide has no SET %-v")
  -- an error in the query of a statement is placed in the statement's text
  t.raises(function() spark:sql("CREATE TEMP VIEW stmt_y AS SELECT FROM stmt_t") end, "syntax error at position 35")
end)

t.run()
