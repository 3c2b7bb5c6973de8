-- tide.interval_values — what show and the sinks make of Spark's ANSI
-- interval columns (tide.eval_intervals) and TIMESTAMP_NTZ ones
-- (tide.eval_timestamp_ntz). A batch holds an interval as the number it
-- is kept in (microseconds, months), which only the DataFrame's schema
-- tells from a bigint or an int, and a TIMESTAMP_NTZ as a timestamp, whose
-- text a batch writes in the session time zone; so these work from the
-- schema:
--
--   shown(df)          df with each interval and TIMESTAMP_NTZ (in a struct or an array too) as
--                      Spark's text, INTERVAL '0 01:00:00' DAY TO SECOND (show)
--   forSink(df, fmt)   what a sink writes: the text too (text, kafka, console; csv and json
--                      Spark's writers' text of a TIMESTAMP_NTZ), df itself (foreachBatch,
--                      memory), or for jdbc an error (an interval) or a TIMESTAMP (a TIMESTAMP_NTZ)
--
-- collect() gives the numbers themselves: a day-time interval as its
-- microseconds, as it gives a timestamp, so that ts2 - ts of two collected
-- timestamps is their interval; a year-month one as its months; a
-- TIMESTAMP_NTZ the microseconds of its local date-time read as UTC.

local M = {}

-- A type with each interval and TIMESTAMP_NTZ in it as a string
-- (tide.eval_intervals, tide.eval_timestamp_ntz: a local date-time's text
-- is the same whatever the session time zone, which a batch's timestamp
-- text is shown in).
local function texts_of(t)
  return require("tide.eval_timestamp_ntz").textsOf(require("tide.eval_intervals").textsOf(t))
end

-- Whether a schema has an interval column, or one holding intervals.
local function has_interval(schema)
  for _, f in ipairs(schema.fields or {}) do
    if texts_of(f.dataType) ~= f.dataType then return true end
  end
  return false
end
M.hasInterval = has_interval

-- df with each column whose type texts(t) changes cast to that type, the
-- node of the cast made by as(node, type) when given.
local function converted(df, texts, as)
  local schema = df._plan.schema
  local column = require("tide.column")
  local cols, changed = {}, false
  for i, f in ipairs(schema.fields) do
    local node = { k = "col", name = f.name, index = i - 1 }
    local t = texts(f.dataType)
    if t ~= f.dataType then
      changed = true
      node = { k = "alias", name = f.name, expr = as and as(node, t) or { k = "cast", expr = node, to = t } }
    end
    cols[i] = column.wrap(node)
  end
  return changed and df:select(unpack(cols)) or df
end

function M.shown(df)
  if not has_interval(df._plan.schema) then return df end
  return converted(df, texts_of)
end

-- What a sink of format fmt writes of df: df itself when it has no
-- interval or TIMESTAMP_NTZ column, or for the sinks that hand the
-- DataFrame to the user (foreachBatch, foreach, memory); for the JDBC
-- sinks an error for an interval (Spark's JDBC writer has no type for
-- intervals either) and a TIMESTAMP_NTZ as the TIMESTAMP of its wall
-- clock in the session time zone (PostgreSQL's timestamp without time
-- zone gets that local date-time, as Spark's writer sends it); the CSV
-- and JSON writers' text of a TIMESTAMP_NTZ (2024-01-01T10:00:00.000,
-- tide.eval_timestamp_ntz); else df with each interval and
-- TIMESTAMP_NTZ as its text, as show writes it.
local AS_IS = { foreachbatch = true, foreach = true, memory = true }
local JDBC = { jdbc = true, postgres = true, postgresql = true }
local WRITERS = { csv = true, json = true }
function M.forSink(df, fmt)
  local schema = df._plan.schema
  if AS_IS[fmt] or not has_interval(schema) then return df end
  local ntz = require("tide.eval_timestamp_ntz")
  if JDBC[fmt] then
    for _, f in ipairs(schema.fields) do
      if require("tide.eval_intervals").textsOf(f.dataType) ~= f.dataType then
        error(("Can't get JDBC type for %s (column %s): Spark's JDBC writer writes no interval either; write its"
          .. " text (CAST(%s AS STRING)) or its parts (extract(DAY FROM %s), ...)")
          :format(f.dataType:simpleString(), f.name, f.name, f.name), 0)
      end
    end
    return converted(df, ntz.instantsOf)
  end
  if WRITERS[fmt] then
    return converted(df, texts_of, function(node) return { k = "ntz_text", expr = node } end)
  end
  return M.shown(df)
end

return M
