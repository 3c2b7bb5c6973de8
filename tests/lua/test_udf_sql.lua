-- Lua functions made functions of SQL (spark.udf:register), and calls of
-- a function by name (F.call_function, F.call_udf), as PySpark's.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

spark:range(3):createOrReplaceTempView("ids")

t.test("a registered function is called by name in SQL, selectExpr and F.expr, in any case", function()
  local plus = spark.udf:register("plus_one", function(x) return x and x + 1 end, "int", { perRow = true })
  local df = spark:sql("SELECT id, PLUS_ONE(id) FROM ids")
  t.same_table(df.columns, { "id", "plus_one(id)" })
  t.same_table(t.rows(df), { "0|1", "1|2", "2|3" })
  t.eq(df.dtypes[2][2], "int")
  t.same_table(t.rows(spark:range(2):selectExpr("plus_one(id) AS p")), { "1", "2" })
  t.same_table(t.rows(spark:range(2):select(F.expr("plus_one(id) * 10"))), { "10", "20" })
  -- what register returns, and F.call_udf, name their columns after the function
  local named = spark:range(1):select(plus(F.col("id")), F.call_udf("plus_one", F.col("id")))
  t.same_table(named.columns, { "plus_one(id)", "plus_one(id)" })
end)

t.test("the batch form (n, out, columns...) registers too, and runs once a batch", function()
  local calls = 0
  spark.udf:register("twice", function(n, out, x)
    calls = calls + 1
    local xs, o = x:values(), out:values()
    for i = 0, n - 1 do o[i] = xs[i] * 2 end
  end, "bigint")
  t.same_table(t.rows(spark:sql("SELECT twice(id) FROM ids")), { "0", "2", "4" })
  t.eq(calls, 1)
end)

t.test("F.call_function calls a built-in by name", function()
  t.same_table(t.rows(spark:range(1):select(F.call_function("upper", F.lit("a")), F.call_function("abs", F.lit(-2)))),
    { "A|2" })
end)

t.test("a name of a built-in, or not an identifier, is refused; an unknown one stays undefined", function()
  t.raises(function() spark.udf:register("upper", function() end) end, "upper is a built")
  t.raises(function() spark.udf:register("no good", function() end) end, "must be a SQL identifier")
  t.raises(function() spark.udf:register("f", "not a function") end, "needs a Lua function")
  t.raises(function() spark:sql("SELECT never_registered(id) FROM ids") end, "undefined function")
end)

t.run()
