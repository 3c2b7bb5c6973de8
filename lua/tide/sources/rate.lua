-- The rate source, as Spark's: rowsPerSecond rows a second with columns
-- timestamp and value (0, 1, 2, ...). Offsets count rows generated. Useful
-- to try a pipeline without Kafka, and for tests of the query loop.
--   spark.readStream:format("rate"):option("rowsPerSecond", 100):load()
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")

local M = {}
local Source = {}
Source.__index = Source

local SCHEMA = T.struct { T.field("timestamp", T.timestamp), T.field("value", T.long) }
M.SCHEMA = SCHEMA -- (the rate-micro-batch source's too)

-- Spark's options of the rate source (rampUpTime and numPartitions are
-- taken and have no effect here) and tide's maxOffsetsPerTrigger, for
-- load()'s warning about a misspelled one (rowsPerSecnd would otherwise
-- leave the default, a row a second).
M.knownOptions = { "rowsPerSecond", "rampUpTime", "numPartitions", "maxOffsetsPerTrigger" }

function M.stream(options)
  local rate = tonumber(options.rowspersecond or 1)
  if not rate or rate < 0 then error("rate source: rowsPerSecond must be a number >= 0", 0) end
  return setmetatable({
    schema = SCHEMA, rate = rate, started = C.tide_now(),
    description = ("RateStreamV2[rowsPerSecond=%s, rampUpTimeSeconds=0, numPartitions=default]"):format(options.rowspersecond or 1),
    maxOffsetsPerTrigger = require("tide.checks").recordCount(options.maxoffsetspertrigger, "rate source: maxOffsetsPerTrigger"),
  }, Source)
end

function Source:initialOffsets() return 0 end
function Source:serialize(offset) return tostring(offset) end
function Source:deserialize(v) return tonumber(v) end
function Source:toProgress(offset) return offset end
function Source:seek(offset) self.base = offset; self.started = C.tide_now() end
function Source:minOffsets(a, b) return math.min(a, b) end
function Source:stop() end

function Source:latestOffsets(after, wait_ms)
  local latest = (self.base or 0) + math.floor((C.tide_now() - self.started) * self.rate)
  if latest <= after and wait_ms and wait_ms > 0 and self.rate > 0 then
    local due = (after + 1 - (self.base or 0)) / self.rate + self.started - C.tide_now()
    C.tide_sleep(math.min(wait_ms / 1000, math.max(due, 0)))
    latest = (self.base or 0) + math.floor((C.tide_now() - self.started) * self.rate)
  end
  return latest
end

function Source:planEnd(start, latest, limit)
  if limit and latest - start > limit then return start + limit end
  return latest
end
M.planEnd = Source.planEnd -- (of offsets that count rows: the socket source's too)

-- A batch of SCHEMA's columns for n rows, and their timestamp and value
-- arrays for the caller to fill before finishBatch.
function M.newBatch(n)
  local b = batchlib.wrap(C.tide_batch_new(2))
  C.tide_column_init(b, b.columns[0], "timestamp", T.ID.timestamp, n)
  C.tide_column_init(b, b.columns[1], "value", T.ID.long, n)
  return b, ffi.cast("int64_t*", b.columns[0].values), ffi.cast("int64_t*", b.columns[1].values)
end

function M.finishBatch(b, n)
  b.columns[0].length, b.columns[1].length = n, n
  C.tide_batch_finish(b)
  return b
end

-- Rows [start, finish): value = offset, timestamp spread over the second
-- they were due in.
function Source:getBatch(start, finish)
  local n = finish - start
  local b, ts, vs = M.newBatch(n)
  local t0 = math.floor(self.started * 1e6)
  local base = self.base or 0
  for i = 0, n - 1 do
    local v = start + i
    vs[i] = v
    ts[i] = t0 + math.floor((v - base) * 1e6 / math.max(self.rate, 1))
  end
  return M.finishBatch(b, n)
end

return M
