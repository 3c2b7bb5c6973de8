-- void (Spark's NullType): the type of an untyped NULL, its names and
-- JSON, how it widens to whatever type it meets (Spark 3.5's
-- TypeCoercion: NullType with any type gives that type), its values
-- (all null) and what the sinks do with it. Expected values are Apache
-- Spark 3.5.3's for the same queries (non-ANSI).
local t = require("testing")
local tide = require("tide")
local T, F = tide.types, tide.functions

local spark = tide.session()

-- The column types of SELECT exprs, as Spark's simpleString of its schema.
local function types_of(sql)
  return spark:sql(sql).schema:simpleString()
end

-- The one row of a query, as its cells' text.
local function row(sql)
  return t.rows(spark:sql(sql))[1]
end

t.test("T.null: names, JSON, DDL", function()
  t.eq(T.null:simpleString(), "void")
  t.eq(T.null:typeName(), "void")
  t.eq(tostring(T.null), "void")
  t.eq(T.null:json(), '"void"')
  t.ok(T.void == T.null and T.null() == T.null, "T.void and T.null() are T.null")
  t.eq(T.parse("void"), T.null)
  t.eq(T.parse("array<void>"):simpleString(), "array<void>")
  t.eq(T.fromDDL("a void, b int"):simpleString(), "struct<a:void,b:int>")
  -- (Spark's DataType.fromJson reads its "void" and the older "null")
  t.eq(T.fromJson('"void"'), T.null)
  t.eq(T.fromJson('"null"'), T.null)
  t.eq(T.struct { T.field("a", T.null) }:json(),
    '{"type":"struct","fields":[{"name":"a","type":"void","nullable":true,"metadata":{}}]}')
  t.ok(T.null ~= T.string, "void is not string")
end)

t.test("SELECT NULL is void: printSchema, dtypes, typeof, show, collect", function()
  local df = spark:sql("SELECT NULL")
  t.eq(df.schema:treeString(), "root\n |-- NULL: void (nullable = true)\n")
  t.eq(df.dtypes[1][1], "NULL")
  t.eq(df.dtypes[1][2], "void")
  t.eq(df:limit(21):toBatch():showString(20, false), "+----+\n|NULL|\n+----+\n|NULL|\n+----+\n")
  local r = df:collect()[1]
  t.eq(r[1], nil)
  t.eq(#df:collect(), 1)
  t.eq(row("SELECT typeof(NULL), typeof(array(NULL)), typeof(map(1, NULL)), typeof(array())"),
    "void|array<void>|map<int,void>|array<void>")
  t.eq(types_of("SELECT NULL AS n, CAST(NULL AS INT) AS i, CAST(NULL AS STRING) AS s, CAST(NULL AS VOID) AS v"),
    "struct<n:void,i:int,s:string,v:void>")
  -- (only a NULL is a void: Spark's cannot cast "INT" to "VOID")
  t.raises(function() spark:sql("SELECT CAST(1 AS VOID)") end, "cannot cast int to void")
  t.raises(function() spark:range(1):select(F.lit(1):cast(T.null)) end, "cannot cast int to void")
  -- F.lit(nil) is one too, and its column read again stays one
  local lit = spark:range(1):select(F.lit(nil):alias("n"))
  t.eq(lit.schema:simpleString(), "struct<n:void>")
  t.eq(lit:withColumn("m", F.col("n") + 1).schema:simpleString(), "struct<n:void,m:int>")
  t.eq(lit:select(F.col("n"):cast("int")).schema:simpleString(), "struct<n:int>")
end)

t.test("a void widens to the type it meets", function()
  t.eq(types_of("SELECT NULL UNION ALL SELECT 1"), "struct<NULL:int>")
  t.eq(types_of("SELECT 1 UNION ALL SELECT NULL"), "struct<1:int>")
  t.eq(types_of("SELECT NULL UNION ALL SELECT NULL"), "struct<NULL:void>")
  t.eq(types_of("SELECT NULL AS a, 1 AS b UNION SELECT 'x', NULL"), "struct<a:string,b:int>")
  t.eq(types_of("SELECT NULL AS a INTERSECT SELECT 1"), "struct<a:int>")
  t.eq(types_of("SELECT NULL AS a EXCEPT SELECT 1"), "struct<a:int>")
  t.eq(types_of("SELECT CASE WHEN true THEN NULL END AS a, CASE WHEN true THEN NULL ELSE 1 END AS b"),
    "struct<a:void,b:int>")
  t.eq(types_of("SELECT IF(true, NULL, NULL) AS a, coalesce(NULL, NULL) AS b, nvl(NULL, NULL) AS c,"
    .. " greatest(NULL, NULL) AS d, ifnull(NULL, 'x') AS e"), "struct<a:void,b:void,c:void,d:void,e:string>")
  t.eq(types_of("SELECT nullif(NULL, 1) AS a, nullif(1, NULL) AS b"), "struct<a:void,b:int>")
  t.eq(types_of("SELECT array(NULL, 1) AS a, array(NULL) AS b, array() AS c, map(1, NULL) AS d, map() AS e"),
    "struct<a:array<int>,b:array<void>,c:array<void>,d:map<int,void>,e:map<void,void>>")
  t.eq(types_of("SELECT named_struct('a', NULL) AS s, struct(NULL) AS t, struct(NULL AS a).a AS x"),
    "struct<s:struct<a:void>,t:struct<col1:void>,x:void>")
  t.eq(types_of("SELECT array_repeat(NULL, 2) AS a, coalesce(NULL, array()) AS b, sort_array(array(NULL)) AS c"),
    "struct<a:array<void>,b:array<void>,c:array<void>>")
  t.eq(types_of("SELECT - NULL AS a, NOT NULL AS b, NULL = NULL AS c, NULL IN (1, 2) AS d, upper(NULL) AS e"),
    "struct<a:double,b:boolean,c:boolean,d:boolean,e:string>")
  -- VALUES rows, stack and inline
  t.eq(types_of("SELECT * FROM VALUES (1, NULL), (2, NULL) AS t(a, b)"), "struct<a:int,b:void>")
  t.eq(types_of("SELECT * FROM VALUES (NULL), (1L) AS t(a)"), "struct<a:bigint>")
  t.eq(types_of("SELECT stack(2, 1, NULL, 2, NULL)"), "struct<col0:int,col1:void>")
  t.eq(types_of("SELECT inline(array(struct(NULL)))"), "struct<col1:void>")
  t.eq(types_of("SELECT x FROM VALUES (named_struct('a', 2, 'b', 'x')), (named_struct('a', 1, 'b', NULL)) AS t(x)"),
    "struct<x:struct<a:int,b:string>>")
  -- (a map of void values meets one of strings)
  t.same_table(t.rows(spark:sql("SELECT m FROM (SELECT map(1, NULL) AS m UNION ALL SELECT map(1, 'x'))")),
    { "{1 -> null}", "{1 -> x}" })
end)

t.test("a void column read again: filters, arithmetic, joins, grouping, aggregates, windows", function()
  local n = "(SELECT NULL AS n)"
  t.eq(types_of("SELECT n FROM " .. n .. " WHERE n IS NULL ORDER BY n"), "struct<n:void>")
  t.eq(types_of("SELECT n + 1 AS a, n + 1.5 AS b, coalesce(n, 1) AS c, n = 1 AS d FROM " .. n),
    "struct<a:int,b:decimal(3,1),c:int,d:boolean>")
  t.eq(types_of("SELECT DISTINCT n FROM " .. n), "struct<n:void>")
  t.eq(types_of("SELECT n, count(*) FROM " .. n .. " GROUP BY n"), "struct<n:void,count(1):bigint>")
  t.eq(types_of("SELECT max(n) AS m, count(n) AS c, min(n) AS mi, first(n) AS f, collect_list(n) AS l FROM " .. n),
    "struct<m:void,c:bigint,mi:void,f:void,l:array<void>>")
  t.eq(row("SELECT max(n), count(n), collect_list(n) FROM " .. n), "null|0|[]")
  t.eq(types_of("SELECT sum(n) AS s, avg(n) AS a FROM " .. n), "struct<s:double,a:double>")
  t.eq(row("SELECT sum(n), avg(n) FROM " .. n), "null|null")
  t.eq(types_of("SELECT lag(n) OVER (ORDER BY n) AS l FROM " .. n), "struct<l:void>")
  t.eq(types_of("SELECT x FROM " .. n .. " LATERAL VIEW explode(array(n)) t AS x"), "struct<x:void>")
  -- a join on a void key matches nothing; a full join keeps both sides' types
  t.eq(#spark:sql("SELECT a.n FROM " .. n .. " a JOIN (SELECT 1 AS n) b ON a.n = b.n"):collect(), 0)
  local full = spark:sql("SELECT a.n, b.n FROM " .. n .. " a FULL JOIN (SELECT 1 AS n) b ON a.n = b.n")
  t.eq(full.schema:simpleString(), "struct<n:void,n:int>")
  t.same_table(t.rows(full), { "null|null", "null|1" })
  -- a full join USING a void key: the key takes the other side's type
  for _, q in ipairs({ "SELECT * FROM (SELECT NULL AS k, 1 AS a) FULL JOIN (SELECT 2 AS k, 3 AS b) USING (k)",
                       "SELECT * FROM (SELECT 2 AS k, 1 AS a) FULL JOIN (SELECT NULL AS k, 3 AS b) USING (k)" }) do
    t.eq(spark:sql(q).schema:simpleString(), "struct<k:int,a:int,b:int>")
  end
  t.same_table(t.rows(spark:sql("SELECT * FROM (SELECT 2 AS k, 1 AS a) FULL JOIN (SELECT NULL AS k, 3 AS b) "
    .. "USING (k)")), { "2|1|null", "null|null|3" })
  -- DataFrame unions take the other side's type
  local lit = spark:range(1):select(F.lit(nil):alias("n"))
  t.eq(lit:union(spark:range(1):select(F.lit(1):alias("n"))).dtypes[1][2], "int")
  t.eq(lit:unionByName(spark:range(1):select(F.lit(1):alias("n"))).dtypes[1][2], "int")
  -- na.fill and describe leave a void alone, as Spark's
  t.eq(lit.na:fill(0).dtypes[1][2], "void")
  t.eq(lit:fillna("x"):collect()[1].n, nil)
  t.eq(lit:describe().schema:simpleString(), "struct<summary:string>")
end)

t.test("to_json and from_json", function()
  t.eq(row("SELECT to_json(named_struct('a', NULL, 'b', 1)), to_json(array(NULL))"), '{"b":1}|[null]')
  t.eq(spark:range(1):select(F.lit(nil):alias("n")):toJSON():collect()[1].value, "{}")
  -- (Spark's parser reads a void as null, whatever the text holds)
  local df = spark:sql([[SELECT from_json('{"a":1,"b":2}', 'a void, b int') AS j,
    from_json('[1,2]', 'array<void>') AS k]])
  t.eq(df.schema:simpleString(), "struct<j:struct<a:void,b:int>,k:array<void>>")
  t.eq(t.rows(df)[1], "{null, 2}|[null, null]")
  -- the json source alike; the csv source refuses a void column, as Spark's
  local dir = t.dir_of({ ["a.json"] = '{"a":"x","b":1}\n{"a":5,"b":2}\n' })
  local read = spark.read:schema("a void, b int"):json(dir)
  t.eq(read.schema:simpleString(), "struct<a:void,b:int>")
  t.same_table(t.rows(read), { "null|1", "null|2" })
  t.raises(function() spark.read:schema("a void, b int"):csv(dir) end,
    "The CSV datasource doesn't support the column `a` of the type \"VOID\"")
end)

t.test("createDataFrame: a void schema, and columns of nothing but nils", function()
  local df = spark:createDataFrame({ { nil }, { nil } }, "a void")
  t.eq(df.schema:simpleString(), "struct<a:void>")
  t.same_table(t.rows(df), { "null", "null" })
  df = spark:createDataFrame({ { nil, 1 } }, T.struct { T.field("a", T.null), T.field("b", T.int) })
  t.eq(df.schema:simpleString(), "struct<a:void,b:int>")
  -- (PySpark's NullType can not accept a value)
  t.raises(function() spark:createDataFrame({ { 1 } }, "a void") end, "is not nil")
  -- (Spark infers NullType, then fails: Some of types cannot be determined after inferring)
  t.raises(function() spark:createDataFrame({ { nil, 1 }, { nil, 2 } }, { "a", "b" }) end, "cannot infer")
end)

t.test("sinks: csv and text refuse a void column, json leaves it out, jdbc and kafka refuse it", function()
  local df = spark:sql("SELECT NULL AS n, 1 AS x")
  local dir = t.tempdir()
  t.raises(function() df.write:csv(dir .. "/csv") end,
    "The CSV datasource doesn't support the column `n` of the type \"VOID\"")
  t.raises(function() spark:sql("SELECT NULL AS n").write:format("text"):save(dir .. "/text") end,
    "The Text datasource doesn't support the column `n` of the type \"VOID\"")
  df.write:json(dir .. "/json")
  local files = t.sh("cat " .. dir .. "/json/part-*")
  t.eq(files, '{"x":1}\n')
  -- PostgreSQL: Spark has no JDBC type for a void, so no table column either
  local pg_columns = require("tide.pg_columns")
  t.eq(pg_columns.pgType(T.null), nil)
  t.eq(pg_columns.pgType(T.array(T.null)), nil)
  t.raises(function() pg_columns.createTableSql("t", df.schema) end, "Can't get JDBC type for void")
  t.raises(function()
    pg_columns.planColumns(T.struct { T.field("n", T.null) }, { { name = "n", type = "text", oid = 25 } }, "t")
  end, "column \"n\" is void in the DataFrame but text in the table")
  -- (refused before any connection: into a new table or an existing one alike)
  t.raises(function()
    df.write:format("jdbc"):option("url", "jdbc:postgresql://127.0.0.1:9/x"):option("dbtable", "t")
      :mode("append"):save()
  end, "jdbc write: cannot write column \"n\" of type void")
  t.raises(function()
    spark:sql("SELECT NULL AS value").write:format("kafka"):option("kafka.bootstrap.servers", "127.0.0.1:9")
      :option("topic", "t"):save()
  end, "value column must be string or binary, not void")
end)

t.run()
