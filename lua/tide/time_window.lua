-- tide.time_window — Spark's event-time windows, F.window(time, duration
-- [, slide[, start]]), as grouping keys (and, tumbling, as columns):
--
--   events:groupBy(F.window("at", "10 minutes"), "site_id"):count()
--   events:groupBy(F.window("at", "10 minutes", "5 minutes")):agg(F.avg("click"))
--
-- A window key repeats each row once per window that holds it (one C pass
-- over the time column, engine/time_window.c; a row without a time has
-- no window and is left out, as in Spark) and groups by the window's start
-- and end; the result's `window` column is Spark's struct<start, end>.
-- Durations are Spark's: "10 minutes", "1 hour 30 minutes", "1 day".
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local ops = require("tide.dataframe_ops")

local M = {}

-- The names of a window's start and end while it is a grouping key.
M.START, M.END = "__window_start", "__window_end"

local MICROS = { microsecond = 1, microseconds = 1, us = 1, millisecond = 1000, milliseconds = 1000, ms = 1000,
                 second = 1e6, seconds = 1e6, s = 1e6, sec = 1e6, secs = 1e6,
                 minute = 60e6, minutes = 60e6, min = 60e6, mins = 60e6,
                 hour = 3600e6, hours = 3600e6, h = 3600e6, day = 86400e6, days = 86400e6, d = 86400e6,
                 week = 604800e6, weeks = 604800e6 }

-- "10 minutes", "1 hour 30 minutes", "interval 5 seconds", "-5 minutes"
-- (a start time) -> microseconds; what (the argument) and fn (the
-- function, "window" unless given) name it in errors.
local function duration(text, what, fn)
  fn = fn or "window"
  if type(text) ~= "string" then
    checks.failAtUser(("%s: the %s is a duration such as \"10 minutes\", not %s"):format(fn, what,
      checks.kindOf(text)))
  end
  local s = text:lower():gsub("^%s*interval%s+", "")
  local sign = 1
  if s:match("^%s*%-") then sign, s = -1, s:gsub("^%s*%-", "") end
  local total, found = 0, false
  for n, unit in s:gmatch("(%d+)%s*(%a+)") do
    if unit == "month" or unit == "months" or unit == "year" or unit == "years" then
      checks.failAtUser(("%s: the %s %q has months or years, which have no fixed length (Spark: Intervals"
        .. " greater than a month is not supported)"):format(fn, what, text))
    end
    if not MICROS[unit] then
      checks.failAtUser(("%s: the %s %q has a unit tide does not know (%s)"):format(fn, what, text, unit))
    end
    total, found = total + tonumber(n) * MICROS[unit], true
  end
  if not found or s:gsub("(%d+)%s*(%a+)", ""):match("%S") then
    checks.failAtUser(("%s: cannot read the %s %q (write it as \"10 minutes\", \"1 hour 30 minutes\")"):format(
      fn, what, text))
  end
  return sign * total
end
M.duration = duration

-- F.window(timeColumn, windowDuration, slideDuration, startTime).
function M.window(time, window_duration, slide_duration, start_time)
  if time == nil then checks.failAtUser("window() needs a time column") end
  local dur = duration(window_duration, "window duration")
  local slide = slide_duration ~= nil and duration(slide_duration, "slide duration") or dur
  local start = start_time ~= nil and duration(start_time, "start time") or 0
  if dur <= 0 then checks.failAtUser(("The window duration (%s) must be greater than 0."):format(window_duration)) end
  if slide <= 0 then checks.failAtUser(("The slide duration (%s) must be greater than 0."):format(slide_duration)) end
  if slide > dur then
    checks.failAtUser(("The slide duration (%s) must be less than or equal to the windowDuration (%s)."):format(
      slide_duration, window_duration))
  end
  if math.abs(start) >= slide then
    checks.failAtUser(("The absolute value of start time (%s) must be less than the slideDuration (%s)."):format(
      start_time, slide_duration or window_duration))
  end
  return column.wrap({ k = "call", fn = "window", args = { column.colNode(time) },
    window = { duration = dur, slide = slide, start = start } })
end

function M.isWindow(node) return type(node) == "table" and node.k == "call" and node.fn == "window" and node.window end

-- SQL's window(time, '10 minutes'[, slide[, start]]) call, which names the
-- same window as F.window (fromCall: its Column); its durations literals.
function M.isWindowCall(node)
  return type(node) == "table" and node.k == "call" and type(node.fn) == "string" and node.fn:lower() == "window"
    and not node.window
end

function M.fromCall(node)
  local args = node.args or {}
  if #args < 2 or #args > 4 then
    checks.failAtUser(("window takes a time column and 1 to 3 durations, not %d arguments"):format(#args))
  end
  local texts = {}
  for i = 2, #args do
    local decimal = args[i].type and args[i].type.id == T.ID.decimal -- (1.5: a decimal's digits)
    if not (args[i].k == "lit" and type(args[i].value) == "string") or decimal then
      checks.failAtUser(("window: the durations are literal strings such as '10 minutes', not %s"):format(
        require("tide.sql_names").toString(args[i])))
    end
    texts[i - 1] = args[i].value
  end
  local c = M.window(column.wrap(args[1]), texts[1], texts[2], texts[3])
  c.node.sqlText, c.node.call = node.sqlText, node
  return c
end

-- df with each row repeated once per window of w that holds its time, and
-- the windows' start and end appended (M.START, M.END).
function M.expand(df, node)
  local w = node.window
  local schema = df._plan.schema
  local time = node.args[1]
  if time.k ~= "col" then
    df, time = df:withColumn("__window_time", column.wrap(time)), { k = "col", name = "__window_time" }
  end
  schema = df._plan.schema
  local ti = ops.index_of(schema, time.name, "window", 3)
  if schema.fields[ti + 1].dataType == T.date then
    -- a date's first instant, as Spark casts a date to the timestamp a
    -- window takes
    df = df:withColumn("__window_time", column.wrap({ k = "cast", to = T.timestamp, expr = time }))
    time, schema = { k = "col", name = "__window_time" }, df._plan.schema
    ti = ops.index_of(schema, time.name, "window", 3)
  end
  -- (a TIMESTAMP_NTZ's windows are TIMESTAMP_NTZ's: the same microseconds)
  local time_type = schema.fields[ti + 1].dataType
  if time_type ~= T.timestamp and not time_type.ntz then
    checks.failAtUser(("window: the time column %s is %s, not a timestamp"):format(schema.fields[ti + 1].name,
      schema.fields[ti + 1].dataType:simpleString()))
  end
  local fields, all = {}, {}
  for i, f in ipairs(schema.fields) do fields[i], all[i] = f, i - 1 end
  fields[#fields + 1] = T.field(M.START, time_type, true)
  fields[#fields + 1] = T.field(M.END, time_type, true)
  local copies = math.ceil(w.duration / w.slide)
  local dur, slide, start = ffi.cast("int64_t", w.duration), ffi.cast("int64_t", w.slide), ffi.cast("int64_t", w.start)
  return ops.derive(df, {
    kind = "time_window",
    timeColumn = schema.fields[ti + 1].name, -- what a watermark on it finalizes (tide.stateful_aggregate)
    schema = T.struct(fields),
    explain = ("Expand window(%s, %d us, %d us, %d us)"):format(schema.fields[ti + 1].name, w.duration, w.slide,
      w.start),
    apply = function(batch)
      local n = batch:count()
      local size = math.max(n * copies, 1)
      local rows, starts = ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size)
      local k = tonumber(C.tide_time_window_rows(batch.columns[ti], n, dur, slide, start, rows, starts))
      local out = ops.columns_of(ops.take(batch, rows, k), all, 2)
      if C.tide_time_window_columns(out, out.columns[#all], M.START, out.columns[#all + 1], M.END, starts, k, dur)
          ~= 0 or C.tide_batch_finish(out) ~= 0 then
        error("window: out of memory", 0)
      end
      return out
    end,
  })
end

-- window(time, duration[, slide[, start]]) in a select: the struct of the
-- one window a tumbling window's row falls in, [t - (t - start) pmod d,
-- + d), named window as Spark names it (null without a time). A sliding
-- window holds a row several times: only a grouping key can say which.
require("tide.eval").register("window", function(node, _, compileChild)
  local w = node.window or M.fromCall(node).node.window
  if w.slide ~= w.duration then
    error("window: a sliding window puts a row in several windows, which only groupBy(window(...)) can give; in a"
      .. " select, window takes a duration alone (a tumbling window)", 0)
  end
  local time = compileChild(node.args[1])
  local time_type = time.type
  if time_type ~= T.timestamp and time_type ~= T.date and time_type ~= T.string and not time_type.ntz then
    error(("window: the time column is %s, not a timestamp"):format(time_type:simpleString()), 0)
  end
  local t = { k = "cast", to = T.timestamp, expr = node.args[1] }
  -- (a TIMESTAMP_NTZ's microseconds as they are, its window's TIMESTAMP_NTZ: tide.eval_timestamp_ntz)
  local ntz = time_type.ntz and require("tide.eval_timestamp_ntz")
  if ntz then t = { k = "compiled", c = ntz.asInstant(time) } end
  local us = { k = "call", fn = "unix_micros", args = { t } }
  local function micros(v) return { k = "cast", expr = { k = "lit", value = v }, to = T.long } end
  local offset = { k = "call", fn = "pmod", args = { { k = "op", op = "-", left = us, right = micros(w.start) },
    micros(w.duration) } }
  local start = { k = "op", op = "-", left = us, right = offset }
  local struct = { k = "call", fn = "struct", args = {
    { k = "alias", name = "start", expr = { k = "call", fn = "timestamp_micros", args = { start } } },
    { k = "alias", name = "end", expr = { k = "call", fn = "timestamp_micros", args = {
      { k = "op", op = "+", left = start, right = micros(w.duration) } } } } } }
  local c = compileChild({ k = "case", branches = { { when = { k = "isnotnull", expr = t }, value = struct } } })
  local copy = {}
  for k, v in pairs(c) do copy[k] = v end
  copy.name, copy.outputName = "window", "window"
  if ntz then copy.type = ntz.localType(copy.type) end
  return copy
end)

-- The result of an aggregation grouped by a window: its key of start and
-- end columns start and stop becomes Spark's struct `name` (`window`, or
-- the name the key was aliased to; tide.session_window's too), in the
-- first one's place.
function M.finishAs(df, name, start, stop)
  local cols = {}
  -- (by index: an aggregation's SQL select list may repeat a key's name)
  for i, f in ipairs(df._plan.schema.fields) do
    if f.name == start then
      cols[#cols + 1] = column.wrap({ k = "alias", name = name, expr = { k = "call", fn = "struct", args = {
        { k = "alias", name = "start", expr = { k = "col", name = start } },
        { k = "alias", name = "end", expr = { k = "col", name = stop } } } } })
    elseif f.name ~= stop then
      cols[#cols + 1] = column.wrap({ k = "col", name = f.name, index = i - 1 })
    end
  end
  return df:select(cols)
end

return M
