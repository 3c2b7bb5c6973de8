-- tide.event_time — the columns of a plan's rows that carry its watermark,
-- as Spark's attributes carry withWatermark's metadata, by which stateful
-- operators drop late rows and let their state go:
--
--   the withWatermark's column, and what passes it on above it: a
--   projection under any alias (a cast or any other expression of it is a
--   new column, unmarked, as Spark's), a window over it (Spark's window
--   attribute keeps the time column's metadata: a window selected, or an
--   aggregation's window key), window_time of such a window, an
--   aggregation's key; a join's sides' columns (tide.stream_join
--   eventTimeColumns) and a union's (its left side's, as Spark's Union
--   output keeps the first child's).
--
--   event_time.columns(plan)  -- their names, in plan.schema's order
local T = require("tide.types")

local M = {}

local ENDS = { time_window = require("tide.time_window").END, session_window = require("tide.session_window").END }

local function col_of(n)
  return n and n.k == "col" and n or nil
end

-- The column (a col node) whose mark expression n passes on, or nil.
local function carried(n)
  if n and n.k == "alias" then n = n.expr end
  if not n then return nil end
  if n.k == "col" then return n end
  if n.k == "call" and n.args then
    -- window(time, ...) selected, and window_time(window)
    if (n.fn == "window" and n.window) or n.fn == "window_time" then return col_of(n.args[1]) end
    -- an aggregation's window key shown as its struct (tide.time_window
    -- finishAs): marked by its end, which the window node marked
    if n.fn == "struct" and #n.args == 2 and n.args[2].k == "alias" and n.args[2].name == "end" then
      return col_of(n.args[2].expr)
    end
  end
  return nil
end

-- The set (lower-cased names) a node's rows mark, from the set its input's
-- rows mark.
local function through(node, marked)
  local kind = node.kind
  if kind == "project" then
    local input, out = node.child.schema, {}
    for _, item in ipairs(node.compiled or {}) do
      local c = carried(item.node)
      local j = c and input:resolveField(c.name)
      if j and marked[input.fields[j].name:lower()] then out[item.name:lower()] = true end
    end
    return out
  elseif ENDS[kind] and marked[node.timeColumn:lower()] then
    local out = { [ENDS[kind]:lower()] = true }
    for name in pairs(marked) do out[name] = true end
    return out
  elseif kind == "stateful_aggregate" then
    -- (its keys keep their marks; the aggregates are new columns)
    local out = {}
    for i = 1, node.keyCount or 0 do
      local name = node.schema.fields[i].name:lower()
      out[name] = marked[name]
    end
    return out
  elseif kind == "stateful_map" then
    return {}
  elseif kind == "stream_join" or kind == "stream_union" then
    local out = {}
    for _, name in ipairs(node.eventTimeColumns or {}) do out[name:lower()] = true end
    return out
  end
  return marked
end

-- The names of plan's columns that carry its watermark, in its schema's
-- order (empty without a watermark).
function M.columns(plan)
  local chain, node = {}, plan
  while node and node.kind ~= "watermark" do
    chain[#chain + 1] = node
    node = node.child
  end
  if not node then return {} end
  -- (the sides' watermark over a join or a union: theirs, below)
  local marked = {}
  if node.watermark.column then
    marked[node.watermark.column:lower()] = true
  elseif node.child and node.child.eventTimeColumns then
    marked = through(node.child, {})
  end
  for i = #chain, 1, -1 do marked = through(chain[i], marked) end
  local names = {}
  for _, f in ipairs(plan.schema.fields) do
    if marked[f.name:lower()] then names[#names + 1] = f.name end
  end
  return names
end

-- The first of them that is a timestamp (not a window), or nil: what an
-- operator that reads a time (an expiry, a timeout) goes by.
function M.timeColumn(plan)
  for _, name in ipairs(M.columns(plan)) do
    local f = plan.schema.fields[plan.schema:resolveField(name)]
    if f.dataType.id ~= T.ID.struct then return name end
  end
  return nil
end

return M
