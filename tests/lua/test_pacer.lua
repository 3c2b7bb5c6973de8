-- tide.pacer (scripts/producer.lua's --rate): records leave at the rate,
-- a tick's worth (1 ms of them) or more at a time, never ahead of their
-- schedule, and a late caller catches up at once. The clock is the test's.
local t = require("testing")
local pacer = require("tide.pacer")

-- Takes from `p` every `step` seconds for `seconds`, `available` records
-- offered each time; the sends made and when.
local function drive(p, seconds, step, available)
  local sends, now = {}, 100.0
  for _ = 1, math.floor(seconds / step + 0.5) do
    local n, wake = p:take(now, available or math.huge)
    if n > 0 then
      sends[#sends + 1] = { at = now, n = n }
    else
      t.ok(wake > now, ("wake %.6f after now %.6f"):format(wake, now))
    end
    now = now + step
  end
  return sends
end

t.test("at 50k/s a caller waking every 0.1 ms sends a tick (50) or more at a time", function()
  local sends = drive(pacer.new(50000), 1.0, 0.0001)
  local total = 0
  for _, s in ipairs(sends) do
    t.ok(s.n >= 50, ("a send of %d records"):format(s.n))
    total = total + s.n
    -- never ahead of the schedule: no more than were due by then
    t.ok(total <= math.floor((s.at - 100.0) * 50000 + 1e-6), ("%d sent by %.4f s"):format(total, s.at - 100.0))
  end
  t.ok(total >= 49900 and total <= 50000, ("%d records in a second"):format(total))
  t.ok(#sends >= 950 and #sends <= 1000, ("%d sends in a second"):format(#sends))
end)

t.test("a wait ends when a tick's worth is due", function()
  local p = pacer.new(20000)
  local n, wake = p:take(5.0, 1000)
  t.eq(n, 0, "nothing is due at the schedule's start")
  t.ok(math.abs(wake - 5.001) < 1e-9, ("wake at %.6f"):format(wake))
  n = p:take(wake, 1000)
  t.eq(n, 20, "20 records due after 1 ms at 20k/s")
end)

t.test("the end of a chunk, smaller than a tick, leaves once that many are due", function()
  local p = pacer.new(50000)
  t.eq(p:take(0, 1000), 0)
  local n, wake = p:take(0.00004, 3)
  t.eq(n, 0, "40 us in, 2 are due: a wait until 3 are")
  t.ok(math.abs(wake - 0.00006) < 1e-9, ("wake at %.6f"):format(wake))
  t.eq(p:take(wake + 1e-9, 3), 3)
end)

t.test("a caller that was held up sends everything due at once", function()
  local p = pacer.new(50000)
  p:take(0, 100)
  t.eq(p:take(0.1, 1e9), 5000, "100 ms of records")
  local n = p:take(0.1002, 1e9)
  t.eq(n, 0, "then a wait for the next tick")
end)

t.test("a rate below one a second sends one record at a time", function()
  local sends = drive(pacer.new(0.5), 10.0, 0.25)
  t.eq(#sends, 4, "one every 2 s: at 2, 4, 6 and 8 s")
  for _, s in ipairs(sends) do t.eq(s.n, 1) end
end)

t.test("the rate must be positive", function()
  t.raises(function() pacer.new(0) end, "positive")
  t.raises(function() pacer.new("fast") end, "positive")
end)

t.run()
