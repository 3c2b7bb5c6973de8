-- spark.streams (Spark's StreamingQueryManager): the session's active
-- queries, awaitAnyTermination / resetTerminated over the record of the
-- queries that terminated, and the listeners tide.streaming tells of each
-- query's start, progress, idleness and end (emit).
local C = require("tide.ffi")
local checks = require("tide.checks")
local loop = require("tide.streaming_loop")

local M = {}

local listeners = {}

-- Calls each listener's callback for `event`; a failing one is reported
-- and the others still run, as a listener must not stop a query.
function M.emit(event, payload)
  for _, l in ipairs(listeners) do
    local fn = l[event]
    if fn then
      local ok, err = pcall(fn, payload)
      if not ok then io.stderr:write(("tide: listener %s failed: %s\n"):format(event, tostring(err))) end
    end
  end
end

-- The last query of each session to have terminated since the session
-- began or since spark.streams:resetTerminated(), for awaitAnyTermination:
-- as Spark's StreamingQueryManager, a failed one is kept until a reset,
-- one that stopped only while no failed one is kept.
local terminated = setmetatable({}, { __mode = "k" })
local NO_SESSION = {}

-- Called by a query as it terminates.
function M.noteTerminated(session, q)
  session = session or NO_SESSION
  local last = terminated[session]
  if not last or not last.exceptionText or q.exceptionText then terminated[session] = q end
end

local Manager = {}
Manager.__index = Manager
M.Manager = Manager -- (the class, for the console's hints)

function M.new(session) return setmetatable({ session = session }, Manager) end

function Manager:active() return loop.active() end

function Manager:get(id)
  for _, q in ipairs(loop.queries) do if q.id == id or q.runId == id then return q end end
  return nil
end

-- As Spark's: returns true at once when a query of the session has
-- terminated since the session began or since resetTerminated() (raising
-- the error of one that failed: a failed one is kept over those that
-- stopped), else runs the queries until one terminates (true) or timeout
-- seconds pass (false). With no query active and none terminated there is
-- nothing to wait for: true at once.
function Manager:awaitAnyTermination(timeout)
  local session = rawget(self, "session") or NO_SESSION
  if not terminated[session] and #loop.active() == 0 then return true end
  local deadline = timeout and (C.tide_now() * 1000 + timeout * 1000)
  loop.runUntil(function() return terminated[session] ~= nil end, deadline)
  local ended = terminated[session]
  if ended then ended:raiseIfFailed() end
  return ended ~= nil
end

-- Forgets the queries that terminated: awaitAnyTermination waits for the
-- next one.
function Manager:resetTerminated() terminated[rawget(self, "session") or NO_SESSION] = nil end

-- addListener{onQueryStarted = fn, onQueryProgress = fn, onQueryIdle = fn,
-- onQueryTerminated = fn}
function Manager:addListener(l)
  if type(l) ~= "table" then error("addListener needs a table of callbacks", 2) end
  listeners[#listeners + 1] = l
  return l
end

function Manager:removeListener(l)
  for i, x in ipairs(listeners) do if x == l then table.remove(listeners, i); return end end
end

-- spark.streams.awaitAnyTermination() fails naming the method, and a
-- method it does not have where it is called, with a did-you-mean.
checks.colonCalls("StreamingQueryManager", "spark.streams", function(v) return getmetatable(v) == Manager end,
  Manager)
Manager.__index = checks.strictIndex("StreamingQueryManager", "method", Manager)

return M
