-- Sliced execution (tide.execution execute_sliced): a chain of row-wise
-- operators over a scan runs over slices of the scan's batch, and gives
-- what it gives over the whole batch: the same rows in the same order, the
-- same malformed and dropped counts, errors naming the row of the whole
-- batch. Plans with operators that need whole batches (limit, aggregate,
-- sort) still see them.
local t = require("testing")
local tide = require("tide")
local ffi = require("ffi")
local dataframe = require("tide.dataframe")
local execution = require("tide.execution")
local batchlib = require("tide.batch")
local F, T, ml = tide.functions, tide.types, tide.ml
local spark = tide.session()

local N, SLICE = 10000, 1000
-- Malformed records in the first, a middle and the last slice.
local BAD = { [5] = true, [2503] = true, [7777] = true, [9999] = true }
local SITES = { "a", "b", "c", "d", "unseen" }

local rows = {}
for i = 0, N - 1 do
  local text
  if BAD[i] then
    text = ('{"id": %d, "site": "x'):format(i) -- cut short
  else
    text = ('{"id": %d, "site": "%s", "score": %d.25, "tag": %s}'):format(i, SITES[i % 5 + 1], i % 97,
      i % 3 == 0 and "null" or ('"t' .. i % 11 .. '"'))
  end
  rows[#rows + 1] = { text }
end
local raw = spark:createDataFrame(rows, "value string")
local schema = T.struct { T.field("id", T.long), T.field("site", T.string), T.field("score", T.double),
                          T.field("tag", T.string) }

-- Every cell of a batch as text, row by row.
local function cells(b)
  local out = {}
  for c = 0, b.num_columns - 1 do
    local col = b.columns[c]
    for i = 0, b:count() - 1 do out[#out + 1] = batchlib.cellText(col, i) end
  end
  return out
end

-- Runs df's plan with slices of `size` rows (0: whole) and returns the
-- result, its context and the error when it failed.
local function run(df, size, describe, now)
  local ctx = execution.context(nil, size)
  ctx.describeRow = describe
  ctx.batchTimestampUs = now
  local ok, out = pcall(execution.execute, df._plan, ctx)
  if not ok then return nil, ctx, out end
  return out, ctx
end

-- Runs df whole and sliced, checks they agree, returns the sliced result
-- and context.
local function same_sliced(df, what)
  -- (one current_timestamp() for both, as a query's batch has)
  local whole, wctx, werr = run(df, 0, nil, 1.7e15)
  local sliced, sctx, serr = run(df, SLICE, nil, 1.7e15)
  t.eq(serr, werr, what .. ": error")
  if werr then return nil, sctx end
  t.eq(sliced:count(), whole:count(), what .. ": rows")
  t.same_table(sliced:columnNames(), whole:columnNames(), what .. ": columns")
  local a, b = cells(sliced), cells(whole)
  t.eq(#a, #b, what .. ": cells")
  for i = 1, #a do
    if a[i] ~= b[i] then t.eq(a[i], b[i], ("%s: cell %d (row %d)"):format(what, i, (i - 1) % whole:count())) end
  end
  t.eq(sctx.malformed, wctx.malformed, what .. ": malformed rows")
  t.eq(sctx.dropped, wctx.dropped, what .. ": dropped rows")
  return sliced, sctx
end

t.test("projections, from_json and filters give the same rows and counts over slices", function()
  local df = raw:select(F.from_json("value", schema):alias("j")):select("j.*")
    :filter("id % 7 <> 3 OR id IS NULL")
    :withColumn("label", F.concat(F.col("site"), F.lit("/"), F.coalesce(F.col("tag"), F.lit("-"))))
    :withColumn("at", F.current_timestamp())
  local out, ctx = same_sliced(df, "PERMISSIVE")
  t.eq(ctx.malformed, 4, "every malformed record counted once")
  t.ok(out:count() > N * 0.8, "most rows pass the filter")
  -- one timestamp for the whole batch, not one per slice
  out = run(df, SLICE)
  local at = out:column("at")
  t.eq(at:get(out:count() - 1), at:get(0), "current_timestamp is the batch's")
end)

t.test("DROPMALFORMED drops the same rows from every slice and counts them", function()
  local df = raw:select(F.from_json("value", schema, { mode = "DROPMALFORMED" }):alias("j"), "value")
    :select("j.id", "j.site", "value")
  local out, ctx = same_sliced(df, "DROPMALFORMED")
  t.eq(out:count(), N - 4)
  t.eq(ctx.malformed, 4)
  t.eq(ctx.dropped, 4)
  -- rows 5 and 2503 were dropped, each in its own slice
  t.eq(out:column("id"):get(2501), 2502)
  t.eq(out:column("id"):get(2502), 2504)
end)

t.test("FAILFAST names the row of the whole batch, not of the slice", function()
  local good = {}
  for i = 0, N - 1 do good[i + 1] = { i == 7777 and "{oops" or ('{"id": %d}'):format(i) } end
  local df = spark:createDataFrame(good, "value string")
    :select(F.from_json("value", "id long", { mode = "FAILFAST" }):alias("j"))
  local asked = {}
  local function describe(row)
    asked[#asked + 1] = row
    return "input row " .. row
  end
  local _, _, werr = run(df, 0, describe)
  local _, sctx, serr = run(df, SLICE, describe)
  t.ok(werr and werr:find("(input row 7777)", 1, true), "whole: " .. tostring(werr))
  t.eq(serr, werr, "the same message sliced")
  t.same_table(asked, { 7777, 7777 })
  t.eq(sctx.describeRow, describe, "the context's describeRow is the caller's again")
end)

t.test("an operator's error counts the rows it saw in earlier slices, after rows were dropped", function()
  local parsed = raw:select(F.from_json("value", schema, { mode = "DROPMALFORMED" }):alias("j")):select("j.*")
  local train = parsed:filter("site <> 'unseen'")
  local si = ml.StringIndexer { inputCol = "site", outputCol = "si" }:fit(train) -- handleInvalid "error"
  local df = si:transform(parsed:filter("site <> 'unseen' OR id = 8004"))
  local _, _, werr = run(df, 0)
  local _, _, serr = run(df, SLICE)
  t.ok(werr and werr:find("Unseen label: unseen", 1, true), tostring(werr))
  t.eq(serr, werr)
end)

t.test("a fitted pipeline scores slices as it scores the whole batch; skipped rows count", function()
  local parsed = raw:select(F.from_json("value", schema):alias("j")):select("j.*").na:drop()
  local train = parsed:filter("site <> 'unseen' AND id < 600")
  local si = ml.StringIndexer { inputCol = "site", outputCol = "si", handleInvalid = "skip" }:fit(train)
  local ti = ml.StringIndexer { inputCol = "tag", outputCol = "ti", handleInvalid = "keep" }:fit(train)
  local ohe = ml.OneHotEncoder { inputCols = { "si", "ti" }, outputCols = { "sv", "tv" } }:fit(si:transform(ti:transform(train)))
  local asm = ml.VectorAssembler { inputCols = { "sv", "tv", "score" }, outputCol = "features" }
  local assembled = ml.PipelineModel.fromStages({ si, ti, ohe, asm })
  local coefficients = {}
  local width = assembled:transform(train):toBatch()
  width = width.columns[width.num_columns - 1].vector_size
  for k = 1, width do coefficients[k] = (k % 5 - 2) / 10 end
  local lr = ml.LogisticRegressionModel.fromCoefficients(coefficients, 0.2)
  local model = ml.PipelineModel.fromStages({ si, ti, ohe, asm, lr })
  local features = model:transform(parsed)
  -- (the skip warning of each run goes nowhere)
  local stderr = io.stderr
  io.stderr = { write = function() end }
  local ok, err = pcall(function()
    local out, ctx = same_sliced(features:select("id", "si", "sv", "tv", "features", "probability"), "pipeline")
    t.ok(ctx.dropped > N / 10, "the unseen sites were skipped: " .. ctx.dropped)
    t.eq(out:count() + ctx.dropped, parsed:count())
  end)
  io.stderr = stderr
  if not ok then error(err, 0) end
end)

t.test("limit, aggregation and sort over a sliced chain see the whole batch", function()
  local parsed = raw:select(F.from_json("value", schema):alias("j")):select("j.*")
  same_sliced(parsed:filter("id > 1500"):limit(2500), "limit")
  local agg = same_sliced(parsed:groupBy("site"):agg(F.count("*"):alias("n"), F.sum("score"):alias("s")), "groupBy")
  t.eq(agg:count(), 6, "five sites and null")
  same_sliced(parsed:orderBy(F.desc("score"), "id"), "orderBy")
  local u = same_sliced(parsed:select("id"):union(parsed:select("id")), "union")
  t.eq(u:count(), 2 * N)
end)

t.test("columns passed through from the input are joined back without a copy", function()
  local df = raw:select("value", F.length("value"):alias("n"))
  local input = df._plan.child.source:read()
  local out = run(df, SLICE)
  local a, b = out:column("value"), input:column("value")
  t.eq(out:count(), N)
  t.ok(a.col.data == b.col.data and a.col.values == b.col.values, "the value column is the input's")
  -- a filter that drops rows in some slices copies: still the same rows
  -- (ids from 7: slices 0 and 7 lose rows, the others keep them all)
  local f = same_sliced(raw:filter("value NOT LIKE '{\"id\": 7%'"):select("value"), "filtered")
  t.eq(f:count(), N - 1111)
  same_sliced(raw:filter("length(value) > 20"):select("value"), "filter dropping few")
  -- a struct column (with nulls in its fields) of a cached scan, passed through
  local parsed = raw:select(F.from_json("value", schema):alias("j"), "value"):cache()
  local s = same_sliced(parsed:select("j", F.col("j.site"):alias("site")), "struct")
  t.ok(s.columns[0].children[1].data == parsed:toBatch().columns[0].children[1].data, "the struct is the input's")
end)

t.test("DataFrame actions slice by spark.tide.sliceRows; 0 turns it off; bad values are refused", function()
  t.eq(execution.sliceRows(spark, true), execution.DEFAULT_SLICE_ROWS, "streaming micro-batches slice by default")
  t.eq(execution.sliceRows(spark), 0, "batch actions do not, unless asked")
  local df = raw:select(F.from_json("value", schema):alias("j")):select("j.id")
  local whole
  spark.conf:set("spark.tide.sliceRows", 0)
  whole = cells(df:toBatch())
  spark.conf:set("spark.tide.sliceRows", 333)
  t.ok(t.same(cells(df:toBatch()), whole), "the same rows with slices of 333")
  t.raises(function() spark.conf:set("spark.tide.sliceRows", "many") end, "spark.tide.sliceRows must be a whole number")
  spark.conf:unset("spark.tide.sliceRows")
end)

t.test("the intermediates of finished slices are freed while later slices run", function()
  -- ~25 MB of strings per 10000-row batch; each slice's share is freed
  -- before the next, so the arenas stay far below the whole batch's.
  local big = {}
  for i = 1, 20000 do big[i] = { ('{"id": %d, "site": "%s"}'):format(i, string.rep("s", 300)) } end
  local df = spark:createDataFrame(big, "value string")
    :select(F.from_json("value", schema):alias("j")):select("j.site")
    :select(F.upper("site"):alias("u")):select(F.lower("u"):alias("l")):select(F.length("l"):alias("n"))
  big = nil
  collectgarbage("collect")
  local base = batchlib.arenaStats().bytes
  local most = 0
  local ctx = execution.context(nil, 1000)
  local stats = ffi.new("tide_arena_stats")
  local plain = ctx.stateOf
  ctx.stateOf = function(op)
    require("tide.ffi").tide_arena_stats_get(stats)
    most = math.max(most, tonumber(stats.bytes) - base)
    return plain(op)
  end
  local out = execution.execute(df._plan, ctx)
  t.eq(out:count(), 20000)
  -- whole: from_json's strings, upper's and lower's (3 x 6 MB and more)
  t.ok(most < 16 * 2 ^ 20, ("arena bytes held while slicing at most %.1f MB"):format(most / 2 ^ 20))
end)

t.test("a finished slice's intermediates are freed at once, without a garbage collection", function()
  local big = {}
  for i = 1, 8000 do big[i] = { ('{"id": %d, "site": "%s"}'):format(i, string.rep("s", 3000)) } end
  local df = spark:createDataFrame(big, "value string")
    :select(F.from_json("value", schema):alias("j")):select("j.site")
    :select(F.upper("site"):alias("u")):select(F.length("u"):alias("n"))
  big = nil
  batchlib.reclaim(0) -- a collection now: what the arenas hold is the input's
  local collections, plain = 0, collectgarbage
  collectgarbage = function(what, ...) -- luacheck: ignore (counted while the plan runs)
    if what == "collect" then collections = collections + 1 end
    return plain(what, ...)
  end
  local ok, out = pcall(execution.execute, df._plan, execution.context(nil, 1000))
  collectgarbage = plain -- luacheck: ignore
  t.ok(ok, tostring(out))
  t.eq(out:count(), 8000)
  t.eq(out:column("n"):get(0), 3000)
  -- Each slice made ~6 MB (from_json's strings and upper's), past the 4 MB
  -- a slice may leave to a collection: freed with the slice, none was needed.
  t.eq(collections, 0, "full collections while slicing")
end)

t.test("release lets a wrapped batch go at once, and once; a viewed one is left to the collector", function()
  local C = require("tide.ffi")
  local arenas = function() return batchlib.arenaStats().arenas end
  local b = batchlib.wrap(C.tide_batch_new(0))
  local before = arenas()
  batchlib.release(b)
  t.eq(arenas(), before - 1, "freed by release")
  batchlib.release(b)
  t.eq(arenas(), before - 1, "released once")
  local viewed = batchlib.wrap(C.tide_batch_new(0))
  local view = batchlib.columnView(nil, viewed)
  before = arenas()
  batchlib.release(viewed)
  t.eq(arenas(), before, "a viewed batch stays")
  t.ok(view.batch == viewed)
end)

t.test("a column view a UDF keeps outlives its slice, intact", function()
  local kept = {}
  local keep = F.udf(function(n, out, x)
    kept[#kept + 1] = x -- a view into the slice's batches, kept past the call
    local o = out:values()
    for i = 0, n - 1 do o[i] = i end
  end, "int")
  local words = {}
  for i = 1, 1000 do words[i] = { ("word-%04d-"):format(i) .. string.rep("x", 200) } end
  local df = spark:createDataFrame(words, "w string"):select(F.upper("w"):alias("u"))
    :select(keep(F.col("u")):alias("k"))
  local out = execution.execute(df._plan, execution.context(nil, 100))
  t.eq(out:count(), 1000)
  t.eq(#kept, 10)
  -- Freed memory would be handed out again by these.
  for _ = 1, 20 do spark:createDataFrame(words, "w string"):select(F.lower("w")):toBatch() end
  for k, view in ipairs(kept) do
    t.eq(view:get(0), ("WORD-%04d-"):format((k - 1) * 100 + 1) .. string.rep("X", 200), "slice " .. k)
  end
end)

t.run()
