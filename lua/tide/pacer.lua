-- tide.pacer — spreads records over time at a fixed rate, a tick's worth
-- at a time (scripts/producer.lua's --rate).
--
--   local pacer = require("tide.pacer").new(50000)  -- records a second
--   local n, wake = pacer:take(tide.now(), available)
--   -- n > 0: send the next n records now; n == 0: sleep until `wake`
--
-- The schedule starts at the first take. A take hands out what is due,
-- once at least a tick's worth is (1 ms of records, at least one; or all
-- that is available when fewer): sending whatever was due after each send
-- made sends of a record or two, several a millisecond, and at 50k/s the
-- producer spent 0.7 of a core handing them to the sink's thread, which
-- on two cores kept the broker's threads waiting for one
-- (docs/performance-notes.md, "The producer's pace").
local M = {}
local Pacer = {}
Pacer.__index = Pacer

local TICK_SECONDS = 0.001

function M.new(rate)
  assert(type(rate) == "number" and rate > 0, "pacer: the rate must be a positive number")
  return setmetatable({ rate = rate, tick = math.max(1, math.floor(rate * TICK_SECONDS)), taken = 0 }, Pacer)
end

-- How many of `available` records to send at `now` (seconds), counted as
-- sent; or 0 and the time when the next tick's worth is due.
function Pacer:take(now, available)
  self.from = self.from or now
  local want = math.min(available, self.tick)
  local due = math.floor((now - self.from) * self.rate) - self.taken
  if due < want or want <= 0 then return 0, self.from + (self.taken + want) / self.rate end
  local n = math.min(available, due)
  self.taken = self.taken + n
  return n
end

return M
