-- tide.ml.fused — a fitted pipeline of StringIndexer, OneHotEncoder,
-- VectorAssembler and MinMaxScaler stages ending in a
-- LogisticRegressionModel (the seed's shape) scored in one pass over its
-- input columns (tide_ml_linear_score), without building the columns in
-- between: the model is a sum over the features those stages would make,
-- each of which comes from one input column. tide.optimizer uses it when
-- nothing after the pipeline reads those columns; they are then columns
-- of nulls. Scores are the same bits as the stages give; a row that one
-- of them would fail on makes the batch run through the stages, so errors
-- are theirs too.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local base = require("tide.ml.base")

local M = {}

local INVALID = { error = C.TIDE_ML_ERROR, skip = C.TIDE_ML_SKIP, keep = C.TIDE_ML_KEEP }
local NUMERIC = { [T.ID.boolean] = true, [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true,
                  [T.ID.double] = true }
local TEXT = { [T.ID.string] = true, [T.ID.binary] = true }

-- What each kind of stage makes of the columns described so far (cols:
-- name -> description): an index ({ index = term }), or a vector ({ size,
-- terms }), terms being the fields of a tide_ml_linear_term in feature
-- order (positions from 0 within the vector). False when the stage is not
-- one this scorer knows in a shape it can score.
local describe = {}

-- A copy of term t with `changes` over it.
local function with(t, changes)
  local copy = {}
  for key, v in pairs(t) do copy[key] = v end
  for key, v in pairs(changes) do copy[key] = v end
  return copy
end

function describe.StringIndexerModel(stage, cols, input)
  local mode = stage:getOrDefault("handleInvalid")
  if mode == "skip" then return false end
  local ins, outs = base.columnPairs(stage)
  for k, name in ipairs(ins) do
    local f = input[name]
    if not f or not TEXT[f.dataType.id] or cols[name] then return false end
    cols[outs[k]] = { index = { kind = C.TIDE_ML_TERM_ONE_HOT, column = name, dict = stage.dicts[k],
                                unseen = INVALID[mode] } }
  end
  return true
end

function describe.OneHotEncoderModel(stage, cols)
  local keep = stage:getOrDefault("handleInvalid") == "keep"
  local drop_last = stage:getOrDefault("dropLast")
  local ins, outs = base.columnPairs(stage)
  for k, name in ipairs(ins) do
    local c = cols[name]
    if not (c and c.index) then return false end
    local categories = stage.categorySizes.values[k]
    local size = math.max(0, categories + (keep and 1 or 0) - (drop_last and 1 or 0))
    local term = with(c.index, { position = 0, categories = categories, block_size = size,
                                 ohe_invalid = keep and C.TIDE_ML_KEEP or C.TIDE_ML_ERROR })
    cols[outs[k]] = { size = size, terms = { term } }
  end
  return true
end

function describe.VectorAssembler(stage, cols, input)
  local mode = INVALID[stage:getOrDefault("handleInvalid")]
  local terms, size = {}, 0
  for _, name in ipairs(stage:need("inputCols")) do
    local c = cols[name]
    if c and c.terms then
      for _, t in ipairs(c.terms) do terms[#terms + 1] = with(t, { position = t.position + size }) end
      size = size + c.size
    elseif not c and input[name] and NUMERIC[input[name].dataType.id] then
      terms[#terms + 1] = { kind = C.TIDE_ML_TERM_NUMERIC, column = name, position = size, invalid = mode,
                            skipper = mode == C.TIDE_ML_SKIP and stage or nil }
      size = size + 1
    else
      return false
    end
  end
  cols[stage:getOrDefault("outputCol") or (stage.uid .. "__output")] = { size = size, terms = terms }
  return true
end

function describe.MinMaxScalerModel(stage, cols)
  local c = cols[stage:need("inputCol")]
  local affine = stage:affine()
  if not (c and c.terms) or c.size ~= affine.size then return false end
  local terms = {}
  for k, t in ipairs(c.terms) do
    if t.kind ~= C.TIDE_ML_TERM_NUMERIC or t.scaled then return false end
    local j = t.position
    terms[k] = with(t, { scaled = 1, dense = affine.dense, shift = affine.shift[j], mult = affine.mult[j],
                         add = affine.add[j] })
  end
  cols[stage:getOrDefault("outputCol") or (stage.uid .. "__output")] = { size = c.size, terms = terms }
  return true
end

-- The scorer of stages (a PipelineModel's, in order) over a DataFrame of
-- schema `schema`, or nil when they are not of the shape above.
function M.compile(stages, schema)
  local lr = stages[#stages]
  if #stages < 2 or lr._name ~= "LogisticRegressionModel" or lr._multinomial then return nil end
  local input = {}
  for _, f in ipairs(schema.fields) do input[f.name] = f end
  local cols = {}
  for i = 1, #stages - 1 do
    local d = describe[stages[i]._name]
    if not (d and d(stages[i], cols, input)) then return nil end
  end
  local features = cols[lr:getOrDefault("featuresCol")]
  if not (features and features.terms) or features.size ~= lr.numFeatures then return nil end
  -- The kernel's terms, filled once; each batch sets only their columns.
  local terms, skipper = features.terms, nil
  local index = {}
  for i, f in ipairs(schema.fields) do index[f.name] = i - 1 end
  local arr = ffi.new("tide_ml_linear_term[?]", #terms)
  for k, t in ipairs(terms) do
    t.columnIndex = index[t.column]
    skipper = skipper or t.skipper
    local a = arr[k - 1]
    a.kind, a.position, a.invalid = t.kind, t.position, t.invalid or 0
    a.scaled, a.dense = t.scaled or 0, t.dense or 0
    a.shift, a.mult, a.add = t.shift or 0, t.mult or 1, t.add or 0
    a.dict, a.unseen = t.dict, t.unseen or 0
    a.categories, a.ohe_invalid, a.block_size = t.categories or 0, t.ohe_invalid or 0, t.block_size or 0
  end
  local outputs = {}
  for _, key in ipairs({ "rawPredictionCol", "probabilityCol", "predictionCol" }) do
    local name = lr:getOrDefault(key)
    if name and name ~= "" then outputs[key] = name end
  end
  return { terms = terms, array = arr, lr = lr, outputs = outputs, skipper = skipper,
           skipped = skipper and "null or NaN values in " .. table.concat(skipper:need("inputCols"), ", "),
           skipperCol = skipper and (skipper:getOrDefault("outputCol") or (skipper.uid .. "__output")) }
end

local errbuf = ffi.new("char[1024]")

-- Fills out (input's columns, then `fields`, the pipeline's new columns)
-- with the scores and nulls for the rest. Returns out without the rows a
-- skipping assembler drops, or nil when the stages must run instead.
function M.score(scorer, input, out, fields, ctx, skip_state)
  local n_in, rows = input.num_columns, input:count()
  local terms, arr = scorer.terms, scorer.array
  for k, t in ipairs(terms) do arr[k - 1].column = input.columns + t.columnIndex end
  local slot = {}
  for k, f in ipairs(fields) do
    local col = out.columns[n_in + k - 1]
    local name = f.name
    local key = name == scorer.outputs.rawPredictionCol and "raw" or name == scorer.outputs.probabilityCol and "prob"
      or name == scorer.outputs.predictionCol and "pred" or nil
    if key then
      slot[key] = col
      col.name = C.tide_arena_strdup(out.arena, name)
    elseif C.tide_column_init_nulls(out, col, name, f.dataType.id, f.ml and f.ml.size or 0, rows) ~= 0 then
      error("out of memory", 0)
    end
  end
  local drop = scorer.skipper and ffi.new("uint8_t[?]", math.max(rows, 1)) or nil
  local lr = scorer.lr
  local w, nf, b = lr._coef, lr.numFeatures, lr.intercept
  local rc = tonumber(C.tide_ml_linear_score(out, arr, #terms, rows, w, nf, b, lr:getThreshold(),
    slot.raw, slot.prob, slot.pred, drop, errbuf, 1024))
  if rc == -2 then return nil end
  if rc < 0 then error(("%s: %s"):format(lr.uid, ffi.string(errbuf)), 0) end
  out.num_rows = rows
  if rc > 0 then
    -- The skipping stage's output field stands for the DataFrame its
    -- transform made, as when the stages run (base.dropInvalid): actions
    -- fused or not share one warning.
    local frame
    for _, f in ipairs(fields) do if f.name == scorer.skipperCol then frame = f end end
    out = base.dropInvalid(out, drop, ctx, skip_state, scorer.skipper, scorer.skipped, frame)
  end
  return out
end

return M
