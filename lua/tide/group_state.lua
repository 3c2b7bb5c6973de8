-- tide.group_state — the GroupState a flatMapGroupsWithState function gets
-- for its group (tide.stateful_map), with PySpark's (and Spark's
-- GroupStateImpl's) API as methods:
--
--   state:exists()  state:get()  state:getOption()  state:update(row)  state:remove()
--   state:hasTimedOut()  state:setTimeoutDuration(ms or "10 minutes")  state:setTimeoutTimestamp(ms)
--   state:getCurrentProcessingTimeMs()  state:getCurrentWatermarkMs()
--
-- get() gives a Row of the state's schema; update takes a Row, or a Lua
-- table of its fields by name or by position. Misuse fails at the
-- function's line with Spark's message: get() without a state, update(nil),
-- a timeout call the query's timeoutConf does not allow, a timestamp
-- earlier than the watermark, the watermark without withWatermark.
--
-- As Spark's, the timeout is the call's own: one the function does not set
-- again is cleared when the call ends (tide.stateful_map reads outcome()).
local T = require("tide.types")
local Row = require("tide.row")
local batchlib = require("tide.batch")

local M = {}

M.NO_TIMESTAMP = -1
local TIMEOUTS = { NoTimeout = true, ProcessingTimeTimeout = true, EventTimeTimeout = true }
M.TIMEOUTS = TIMEOUTS

local GroupState = {}
GroupState.__index = GroupState
M.GroupState = GroupState

-- A state for one call. o: { value = a Row or nil, schema = the state's
-- StructType, timeoutConf, hasTimedOut, processingTimeMs, watermarkMs
-- (M.NO_TIMESTAMP when there is none yet), watermarkPresent }.
function M.new(o)
  local s = setmetatable({
    _value = o.value, _defined = o.value ~= nil, _updated = false, _removed = false,
    _timeout = M.NO_TIMESTAMP, _schema = o.schema, _conf = o.timeoutConf, _timedOut = o.hasTimedOut == true,
    _now = o.processingTimeMs, _watermark = o.watermarkMs or M.NO_TIMESTAMP,
    _watermarkPresent = o.watermarkPresent == true,
  }, GroupState)
  return s
end

function GroupState:exists() return self._defined end
function GroupState:hasTimedOut() return self._timedOut end
function GroupState:getCurrentProcessingTimeMs() return self._now end

function GroupState:get()
  if not self._defined then error("State is either not defined or has already been removed", 2) end
  return self._value
end

function GroupState:getOption()
  if self._defined then return self._value end
  return nil
end

-- The value as a Row of the state's schema: a Row or table read by field
-- name, else by position (as batch.fromRows reads rows).
local function as_row(schema, value)
  local names, floating, out, found = {}, {}, {}, false
  for i, f in ipairs(schema.fields) do
    names[i] = f.name
    floating[i] = f.dataType.id == T.ID.double or f.dataType.id == T.ID.float
    local v = value[f.name]
    if v == nil then v = value[i] end
    out[f.name], found = v, found or v ~= nil
  end
  return setmetatable(out, Row.metatable(names, floating)), found
end

function GroupState:update(value)
  if value == nil then error("'null' is not a valid state value", 2) end
  if type(value) ~= "table" then
    error(("update takes a Row or a table of the state's fields (%s), not a %s"):format(
      self._schema:simpleString(), type(value)), 2)
  end
  local row, found = as_row(self._schema, value)
  if not found and next(value) ~= nil then
    error(("update: the value has none of the state's fields (%s)"):format(self._schema:simpleString()), 2)
  end
  -- (checked here, at the function's line, as the state's batch would take it)
  local fits, why = pcall(batchlib.fromRows, { row }, self._schema)
  if not fits then
    error(("update: the value does not fit the state's schema %s: %s"):format(self._schema:simpleString(),
      tostring(why):gsub("^[^:\n]*tide/[%w_/]+%.lua:%d+: ", "")), 2)
  end
  self._value = row
  self._defined, self._updated, self._removed = true, true, false
end

function GroupState:remove()
  self._value = nil
  self._defined, self._updated, self._removed = false, false, true
end

-- Milliseconds of a duration: a number, or text such as "10 minutes"
-- ("interval 10 minutes" too); errors at the caller's caller.
local function duration_ms(duration)
  if type(duration) == "number" then return duration end
  if type(duration) ~= "string" then
    error(("a timeout duration is milliseconds or text such as \"10 minutes\", not %s"):format(
      duration == nil and "nil" or "a " .. type(duration)), 3)
  end
  local text = duration:lower():gsub("^%s*interval%s+", "")
  local negative = text:match("^%s*%-") ~= nil
  if negative then text = text:gsub("^%s*%-", "") end
  local ok, ms = pcall(require("tide.stream_writer").parseInterval, text)
  if not ok then error(("cannot parse the duration %q (try \"10 minutes\")"):format(duration), 3) end
  if negative and ms > 0 then error(("Provided duration (%s) is negative"):format(duration), 3) end
  return ms
end

function GroupState:setTimeoutDuration(duration)
  local ms = duration_ms(duration)
  if self._conf ~= "ProcessingTimeTimeout" then
    error("Cannot set timeout duration without enabling processing time timeout in [map|flatMap]GroupsWithState", 2)
  end
  if ms <= 0 then error("Timeout duration must be positive", 2) end
  self._timeout = math.floor(ms) + self._now
end

function GroupState:setTimeoutTimestamp(timestamp_ms, additional)
  if self._conf ~= "EventTimeTimeout" then
    error("Cannot set timeout timestamp without enabling event time timeout in [map|flatMap]GroupsWithState", 2)
  end
  if type(timestamp_ms) ~= "number" then
    error(("setTimeoutTimestamp takes milliseconds since the epoch, not %s"):format(
      timestamp_ms == nil and "nil" or "a " .. type(timestamp_ms)), 2)
  end
  if additional ~= nil then timestamp_ms = timestamp_ms + duration_ms(additional) end
  if timestamp_ms <= 0 then error("Timeout timestamp must be positive", 2) end
  if self._watermark ~= M.NO_TIMESTAMP and timestamp_ms < self._watermark then
    error(("Timeout timestamp (%d) cannot be earlier than the current watermark (%d)"):format(timestamp_ms,
      self._watermark), 2)
  end
  self._timeout = math.floor(timestamp_ms)
end

function GroupState:getCurrentWatermarkMs()
  if not self._watermarkPresent then
    error("Cannot get event time watermark timestamp without setting watermark before [map|flatMap]GroupsWithState",
      2)
  end
  return self._watermark
end

GroupState.__tostring = function(s)
  return ("GroupState(%s)"):format(s._defined and tostring(s._value) or "<undefined>")
end

-- What the call left: the value (nil when none), whether it was updated
-- or removed, and the timeout it set (M.NO_TIMESTAMP when none).
function M.outcome(s)
  return s._defined and s._value or nil, s._updated, s._removed, s._timeout
end

-- state.exists rather than state:exists() fails naming the method, as
-- other objects' do (tide.checks).
do
  local checks = require("tide.checks")
  local methods = {}
  for k, v in pairs(GroupState) do
    if type(v) == "function" and k:sub(1, 2) ~= "__" then methods[k] = v end
  end
  checks.colonCalls("GroupState", "state", function(v) return getmetatable(v) == GroupState end, methods,
    GroupState)
end

return M
