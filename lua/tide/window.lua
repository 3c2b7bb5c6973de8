-- tide.window — Spark's window functions on batch DataFrames:
--
--   local Window = tide.Window
--   local w = Window.partitionBy("site_id"):orderBy(F.desc("hour"))
--   df:withColumn("rn", F.row_number():over(w))
--     :withColumn("previous", F.lag("click", 1, 0):over(w))
--     :withColumn("running", F.sum("click"):over(w))
--     :withColumn("last3", F.avg("click"):over(w:rowsBetween(-2, Window.currentRow)))
--     :withColumn("total", F.count("*"):over(Window.partitionBy("site_id")))
--     :withColumn("sites", F.collect_set("site"):over(Window.partitionBy("device")))
--
-- A select (or withColumn) with window expressions becomes: a projection
-- of the expressions the windows read, one window operator per window
-- spec (the rows sorted by its partition and order keys, each function one
-- C pass over the sorted rows, engine/window.c), then the select over
-- their results. As in Spark, rows come out sorted by the (last) window's
-- partition and order keys. Aggregates over a window take Spark's default
-- frame: the whole partition without orderBy, and with it the rows up to
-- the current row's last peer (RANGE BETWEEN UNBOUNDED PRECEDING AND
-- CURRENT ROW). Spark 3.5's other aggregates (tide.aggregate_functions:
-- max_by, corr, percentile, median, mode, count_if, ...) are window
-- aggregates too, the kernels' over each frame (tide_aggregate_frames);
-- stddev and variance (and their _pop and _samp forms) are Spark's
-- formulas over the frame's count and second central moment (the
-- regr_syy kernel's, Spark's own updates). A RANGE frame may have offsets
-- of the order value as bounds (tide.window_range).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local ops = require("tide.dataframe_ops")
local names = require("tide.sql_names")
local more = require("tide.aggregate_functions")
local range_frames = require("tide.window_range")

local M = {}
local ID = T.ID
local errbuf, ERRLEN, cerr, int32s, take, columns_of = ops.errbuf, ops.ERRLEN, ops.cerr, ops.int32s, ops.take,
  ops.columns_of
local fail = checks.failAtUser

local RANKING = { row_number = C.TIDE_WINDOW_ROW_NUMBER, rank = C.TIDE_WINDOW_RANK,
                  dense_rank = C.TIDE_WINDOW_DENSE_RANK, percent_rank = C.TIDE_WINDOW_PERCENT_RANK,
                  cume_dist = C.TIDE_WINDOW_CUME_DIST, ntile = C.TIDE_WINDOW_NTILE }
local OFFSETS = { lag = -1, lead = 1 }
-- nth_value(x, n[, ignoreNulls]): x at the nth row of each row's frame.
local NTH = { nth_value = true }
-- The aggregates a window computes, by tide_agg_fn code.
local AGGREGATES = { count = 1, sum = 2, avg = 3, mean = 3, min = 4, max = 5, first = 10, last = 11,
                     collect_list = 14, collect_set = 15 }
M.functionNames = { row_number = true, rank = true, dense_rank = true, percent_rank = true, cume_dist = true,
                    ntile = true, lag = true, lead = true, nth_value = true }
-- stddev and variance: whether the square root is taken, and whether a
-- sample's (n - 1) or the population's (n) divides the moment.
local MOMENTS = { stddev = { root = true, sample = true }, std = { root = true, sample = true },
                  stddev_samp = { root = true, sample = true }, stddev_pop = { root = true, sample = false },
                  variance = { root = false, sample = true }, var_samp = { root = false, sample = true },
                  var_pop = { root = false, sample = false } }

-- ---- Window and WindowSpec ---------------------------------------------------------------

local UNBOUNDED = 2 ^ 62 -- at or past it, a bound is unbounded (PySpark's threshold is sys.maxsize)

local WindowSpec = {}
WindowSpec.__index = WindowSpec

local function spec(partition, order, frame)
  return setmetatable({ partition = partition or {}, order = order or {}, frame = frame }, WindowSpec)
end

local function key_nodes(what, ...)
  local list = ops.arglist(what, ...)
  local out = {}
  for i, c in ipairs(list) do
    if type(c) ~= "string" and not column.isColumn(c) then
      error(("%s takes column names or Columns, not %s"):format(what, checks.kindOf(c)), 3)
    end
    out[i] = column.colNode(c)
  end
  return out
end

function WindowSpec:partitionBy(...) return spec(key_nodes("partitionBy", ...), self.order, self.frame) end
function WindowSpec:orderBy(...) return spec(self.partition, key_nodes("orderBy", ...), self.frame) end

-- A bound: a number of rows (whole), or for a range any number (an
-- offset of the order value); nil when unbounded.
local function bound(v, what, fractional)
  if type(v) ~= "number" or v ~= v or (not fractional and v ~= math.floor(v) and math.abs(v) ~= math.huge) then
    error(("%s takes %s (or Window.unboundedPreceding, Window.currentRow, Window.unboundedFollowing), not %s"):format(
      what, fractional and "numbers" or "whole numbers", tostring(v)), 3)
  end
  if v <= -UNBOUNDED or v >= UNBOUNDED then return nil end
  return v
end

local frame_text

-- Spark's checks of a frame's bounds: neither past the other's end, and
-- of two offsets (the current row, 0, is none) the lower at most the upper.
local function checked(frame, lo, hi)
  if lo >= UNBOUNDED or hi <= -UNBOUNDED then
    error(("%s BETWEEN %s AND %s: Window frame upper bound does not follow the lower bound (Spark:"
      .. " DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_INVALID_BOUND)"):format(frame.range and "RANGE" or "ROWS",
      tostring(lo), tostring(hi)), 3)
  end
  if frame.lo and frame.hi and frame.lo ~= 0 and frame.hi ~= 0 and frame.lo > frame.hi then
    error(("%s: The lower bound of a window frame must be less than or equal to the upper bound (Spark:"
      .. " DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON)"):format(frame_text(frame)), 3)
  end
  return frame
end

function WindowSpec:rowsBetween(lo, hi)
  local frame = checked({ range = false, lo = bound(lo, "rowsBetween"), hi = bound(hi, "rowsBetween"),
                          loUnbounded = lo <= -UNBOUNDED, hiUnbounded = hi >= UNBOUNDED }, lo, hi)
  return spec(self.partition, self.order, frame)
end

-- A range of order values: bounds unbounded, the current row (0: its
-- peers) or offsets of the order value (rangeBetween(-10, 0): values from
-- 10 below the row's to its own; tide.window_range). loLit and hiLit are
-- the literals SQL wrote for the offsets (1.5 PRECEDING: -1.5, a
-- decimal), which keep their type and text.
function WindowSpec:rangeBetween(lo, hi, loLit, hiLit)
  local l, h = bound(lo, "rangeBetween", true), bound(hi, "rangeBetween", true)
  local frame = checked({ range = true, lo = l or 0, hi = h or 0, loUnbounded = l == nil, hiUnbounded = h == nil,
                          loLit = loLit, hiLit = hiLit }, lo, hi)
  return spec(self.partition, self.order, frame)
end

M.Window = {
  unboundedPreceding = -math.huge, unboundedFollowing = math.huge, currentRow = 0,
}
-- Window.partitionBy("k") as in PySpark; Window:partitionBy("k") too (the
-- class itself as a first argument is no column).
local function static(method)
  return function(...)
    if (...) == M.Window then return spec()[method](spec(), select(2, ...)) end
    return spec()[method](spec(), ...)
  end
end
for _, method in ipairs({ "partitionBy", "orderBy", "rowsBetween", "rangeBetween" }) do
  M.Window[method] = static(method)
end

function frame_text(frame)
  local function side(unbounded, v, word, lit)
    if unbounded then return "UNBOUNDED " .. word end
    if v == 0 then return "CURRENT ROW" end
    local shown = lit and names.toString(lit):gsub("^%-", "") or v % 1 == 0 and ("%d"):format(math.abs(v))
      or names.toString({ k = "lit", value = math.abs(v), type = T.double })
    return ("%s %s"):format(shown, v < 0 and "PRECEDING" or "FOLLOWING")
  end
  return ("%s BETWEEN %s AND %s"):format(frame.range and "RANGE" or "ROWS",
    side(frame.loUnbounded, frame.lo, "PRECEDING", frame.loLit),
    side(frame.hiUnbounded, frame.hi, "FOLLOWING", frame.hiLit))
end

-- Spark's text of a window spec (as it names a window expression's column).
local function spec_text(s, frame)
  local parts = {}
  if #s.partition > 0 then
    local keys = {}
    for i, n in ipairs(s.partition) do keys[i] = names.toString(n) end
    parts[#parts + 1] = "PARTITION BY " .. table.concat(keys, ", ")
  end
  if #s.order > 0 then
    local keys = {}
    for i, n in ipairs(s.order) do
      local desc, nulls_first = false, true
      if n.k == "sortorder" then desc, nulls_first, n = n.descending, n.nullsFirst, n.expr end
      keys[i] = ("%s %s NULLS %s"):format(names.toString(n), desc and "DESC" or "ASC", nulls_first and "FIRST" or "LAST")
    end
    parts[#parts + 1] = "ORDER BY " .. table.concat(keys, ", ")
  end
  if frame then parts[#parts + 1] = frame.text or frame_text(frame) end
  return table.concat(parts, " ")
end
WindowSpec.__tostring = function(s) return "WindowSpec(" .. spec_text(s, s.frame) .. ")" end

-- The frame a function is computed over: Spark's defaults, or the spec's
-- (nil for ranking functions and lag/lead, which have none of their own;
-- Spark shows them with DEFAULT_ROWS, cume_dist with RANGE, lag and lead
-- with their offset row: shown_frame).
local DEFAULT_ROWS = { range = false, loUnbounded = true, hiUnbounded = false, lo = 0, hi = 0 }
local DEFAULT_RANGE = { range = true, loUnbounded = true, hiUnbounded = false, lo = 0, hi = 0 }
local function shown_frame(node)
  if not OFFSETS[node.fn] then return node.fn == "cume_dist" and DEFAULT_RANGE or DEFAULT_ROWS end
  -- (lag(x, 1) is ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING: its offset's value, negated for lag)
  local offset = node.args[2] or { k = "lit", value = 1 }
  local text = names.toString(offset)
  if offset.k == "lit" and type(offset.value) == "number" then text = ("%d"):format(OFFSETS[node.fn] * offset.value) end
  return { text = ("ROWS BETWEEN %s FOLLOWING AND %s FOLLOWING"):format(text, text) }
end
local function frame_of(node, s)
  if RANKING[node.fn] or OFFSETS[node.fn] then return nil end
  if s.frame then return s.frame end
  if #s.order == 0 then return { range = false, loUnbounded = true, hiUnbounded = true, lo = 0, hi = 0 } end
  return { range = true, loUnbounded = true, hiUnbounded = false, lo = 0, hi = 0 }
end

-- The window functions: F.row_number() etc. are call nodes that only a
-- window computes (Column:over).
M.functions = {}
for name in pairs(RANKING) do
  if name ~= "ntile" then M.functions[name] = function() return column.wrap({ k = "call", fn = name, args = {} }) end end
end
function M.functions.ntile(n)
  if type(n) ~= "number" or n ~= math.floor(n) or n < 1 then
    error(("ntile needs a whole number of buckets >= 1, not %s"):format(tostring(n)), 2)
  end
  return column.wrap({ k = "call", fn = "ntile", args = { { k = "lit", value = n } } })
end
for name in pairs(OFFSETS) do
  M.functions[name] = function(c, offset, default)
    if c == nil then error(name .. "() needs a column", 2) end
    offset = offset == nil and 1 or offset
    if type(offset) ~= "number" or offset ~= math.floor(offset) then
      error(("%s(col, offset, default): offset is a whole number, not %s"):format(name, tostring(offset)), 2)
    end
    return column.wrap({ k = "call", fn = name,
      args = { column.colNode(c), { k = "lit", value = offset }, column.nodeOf(default) } })
  end
end

function M.functions.nth_value(c, offset, ignore_nulls)
  if c == nil then error("nth_value() needs a column", 2) end
  if type(offset) ~= "number" or offset ~= math.floor(offset) or offset < 1 or offset > 2147483647 then
    error(("nth_value(col, offset[, ignoreNulls]): offset is a whole number from 1 to 2147483647 (an int), not %s")
      :format(tostring(offset)), 2)
  end
  local node = { k = "call", fn = "nth_value", args = { column.colNode(c), { k = "lit", value = offset } } }
  if ignore_nulls then
    node.args[3] = { k = "lit", value = true }
    -- (as Spark shows it)
    node.sqlText = ("nth_value(%s, %d) ignore nulls"):format(names.toString(node.args[1]), offset)
  end
  return column.wrap(node)
end

-- col:over(window): the function (a ranking function, lag/lead,
-- nth_value, or an aggregate) over the window.
function column.Column:over(w)
  if getmetatable(w) ~= WindowSpec then
    error(("over needs a window (tide.Window.partitionBy(...):orderBy(...)), not %s"):format(checks.kindOf(w)), 2)
  end
  local node = self.node
  if node.k ~= "call" or not (RANKING[node.fn] or OFFSETS[node.fn] or NTH[node.fn] or AGGREGATES[node.fn]
    or MOMENTS[node.fn] or more.isAggregate(node.fn)) then
    error(("over: %s is not a window function (row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag,"
      .. " lead, nth_value, or an aggregate: count, sum, avg, min, max, first, last, collect_list, collect_set,"
      .. " stddev, variance, and"
      .. " Spark 3.5's"
      .. " others: max_by, corr, percentile, median, mode, count_if, ...)"):format(names.toString(node)), 2)
  end
  node = more.annotate(node)
  if (RANKING[node.fn] or OFFSETS[node.fn]) and #w.order == 0 then
    error(("Window function %s() requires window to be ordered, please add ORDER BY clause (Window.partitionBy(...)"
      .. ":orderBy(...))"):format(node.fn), 2)
  end
  return column.wrap({ k = "window", fn = node, spec = w,
    text = ("%s OVER (%s)"):format(names.toString(node), spec_text(w, frame_of(node, w) or shown_frame(node))) })
end

-- ---- planning -----------------------------------------------------------------------------

local function has_window(node)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if node.k == "window" then return true end
  for _, v in pairs(node) do
    if type(v) == "table" and has_window(v) then return true end
  end
  return false
end
M.hasWindow = has_window

-- lag's and lead's offset: a constant int (1 + 1 too), as Spark 3.5
-- takes it; a bigint, decimal (1.0), double or NULL one fails with
-- Spark's words, which speak of the frame Spark makes of the offset.
local INT_MAX = 2147483647
local function offset_of(df, fn)
  local offset = fn.args[2] or { k = "lit", value = 1 }
  local v = offset.value
  if offset.k == "lit" and type(v) == "number" and (offset.type == nil or offset.type == T.int) and v % 1 == 0
      and v >= -INT_MAX - 1 and v <= INT_MAX then
    return v
  end
  local support = require("tide.sql_support")
  if support.columnIn(offset) then
    fail(('%s: the offset must be a constant int, not %s (Spark: [DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] the input'
      .. ' offset should be a foldable "INT" expression)'):format(names.toString(fn), names.toString(offset)))
  end
  local ok, text, field = pcall(support.constant, df._session, offset)
  if not ok then fail(("%s: %s"):format(names.toString(fn), tostring(text):gsub("^[^:\n]*%.lua:%d+: ", ""))) end
  local t = field.dataType
  if not field.voidType and t.id == ID.int and text ~= nil then return tonumber(text) end
  local kind = field.voidType and "NULL" or t:simpleString()
  if not field.voidType and t.id == ID.string then
    fail(("%s: the offset must be an int, not a string (Spark: [FAILED_FUNCTION_CALL] Failed preparing of the"
      .. " function `%s` for call)"):format(names.toString(fn), fn.fn))
  end
  fail(("%s: the offset must be an int, not %s (Spark: Cannot specify window frame for %s function.)"):format(
    names.toString(fn), kind, fn.fn))
end

-- select(nodes) over df where nodes hold window expressions.
function M.project(df, nodes)
  if df._streaming then
    fail("Non-time-based windows are not supported on streaming DataFrames/Datasets")
  end
  local eval = require("tide.eval")
  local inputs, input_named = {}, {}
  -- A column of the input for an expression the windows read (a column
  -- is read where it is; an expression is computed once, named by its
  -- text).
  local schema = df._plan.schema
  local function input_for(node)
    local text
    if node.k == "col" then
      -- A column whose name another shares (a.site after a join with
      -- b.site) is copied, by position, under a name of its own.
      local i, ambiguous = schema:resolveField(node.name, require("tide.lineage").fieldsOf(node.from))
      if ambiguous then fail(ambiguous) end
      if not i or #schema:fieldsNamed(schema.fields[i].name) == 1 then return node.name end
      node, text = { k = "col", name = schema.fields[i].name, index = i - 1 }, "#" .. i
    end
    text = text or names.toString(node)
    if not input_named[text] then
      local name = ("__window_input%d"):format(#inputs + 1)
      inputs[#inputs + 1] = column.wrap({ k = "alias", expr = node, name = name })
      input_named[text] = name
    end
    return input_named[text]
  end
  local function typeof(node) return eval.compile(node, schema).type end
  local groups, group_of, results = {}, {}, 0
  local rewrite
  -- stddev(x) and the variances over a window: Spark's formulas over the
  -- frame's count n and second central moment m2 (regr_syy(x, x), whose
  -- updates are Spark's CentralMomentAgg's): NULL without rows (or with
  -- one, for a sample's), else m2 / n or m2 / (n - 1), the deviations
  -- their square roots. A string is read as a double, as Spark casts it.
  local function moment(node)
    local fn, m = node.fn, MOMENTS[node.fn.fn]
    local x = fn.args[1]
    if #fn.args ~= 1 or x.k == "star" then fail(("%s takes one column"):format(names.toString(fn))) end
    local t = typeof(x)
    if t.id == ID.string then
      x = { k = "cast", expr = x, to = T.double }
    elseif not (t.id == ID.int or t.id == ID.long or t.id == ID.float or t.id == ID.double or t.id == ID.decimal) then
      fail(("%s: the column %s is %s, which %s cannot take (Spark: it requires numbers)"):format(names.toString(fn),
        names.toString(x), t:simpleString(), fn.fn))
    end
    local function over(call) return { k = "window", fn = call, spec = node.spec, text = node.text } end
    local m2 = rewrite(over({ k = "call", fn = "regr_syy", args = { x, x } }))
    local n = rewrite(over({ k = "call", fn = "count", args = { x } }))
    local divisor = { k = "cast", expr = n, to = T.double }
    if m.sample then
      divisor = { k = "op", op = "-", left = divisor, right = { k = "lit", value = 1, type = T.double } }
    end
    local v = { k = "op", op = "/", left = m2, right = divisor }
    if m.root then v = { k = "call", fn = "sqrt", args = { v } } end
    local enough = { k = "op", op = ">", left = n, right = { k = "lit", value = m.sample and 1 or 0, type = T.int } }
    return { k = "case", branches = { { when = enough, value = v } } }
  end
  function rewrite(node)
    if type(node) ~= "table" or getmetatable(node) then return node end
    if node.k ~= "window" then return require("tide.dataframe_aggregate").mapChildren(node, rewrite) end
    local fn, s = node.fn, node.spec
    if require("tide.dataframe_aggregate").hasAggregate(fn.args) or has_window(fn.args) then
      fail(("%s: a window function's arguments cannot hold aggregates or windows"):format(names.toString(fn)))
    end
    if fn.filter then
      fail(("%s: window aggregate function with filter predicate is not supported yet (Spark's words)"):format(
        names.toString(fn)))
    elseif more.OF_DISTINCT[fn.fn] or fn.distinct then
      fail(("%s over a window: Distinct window functions are not supported (Spark's words)"):format(
        names.toString(fn)))
    elseif MOMENTS[fn.fn] then
      return moment(node)
    elseif more.isAggregate(fn.fn) then
      -- Spark's replacements (count_if as count, median as percentile)
      fn = more.prepare(fn, function(arg)
        local ok, c = pcall(eval.compile, arg, df._plan.schema)
        return ok and c.type or nil
      end)
    end
    -- sum and avg of an interval: exact, of Spark's types (tide.eval_intervals)
    local total = require("tide.eval_intervals").aggregate(fn, function(arg)
      local ok, t = pcall(typeof, arg)
      return ok and t or nil
    end, function(call) return { k = "window", fn = call, spec = node.spec, text = node.text } end)
    if total then return rewrite(total) end
    local key = spec_text(s, nil)
    local g = group_of[key]
    if not g then
      g = { partition = {}, order = {}, calls = {} }
      for i, p in ipairs(s.partition) do g.partition[i] = input_for(p) end
      for i, o in ipairs(s.order) do
        local desc, nulls_first, expr = false, true, o
        if o.k == "sortorder" then desc, nulls_first, expr = o.descending, o.nullsFirst, o.expr end
        g.order[i] = { name = input_for(expr), desc = desc, nullsFirst = nulls_first }
      end
      groups[#groups + 1], group_of[key] = g, g
    end
    results = results + 1
    local call = { fn = fn.fn, name = ("__window%d"):format(results), frame = frame_of(fn, s), shown = node.text }
    if range_frames.hasOffsets(call.frame) then
      call.range = range_frames.plan(s, call.frame, node.text, input_for, typeof)
    end
    local arg = fn.args[1]
    if RANKING[fn.fn] then
      call.buckets = fn.fn == "ntile" and fn.args[1].value or 0
    elseif OFFSETS[fn.fn] then
      -- lag(x[, offset[, default]]) [IGNORE NULLS] (the fourth argument)
      local ignore = fn.args[4]
      call.input, call.offset = input_for(arg), OFFSETS[fn.fn] * offset_of(df, fn)
      call.ignoreNulls = ignore and ignore.k == "lit" and ignore.value == true
      local default = fn.args[3]
      if default and not (default.k == "lit" and default.value == nil) then
        local t = eval.compile(arg, df._plan.schema).type
        call.fallback = input_for({ k = "cast", expr = default, to = t })
      end
    elseif NTH[fn.fn] then
      local offset, ignore = fn.args[2], fn.args[3]
      if not (offset and offset.k == "lit" and type(offset.value) == "number" and offset.value >= 1
        and offset.value % 1 == 0 and offset.value <= 2147483647) then
        fail(("The 'offset' argument of %s must be a positive integer literal"):format(names.toString(fn)))
      end
      if ignore and not (ignore.k == "lit" and type(ignore.value) == "boolean") then
        fail(("The 'ignoreNulls' argument of %s must be a boolean literal"):format(names.toString(fn)))
      end
      call.input, call.nth, call.ignoreNulls = input_for(arg), offset.value, ignore and ignore.value or false
    elseif more.isKernel(fn.fn) then
      call.kernel, call.node = more.kernel(fn), fn
      call.input = input_for(arg)
      if call.kernel.other then call.other = input_for(fn.args[call.kernel.other]) end
    else
      local code = AGGREGATES[fn.fn]
      local ignore = fn.args[2]
      if ignore and ignore.k == "lit" and ignore.value == true and (fn.fn == "first" or fn.fn == "last") then
        code = code + 2
      end
      call.code = code
      if arg and not (arg.k == "star" or (arg.k == "lit" and fn.fn == "count" and arg.value ~= nil)) then
        call.input = input_for(arg)
      elseif not arg or fn.fn ~= "count" then
        fail(("%s() over a window needs a column"):format(fn.fn))
      end
    end
    g.calls[#g.calls + 1] = call
    return { k = "col", name = call.name }
  end
  local outputs = {}
  for i, node in ipairs(nodes) do
    local bare, alias = node, nil
    if bare.k == "alias" then bare, alias = bare.expr, bare.name end
    local rewritten = rewrite(bare)
    outputs[i] = column.wrap({ k = "alias", expr = rewritten, name = alias or names.outputName(bare) })
  end
  local current = df
  if #inputs > 0 then current = df:select({ column.wrap({ k = "star" }), unpack(inputs) }) end
  for _, g in ipairs(groups) do current = M.windowOperator(current, g) end
  return current:select(outputs)
end

-- The plan node computing one window spec's functions, appended as
-- columns to the rows sorted by its keys.
function M.windowOperator(df, g)
  local schema = df._plan.schema
  local function index(name) return ops.index_of(schema, name, "over", 3) end
  local part, order, desc, nulls = {}, {}, {}, {}
  for i, name in ipairs(g.partition) do
    part[i] = ops.key_index(schema, name, "partitionBy", 3)
    order[i], desc[i], nulls[i] = part[i], 0, 1
  end
  local order_only = {}
  for _, o in ipairs(g.order) do
    order[#order + 1] = ops.key_index(schema, o.name, "orderBy", 3)
    order_only[#order_only + 1] = order[#order]
    desc[#desc + 1], nulls[#nulls + 1] = o.desc and 1 or 0, o.nullsFirst and 1 or 0
  end
  local fields = {}
  for i, f in ipairs(schema.fields) do fields[i] = f end
  for _, call in ipairs(g.calls) do
    local t
    if call.input then call.inputIndex = index(call.input) end
    if call.other then call.otherIndex = index(call.other) end
    if call.fallback then call.fallbackIndex = index(call.fallback) end
    if call.range then
      call.rangeIndex = { key = index(call.range.key), lo = call.range.lo and index(call.range.lo),
                          hi = call.range.hi and index(call.range.hi) }
    end
    if call.kernel then
      t = more.resultType(call.node, call.kernel, schema.fields[call.inputIndex + 1].dataType,
        call.otherIndex and schema.fields[call.otherIndex + 1].dataType)
    elseif RANKING[call.fn] then
      t = (call.fn == "percent_rank" or call.fn == "cume_dist") and T.double or T.int
    elseif OFFSETS[call.fn] or NTH[call.fn] then
      t = schema.fields[call.inputIndex + 1].dataType
    else
      local it = call.inputIndex and schema.fields[call.inputIndex + 1].dataType or T.long
      local p, sc = ffi.new("int32_t[1]", it.precision or 0), ffi.new("int32_t[1]", it.scale or 0)
      local rid = C.tide_agg_result_type(call.code, it.id, p, sc)
      if rid == 0 or (it.id == ID.decimal and (call.code == 2 or call.code == 3))
          or ((call.fn == "collect_set" or call.fn == "min" or call.fn == "max") and T.unordered(it)) then
        fail(("%s over a window: the column is %s, which tide does not %s over windows"):format(call.fn,
          it:simpleString(), call.fn))
      end
      -- collect_list and collect_set: Spark's array<input> without nulls;
      -- the aggregates that take a row's value keep its type.
      local collect = call.fn == "collect_list" or call.fn == "collect_set"
      if it.interval and rid ~= it.id and not collect and call.fn ~= "count" then
        -- (an interval's avg and sum are tide.eval_intervals' expressions, in project: none reaches here)
        fail(("%s over a window: the column is %s, which tide does not %s over windows"):format(call.fn,
          it:simpleString(), call.fn))
      end
      t = collect and T.array(it, false)
        or ((it.bits or it.void or it.ntz or (it.interval and call.fn ~= "count")) and rid == it.id and it)
        or T.fromId(rid, p[0], sc[0]) or it
    end
    fields[#fields + 1] = T.field(call.name, t, true)
  end
  local c_part, c_order, c_desc, c_nulls, c_order_only = int32s(part), int32s(order), int32s(desc), int32s(nulls),
    int32s(order_only)
  local all = {}
  for i = 1, #schema.fields do all[i] = i - 1 end
  local explain = {}
  for i, call in ipairs(g.calls) do explain[i] = call.shown end
  return ops.derive(df, {
    kind = "window",
    schema = T.struct(fields),
    explain = "Window [" .. table.concat(explain, ", ") .. "]",
    apply = function(batch)
      local n = batch:count()
      local sorted = batch
      if #order > 0 then
        local perm = ffi.new("int64_t[?]", math.max(n, 1))
        if C.tide_sort_rows(batch, c_order, c_desc, c_nulls, #order, perm, errbuf, ERRLEN) ~= 0 then
          error(cerr(), 0)
        end
        sorted = take(batch, perm, n)
      end
      local size = math.max(n, 1)
      local ps, pe = ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size)
      local qs, qe = ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size)
      C.tide_window_runs(sorted, c_part, #part, c_order_only, #order_only, ps, pe, qs, qe)
      local out = columns_of(sorted, all, #g.calls)
      local fs, fe = ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size)
      for j, call in ipairs(g.calls) do
        local dst = out.columns[#all + j - 1]
        local input = call.inputIndex and sorted.columns[call.inputIndex] or nil
        local rc
        if RANKING[call.fn] then
          rc = C.tide_window_rank(out, dst, call.name, RANKING[call.fn], n, call.buckets, ps, pe, qs, qe)
          if rc ~= 0 then error("window: out of memory", 0) end
        elseif OFFSETS[call.fn] then
          local fallback = call.fallbackIndex and sorted.columns[call.fallbackIndex] or nil
          rc = C.tide_window_offset(out, dst, call.name, input, fallback, n, call.offset, call.ignoreNulls and 1 or 0,
            ps, pe, errbuf, ERRLEN)
        else
          local f = call.frame
          -- (a range's offsets are found over its values next; its other sides are peers or unbounded)
          C.tide_window_frames(n, f.range and 1 or 0, f.loUnbounded and 1 or 0, f.range and 0 or f.lo or 0,
            f.hiUnbounded and 1 or 0, f.range and 0 or f.hi or 0, ps, pe, qs, qe, fs, fe)
          local ri = call.rangeIndex
          if ri then
            range_frames.frames(call.range, sorted.columns[ri.key], ri.lo and sorted.columns[ri.lo],
              ri.hi and sorted.columns[ri.hi], n, ps, pe, qs, qe, fs, fe)
          end
          if call.nth then
            rc = C.tide_window_nth(out, dst, call.name, input, n, call.nth, call.ignoreNulls and 1 or 0, fs, fe,
              errbuf, ERRLEN)
          elseif call.kernel then
            local k = call.kernel
            local other = call.otherIndex and sorted.columns[call.otherIndex] or nil
            local np = k.percentages and #k.percentages or 0
            local p = np > 0 and ffi.new("double[?]", np, unpack(k.percentages)) or nil
            rc = C.tide_aggregate_frames(out, dst, call.name, k.code, input, other, p, np, k.asArray and 1 or 0, n, fs,
              fe, errbuf, ERRLEN)
          else
            rc = C.tide_window_aggregate(out, dst, call.name, call.code, input, n, ps, fs, fe, errbuf, ERRLEN)
          end
        end
        if rc ~= 0 then error(cerr(), 0) end
      end
      if C.tide_batch_finish(out) ~= 0 then error("window: columns of different lengths", 0) end
      return out
    end,
  })
end

return M
