-- tide.streaming_loop — the loop that runs the active queries' micro-batches
-- whenever the script waits (tide.streaming's awaitTermination, tide.sleep,
-- the console's prompt).
--
-- It owns the list of active queries (tide.streaming adds a query when it
-- starts and removes it when it ends) and asks each for a step of its
-- trigger (query:step); a query's batch may pause between the pieces of its
-- plan (query.co), and the loop goes on with it before waiting again.
local ffi = require("ffi")
local C = require("tide.ffi")

local M = {}

local queries = {}    -- active queries, in start order
M.queries = queries

local function now_ms() return C.tide_now() * 1000 end
M.nowMs = now_ms -- the queries' clock, in milliseconds

-- With several queries, one waiting for its records must not hold back
-- another whose records have arrived. Sources that have a wake descriptor
-- (Kafka's) are waited on together, and a woken one is served (which
-- empties its descriptor) and asked without waiting. A descriptor is
-- written when a queue of the source's gets its first element, not each:
-- so the others are asked again this often (comparing what the broker
-- last reported).
local RECHECK_MS = 10
-- Sources without a descriptor (rate, files) wait in turns of this long.
local TURN_WAIT_MS = 5

local ready_flags, ready_fds, ready_cap = nil, nil, 0

-- Whether one of the queries has a batch paused between its pieces: the
-- loop then goes on with it rather than waiting.
local function any_paused(list)
  for _, q in ipairs(list) do
    if q.co then return true end
  end
  return false
end

-- The queries that would wait for records if asked (their trigger runs a
-- batch as soon as records arrive, and it is due).
local function waiting_for_records(list)
  local now, waiting = now_ms(), {}
  for _, q in ipairs(list) do
    if q.active and q.trigger.kind == "default" and now >= q.nextTrigger then waiting[#waiting + 1] = q end
  end
  return waiting
end

-- Waits until records arrive for one of several queries, or the deadline,
-- and runs that query's batch. Returns true when a batch ran.
local function wait_for_any(list, deadline)
  while now_ms() < deadline and C.tide_stop_requested() == 0 do
    local waiting = waiting_for_records(list)
    if #waiting == 0 or any_paused(list) then return false end
    local woken, turns = {}, {}
    for _, q in ipairs(waiting) do
      if q.wakeFd == nil then q.wakeFd = q.source.wakeFd and q.source:wakeFd() or false end
      if q.wakeFd then woken[#woken + 1] = q else turns[#turns + 1] = q end
    end
    if #woken > 0 then
      if #woken > ready_cap then
        ready_cap = #woken
        ready_fds, ready_flags = ffi.new("int32_t[?]", ready_cap), ffi.new("uint8_t[?]", ready_cap)
      end
      for i, q in ipairs(woken) do ready_fds[i - 1] = q.wakeFd end
      -- Queries without a descriptor take their turns in between.
      local wait = #turns > 0 and 0 or math.max(0, math.min(RECHECK_MS, deadline - now_ms()))
      C.tide_wait_readable(ready_fds, #woken, wait, ready_flags)
      for i, q in ipairs(woken) do
        if ready_flags[i - 1] ~= 0 and q.active then q.source:serveReady() end
        if q.active and q:step(0) then return true end
        if q.co then return false end
      end
    end
    for _, q in ipairs(turns) do
      local left = deadline - now_ms()
      if left <= 0 then return false end
      if q.active and q:step(math.min(TURN_WAIT_MS, left)) then return true end
      if q.co then return false end
    end
  end
  return false
end

-- Gives each active query one chance to run a batch. When none ran, waits
-- at most max_wait_ms (inside the sources' waits for data, or sleeping
-- until the next trigger). A lone query waits in its source; several
-- first get a chance each without waiting, then wait together
-- (wait_for_any), so that the first records to arrive anywhere run at
-- once.
function M.step(max_wait_ms)
  if C.tide_stop_requested() ~= 0 then
    -- SIGINT/SIGTERM: the batch in flight has finished and committed.
    for _, q in ipairs({ unpack(queries) }) do q:terminate(nil) end
    return false
  end
  max_wait_ms = max_wait_ms or 0
  local ran = false
  local active = { unpack(queries) }
  if #active == 1 then
    ran = active[1].active and active[1]:step(max_wait_ms) or false
  else
    for _, q in ipairs(active) do
      if q.active and q:step(0) then ran = true end
    end
    if not ran and max_wait_ms > 0 and not any_paused(active) then
      ran = wait_for_any(active, now_ms() + max_wait_ms)
    end
  end
  if not ran and #queries > 0 and max_wait_ms > 0 and not any_paused(queries) then
    local next_due = math.huge
    for _, q in ipairs(queries) do next_due = math.min(next_due, q.nextTrigger) end
    local wait = math.min(max_wait_ms, next_due - now_ms())
    if wait > 1 and next_due > now_ms() then C.tide_sleep(wait / 1000) end
  end
  return ran
end

-- Ends the batches paused between their pieces, without pausing again:
-- outside the loop (the script's own code, the console's prompt) no batch
-- is half done.
function M.finishPaused()
  for _, q in ipairs({ unpack(queries) }) do
    if q.co then q:finishBatch() end
  end
end

local function run_until(done, deadline)
  while not done() do
    local now = now_ms()
    if deadline and now >= deadline then return end
    if C.tide_stop_requested() ~= 0 then
      M.step(0)
      return
    end
    if #queries == 0 then
      if done() then return end
      if not deadline then return end
      C.tide_sleep((deadline - now) / 1000)
    else
      M.step(math.min(100, deadline and (deadline - now) or 100))
    end
  end
end

-- Runs the loop until done() is true, the deadline (ms) passes, or a stop
-- is requested.
function M.runUntil(done, deadline)
  run_until(done, deadline)
  M.finishPaused()
end

function M.active() return { unpack(queries) } end

return M
