-- The rate-micro-batch source, as Spark's (format "rate-micro-batch"):
-- each micro-batch rowsPerBatch rows, values counting on from the last
-- batch's, all with one timestamp, startTimestamp (ms since the epoch) at
-- the first batch, advanceMillisPerBatch later at each next one. Unlike
-- the rate source it does not depend on the clock: a test or a demo gets
-- the same rows, batch by batch, every run. An offset is Spark's, the
-- next value and its batch's timestamp: {"offset":N,"timestamp":T}.
--   spark.readStream:format("rate-micro-batch"):option("rowsPerBatch", 10):load()
local json = require("tide.json")
local rate = require("tide.sources.rate")

local M = {}
local Source = {}
Source.__index = Source

M.knownOptions = { "rowsPerBatch", "numPartitions", "startTimestamp", "advanceMillisPerBatch" }

-- option `name` as a whole number (Spark's messages).
local function whole(options, name, default, positive)
  local text = options[name:lower()] or default
  local n = tonumber(text)
  local ok = n and n == math.floor(n) and (positive and n > 0 or not positive and n >= 0)
  if not ok then
    error(("Invalid value '%s'. The option '%s' must be %s"):format(tostring(text), name,
      positive and "positive" or "non-negative"), 0)
  end
  return n
end

function M.stream(options, schema)
  if schema then error("The rate-micro-batch source does not support a user-specified schema.", 0) end
  local rows = whole(options, "rowsPerBatch", "0", true)
  local start = whole(options, "startTimestamp", "0", false)
  local advance = whole(options, "advanceMillisPerBatch", "1000", false)
  return setmetatable({
    schema = rate.SCHEMA, rowsPerBatch = rows, startTimestamp = start, advanceMs = advance,
    description = ("RatePerMicroBatchStream[rowsPerBatch=%d, numPartitions=%s, startTimestamp=%d,"
      .. " advanceMsPerBatch=%d]"):format(rows, options.numpartitions or "default", start, advance),
  }, Source)
end

function Source:initialOffsets() return { offset = 0, timestamp = self.startTimestamp } end
function Source:serialize(o) return ('{"offset":%d,"timestamp":%d}'):format(o.offset, o.timestamp) end
function Source:deserialize(v)
  if type(v) == "string" then v = json.decode(v) end
  return { offset = tonumber(v.offset), timestamp = tonumber(v.timestamp) }
end
function Source:toProgress(o) return { offset = o.offset, timestamp = o.timestamp } end
function Source:sameOffsets(a, b) return a.offset == b.offset end
function Source:minOffsets(a, b) return a.offset <= b.offset and a or b end
function Source:seek() end
function Source:stop() end

-- A batch more than `after`, at every trigger.
function Source:latestOffsets(after)
  return { offset = after.offset + self.rowsPerBatch, timestamp = after.timestamp + self.advanceMs }
end

function Source:planEnd(_, latest) return latest end

-- Rows [start.offset, finish.offset), each at start's timestamp.
function Source:getBatch(start, finish)
  local n = finish.offset - start.offset
  local b, ts, vs = rate.newBatch(n)
  local at = start.timestamp * 1000
  for i = 0, n - 1 do
    ts[i], vs[i] = at, start.offset + i
  end
  return rate.finishBatch(b, n)
end

return M
