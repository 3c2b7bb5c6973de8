-- tide.session_window — Spark's session windows, F.session_window(time,
-- gap) (SQL session_window(at, '5 minutes')), as grouping keys:
--
--   events:groupBy(F.session_window("at", "5 minutes"), "user"):count()
--   events:withWatermark("at", "10 minutes"):groupBy(F.session_window("at", "5 minutes"), "user")
--     :agg(F.sum("clicks")).writeStream:outputMode("append")...
--
-- Each row with a time is the interval [time, time + gap); per value of the
-- other keys, intervals taken by start merge while the next starts at or
-- before the current session's end (Spark's MergingSessionsIterator), so
-- a session ends `gap` after its last event. Over a batch DataFrame the
-- rows get their merged session here (one C pass, engine/session_window.c,
-- after grouping the other keys), then aggregate by the keys and the
-- session's start and end. Over a stream each row keeps its own interval:
-- tide.stateful_aggregate merges the micro-batch's partial aggregates with
-- the sessions it keeps (mergeSessions), as Spark's session state store
-- operators do. A row without a time has no session and is left out; so is
-- a row of a gap of zero or less, as Spark's filter on the session's
-- length leaves it. The result's `session_window` column is Spark's
-- struct<start: timestamp, end: timestamp>.
--
-- In a select, session_window(time, gap) is that struct of the row's own
-- interval, as Spark's projection of it (which also drops the rows without
-- a time; tide gives them a null session_window).
--
-- The gap is a literal duration ("5 minutes", as F.window's); Spark's
-- dynamic gap (a column or expression per row) fails at the call.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local ops = require("tide.dataframe_ops")
local time_window = require("tide.time_window")

local M = {}
local errbuf, ERRLEN, cerr, int32s = ops.errbuf, ops.ERRLEN, ops.cerr, ops.int32s

-- The names of a session's start and end while it is a grouping key, and
-- of the struct shown.
M.START, M.END, M.NAME = "__session_start", "__session_end", "session_window"

local DYNAMIC = "session_window: tide takes the gap as a literal duration such as \"5 minutes\", not %s (Spark's"
  .. " dynamic gap, a gap per row from a column or expression, is not supported)"

-- The gap (microseconds) of a session_window call node: F.session_window's,
-- or a SQL call's literal second argument.
local function gap_of(node)
  if node.session then return node.session.gap end
  local gap = node.args and node.args[2]
  if #(node.args or {}) ~= 2 then
    checks.failAtUser(("session_window takes a time column and a gap duration, not %d arguments"):format(
      #(node.args or {})))
  end
  if not (gap.k == "lit" and type(gap.value) == "string") then
    checks.failAtUser(DYNAMIC:format(require("tide.sql_names").toString(gap)))
  end
  return time_window.duration(gap.value, "gap duration", "session_window")
end

-- F.session_window(timeColumn, gapDuration).
function M.sessionWindow(time, gap)
  if time == nil then checks.failAtUser("session_window() needs a time column") end
  if column.isColumn(gap) then
    if not (gap.node.k == "lit" and type(gap.node.value) == "string") then
      checks.failAtUser(DYNAMIC:format("a column"))
    end
    gap = gap.node.value
  end
  local us = time_window.duration(gap, "gap duration", "session_window")
  return column.wrap({ k = "call", fn = "session_window", args = { column.colNode(time), { k = "lit", value = gap } },
    session = { gap = us } })
end

-- Whether a node is a session window (F.session_window's, or SQL's call).
function M.isSession(node)
  return type(node) == "table" and node.k == "call" and type(node.fn) == "string"
    and node.fn:lower() == "session_window"
end

-- The time column of a session window over df: df with it computed (an
-- expression) or cast (a date's first instant, as Spark casts a date) under
-- a name of its own when it is not a timestamp column already, and its
-- index.
local function time_column(df, node)
  local time = node.args[1]
  if time.k ~= "col" then
    df, time = df:withColumn("__session_time", column.wrap(time)), { k = "col", name = "__session_time" }
  end
  local schema = df._plan.schema
  local ti = ops.index_of(schema, time.name, "session_window", 4)
  if schema.fields[ti + 1].dataType == T.date then
    df = df:withColumn("__session_time", column.wrap({ k = "cast", to = T.timestamp, expr = time }))
    schema = df._plan.schema
    ti = ops.index_of(schema, "__session_time", "session_window", 4)
  end
  if schema.fields[ti + 1].dataType ~= T.timestamp then
    checks.failAtUser(("session_window: the time column %s is %s, not a timestamp"):format(schema.fields[ti + 1].name,
      schema.fields[ti + 1].dataType:simpleString()))
  end
  return df, ti
end

-- df with each row's session appended (M.START, M.END), the rows without
-- one left out. keys: the names of the other grouping keys, which the
-- sessions of a batch DataFrame are per; over a stream each row is its own
-- interval, merged by the streaming aggregation.
function M.expand(df, node, keys)
  local gap = gap_of(node)
  local ti
  df, ti = time_column(df, node)
  local schema = df._plan.schema
  local merge = not df._streaming
  local key_idx = {}
  for i, k in ipairs(keys) do key_idx[i] = ops.key_index(schema, k, "groupBy", 3) end
  local c_keys, nk = int32s(key_idx), #key_idx
  local fields, all = {}, {}
  for i, f in ipairs(schema.fields) do fields[i], all[i] = f, i - 1 end
  fields[#fields + 1] = T.field(M.START, T.timestamp, true)
  fields[#fields + 1] = T.field(M.END, T.timestamp, true)
  local c_gap = ffi.cast("int64_t", gap)
  return ops.derive(df, {
    kind = "session_window",
    timeColumn = schema.fields[ti + 1].name, -- what a watermark finalizes (tide.stateful_aggregate)
    schema = T.struct(fields),
    explain = ("%s session_window(%s, %d us)"):format(merge and "MergingSessions" or "Project",
      schema.fields[ti + 1].name, gap),
    apply = function(batch)
      local n = batch:count()
      local size = math.max(n, 1)
      local groups = nil
      if merge then
        groups = ffi.new("int32_t[?]", size) -- (all in group 0 without other keys)
        if nk > 0 and C.tide_group_rows(batch, c_keys, nk, groups, ffi.new("int64_t[?]", size), errbuf, ERRLEN) < 0 then
          error(cerr(), 0)
        end
      end
      local rows, starts, ends = ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size)
      local k = tonumber(C.tide_session_windows(groups, batch.columns[ti], nil, c_gap, n, rows, starts, ends, errbuf,
        ERRLEN))
      if k < 0 then error(cerr(), 0) end
      local out = ops.columns_of(ops.take(batch, rows, k), all, 2)
      if C.tide_session_columns(out, out.columns[#all], M.START, out.columns[#all + 1], M.END, rows, starts, ends,
          k) ~= 0 or C.tide_batch_finish(out) ~= 0 then
        error("session_window: out of memory", 0)
      end
      return out
    end,
  })
end

-- The result of an aggregation grouped by a session window: its start and
-- end keys become Spark's `session_window` struct (or the name the key
-- was aliased to), in the first one's place.
function M.finish(df, name)
  return time_window.finishAs(df, name or M.NAME, M.START, M.END)
end

-- A streaming aggregation's merge (tide.stateful_aggregate): rows (the
-- kept sessions, then a micro-batch's partial aggregates, each an interval
-- in columns si and ei, 0-based) with each interval replaced by the
-- session it merges into per value of the other keys (0-based indices
-- `others`), in the rows' order; and the sessions (starts, ends, by row).
function M.mergeSessions(rows, others, si, ei)
  local n = rows:count()
  local size = math.max(n, 1)
  local groups = ffi.new("int32_t[?]", size)
  if #others > 0 and C.tide_group_rows(rows, int32s(others), #others, groups, ffi.new("int64_t[?]", size), errbuf,
      ERRLEN) < 0 then
    error(cerr(), 0)
  end
  local order, starts, ends = ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size)
  local k = tonumber(C.tide_session_windows(groups, rows.columns[si], rows.columns[ei], 0, n, order, starts, ends,
    errbuf, ERRLEN))
  if k < 0 then error(cerr(), 0) end
  -- (a kept session and a partial aggregate's interval are never empty)
  if k ~= n then error("session_window: a kept session has no time", 0) end
  local all = {}
  for i = 1, #rows:schema().fields do all[i] = i - 1 end
  local out = ops.columns_of(rows, all)
  if C.tide_session_columns(out, out.columns[si], M.START, out.columns[ei], M.END, nil, starts, ends, n) ~= 0
      or C.tide_batch_finish(out) ~= 0 then
    error("session_window: out of memory", 0)
  end
  return out, starts, ends
end

-- The first n of rows whose interval (columns si, ei) is not their merged
-- session (starts, ends by row, from mergeSessions): the kept sessions a
-- merge replaced, which leave the state; nil when none.
function M.moved(rows, n, si, ei, starts, ends)
  if n == 0 then return nil end
  local which = ffi.new("int64_t[?]", n)
  local k = tonumber(C.tide_sessions_moved(rows.columns[si], rows.columns[ei], starts, ends, n, which))
  return k > 0 and ops.take(rows, which, k) or nil
end

-- session_window(time, gap) in a select: the struct of the row's own
-- interval (null without a time), named session_window as Spark names it
-- (the microseconds added as the grouping adds them: a day is 24 hours).
require("tide.eval").register("session_window", function(node, _, compileChild)
  local gap = gap_of(node)
  local t = { k = "cast", to = T.timestamp, expr = node.args[1] }
  local stop = { k = "call", fn = "timestamp_micros", args = { { k = "op", op = "+",
    left = { k = "call", fn = "unix_micros", args = { t } }, right = { k = "lit", value = gap } } } }
  local struct = { k = "call", fn = "struct", args = { { k = "alias", name = "start", expr = t },
    { k = "alias", name = "end", expr = stop } } }
  local c = compileChild({ k = "case", branches = { { when = { k = "isnotnull", expr = t }, value = struct } } })
  local copy = {}
  for k, v in pairs(c) do copy[k] = v end
  copy.name, copy.outputName = M.NAME, M.NAME
  return copy
end)

return M
