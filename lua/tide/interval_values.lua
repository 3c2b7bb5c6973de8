-- tide.interval_values — what show and the sinks make of Spark's ANSI
-- interval columns (tide.eval_intervals). A batch holds an interval as the
-- number it is kept in (microseconds, months), which only the DataFrame's
-- schema tells from a bigint or an int, so these work from the schema:
--
--   shown(df)          df with each interval (in a struct or an array too) as Spark's text,
--                      INTERVAL '0 01:00:00' DAY TO SECOND (show)
--   forSink(df, fmt)   what a sink writes: the text too (csv, json, text, kafka,
--                      console), df itself (foreachBatch, memory), or an error (jdbc)
--
-- collect() gives the numbers themselves: a day-time interval as its
-- microseconds, as it gives a timestamp, so that ts2 - ts of two collected
-- timestamps is their interval; a year-month one as its months.

local M = {}

-- A type with each interval in it as a string (tide.eval_intervals).
local function texts_of(t) return require("tide.eval_intervals").textsOf(t) end

-- Whether a schema has an interval column, or one holding intervals.
local function has_interval(schema)
  for _, f in ipairs(schema.fields or {}) do
    if texts_of(f.dataType) ~= f.dataType then return true end
  end
  return false
end
M.hasInterval = has_interval

function M.shown(df)
  local schema = df._plan.schema
  if not has_interval(schema) then return df end
  local column = require("tide.column")
  local cols = {}
  for i, f in ipairs(schema.fields) do
    local node = { k = "col", name = f.name, index = i - 1 }
    local texts = texts_of(f.dataType)
    if texts ~= f.dataType then
      node = { k = "alias", name = f.name, expr = { k = "cast", expr = node, to = texts } }
    end
    cols[i] = column.wrap(node)
  end
  return df:select(unpack(cols))
end

-- What a sink of format fmt writes of df: df itself when it has no
-- interval column, or for the sinks that hand the DataFrame to the user
-- (foreachBatch, foreach, memory); an error for the JDBC sinks (Spark's
-- JDBC writer has no type for intervals either); else df with each
-- interval as its text, as Spark's CSV and JSON writers write it.
local AS_IS = { foreachbatch = true, foreach = true, memory = true }
local JDBC = { jdbc = true, postgres = true, postgresql = true }
function M.forSink(df, fmt)
  local schema = df._plan.schema
  if AS_IS[fmt] or not has_interval(schema) then return df end
  if JDBC[fmt] then
    for _, f in ipairs(schema.fields) do
      if texts_of(f.dataType) ~= f.dataType then
        error(("Can't get JDBC type for %s (column %s): Spark's JDBC writer writes no interval either; write its"
          .. " text (CAST(%s AS STRING)) or its parts (extract(DAY FROM %s), ...)")
          :format(f.dataType:simpleString(), f.name, f.name, f.name), 0)
      end
    end
  end
  return M.shown(df)
end

return M
