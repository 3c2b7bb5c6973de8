-- tide.stream_writer — DataStreamWriter, df.writeStream as in PySpark:
-- format, options, queryName, outputMode, trigger, foreachBatch, foreach,
-- then start(), which hands the writer to tide.streaming to run the query.
local checks = require("tide.checks")

local M = {}

-- ---- triggers ------------------------------------------------------------------

local UNITS = { ms = 1, millisecond = 1, milliseconds = 1, s = 1000, sec = 1000, second = 1000,
                seconds = 1000, m = 60000, min = 60000, minute = 60000, minutes = 60000,
                h = 3600000, hour = 3600000, hours = 3600000, d = 86400000, day = 86400000, days = 86400000 }

-- "500 milliseconds", "5 seconds", "1 minute" -> milliseconds.
function M.parseInterval(text)
  if type(text) == "number" then return text end
  local n, unit = tostring(text):lower():match("^%s*(%d+%.?%d*)%s*(%a*)%s*$")
  local scale = UNITS[unit ~= "" and unit or "ms"]
  if not n or not scale then error(("cannot parse interval %q (try \"5 seconds\")"):format(tostring(text)), 0) end
  return tonumber(n) * scale
end

-- The trigger kinds, as PySpark's keyword arguments.
local TRIGGERS = { "processingTime", "once", "availableNow", "continuous" }

-- {processingTime = "5 seconds"}, {once = true}, {availableNow = true}: one
-- kind only, as PySpark's trigger() ("Multiple triggers not allowed").
local function parse_trigger(spec)
  if type(spec) ~= "table" then
    error(("trigger takes a table such as {processingTime = \"5 seconds\"}, not a %s"):format(type(spec)), 0)
  end
  local given, known = {}, {}
  for _, k in ipairs(TRIGGERS) do
    known[k] = true
    if spec[k] ~= nil then given[#given + 1] = k end
  end
  for k in pairs(spec) do
    if not known[k] then
      error(("trigger: unknown key %s (known: processingTime, once, availableNow)"):format(tostring(k)), 0)
    end
  end
  if #given > 1 then
    error(("trigger takes one kind, not several (%s): processingTime, once or availableNow")
      :format(table.concat(given, ", ")), 0)
  end
  if spec.processingTime ~= nil then
    return { kind = "processingTime", interval = M.parseInterval(spec.processingTime) }
  end
  for _, k in ipairs({ "once", "availableNow" }) do
    if spec[k] ~= nil and spec[k] ~= true then
      error(("trigger: %s must be true, not %s"):format(k, tostring(spec[k])), 0)
    end
  end
  if spec.once then return { kind = "once" } end
  if spec.availableNow then return { kind = "availableNow" } end
  if spec.continuous ~= nil then error("continuous triggers are not supported", 0) end
  error("trigger needs processingTime, once or availableNow", 0)
end

-- ---- DataStreamWriter ------------------------------------------------------------

local Writer = {}
Writer.__index = Writer

function M.new(df)
  if not df.isStreaming then
    error("writeStream applies to streaming DataFrames (made with spark.readStream); use write", 3)
  end
  return setmetatable({ df = df, fmt = nil, opts = {}, spelled = {}, mode = "append", trig = { kind = "default" } },
    Writer)
end

function Writer:format(name) self.fmt = tostring(name):lower(); return self end

checks.optionMethods(Writer)
-- The query's name is its option queryName, as Spark's queryName() sets
-- that option: option("queryName", "t") names the query too.
function Writer:queryName(name)
  if type(name) ~= "string" or not name:find("%S") then
    error(("Value for `queryName` must be a non-empty string, got %s")
      :format(type(name) == "string" and ("'%s'"):format(name) or checks.kindOf(name)), 2)
  end
  return self:option("queryName", name)
end

-- partitionBy("k", "d") or partitionBy{"k", "d"}: the csv, json and text
-- sinks write each epoch's rows into partition directories
-- (k=1/d=x/part-....csv), as Spark's file sink; other sinks ignore it.
function Writer:partitionBy(...)
  self.partitionCols = require("tide.partitions").names("partitionBy", ...)
  return self
end

-- Spark's modes. A query with a streaming aggregation writes every group
-- ("complete") or the groups a batch changed ("update"); one without
-- writes each batch's rows, in "update" as in "append" (Spark accepts it
-- so since SPARK-19140, and ported foreachBatch upserts use it).
-- tide.streaming's start checks the mode against the plan as Spark's
-- analysis does.
local MODES = { append = true, update = true, complete = true }

function Writer:outputMode(mode)
  local name = tostring(mode):lower()
  if not MODES[name] then
    error(("Unknown output mode %s. Accepted output modes are 'append', 'complete', 'update'"):format(
      tostring(mode)), 2)
  end
  self.mode = name
  return self
end

function Writer:trigger(spec)
  local ok, t = pcall(parse_trigger, spec == nil and {} or spec)
  if not ok then error(t, 2) end
  self.trig = t
  return self
end

function Writer:foreachBatch(fn)
  if type(fn) ~= "function" then error("foreachBatch needs a function(df, epoch_id)", 2) end
  self.fmt, self.batchFn = "foreachbatch", fn
  return self
end

function Writer:foreach(obj)
  if type(obj) ~= "table" and type(obj) ~= "function" then
    error("foreach needs a function(row) or a table {open, process, close}", 2)
  end
  self.fmt, self.foreachObj = "foreach", obj
  return self
end

-- The checkpoint directory Spark gives a query started without
-- option("checkpointLocation"): with spark.sql.streaming.checkpointLocation
-- set, <that>/<queryName>, or <that>/<random uuid> for a query without a
-- name (StreamingQueryManager.createQuery); nil otherwise, which leaves
-- the console and memory sinks their temporary one and fails the others.
local function default_checkpoint(w)
  local session = w.df._session
  local root = session and session.conf and session.conf:get("spark.sql.streaming.checkpointLocation")
  if not root or root == "" then return nil end
  return root:gsub("/+$", "") .. "/" .. (w.name or require("tide.checkpoint").uuid())
end

-- The options of every query (tide.streaming, tide.streaming_batch), and
-- those of the sinks that have no list of their own, for start()'s
-- warning about a misspelled one (as the readers warn; the file, jdbc and
-- kafka sinks take df.write's: tide.writer knownOptions).
local QUERY_OPTIONS = { "checkpointLocation", "path", "queryName", "maxOffsetsPerTrigger", "minBatchesToRetain",
  "progressLog" }
local SINK_OPTIONS = { console = { "numRows", "truncate" } }

local function warn_misspelled(w)
  local fmt = w.fmt or "console"
  local known = {}
  local writer = require("tide.writer")
  for _, part in ipairs({ QUERY_OPTIONS, SINK_OPTIONS[fmt] or writer.knownOptions(fmt) or {} }) do
    for _, name in ipairs(part) do known[#known + 1] = name end
  end
  checks.warnMisspelledOptions(fmt .. " sink", w.opts, w.spelled, known, writer.optionPrefix(fmt))
end

function Writer:start(path)
  if path then
    self.opts.path = path
    self.spelled.path = "path"
  end
  -- The query gets a copy of the writer (a plain table, whose unset
  -- fields the sinks read as nil): a default checkpoint (a new uuid each
  -- start) is this start's only, not a setting of the writer, which may
  -- start another query.
  local w = {}
  for k, v in pairs(self) do w[k] = v end
  w.opts = {}
  for k, v in pairs(self.opts) do w.opts[k] = v end
  warn_misspelled(w)
  w.name = w.opts.queryname
  w.opts.checkpointlocation = w.opts.checkpointlocation or default_checkpoint(w)
  local ok, q = pcall(require("tide.streaming").startQuery, w)
  if not ok then error(q, 2) end
  return q
end

-- df.writeStream.format("console") fails naming the method, and a method
-- it does not have (writeStream:outputmode("x")) where it is called, with
-- a did-you-mean.
checks.colonCalls("DataStreamWriter", "df.writeStream", function(v) return getmetatable(v) == Writer end,
  Writer)
Writer.__index = checks.strictIndex("DataStreamWriter", "method", Writer)

return M
