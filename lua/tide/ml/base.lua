-- tide.ml.base — what every ML stage shares: Spark's Params (defaults,
-- constructor tables, setX/getX), uids, and the plan operator that adds
-- columns to a DataFrame (batch or streaming alike), with handleInvalid
-- "skip" rows dropped, counted in ctx.dropped and warned about once per
-- streaming query or batch DataFrame (dropInvalid).
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local checks = require("tide.checks")
local dataframe = require("tide.dataframe")

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

-- ---- uids ------------------------------------------------------------------------

local uid_state = ffi.new("uint64_t[1]", 0x2545F4914F6CDD1DULL + math.floor(C.tide_now() * 1e6) % 1000003)
function M.uid(prefix)
  local x = uid_state[0]
  x = bit.bxor(x, bit.rshift(x, 12)); x = bit.bxor(x, bit.lshift(x, 25)); x = bit.bxor(x, bit.rshift(x, 27))
  uid_state[0] = x
  return prefix .. "_" .. bit.tohex(tonumber(bit.rshift(x, 32) % 4294967296)) .. bit.tohex(tonumber(x % 65536), 4)
end

-- ---- Params ------------------------------------------------------------------------

local REQUIRED = setmetatable({}, { __tostring = function() return "<required>" end })
M.REQUIRED = REQUIRED
local NONE = setmetatable({}, { __tostring = function() return "<none>" end })
M.NONE = NONE

local Params = {}
M.Params = Params

local function setter_name(p) return "set" .. p:sub(1, 1):upper() .. p:sub(2) end
local function getter_name(p) return "get" .. p:sub(1, 1):upper() .. p:sub(2) end

-- A stage class: name (Spark's simple name), sparkClass (the class its
-- metadata names), params (name -> default; NONE for no default),
-- choices (name -> list of allowed values) and ranges (name -> { lowest,
-- highest or nil }, inclusive: Spark's ParamValidators.gtEq and inRange).
function M.class(spec)
  local cls = { _name = spec.name, _sparkClass = spec.sparkClass, _defaults = spec.params or {},
                _choices = spec.choices or {}, _ranges = spec.ranges or {}, _order = {} }
  for k in pairs(cls._defaults) do cls._order[#cls._order + 1] = k end
  table.sort(cls._order)
  cls.__index = cls
  cls.__tostring = function(self) return self.uid end
  for name in pairs(cls._defaults) do
    cls[setter_name(name)] = function(self, v) self:set(name, v); return self end
    cls[getter_name(name)] = function(self) return self:getOrDefault(name) end
  end
  setmetatable(cls, { __index = Params, __call = function(c, args) return c.new(args) end })
  cls.new = function(args)
    local self = setmetatable({ uid = M.uid(spec.name), _set = {} }, cls)
    if args ~= nil and type(args) ~= "table" then
      M.fail(("%s takes a table of parameters, e.g. %s{...}"):format(spec.name, spec.name))
    end
    for k, v in pairs(args or {}) do
      if k == "uid" then self.uid = v else self:set(k, v, 4) end
    end
    if cls._init then cls._init(self) end
    return self
  end
  return cls
end

function Params:hasParam(name) return self._defaults[name] ~= nil end

-- Params whose kind the default cannot tell (it is NONE, or a number that
-- must be whole), checked as PySpark's TypeConverters check them, with
-- their messages: VectorAssembler{inputCols = "s"} fails at the
-- constructor, not inside transform with "bad argument #1 to 'ipairs'".
local STRING_LIST = { inputCols = true, outputCols = true, categoricalCols = true }
local STRING = { inputCol = true, outputCol = true, weightCol = true }
local INT = { maxIter = true, numFeatures = true, aggregationDepth = true, numBins = true }

local function converted(name, value)
  if STRING_LIST[name] then
    local ok = type(value) == "table"
    if ok then
      for k, v in pairs(value) do
        if type(k) ~= "number" or k < 1 or k > #value or k ~= math.floor(k) or type(v) ~= "string" then ok = false end
      end
    end
    if not ok then return ("Could not convert %s to list of strings"):format(tostring(value)) end
  elseif STRING[name] then
    if type(value) ~= "string" then return ("Could not convert %s to string"):format(tostring(value)) end
  elseif INT[name] then
    if type(value) == "cdata" then value = tonumber(value) end
    if type(value) ~= "number" or value ~= math.floor(value) or value ~= value then
      return ("Could not convert %s to int"):format(tostring(value))
    end
  end
end

-- (errors are raised at the user's line, whoever called set)
function Params:set(name, value)
  if self._defaults[name] == nil then
    local known = table.concat(self._order, ", ")
    M.fail(("%s has no parameter %q (parameters: %s)"):format(self._name, tostring(name), known))
  end
  -- A value of the default's kind (a number where the default is one),
  -- so that a typo fails here and not inside fit.
  local default = self._defaults[name]
  local want = (default ~= NONE and default ~= REQUIRED) and type(default) or nil
  local got = type(value) == "cdata" and "number" or type(value)
  if want and value ~= nil and got ~= want then
    M.fail(("%s: %s must be a %s, not %s %q"):format(self._name, name, want, type(value), tostring(value)))
  end
  local bad = value ~= nil and converted(name, value)
  if bad then
    M.fail(("%s: Invalid param value given for param %q. %s"):format(self._name, name, bad))
  end
  local allowed = self._choices[name]
  if allowed and value ~= nil then
    local ok = false
    for _, a in ipairs(allowed) do if a == value then ok = true end end
    if not ok then
      M.fail(("%s: %s must be one of %s, not %q"):format(self._name, name,
        table.concat(allowed, ", "), tostring(value)))
    end
  end
  local range = self._ranges[name]
  if range and value ~= nil and not (value >= range[1] and (range[2] == nil or value <= range[2])) then
    local want = range[2] and ("in [%s, %s]"):format(range[1], range[2]) or (">= %s"):format(range[1])
    M.fail(("%s: %s must be %s, not %s"):format(self._name, name, want, tostring(value)))
  end
  self._set[name] = value
  return self
end

function Params:isSet(name) return self._set[name] ~= nil end
function Params:isDefined(name)
  return self._set[name] ~= nil or (self._defaults[name] ~= NONE and self._defaults[name] ~= REQUIRED)
end

function Params:getOrDefault(name)
  local v = self._set[name]
  if v ~= nil then return v end
  v = self._defaults[name]
  if v == NONE or v == REQUIRED then return nil end
  return v
end

-- The value of a parameter the stage cannot do without.
function Params:need(name)
  local v = self:getOrDefault(name)
  if v == nil then M.fail(("%s: parameter %s is not set"):format(self._name, name)) end
  return v
end

-- Params set explicitly, and the defaults: Spark's paramMap/defaultParamMap.
function Params:paramMaps()
  local set, defaults = {}, {}
  for _, k in ipairs(self._order) do
    if self._set[k] ~= nil then set[k] = self._set[k] end
    local d = self._defaults[k]
    if d ~= NONE and d ~= REQUIRED then defaults[k] = d end
  end
  return set, defaults
end

function Params:explainParams()
  local lines = {}
  for _, k in ipairs(self._order) do
    local d = self._defaults[k]
    lines[#lines + 1] = ("%s: (default: %s, current: %s)"):format(k, tostring(d),
      tostring(self._set[k] == nil and "unset" or self._set[k]))
  end
  return table.concat(lines, "\n")
end

-- A copy with the same uid and params, plus extra ones.
function Params:copy(extra)
  local c = setmetatable({}, getmetatable(self))
  for k, v in pairs(self) do c[k] = v end
  c._set = {}
  for k, v in pairs(self._set) do c._set[k] = v end
  for k, v in pairs(extra or {}) do c:set(k, v) end
  return c
end

-- Copies the params both classes know from an estimator to its model.
function M.inherit(model, estimator)
  for k, v in pairs(estimator._set) do
    if model._defaults[k] ~= nil then model._set[k] = v end
  end
  model.uid = estimator.uid
  return model
end

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

-- df plus new columns. fields: T.field list of the new columns (names must
-- be new, as in Spark). compute(input, out, first, ctx) fills out.columns
-- [first ...] (their names are set) and may return a uint8_t drop mask of
-- input:count() bytes (handleInvalid = "skip"); what tells the warning
-- what was dropped.
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
  local out_schema = T.struct(all)
  local names = {}
  for i, f in ipairs(fields) do names[i] = f.name end
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
      if drop then out = M.dropInvalid(out, drop, ctx, ctx and ctx.state, stage, what, fields[1]) end
      return out
    end,
  }
  op.child = df._plan
  return dataframe.new(df._session, op, df._streaming)
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
