-- tide.ml.base — what every ML stage shares: Spark's Params and uids
-- (tide.ml.params, given here under the same names), errors raised at the
-- user's line, the input and output columns, and the plan operator that adds
-- columns to a DataFrame (batch or streaming alike), with handleInvalid
-- "skip" rows dropped, counted in ctx.dropped and warned about once per
-- streaming query or batch DataFrame (dropInvalid).
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local dataframe = require("tide.dataframe")
local params = require("tide.ml.params")

local M = {}

M.errbuf = ffi.new("char[1024]")
M.errlen = 1024
function M.lastError() return ffi.string(M.errbuf) end

-- ---- errors --------------------------------------------------------------------------

-- Raises msg at the line of the user's script that led here (the
-- innermost frame outside tide's modules), however deep in tide the check
-- is: a fit fails at the script's `:fit(df)` line even under pcall, never
-- at "lua/tide/ml/base.lua:200". Only for checks made during the user's
-- call (fit, transform, evaluate); an operator's errors, raised while an
-- action runs, stay without a place (the host places them).
M.fail = checks.failAtUser

-- A kernel's result: its error names who (and the row, from the kernel).
-- In an operator (while an action runs) the error has no place, which the
-- host adds; at_caller (fit, which the user calls) raises it at the user's
-- line.
function M.check(rc, who, at_caller)
  if rc < 0 then
    local msg = who .. ": " .. M.lastError()
    if at_caller then M.fail(msg) end
    error(msg, 0)
  end
  return rc
end

-- ---- Params and uids (tide.ml.params) ----------------------------------------------------

M.uid, M.REQUIRED, M.NONE, M.Params = params.uid, params.REQUIRED, params.NONE, params.Params
M.class, M.inherit, M.paramJson, M.paramFromJson = params.class, params.inherit, params.paramJson, params.paramFromJson
M.paramAttribute, M.isParam = params.paramAttribute, params.isParam

-- ---- input and output columns ----------------------------------------------------------

-- inputCol/outputCol or inputCols/outputCols as two lists. Exactly one of
-- inputCol and inputCols, and no output param of the other kind, as
-- Spark's checkSingleVsMultiColumnParams (with its messages).
function M.columnPairs(stage)
  local name = stage._name
  local ins, outs = stage:getOrDefault("inputCols"), stage:getOrDefault("outputCols")
  local i, o = stage:getOrDefault("inputCol"), stage:getOrDefault("outputCol")
  if ins and i then
    M.fail(("%s requires exactly one of inputCol, inputCols Params to be set, but both are set."):format(name))
  end
  if ins then
    if o then
      M.fail(("%s has the inputCols Param set for multi-column transform. The following Params are not "
        .. "applicable and should not be set: outputCol."):format(name))
    end
    outs = outs or {}
    if #outs ~= #ins then
      M.fail(("%s: inputCols has %d columns and outputCols %d"):format(name, #ins, #outs))
    end
    return ins, outs
  end
  if not i then
    M.fail(("%s requires exactly one of inputCol, inputCols Params to be set, but neither is set."):format(name))
  end
  if outs then
    M.fail(("%s has the inputCol Param set for single-column transform. The following Params are not "
      .. "applicable and should not be set: outputCols."):format(name))
  end
  return { i }, { o or (stage.uid .. "__output") }
end

-- The field of a column the stage `who` reads; a missing one fails at the
-- user's line naming the stage and the columns there are.
function M.fieldOf(schema, name, who)
  local idx = schema:fieldIndex(name)
  if not idx then
    M.fail(("%s: no column %q among %s"):format(who, name, table.concat(schema:fieldNames(), ", ")))
  end
  return schema.fields[idx], idx
end

-- The index (0-based) of a column in a batch by name, or nil.
function M.columnIndex(batch, name)
  for i = 0, batch.num_columns - 1 do
    if ffi.string(batch.columns[i].name) == name then return i end
  end
end

-- The column of a batch by name; who (the stage's name) is what a
-- missing one's error names.
function M.column(batch, name, who)
  local i = M.columnIndex(batch, name)
  if i then return batch.columns[i] end
  local names = {}
  for k = 0, batch.num_columns - 1 do names[k + 1] = ffi.string(batch.columns[k].name) end
  M.fail(("%sno column %q among %s"):format(who and (who .. ": ") or "", name, table.concat(names, ", ")))
end

-- ---- the operator that adds columns -----------------------------------------------------

-- Where "skip" warnings were given outside a streaming query's own plan,
-- per process (weak keys, so a DataFrame or model let go takes its entry
-- along): a batch DataFrame is warned about once, however many actions
-- (show, count, each evaluator) run it again; inside a foreachBatch
-- function, which transforms each micro-batch afresh, once per stage and
-- query.
local warned_frames = setmetatable({}, { __mode = "k" })
local warned_queries = setmetatable({}, { __mode = "k" })

-- Whether this drop is the first of its scope (see dropInvalid), and the
-- end of the warning, which says what the scope is.
local function first_drop(ctx, state, stage, frame)
  if ctx.queryId then
    -- A streaming query's own operators: state (the operator's) lasts as
    -- long as the query, so a new query warns again.
    if state.mlWarned then return false end
    state.mlWarned = true
    return true, "; dropped rows count in numDroppedRows (warned once per query)"
  end
  local streaming = package.loaded["tide.streaming"]
  local epoch = streaming and streaming.currentEpoch()
  if epoch then
    local seen = warned_queries[stage] or {}
    warned_queries[stage] = seen
    if seen[epoch.queryId] then return false end
    seen[epoch.queryId] = true
    -- (the rows a foreachBatch function's actions drop are not the
    -- query's numDroppedRows: those count what its own plan drops)
    return true, " (warned once per query)"
  end
  frame = frame or stage
  if warned_frames[frame] then return false end
  warned_frames[frame] = true
  return true, " (warned once per DataFrame, not again for each action on it)"
end

-- out without the rows marked in drop (handleInvalid = "skip"), counted
-- in ctx.dropped. The first drop warns, naming the stage and `what` it
-- dropped: once per streaming query (state: the operator's, which lasts
-- the query), else once per frame — a table made once per transform (the
-- first of the fields the stage adds), so that every action on one
-- DataFrame shares it while another DataFrame's drops are warned about.
function M.dropInvalid(out, drop, ctx, state, stage, what, frame)
  local rows = out:count()
  local kept, dropped = batchlib.dropRows(out, { drop })
  if dropped == 0 then return out end
  if ctx then
    ctx.dropped = (ctx.dropped or 0) + dropped
    local first, scope = first_drop(ctx, state or {}, stage, frame)
    if first then
      io.stderr:write(("tide: warning: %s (handleInvalid=\"skip\") dropped %d of %d rows with %s%s\n"):format(
        stage.uid, dropped, rows, what or "invalid values", scope))
    end
  end
  return kept
end

-- An "ml" plan operator over df: out_schema's columns are df's, then new
-- ones named `names`. compute(input, out, first, ctx) fills out.columns
-- [first ...] (their names are set) and may return a uint8_t drop mask of
-- input:count() bytes (handleInvalid = "skip"), the drops warned about by
-- `what` and scoped by `warn_field`.
local function derive(df, stage, out_schema, names, compute, what, warn_field)
  local op = {
    kind = "ml",
    stage = stage,
    schema = out_schema,
    apply = function(batch, ctx)
      local n_in = batch.num_columns
      local out = batchlib.wrap(C.tide_batch_derive(batch, n_in + #names))
      for i = 0, n_in - 1 do out.columns[i] = batch.columns[i] end
      for k, name in ipairs(names) do
        out.columns[n_in + k - 1].name = C.tide_arena_strdup(out.arena, name)
      end
      local ok, drop = pcall(compute, batch, out, n_in, ctx)
      if not ok then error(("%s: %s"):format(stage.uid, tostring(drop)), 0) end
      out.num_rows = batch.num_rows
      if drop then out = M.dropInvalid(out, drop, ctx, ctx and ctx.state, stage, what, warn_field) end
      return out
    end,
  }
  op.child = df._plan
  return dataframe.new(df._session, op, df._streaming)
end

-- df plus new columns. fields: T.field list of the new columns (names must
-- be new, as in Spark); compute as derive's.
function M.addColumns(df, stage, fields, compute, what)
  local T = require("tide.types")
  local schema = df._plan.schema
  local all = {}
  for i, f in ipairs(schema.fields) do all[i] = f end
  for _, f in ipairs(fields) do
    if schema:fieldIndex(f.name) then
      M.fail(("%s: Output column %s already exists."):format(stage._name, f.name))
    end
    all[#all + 1] = f
  end
  local names = {}
  for i, f in ipairs(fields) do names[i] = f.name end
  return derive(df, stage, T.struct(all), names, compute, what, fields[1])
end

-- df with its columns as they are, field `field` (1-based) replaced by
-- `replacement` (its ML attribute, say); check(input, ctx) may fail or
-- return a drop mask, as compute's.
function M.checkColumn(df, stage, field, replacement, check, what)
  local T = require("tide.types")
  local all = {}
  for i, f in ipairs(df._plan.schema.fields) do all[i] = i == field and replacement or f end
  return derive(df, stage, T.struct(all), {}, function(input, _, _, ctx) return check(input, ctx) end, what,
    replacement)
end

-- The schema of a DataFrame or of a batch (fit takes either).
function M.schemaOf(df)
  if batchlib.isBatch(df) then return df:schema() end
  return df.schema
end

-- The whole DataFrame as one batch (fit needs all rows).
function M.materialize(df)
  if batchlib.isBatch(df) then return df end
  if df._streaming then M.fail("fit needs a batch DataFrame, not a streaming one") end
  return df:toBatch()
end

-- A DataFrame over a batch in memory; schema (df.schema) keeps the ML
-- metadata of its fields (category counts, vector sizes).
function M.frame(session, batch, schema)
  local df = require("tide.session").localFrame(session or require("tide.session").session(), batch)
  if schema then df._plan.schema = schema end
  return df
end

return M
