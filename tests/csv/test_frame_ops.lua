-- DataFrame operations for training on batch DataFrames: randomSplit,
-- sample, cache, describe/summary, groupBy/agg, orderBy.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local DATA = (os.getenv("TIDE_SOURCE_DIR") or ".") .. "/tests/csv/data/"
local function avazu()
  return spark.read:format("csv"):option("header", "true"):option("inferSchema", "true")
    :load(DATA .. "avazu_sample.csv")
end

local function column_values(df, name)
  local out = {}
  for i, r in ipairs(df:collect()) do out[i] = r[name] end
  return out
end

local table_of = t.rows

t.test("randomSplit is disjoint, complete and the same for the same seed", function()
  local df = avazu()
  local a, b = unpack(df:randomSplit({ 0.3, 0.7 }, 42))
  local ids_a, ids_b = column_values(a, "id"), column_values(b, "id")
  t.eq(#ids_a + #ids_b, 100)
  t.ok(#ids_a > 15 and #ids_a < 45, "about 30% in the first split: " .. #ids_a)
  local seen = {}
  for _, id in ipairs(ids_a) do seen[id] = true end
  for _, id in ipairs(ids_b) do t.ok(not seen[id], "row in both splits: " .. id); seen[id] = true end
  for _, id in ipairs(column_values(df, "id")) do t.ok(seen[id], "row in no split: " .. id) end
  -- The same seed, the same rows; another seed, other rows.
  local a2 = df:randomSplit({ 3, 7 }, 42)[1]
  t.same_table(column_values(a2, "id"), ids_a)
  t.ok(table.concat(column_values(df:randomSplit({ 0.3, 0.7 }, 7)[1], "id"), ",") ~= table.concat(ids_a, ","))
  -- Three ways, weights normalized.
  local parts = df:randomSplit({ 1, 1, 2 }, 1)
  t.eq(parts[1]:count() + parts[2]:count() + parts[3]:count(), 100)
  t.raises(function() df:randomSplit({ 0, 0 }) end, "more than 0")
end)

t.test("randomSplit over many rows follows the weights", function()
  local rows = {}
  for i = 1, 20000 do rows[i] = { i } end
  local df = spark:createDataFrame(rows, "n int")
  local a, b = unpack(df:randomSplit({ 0.25, 0.75 }, 3))
  local na, nb = a:count(), b:count()
  t.eq(na + nb, 20000)
  t.ok(math.abs(na / 20000 - 0.25) < 0.02, "share " .. na / 20000)
end)

t.test("sample keeps about the fraction, repeatably", function()
  local rows = {}
  for i = 1, 10000 do rows[i] = { i } end
  local df = spark:createDataFrame(rows, "n int")
  local s = df:sample(0.1, 5)
  local n = s:count()
  t.ok(n > 850 and n < 1150, "sampled " .. n)
  t.same_table(column_values(df:sample(false, 0.1, 5), "n"), column_values(s, "n"))
  t.eq(df:sample(0.0, 1):count(), 0)
  t.eq(df:sample(1.0, 1):count(), 10000)
  t.raises(function() df:sample(true, 0.5) end, "withReplacement")
end)

t.test("cache computes once and later actions reuse the rows", function()
  local reads = 0
  local b = tide.batch.fromRows({ { 1 }, { 2 } }, "n int")
  local plan = { kind = "scan", schema = b:schema(), source = {
    read = function() reads = reads + 1; return b end } }
  local df = require("tide.dataframe").new(spark, plan, false)
  t.eq(df:cache(), df)
  t.eq(df:count(), 2)
  t.eq(df:count(), 2)
  t.eq(#df:orderBy("n"):collect(), 2)
  t.eq(reads, 1)
  df:unpersist()
  df:count()
  t.eq(reads, 2)
end)

t.test("describe gives Spark's count, mean, stddev, min and max as strings", function()
  local df = spark:createDataFrame({ { 1, 2.0, "b", "10" }, { 2, nil, "a", "20" }, { 3, 4.0, nil, "30" },
    { 4, 6.0, "c", "40" } }, "i int, d double, s string, dec decimal(10,2)")
  t.same_table(table_of(df:describe()), {
    "count|4|3|3|4",
    "mean|2.5|4.0|null|25.000000",
    "stddev|1.2909944487358056|2.0|null|12.909944487358056",
    "min|1|2.0|a|10.00",
    "max|4|6.0|c|40.00",
  })
  t.same_table(df:describe("d").columns, { "summary", "d" })
  local click = avazu():describe("click"):collect()
  t.eq(click[1].click, "100")
  t.eq(click[2].click, "0.2") -- 20 clicks in the 100 real rows
  t.eq(click[4].click, "0")
  t.eq(click[5].click, "1")
end)

t.test("summary adds exact percentiles", function()
  local rows = {}
  for i = 1, 100 do rows[i] = { i } end
  local df = spark:createDataFrame(rows, "n int")
  t.same_table(table_of(df:summary()), {
    "count|100", "mean|50.5", "stddev|29.011491975882016", "min|1", "25%|25", "50%|50", "75%|75", "max|100",
  })
  t.same_table(table_of(df:summary("min", "90%")), { "min|1", "90%|90" })
end)

t.test("groupBy counts and aggregates, keys in order of first appearance", function()
  local df = spark:createDataFrame({
    { "a", 1, 10.0 }, { "b", 2, nil }, { "a", 3, 30.0 }, { nil, 4, 40.0 }, { "b", nil, 5.0 }, { nil, 6, 60.0 },
  }, "k string, n int, x double")
  t.same_table(table_of(df:groupBy("k"):count()), { "a|2", "b|2", "null|2" })
  t.same_table(df:groupBy("k"):count().columns, { "k", "count" })
  local agg = df:groupBy("k"):agg(F.avg("n"), F.sum("n"), F.min("x"), F.max("x"), F.count("x"),
    F.count("*"):alias("rows"))
  t.same_table(agg.columns, { "k", "avg(n)", "sum(n)", "min(x)", "max(x)", "count(x)", "rows" })
  t.same_table(agg.dtypes, { { "k", "string" }, { "avg(n)", "double" }, { "sum(n)", "bigint" },
    { "min(x)", "double" }, { "max(x)", "double" }, { "count(x)", "bigint" }, { "rows", "bigint" } })
  t.same_table(table_of(agg), {
    "a|2.0|4|10.0|30.0|2|2",
    "b|2.0|2|5.0|5.0|1|2",
    "null|5.0|10|40.0|60.0|2|2",
  })
  t.same_table(table_of(df:groupBy("k"):agg({ n = "max", x = "avg" })), { "a|3|20.0", "b|2|5.0", "null|6|50.0" })
  t.same_table(table_of(df:agg(F.max("n"), F.count("*"))), { "6|6" })
  t.same_table(table_of(df:groupBy():sum()), { "16|145.0" })
  t.raises(function() df:groupBy("nope") end, 'cannot resolve column "nope"')
  t.raises(function() df:groupBy("k"):agg(F.avg("k")) end, "cannot take")
end)

t.test("count(NULL) counts no row, count of another literal every row, as Spark's", function()
  local df = spark:createDataFrame({ { "a", 1 }, { "b", nil }, { "a", 3 } }, "k string, n int")
  local all = df:agg(F.expr("count(NULL)"), F.count(F.lit(nil)):alias("none"), F.expr("count(1)"), F.count(F.lit("x")),
    F.expr("count(*)"), F.count("n"))
  t.same_table(all.columns, { "count(NULL)", "none", "count(1)", "count(x)", "count(1)", "count(n)" })
  t.same_table(all.dtypes[1], { "count(NULL)", "bigint" })
  t.same_table(table_of(all), { "0|0|3|3|3|2" })
  t.same_table(table_of(df:groupBy("k"):agg(F.expr("count(NULL)"), F.count(F.lit(1)))), { "a|0|2", "b|0|1" })
  t.same_table(table_of(df:filter("n > 5"):agg(F.expr("count(NULL)"))), { "0" })
end)

t.test("sum and avg of decimals: exact, half up, null past their types as in Spark's non-ANSI mode", function()
  local nines = ("9"):rep(38)
  local function agg(rows, ddl)
    local df = spark:createDataFrame(rows, ddl)
    return df:agg(F.sum("x"), F.avg("x"))
  end
  -- sum is decimal(min(38, p + 10), s), avg decimal(min(38, p + 4), min(38, s + 4)).
  local ten = {}
  for i = 1, 10 do ten[i] = { "5" .. ("0"):rep(33) } end
  local big = agg(ten, "x decimal(38,0)")
  t.same_table(big.dtypes, { { "sum(x)", "decimal(38,0)" }, { "avg(x)", "decimal(38,4)" } })
  t.same_table(table_of(big), { "5" .. ("0"):rep(34) .. "|5" .. ("0"):rep(33) .. ".0000" })
  t.same_table(table_of(agg({ { nines }, { "1" } }, "x decimal(38,0)")), { "null|null" })
  t.same_table(table_of(agg({ { nines }, { nines }, { "1" } }, "x decimal(38,0)")), { "null|null" })
  t.same_table(table_of(agg({ { ("9"):rep(34) .. ".9999" }, { "1" } }, "x decimal(38,4)")), { "null|null" })
  -- The sum may pass 38 digits on the way, as Spark's exact one: only the result is checked.
  local back = { { nines }, { "5" .. ("0"):rep(37) }, { "-" .. nines }, { "-4" .. ("9"):rep(35) .. "88" } }
  t.same_table(table_of(agg(back, "x decimal(38,0)")), { "12|3.0000" })
  -- avg rounds half up (away from zero) at its scale.
  local zeros = { { "-1" } }
  for i = 2, 32 do zeros[i] = { "0" } end
  t.same_table(table_of(agg({ { "1" }, { "1" }, { "2" } }, "x decimal(10,0)")), { "4|1.3333" })
  t.same_table(table_of(agg({ { "-2" }, { "-2" }, { "-1" } }, "x decimal(10,0)")), { "-5|-1.6667" })
  t.same_table(table_of(agg(zeros, "x decimal(1,0)")), { "-1|-0.0313" })
  -- Each group on its own: one overflowing group leaves the others.
  local by_k = spark:createDataFrame({ { "a", nines }, { "b", "1" }, { "a", "1" }, { "b", "2" } },
    "k string, x decimal(38,0)"):groupBy("k"):agg(F.sum("x"), F.avg("x"))
  t.same_table(table_of(by_k), { "a|null|null", "b|3|1.5000" })
end)

t.test("groupBy over the real Avazu rows: clicks per banner position", function()
  local g = avazu():groupBy("banner_pos", "click"):count():orderBy("banner_pos", "click")
  local total = 0
  local rows = g:collect()
  for _, r in ipairs(rows) do total = total + r.count end
  t.eq(total, 100)
  t.eq(rows[1].banner_pos, 0)
  t.eq(rows[1].click, 0)
  local by_click = avazu():groupBy("click"):agg(F.count("*"):alias("n")):orderBy("click"):collect()
  t.eq(by_click[1].n, 80)
  t.eq(by_click[2].n, 20)
end)

t.test("orderBy sorts by several keys, stable, with Spark's null placement", function()
  local df = spark:createDataFrame({
    { 2, "x", 1 }, { 1, "y", 2 }, { nil, "z", 3 }, { 2, "a", 4 }, { 1, nil, 5 }, { 0 / 0, "n", 6 },
  }, "d double, s string, i int")
  t.same_table(column_values(df:orderBy("d"), "i"), { 3, 2, 5, 1, 4, 6 })
  t.same_table(column_values(df:orderBy(F.desc("d")), "i"), { 6, 1, 4, 2, 5, 3 })
  t.same_table(column_values(df:orderBy("d", F.col("s"):desc()), "i"), { 3, 2, 5, 1, 4, 6 })
  t.same_table(column_values(df:orderBy({ "d", "s" }, { ascending = { false, true } }), "i"), { 6, 4, 1, 5, 2, 3 })
  t.same_table(column_values(df:sort("s", { ascending = false }), "i"), { 3, 2, 1, 6, 4, 5 })
  t.same_table(column_values(df:orderBy(F.asc_nulls_last("s")), "i"), { 4, 6, 1, 2, 3, 5 })
  -- Decimal ids above 2^63 sort by value, not as text.
  local ids = column_values(avazu():orderBy(F.desc("id")), "id")
  t.eq(ids[1], "10015745448500295401")
  t.eq(ids[100], "100156980486870304")
end)

t.test("orderBy orders every type by value: decimals past 2^63, negatives, long shared prefixes", function()
  local df = spark:createDataFrame({
    { "18446744073709551615", -5, -0.0, "prefix__b", 1 },
    { "-18446744073709551616", 7, 3.5, "prefix__a", 2 },
    { "9223372036854775808", -2147483648, -1e300, "prefix__", 3 },
    { "9223372036854775807", 2147483647, 0.0, "prefix__ab", 4 },
    { "-1", 0, 1e-300, "", 5 },
    { "18446744073709551614", 1, -1e-300, "Prefix__a", 6 },
  }, "d decimal(38,0), i int, x double, s string, id int")
  t.same_table(column_values(df:orderBy("d"), "id"), { 2, 5, 4, 3, 6, 1 })
  t.same_table(column_values(df:orderBy(F.desc("d")), "id"), { 1, 6, 3, 4, 5, 2 })
  t.same_table(column_values(df:orderBy("i"), "id"), { 3, 1, 5, 6, 2, 4 })
  t.same_table(column_values(df:orderBy("x"), "id"), { 3, 6, 1, 4, 5, 2 })
  t.same_table(column_values(df:orderBy("s"), "id"), { 5, 6, 3, 2, 4, 1 })
end)

t.run()
