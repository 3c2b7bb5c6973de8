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
-- a session ends at the latest end of its events (`gap` after the last
-- one when the gap is one literal). Over a batch DataFrame the
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
-- a time, or without a gap above zero; tide gives them a null
-- session_window).
--
-- The gap is a literal duration ("5 minutes", as F.window's, or an
-- INTERVAL literal), or Spark's dynamic gap: a column or expression giving
-- each row's duration string,
--
--   F.session_window("at", F.when(F.col("user"):eq("bot"), "5 seconds"):otherwise("20 seconds"))
--   GROUP BY user, session_window(at, CASE WHEN kind = 'bot' THEN '5 seconds' ELSE '20 seconds' END)
--
-- evaluated as a column; its distinct strings are found in C and parsed
-- once each (tide.time_window's durations, kept per string), and the
-- microseconds go back to C by row. A row whose gap is null, unreadable,
-- zero or less has no session (Spark casts the string to an interval, null
-- when unreadable, and filters on the session's length). Each row is then
-- [time, time + its gap), and the merge is the same: a session ends at the
-- latest end of its events, whatever their gaps; over a stream each kept
-- session carries its own end, so the gaps of earlier events need not be
-- known again.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local column = require("tide.column")
local checks = require("tide.checks")
local ops = require("tide.dataframe_ops")
local time_window = require("tide.time_window")

local M = {}
local errbuf, ERRLEN, cerr, int32s = ops.errbuf, ops.ERRLEN, ops.cerr, ops.int32s

-- The names of a session's start and end while it is a grouping key, and
-- of the struct shown; the column a dynamic gap is computed into.
M.START, M.END, M.NAME = "__session_start", "__session_end", "session_window"
M.GAP = "__session_gap"

-- A dynamic gap's expression with its INTERVAL literals as the duration
-- strings they are ("5000000 microseconds"), so that a CASE of intervals
-- evaluates as a CASE of strings does (an interval literal is no column in
-- tide). Those an arithmetic operator takes (ts + INTERVAL 1 HOUR) are left
-- to it. The node itself when there are none; `from` (the plan a
-- reference came from) is shared, not walked.
local function intervals_as_text(node, parent)
  if type(node) ~= "table" or getmetatable(node) then return node end
  if node.k == "interval" and not (parent and parent.k == "op" and (parent.op == "+" or parent.op == "-")) then
    if node.months then return { k = "lit", value = ("%d months"):format(node.months) } end
    return { k = "lit", value = ("%d microseconds"):format(node.micros) }
  end
  local copy
  for k, v in pairs(node) do
    if k ~= "from" and type(v) == "table" then
      local w = intervals_as_text(v, node)
      if w ~= v then
        if not copy then
          copy = {}
          for k2, v2 in pairs(node) do copy[k2] = v2 end
        end
        copy[k] = w
      end
    end
  end
  return copy or node
end

-- The gap of a session_window call node (F.session_window's, or SQL's):
-- its microseconds when a literal (a duration string or an INTERVAL),
-- else nil and the expression giving each row's gap.
local function gap_of(node)
  if node.session then return node.session.gap end
  local args = node.args or {}
  if #args ~= 2 then
    checks.failAtUser(("session_window takes a time column and a gap duration, not %d arguments"):format(#args))
  end
  local gap = args[2]
  if gap.k == "lit" and type(gap.value) == "string" and not (gap.type and gap.type.id == T.ID.decimal) then
    return time_window.duration(gap.value, "gap duration", "session_window")
  end
  if gap.k == "interval" and gap.months then
    checks.failAtUser(("session_window: the gap %s has months or years, which have no fixed length (tide takes"
      .. " day-time gaps: days, hours, minutes, seconds)"):format(gap.text))
  end
  if gap.k == "interval" then return gap.micros end
  return nil, intervals_as_text(gap)
end

-- A dynamic gap's type, the one Spark casts to an interval: a string (or
-- an untyped NULL, which gives no row a session).
local function check_gap_type(t, gap)
  if t ~= T.string and not require("tide.eval_coerce").isVoid(t) then
    checks.failAtUser(("session_window: Gap duration expression used in session window must be CalendarIntervalType,"
      .. " but got %s (%s: a gap expression gives a duration string such as '5 seconds')"):format(t:simpleString(),
      require("tide.sql_names").toString(gap)))
  end
end

local GAP_UNITS = { microsecond = 1LL, millisecond = 1000LL, second = 1000000LL, minute = 60000000LL,
                    hour = 3600000000LL, day = 86400000000LL, week = 604800000000LL }
local INT64_MAX = 9223372036854775807LL

-- A gap string as Spark's cast of a string to an interval reads it
-- (IntervalUtils.stringToInterval): an optional "interval", then a signed
-- number and a unit's full name (singular or plural) each, white space
-- between; a fraction only of seconds. Its microseconds as an int64, or
-- false when it reads as none (Spark's NULL: no session) or does not
-- fit; months and years fail (no fixed length).
local function parse_gap(text)
  local s = text:lower():gsub("^%s*interval%s+", ""):match("^%s*(.-)%s*$")
  if s == "" then return false end
  local total, pos = 0LL, 1
  while pos <= #s do
    local sign, whole, point, fraction, unit, after = s:match("^([+-]?)(%d+)(%.?)(%d*)%s+(%a+)%s*()", pos)
    if not sign then return false end
    unit = unit:gsub("s$", "")
    if unit == "month" or unit == "year" then
      error(("session_window: the gap %q has months or years, which have no fixed length (tide takes day-time"
        .. " gaps: days, hours, minutes, seconds)"):format(text), 0)
    end
    local scale = GAP_UNITS[unit]
    if not scale or (point ~= "" and unit ~= "second") or #whole > 18 then return false end
    local v = 0LL
    for digit in whole:gmatch("%d") do v = v * 10 + (digit:byte() - 48) end
    if v > INT64_MAX / scale then return false end
    v = v * scale
    if fraction ~= "" then
      local micros = 0LL
      for k = 1, 6 do micros = micros * 10 + ((fraction:byte(k) or 48) - 48) end
      v = v + micros
    end
    if sign == "-" then v = -v end
    if (v > 0 and total > INT64_MAX - v) or (v < 0 and total < -INT64_MAX - v) then return false end
    total, pos = total + v, after
  end
  return total
end

-- A parser of gap strings that keeps what it parsed (up to CACHED strings,
-- then starts over): a stream's gaps are mostly the same few strings.
local CACHED = 4096
local function gap_parser()
  local known, count = {}, 0
  return function(text)
    local us = known[text]
    if us == nil then
      us = parse_gap(text)
      if count >= CACHED then known, count = {}, 0 end
      known[text], count = us, count + 1
    end
    return us or 0
  end
end

-- The microseconds of each of n rows' gaps (an int64_t array; 0: none)
-- from col, a dynamic gap's strings (or an untyped NULL's column), each
-- distinct string parsed once.
local function row_gaps(col, n, parse)
  local size = math.max(n, 1)
  local gaps = ffi.new("int64_t[?]", size)
  if col.type ~= T.ID.string then return gaps end
  local texts, first = ffi.new("int32_t[?]", size), ffi.new("int64_t[?]", size)
  local nt = tonumber(C.tide_session_gap_texts(col, n, texts, first, errbuf, ERRLEN))
  if nt < 0 then error(cerr(), 0) end
  local of_text = ffi.new("int64_t[?]", math.max(nt, 1))
  local offsets = ffi.cast("int32_t*", col.values)
  for d = 0, nt - 1 do
    local r = first[d]
    if batchlib.isValid(col, r) then
      of_text[d] = parse(ffi.string(col.data + offsets[r], offsets[r + 1] - offsets[r]))
    end
  end
  C.tide_session_gaps(texts, of_text, n, gaps)
  return gaps
end

-- F.session_window(timeColumn, gapDuration): the gap a duration string, or
-- a Column (a literal string or INTERVAL; else a dynamic gap).
function M.sessionWindow(time, gap)
  if time == nil then checks.failAtUser("session_window() needs a time column") end
  local node = { k = "call", fn = "session_window", args = { column.colNode(time) } }
  if column.isColumn(gap) and not (gap.node.k == "lit" and type(gap.node.value) == "string") then
    node.args[2] = gap.node
    if gap.node.k == "interval" and gap.node.micros then node.session = { gap = gap.node.micros } end
    return column.wrap(node)
  end
  if column.isColumn(gap) then gap = gap.node.value end
  node.args[2] = { k = "lit", value = gap }
  node.session = { gap = time_window.duration(gap, "gap duration", "session_window") }
  return column.wrap(node)
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
  if schema.fields[ti + 1].dataType ~= T.timestamp and not schema.fields[ti + 1].dataType.ntz then
    checks.failAtUser(("session_window: the time column %s is %s, not a timestamp"):format(schema.fields[ti + 1].name,
      schema.fields[ti + 1].dataType:simpleString()))
  end
  return df, ti
end

-- df with a dynamic gap's column (M.GAP) computed, and its index.
local function gap_column(df, gap)
  local ok, with = pcall(df.withColumn, df, M.GAP, column.wrap(gap))
  if not ok then
    checks.failAtUser(("session_window: the gap %s: %s"):format(require("tide.sql_names").toString(gap),
      (tostring(with):gsub("^[^:\n]*tide/[%w_/]+%.lua:%d+: ", ""))))
  end
  df = with
  local schema = df._plan.schema
  local gi = ops.index_of(schema, M.GAP, "session_window", 4)
  check_gap_type(schema.fields[gi + 1].dataType, gap)
  return df, gi
end

-- df with each row's session appended (M.START, M.END), the rows without
-- one left out. keys: the names of the other grouping keys, which the
-- sessions of a batch DataFrame are per; over a stream each row is its own
-- interval, merged by the streaming aggregation.
function M.expand(df, node, keys)
  local gap, dynamic = gap_of(node)
  local ti, gi
  df, ti = time_column(df, node)
  if dynamic then df, gi = gap_column(df, dynamic) end
  local schema = df._plan.schema
  local merge = not df._streaming
  local key_idx = {}
  for i, k in ipairs(keys) do key_idx[i] = ops.key_index(schema, k, "groupBy", 3) end
  local c_keys, nk = int32s(key_idx), #key_idx
  local fields, all = {}, {}
  for i, f in ipairs(schema.fields) do
    -- (a dynamic gap's column is spent once the sessions are found)
    if i - 1 ~= gi then fields[#fields + 1], all[#all + 1] = f, i - 1 end
  end
  -- (a TIMESTAMP_NTZ's sessions are TIMESTAMP_NTZ's: the same microseconds)
  local time_type = schema.fields[ti + 1].dataType
  fields[#fields + 1] = T.field(M.START, time_type, true)
  fields[#fields + 1] = T.field(M.END, time_type, true)
  local c_gap = ffi.cast("int64_t", gap or 0)
  local parse = dynamic and gap_parser()
  return ops.derive(df, {
    kind = "session_window",
    timeColumn = schema.fields[ti + 1].name, -- what a watermark finalizes (tide.stateful_aggregate)
    schema = T.struct(fields),
    explain = ("%s session_window(%s, %s)"):format(merge and "MergingSessions" or "Project",
      schema.fields[ti + 1].name, gap and ("%d us"):format(gap) or require("tide.sql_names").toString(dynamic)),
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
      local gaps = gi and row_gaps(batch.columns[gi], n, parse) or nil
      local rows, starts, ends = ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size), ffi.new("int64_t[?]", size)
      local k = tonumber(C.tide_session_windows(groups, batch.columns[ti], nil, gaps, c_gap, n, rows, starts, ends,
        errbuf, ERRLEN))
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
  local k = tonumber(C.tide_session_windows(groups, rows.columns[si], rows.columns[ei], nil, 0, n, order, starts,
    ends, errbuf, ERRLEN))
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
-- interval (null without a time, or without a gap above zero), named
-- session_window as Spark names it (the microseconds added as the grouping
-- adds them: a day is 24 hours).
require("tide.eval").register("session_window", function(node, _, compileChild, ev)
  local gap, dynamic = gap_of(node)
  local time = compileChild({ k = "cast", to = T.timestamp, expr = node.args[1] })
  -- (a TIMESTAMP_NTZ's microseconds as they are, its session's TIMESTAMP_NTZ: tide.eval_timestamp_ntz)
  local ntz = compileChild(node.args[1]).type.ntz and require("tide.eval_timestamp_ntz")
  if ntz then time = ntz.asInstant(compileChild(node.args[1])) end
  local bound = ntz and T.timestampNTZ or T.timestamp
  local texts, parse
  if dynamic then
    texts = compileChild(dynamic)
    check_gap_type(texts.type, dynamic)
    parse = gap_parser()
  end
  -- (a literal gap: every row's the same, through the same kernel, so that
  -- one of zero or less is null and a late end stops at the last time)
  local one = ffi.new("int64_t[1]", gap or 0)
  return {
    type = T.struct({ T.field("start", bound, true), T.field("end", bound, true) }),
    name = M.NAME, outputName = M.NAME,
    run = function(input, out, ctx)
      local n = tonumber(input.num_rows)
      local starts = time.run(input, out, ctx)
      local gaps
      if texts then
        gaps = row_gaps(texts.run(input, out, ctx), n, parse)
      else
        gaps = ffi.new("int64_t[?]", math.max(n, 1))
        C.tide_session_gaps(ffi.new("int32_t[?]", math.max(n, 1)), one, n, gaps)
      end
      local dst = ev.newColumn(out)
      if C.tide_session_intervals(out, starts, gaps, n, dst, errbuf, ERRLEN) ~= 0 then error(cerr(), 0) end
      return dst
    end,
  }
end)

return M
