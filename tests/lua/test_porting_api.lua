-- What a PySpark job's DataFrame code meets when it is ported line by
-- line: Lua's == where a Column belongs, column names in another case,
-- na.fill and NaN, withWatermark, functions used before a session, and
-- methods or functions tide does not have. Each gives Spark's answer or
-- an error at the line that made the slip, never a wrong answer.
local t = require("testing")
local has, at_caller = t.has, t.at_caller
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function frame()
  return spark:createDataFrame({ { 1, "a" }, { 3, "b" } }, "k int, s string")
end

local function column_of(df, name)
  local out = {}
  for i, row in ipairs(df:collect()) do out[i] = tostring(row[name]) end
  return table.concat(out, ",")
end

-- ---- Lua's == where a Column belongs -------------------------------------------

t.test("when(F.col(k) == 3, ...) fails saying how to write it; :eq(3) gives Spark's answer", function()
  local df = frame()
  local err = t.raises(function() local _ = F.when(F.col("k") == 3, "three") end)
  has(err, "when needs a Column condition, not the boolean false: Lua's == and ~= cannot build a Column")
  has(err, 'F.col("v"):eq("x")')
  at_caller(err)
  err = t.raises(function() local _ = F.when(F.col("k"):eq(1), "one"):when(F.col("k") == 3, "three") end)
  has(err, "when needs a Column condition, not the boolean false")
  at_caller(err)
  err = t.raises(function() local _ = F.when("k = 3", "three") end)
  has(err, "when needs a Column condition, not a string")
  local labels = df:select(F.when(F.col("k"):eq(3), "three"):when(F.col("k"):eq(1), "one")
    :otherwise("other"):alias("label"))
  t.eq(column_of(labels, "label"), "one,three")
end)

t.test("withColumn, select, and_, or_ and not_ refuse a Lua boolean, at the caller's line", function()
  local df = frame()
  local cases = {
    { function() local _ = df:withColumn("is3", F.col("k") == 3) end,
      "withColumn needs a Column, not the boolean false: Lua's == and ~= cannot build a Column" },
    { function() local _ = df:withColumn("one", 1) end,
      "withColumn needs a Column (F.lit(v) for a value), not a number" },
    { function() local _ = df:select("s", F.col("k") == 3) end,
      "select takes column names or Columns, not the boolean false" },
    { function() local _ = df:select(1) end,
      "select takes column names or Columns (F.lit(v) for a value), not a number" },
    { function() local _ = F.col("k"):gt(0):and_(F.col("s") == "a") end,
      "and_ needs a Column condition, not the boolean false" },
    { function() local _ = F.col("k"):gt(0):or_(F.col("s") ~= "a") end,
      "or_ needs a Column condition, not the boolean true" },
    { function() local _ = F.not_(F.col("k") == 3) end, "not_ needs a Column condition, not the boolean false" },
    { function() local _ = F.col("k") == F.col("s") end, "Lua's == cannot build a Column: write a:eq(b)" },
    { function() local _ = F.col("k") < F.col("s") end, "Lua's < cannot build a Column: write a:lt(b)" },
    { function() local _ = F.col("k") <= F.col("s") end, "Lua's <= cannot build a Column: write a:le(b)" },
  }
  t.raises_at_caller(cases)
  t.eq(column_of(df:withColumn("is3", F.col("k"):eq(3)), "is3"), "false,true")
  t.eq(df:where(F.col("k"):gt(0):and_(F.col("s"):eq("a"))):count(), 1)
  t.eq(df:where(F.col("k"):gt(2):or_(F.col("s"):eq("a"))):count(), 2)
  t.eq(df:where(F.not_(F.col("k"):eq(3))):count(), 1)
end)

t.test("an expression's error in select, withColumn or drop names the caller's line", function()
  local df = frame()
  for _, fn in ipairs({
    function() local _ = df:select("nope") end,
    function() local _ = df:selectExpr("nope + 1") end,
    function() local _ = df:withColumn("x", F.col("nope")) end,
    function() local _ = df.na:fill("x", "k"):select(F.lower("nope")) end,
  }) do
    local err = t.raises(fn)
    has(err, "cannot resolve 'nope' given input columns")
    at_caller(err)
  end
end)

-- ---- column names in another case ----------------------------------------------

t.test("every name-taking method resolves names as expressions do: exact, else equal but for case", function()
  local df = frame()
  t.same_table(df:select("K").columns, { "k" })
  t.same_table(df:drop("K").columns, { "s" })
  t.same_table(df:drop(F.col("S")).columns, { "k" })
  t.same_table(df:withColumnRenamed("K", "z").columns, { "z", "s" })
  t.same_table(df:withColumn("K", F.col("k") + 1).columns, { "K", "s" }, "replaced in place, as Spark's")
  t.eq(column_of(df:withColumn("K", F.col("k") + 1), "K"), "2,4")
  t.same_table(df:groupBy("K"):count().columns, { "k", "count" })
  t.eq(column_of(df:groupBy("S"):agg(F.max("K")):orderBy("s"), "max(k)"), "1,3")
  t.same_table(df:agg({ K = "max" }).columns, { "max(k)" })
  t.same_table(df:groupBy("s"):sum("K").columns, { "s", "sum(k)" })
  t.eq(df:agg(F.countDistinct("S")):collect()[1]["count(DISTINCT s)"], 2)
  t.eq(column_of(df:orderBy(F.desc("K")), "k"), "3,1")
  t.eq(column_of(df:orderBy("K", { ascending = false }), "k"), "3,1")
  t.eq(df:union(df):dropDuplicates("K"):count(), 2)
  t.same_table(df:describe("K").columns, { "summary", "k" })
  t.eq(df.na:drop("any", nil, "K"):count(), 2)
  t.eq(column_of(df:select(df.K + 1), "(k + 1)"), "2,4")
  -- the exact name first
  local both = spark:createDataFrame({ { 1, 2 } }, "a int, A int")
  t.same_table(both:drop("A").columns, { "a" })
  t.same_table(both:groupBy("a"):count().columns, { "a", "count" })
end)

t.test("a name two columns match but for case fails naming them; a missing one is Spark's no-op", function()
  local df = spark:createDataFrame({ { 1, 2 } }, "ab int, AB int")
  local ambiguous = 'column name "Ab" is ambiguous: it could be ab or AB'
  for _, fn in ipairs({
    function() local _ = df:drop("Ab") end,
    function() local _ = df:withColumnRenamed("Ab", "x") end,
    function() local _ = df:withColumn("Ab", F.lit(1)) end,
    function() local _ = df:groupBy("Ab") end,
    function() local _ = df:orderBy("Ab") end,
    function() local _ = df:dropDuplicates("Ab") end,
    function() local _ = df:agg(F.max("Ab")) end,
    function() local _ = df:describe("Ab") end,
    function() local _ = df.na:drop("any", nil, { "Ab" }) end,
    function() local _ = df:select("Ab") end,
    function() local _ = df.Ab end,
  }) do
    local err = t.raises(fn)
    has(err, ambiguous)
    at_caller(err)
  end
  local frame1 = frame()
  t.same_table(frame1:drop("nope").columns, { "k", "s" })
  t.same_table(frame1:withColumnRenamed("nope", "z").columns, { "k", "s" })
  local err = t.raises(function() local _ = frame1:groupBy("nope") end)
  has(err, 'groupBy: cannot resolve column "nope" (columns: k, s)')
  at_caller(err)
  err = t.raises(function() local _ = frame1:describe("nope") end)
  has(err, 'describe: cannot resolve column "nope"')
  at_caller(err)
end)

t.test("a column name one or two letters off is suggested, as Spark's 'Did you mean'", function()
  local df = spark:createDataFrame({ { 1, "a" } }, { "click", "site_id" })
  has(t.raises(function() df:select("clik") end), "[click, site_id]; did you mean 'click'?")
  has(t.raises(function() df:where("siteid = 'a'") end), "did you mean 'site_id'?")
  has(t.raises(function() df:groupBy("clck") end), "(columns: click, site_id); did you mean 'click'?")
  local far = t.raises(function() df:select("hour") end)
  t.ok(not far:find("did you mean", 1, true), far)
end)

-- ---- na.fill ---------------------------------------------------------------------

local function with_nan()
  local nan = 0 / 0
  return spark:createDataFrame(tide.batch.fromRows({
    { 1, nan, nan, "a" }, { nil, 2.5, nil, nil }, { 3, nil, 1.5, "c" },
  }, "i int, d double, f float, s string"))
end

t.test("na.fill replaces NaN as well as null in double and float columns, as Spark's", function()
  local df = with_nan()
  local filled = df.na:fill(0)
  t.eq(filled.schema:simpleString(), "struct<i:int,d:double,f:float,s:string>", "the types stay")
  t.eq(column_of(filled, "i"), "1,0,3")
  t.eq(column_of(filled, "d"), "0,2.5,0")
  t.eq(column_of(filled, "f"), "0,0,1.5")
  t.eq(column_of(filled, "s"), "a,nil,c", "a number fills numeric columns only")
  t.eq(column_of(df:fillna(0.5, { "d", "I" }), "d"), "0.5,2.5,0.5")
  t.eq(column_of(df:fillna(0.5, { "d", "I" }), "i"), "1,0,3", "0.5 cast to int")
  t.eq(column_of(df:fillna(0.5, { "d", "I" }), "f"), "nan,nil,1.5", "f is not in the subset")
  t.eq(column_of(df.na:fill("none"), "s"), "a,none,c")
  t.eq(column_of(df.na:fill("none"), "d"), "nan,2.5,nil", "a string fills string columns only")
end)

t.test("na.fill({column = value}) fills each named column, cast to its type; unknown names fail", function()
  local df = with_nan()
  local filled = df.na:fill { F = 9, s = "none", i = "7" }
  t.eq(column_of(filled, "f"), "9,9,1.5")
  t.eq(column_of(filled, "s"), "a,none,c")
  t.eq(column_of(filled, "i"), "1,7,3", "a string value cast to the int column, as Spark's fill(Map)")
  t.eq(column_of(filled, "d"), "nan,2.5,nil", "d is not named")
  local err = t.raises(function() local _ = df.na:fill { nope = 1 } end)
  has(err, 'na.fill: cannot resolve column "nope" (columns: i, d, f, s)')
  at_caller(err)
  err = t.raises(function() local _ = df.na:fill(0, { "nope" }) end)
  has(err, 'na.fill: cannot resolve column "nope"')
  at_caller(err)
  err = t.raises(function() local _ = df.na:fill(nil) end)
  has(err, "na.fill: value must be a number, string, boolean or a table {column = value}, not nil")
  at_caller(err)
  err = t.raises(function() local _ = df:dropna("any", nil, "nope") end)
  has(err, 'na.drop: cannot resolve column "nope"')
  at_caller(err)
  t.eq(df:dropna():count(), 0, "a NaN counts as null")
end)

-- ---- withWatermark -------------------------------------------------------------

t.test("withWatermark is checked as Spark checks it and leaves a stateless query as it was", function()
  local stream = spark.readStream:format("rate"):option("rowsPerSecond", 1000):load()
  local marked = stream:withWatermark("Timestamp", "10 seconds")
  t.ok(marked.isStreaming)
  t.same_table(marked.columns, { "timestamp", "value" })
  local q = marked:select("value").writeStream:format("memory"):queryName("watermarked"):start()
  q:processAllAvailable()
  tide.sleep(0.1)
  q:stop()
  t.eq(q:exception(), nil)
  t.ok(spark:table("watermarked"):count() > 0, "rows went through")
  local err = t.raises(function() local _ = stream:withWatermark("value", "10 seconds") end)
  has(err, "withWatermark: the event time column must be a timestamp, but value is bigint")
  at_caller(err)
  err = t.raises(function() local _ = stream:withWatermark("timestamp", "soon") end)
  has(err, 'withWatermark: the delay must be an interval such as "10 minutes", not "soon"')
  at_caller(err)
  err = t.raises(function() local _ = stream:withWatermark("ts", "1 minute") end)
  has(err, 'withWatermark: cannot resolve column "ts" (columns: timestamp, value)')
  at_caller(err)
end)

-- ---- functions before a session ----------------------------------------------------

t.test("tide.functions is complete however it is reached, before any session", function()
  local dir = t.tempdir()
  local out, status = t.run_script(dir, "functions_first.lua", [[
local F = require("tide").functions
print(tostring(F.avg("x")), tostring(F.desc("x")), tostring(F.countDistinct("x")))
print(tostring(F.col("x"):asc_nulls_last()))
local G = require("tide.functions")
print(rawequal(F, G), tostring(G.max("y")), tostring(G.stddev_pop("y")))
]])
  t.eq(status, 0, out)
  has(out, "Column<'avg(x)'>\tColumn<'x DESC NULLS LAST'>\tColumn<'count(DISTINCT x)'>\n")
  has(out, "Column<'x ASC NULLS LAST'>\n")
  has(out, "true\tColumn<'max(y)'>\tColumn<'stddev_pop(y)'>\n")
end)

-- ---- what tide does not have ---------------------------------------------------

t.test("a method or function tide does not have fails naming it, with the nearest known one", function()
  local df = frame()
  local cases = {
    { function() df:toPandas() end, 'DataFrame has no method or column "toPandas" (columns: k, s)' },
    { function() df:selct("k") end,
      'DataFrame has no method or column "selct" (columns: k, s); did you mean "select"?' },
    { function() local _ = df.nope end, 'DataFrame has no method or column "nope"' },
    { function() F.col("k"):betwen(1, 2) end, 'Column has no method "betwen"; did you mean "between"?' },
    { function() F.hll_sketch_agg("k") end, 'tide.functions has no function "hll_sketch_agg"' },
    { function() F.coalese("k") end, 'did you mean "coalesce"?' },
    { function() df:groupBy("k"):applyInPandas(print) end, 'GroupedData has no method "applyInPandas"' },
    { function() df.na:fil(0) end, 'DataFrameNaFunctions has no method "fil"; did you mean "fill"?' },
  }
  t.raises_at_caller(cases)
end)

t.test("slips that were Lua's own errors are tide's, at the caller's line", function()
  local df = frame()
  local cases = {
    { function() local _ = F.col("k"):cast(nil) end, "a type must be a tide.types value or its name, not nil" },
    { function() local _ = df:schema() end,
      "() takes no arguments (a DataFrame's schema is the property df.schema, not df:schema())" },
    { function() local _ = df:union(nil) end, "union needs a DataFrame, not nil" },
    { function() local _ = F.col("s") .. "x" end, "Lua's .. cannot build a Column: write F.concat(a, b)" },
  }
  t.raises_at_caller(cases)
end)

t.test("readers, writers, queries and spark.streams name a method they do not have, with the nearest", function()
  local df = frame()
  local stream = spark.readStream:format("rate"):load()
  local q = stream.writeStream:format("memory"):queryName("porting_missing_methods"):start()
  local cases = {
    { function() spark.read:formt("csv") end, 'DataFrameReader has no method "formt"; did you mean "format"?' },
    { function() spark.read:parquet("x") end, 'DataFrameReader has no method "parquet"' },
    { function() spark.readStream:optoin("a", 1) end,
      'DataStreamReader has no method "optoin"; did you mean "option"?' },
    -- jdbc reads batches, as in PySpark
    { function() spark.readStream:jdbc("jdbc:postgresql://h/db", "t") end, 'DataStreamReader has no method "jdbc"' },
    { function() stream.writeStream:outputmod("append") end,
      'DataStreamWriter has no method "outputmod"; did you mean "outputMode"?' },
    { function() df.write:parquet("out") end, 'DataFrameWriter has no method "parquet"' },
    { function() q:awaitTerminaton(1) end,
      'StreamingQuery has no method or property "awaitTerminaton"; did you mean "awaitTermination"?' },
    { function() local _ = q.lastProgres end,
      'StreamingQuery has no method or property "lastProgres"; did you mean "lastProgress"?' },
    { function() spark.streams:awaitAnyTerminaton(1) end,
      'StreamingQueryManager has no method "awaitAnyTerminaton"; did you mean "awaitAnyTermination"?' },
    -- (an unset field of a writer is no missing method)
    { function() df.write:save("out") end, 'save: no format given (df.write:format("jdbc"))' },
  }
  t.raises_at_caller(cases)
  -- A query without a name has a nil name, no error.
  local unnamed = stream.writeStream:format("console"):start()
  t.eq(unnamed.name, nil)
  t.eq(q.name, "porting_missing_methods")
  unnamed:stop()
  q:stop()
end)

t.test("a property written with ':' (df:write:mode) gets a hint on Lua's syntax error; other slips do not", function()
  local dir = t.tempdir()
  local function run(code)
    local out, status = t.run_script(dir, "slip.lua", 'local spark = require("tide").session()\n'
      .. "local df = spark:range(3)\n" .. code .. "\n")
    t.eq(status, 1, out)
    return out
  end
  local out = run('df:write:mode("overwrite"):csv("out")')
  has(out, "slip.lua:3: function arguments expected near ':' (write is a property, reached with '.':"
    .. " df.write:mode(...), not df:write:mode(...))")
  -- a chain over lines: the error names the second line
  out = run('local q = df:writeStream\n  :format("console")')
  has(out, "slip.lua:4: function arguments expected near ':' (writeStream is a property, reached with '.':"
    .. " df.writeStream:format(...), not df:writeStream:format(...))")
  out = run('local r = spark:read.csv("x")')
  has(out, "(read is a property, reached with '.': spark.read:csv(...), not spark:read.csv(...))")
  -- the same syntax error without a property: Lua's message alone
  out = run("df:show:foo()")
  has(out, "slip.lua:3: function arguments expected near ':'\n")
  t.ok(not out:find("is a property", 1, true), out)
  -- as explain sees a chunk that is no file (the console's input)
  local hints = require("tide.error_hints")
  -- PySpark's properties that are tide's methods, used as values
  out = run("print(#spark.streams.active)")
  has(out, "attempt to get length of field 'active' (a function value) (active is a method in tide (a property in"
    .. " PySpark): spark.streams:active())")
  t.eq(hints.explain("x.lua:1: attempt to index field 'isActive' (a function value)"),
    "x.lua:1: attempt to index field 'isActive' (a function value) (isActive is a method in tide (a property in"
      .. " PySpark): query:isActive())")
  -- a module's function (F.lit.value) is no such method
  t.eq(hints.explain("x.lua:1: attempt to index field 'lit' (a function value)"),
    "x.lua:1: attempt to index field 'lit' (a function value)")
  t.eq(hints.explain("stdin:1: function arguments expected near ':'", 'spark:conf:set("k", "v")'),
    "stdin:1: function arguments expected near ':' (conf is a property, reached with '.': spark.conf:set(...),"
      .. " not spark:conf:set(...))")
  t.eq(hints.explain("stdin:1: function arguments expected near ':'", "df:na:fill(0)"),
    "stdin:1: function arguments expected near ':' (na is a property, reached with '.': df.na:fill(...),"
      .. " not df:na:fill(...))")
  t.eq(hints.explain("stdin:1: function arguments expected near ':'", "x:y:z()"),
    "stdin:1: function arguments expected near ':'")
  -- the line named by the error, not another one
  t.eq(hints.explain("stdin:3: function arguments expected near ':'", "df:write:mode('a')\n\n\nx:y:z()"),
    "stdin:3: function arguments expected near ':'")
  -- nor the line before it, nor a comment or a string, nor a property not followed by a call
  local plain = "stdin:2: function arguments expected near ':'"
  t.eq(hints.explain(plain, '-- df:write:mode("a")\nx:y:z()'), plain)
  t.eq(hints.explain(plain, 'print("df:read:csv(1)")\nx:y:z()'), plain)
  t.eq(hints.explain(plain, 'x = 1\nx:y:z() -- not df:write:mode("a")'), plain)
  t.eq(hints.explain(plain, 'x = 1\nprint("df:write:mode(1)", y:z:w())'), plain)
  t.eq(hints.explain(plain, 'local q = "df:writeStream"\n  :format("console")'), plain)
  t.eq(hints.explain("stdin:1: function arguments expected near '.'", "t:write.y"),
    "stdin:1: function arguments expected near '.'")
  t.eq(hints.explain("stdin:1: function arguments expected near '.'", "t:write.y = 1"),
    "stdin:1: function arguments expected near '.'")
  -- still found after a string holding a quote, with a string or table call, and before a comment
  t.eq(hints.explain(plain, 'x = 1\ns = "a\\"b" .. df:write:mode "x" -- c'),
    plain .. " (write is a property, reached with '.': df.write:mode(...), not df:write:mode(...))")
  t.eq(hints.explain(plain, 'local q = df:writeStream -- the stream\n  :options{ a = 1 }'),
    plain .. " (writeStream is a property, reached with '.': df.writeStream:options(...),"
      .. " not df:writeStream:options(...))")
  -- a script whose comment above the error mentions the slip: Lua's message alone
  out = run('-- df:write:mode("overwrite") would be wrong\ndf:show:foo()')
  has(out, "slip.lua:4: function arguments expected near ':'\n")
  t.ok(not out:find("is a property", 1, true), out)
end)

t.test("Column between, rlike, startswith, endswith, contains; DataFrame transform", function()
  local df = spark:createDataFrame({ { 1, "a%b" }, { 2, "ab_" }, { 3, "xa%" } }, "k int, s string")
  t.eq(column_of(df:where(F.col("k"):between(2, 3)), "k"), "2,3")
  t.eq(column_of(df:where(F.col("s"):rlike("^a")), "k"), "1,2")
  t.eq(column_of(df:where(F.col("s"):startswith("a%")), "k"), "1", "% is the character, not a wildcard")
  t.eq(column_of(df:where(F.col("s"):endswith("_")), "k"), "2")
  t.eq(column_of(df:where(F.col("s"):contains("a%")), "k"), "1,3")
  t.same_table(df:select(F.col("s"):startswith("a")).columns, { "startswith(s, a)" })
  -- a Column too, as PySpark's
  t.eq(column_of(df:where(F.col("s"):contains(F.lit("b"))), "k"), "1,2")
  t.eq(column_of(df:where(F.col("s"):ilike("A%B")), "k"), "1")
  local doubled = df:transform(function(d, factor) return d:select((F.col("k") * factor):alias("k2")) end, 2)
  t.eq(column_of(doubled, "k2"), "2,4,6")
end)

t.run()
