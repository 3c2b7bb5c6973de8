-- DataFrames that hold vector columns and ML metadata: every operator
-- copies vectors intact (one gather kernel), a column reference keeps its
-- field's `ml` metadata through select, alias, withColumnRenamed, drop and
-- withColumn (as Spark keeps attribute metadata), and what vectors cannot
-- do fails with a message naming the column.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local V = ml.Vectors
local F = tide.functions
local spark = tide.session()

local df = spark:createDataFrame({
  { 1, "a", V.dense { 1, 2 } },
  { 2, "b", V.sparse(2, { 1 }, { 5 }) },
  { 3, "a", nil },
  { 4, "c", V.sparse(2, {}, {}) },
}, "id int, s string, v vector")

-- Row values as text: vectors in Spark's form, nil as "null".
local function texts(frame, name)
  local out = {}
  for i, r in ipairs(frame:collect()) do
    local v = r[name]
    out[i] = v == nil and "null" or tostring(v)
  end
  return out
end

-- ---- metadata ----------------------------------------------------------------------------

local indexed = ml.StringIndexer { inputCol = "s", outputCol = "si" }:fit(df):transform(df)

local function meta(frame, name)
  local f = frame.schema.fields[frame.schema:fieldIndex(name)]
  return f and f.ml
end

t.test("the StringIndexer's output carries nominal metadata to begin with", function()
  t.same_table(meta(indexed, "si"), { nominal = true, numValues = 3 })
end)

t.test("a column reference keeps its metadata: select, alias, withColumnRenamed, drop", function()
  t.same_table(meta(indexed:select("si"), "si"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:select(F.col("si"):alias("k")), "k"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:selectExpr("si AS k2"), "k2"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:selectExpr("*"), "si"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:withColumnRenamed("si", "idx"), "idx"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:drop("id"), "si"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:withColumn("id2", F.col("id")), "si"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:withColumn("copy", F.col("si")), "copy"), { nominal = true, numValues = 3 })
end)

t.test("filter, limit, orderBy and union keep the schema's metadata", function()
  t.same_table(meta(indexed:filter("id > 1"), "si"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:limit(2), "si"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:orderBy("id"), "si"), { nominal = true, numValues = 3 })
  t.same_table(meta(indexed:union(indexed), "si"), { nominal = true, numValues = 3 })
end)

t.test("a computed column has no metadata, as in Spark", function()
  t.eq(meta(indexed:select((F.col("si") + 0):alias("k")), "k"), nil)
  t.eq(meta(indexed:selectExpr("CAST(si AS double) AS k"), "k"), nil)
  t.eq(meta(indexed:withColumn("si", F.col("si") * 2), "si"), nil)
  t.eq(meta(indexed:selectExpr("coalesce(si, 0.0) AS k"), "k"), nil)
end)

t.test("OneHotEncoder sizes a renamed, filtered index from its metadata", function()
  -- Only index 0 is left, so without the metadata the size would be 1.
  local renamed = indexed:withColumnRenamed("si", "idx"):filter("s = 'a'")
  local model = ml.OneHotEncoder { inputCol = "idx", outputCol = "oh" }:fit(renamed)
  t.same_table(model.categorySizes:toArray(), { 3 })
  t.same_table(texts(model:transform(renamed), "oh"), { "(2,[0],[1.0])", "(2,[0],[1.0])" })
  t.eq(meta(model:transform(renamed), "oh").size, 2)
  t.eq(meta(model:transform(renamed):select("oh"), "oh").size, 2)
end)

-- ---- operators over vector columns ---------------------------------------------------------

t.test("select, alias, selectExpr, drop and withColumnRenamed pass vectors through", function()
  local want = { "[1.0,2.0]", "(2,[1],[5.0])", "null", "(2,[],[])" }
  t.same_table(texts(df:select("v"), "v"), want)
  t.same_table(texts(df:select(F.col("v"):alias("w")), "w"), want)
  t.same_table(texts(df:selectExpr("v AS w", "id"), "w"), want)
  t.same_table(texts(df:drop("s"), "v"), want)
  t.same_table(texts(df:withColumnRenamed("v", "w"), "w"), want)
  t.eq(df:select("v").schema:simpleString(), "struct<v:vector>")
end)

t.test("filter, limit, union, orderBy, sample and groupBy copy vectors intact", function()
  t.same_table(texts(df:filter("id > 1"), "v"), { "(2,[1],[5.0])", "null", "(2,[],[])" })
  t.same_table(texts(df:filter(F.col("v"):isNotNull()), "id"), { "1", "2", "4" })
  t.same_table(texts(df:limit(2), "v"), { "[1.0,2.0]", "(2,[1],[5.0])" })
  t.same_table(texts(df:union(df:filter("id = 2")), "v"),
    { "[1.0,2.0]", "(2,[1],[5.0])", "null", "(2,[],[])", "(2,[1],[5.0])" })
  t.same_table(texts(df:orderBy(F.col("id"):desc()), "v"), { "(2,[],[])", "null", "(2,[1],[5.0])", "[1.0,2.0]" })
  local a, b = unpack(df:randomSplit({ 0.5, 0.5 }, 7))
  t.eq(a:count() + b:count(), 4)
  local by_id = {}
  for _, part in ipairs({ a, b }) do
    for _, r in ipairs(part:collect()) do by_id[r.id] = r.v == nil and "null" or tostring(r.v) end
  end
  t.same_table(by_id, { "[1.0,2.0]", "(2,[1],[5.0])", "null", "(2,[],[])" })
  t.same_table(texts(df:groupBy("s"):count():orderBy("s"), "count"), { "2", "1", "1" })
end)

t.test("show and collect print and return vectors", function()
  t.eq(df:filter("id <= 2"):toBatch():showString(), table.concat({
    "+---+---+-------------+",
    "| id|  s|            v|",
    "+---+---+-------------+",
    "|  1|  a|    [1.0,2.0]|",
    "|  2|  b|(2,[1],[5.0])|",
    "+---+---+-------------+",
    "" }, "\n"))
  local rows = df:collect()
  t.eq(rows[1].v.size, 2)
  t.eq(rows[2].v[1], 5)
  t.eq(rows[3].v, nil)
end)

t.test("CASE, coalesce and na.drop gather vectors; CAST to string prints them", function()
  t.same_table(texts(df:selectExpr("CASE WHEN id > 1 THEN v END AS c"), "c"),
    { "null", "(2,[1],[5.0])", "null", "(2,[],[])" })
  t.same_table(texts(df:selectExpr("coalesce(v, v) AS c"), "c"),
    { "[1.0,2.0]", "(2,[1],[5.0])", "null", "(2,[],[])" })
  t.same_table(texts(df.na:drop(), "id"), { "1", "2", "4" })
  t.same_table(texts(df:selectExpr("CAST(v AS string) AS c"), "c"),
    { "[1.0,2.0]", "(2,[1],[5.0])", "null", "(2,[],[])" })
end)

t.test("what vectors cannot do fails naming the column", function()
  t.raises(function() df:select(F.col("v") + 1) end, "needs numbers, not vector")
  t.raises(function() df:selectExpr("v = v") end, "v is a vector, which cannot be compared")
  t.raises(function() df:selectExpr("v IN (v)") end, "cannot be compared")
  t.raises(function() df:selectExpr("CAST(v AS int)") end, "cannot cast vector to int")
  t.raises(function() df:orderBy("v") end, "column v is vector, which cannot be a sort key")
  t.raises(function() df:groupBy("v") end, "column v is vector, which cannot be a grouping key")
end)

t.test("handleInvalid = skip drops rows and keeps the other vectors intact", function()
  local data = spark:createDataFrame({
    { 1.0, V.sparse(3, { 2 }, { 7 }) },
    { nil, V.dense { 1, 2, 3 } },
    { 3.0, V.dense { 4, 5, 6 } },
  }, "x double, v vector")
  local asm = ml.VectorAssembler { inputCols = { "x" }, outputCol = "f", handleInvalid = "skip" }
  local out = asm:transform(data)
  t.same_table(texts(out, "v"), { "(3,[2],[7.0])", "[4.0,5.0,6.0]" })
  t.same_table(texts(out, "f"), { "[1.0]", "[3.0]" })
end)

t.run()
