-- tide.sources.kafka_plan — the Kafka source's plan of a micro-batch over
-- offsets, with no I/O: the end of the next batch (maxOffsetsPerTrigger
-- spread as Spark spreads it; a partition read again from its earliest
-- offset ends there), minOffsetsPerTrigger's delay, and the cut of a
-- batch's range into pieces. Methods of tide.sources.kafka's Source
-- (plan.methods), over its fields (resets, minOffsetsPerTrigger,
-- lastTriggerMs, maxTriggerDelayMs).
local C = require("tide.ffi")

local M = {}
local Source = {}
M.methods = Source

-- Each offset of a capped by b's, where b has the partition.
function Source:minOffsets(a, b)
  local out = {}
  for topic, parts in pairs(a) do
    out[topic] = {}
    for p, off in pairs(parts) do
      local cap = b[topic] and b[topic][p]
      out[topic][p] = cap and math.min(off, cap) or off
    end
  end
  return out
end

-- A partition's offset in `start` (0 for a partition it does not have:
-- a new partition is read from its beginning).
local function start_of(start, topic, p)
  return start[topic] and start[topic][p] or 0
end
M.startOf = start_of

-- The end of the next batch: everything available, or at most `limit`
-- offsets spread over the partitions in proportion to their backlog, as
-- Spark's maxOffsetsPerTrigger does.
function Source:planEnd(start, latest, limit)
  local total = 0
  for topic, parts in pairs(latest) do
    for p, off in pairs(parts) do total = total + math.max(0, off - start_of(start, topic, p)) end
  end
  local out = {}
  for topic, parts in pairs(latest) do
    out[topic] = {}
    for p, off in pairs(parts) do
      local begin = start_of(start, topic, p)
      local finish = off
      if limit and total > limit and off > begin then
        local prorate = limit * (off - begin) / total
        finish = math.min(off, begin + (prorate < 1 and math.ceil(prorate) or math.floor(prorate)))
      end
      out[topic][p] = math.max(finish, begin)
    end
  end
  -- Rounding small partitions up (so none starves) can pass the limit by a
  -- few offsets; take those back from the partitions that got the most.
  if limit and total > limit then
    local taken, shares = 0, {}
    for topic, parts in pairs(out) do
      for p, finish in pairs(parts) do
        local n = finish - start_of(start, topic, p)
        taken = taken + n
        shares[#shares + 1] = { topic = topic, p = p, n = n }
      end
    end
    table.sort(shares, function(a, b) return a.n > b.n end)
    local i = 1
    while taken > limit and shares[i] do
      local cut = math.min(taken - limit, shares[i].n - 1)
      if cut > 0 then
        out[shares[i].topic][shares[i].p] = out[shares[i].topic][shares[i].p] - cut
        taken = taken - cut
      end
      i = i + 1
    end
  end
  -- Partitions known before keep their positions even if metadata missed them.
  for topic, parts in pairs(start) do
    out[topic] = out[topic] or {}
    for p, off in pairs(parts) do if out[topic][p] == nil then out[topic][p] = off end end
  end
  -- A partition reset to its earliest offset (checkLogEnds) ends there.
  for topic, parts in pairs(self.resets or {}) do
    for p, low in pairs(parts) do
      if out[topic] and out[topic][p] then out[topic][p] = low end
    end
  end
  self.resets = nil
  return out
end

-- Spark's minOffsetsPerTrigger (tide.streaming asks before each batch of a
-- default or processingTime trigger): true puts the batch off while fewer
-- than that many offsets are available beyond `start` and less than
-- maxTriggerDelay has passed since the last batch ran or was put off past
-- that delay. As in Spark, the first trigger of a run is never put off.
function Source:delayBatch(start, latest)
  local min = self.minOffsetsPerTrigger
  -- (a partition read again from its earliest offset, checkLogEnds, is
  -- planned at once)
  if not min or self.resets then return false end
  local now = C.tide_now() * 1000
  if now - self.lastTriggerMs >= self.maxTriggerDelayMs then
    self.lastTriggerMs = now
    return false
  end
  local available = 0
  for topic, parts in pairs(latest) do
    for p, off in pairs(parts) do available = available + off - start_of(start, topic, p) end
  end
  if available < min then return true end
  self.lastTriggerMs = now
  return false
end

-- Milliseconds until maxTriggerDelay ends a batch's delay.
function Source:delayLeftMs()
  return math.max(0, self.lastTriggerMs + self.maxTriggerDelayMs - C.tide_now() * 1000)
end

-- [start, finish) as consecutive pieces of at most about `rows` records,
-- each partition's range cut into as many near-equal parts.
local function split_range(start, finish, rows)
  local total, ranges = 0, {}
  for topic, parts in pairs(finish) do
    for p, e in pairs(parts) do
      local s = start_of(start, topic, p)
      total = total + math.max(0, e - s)
      ranges[#ranges + 1] = { topic, p, s, e }
    end
  end
  local k = math.max(1, math.ceil(total / rows))
  if k == 1 then return { { start, finish } } end
  local pieces = {}
  for j = 0, k - 1 do
    local from, to = {}, {}
    for _, r in ipairs(ranges) do
      local topic, p, s, e = r[1], r[2], r[3], r[4]
      from[topic], to[topic] = from[topic] or {}, to[topic] or {}
      if e <= s then
        -- nothing to read (a partition reset below its start reads nothing either)
        from[topic][p], to[topic][p] = s, e
      else
        from[topic][p] = s + math.floor(j * (e - s) / k)
        to[topic][p] = s + math.floor((j + 1) * (e - s) / k)
      end
    end
    pieces[j + 1] = { from, to }
  end
  return pieces
end

-- True when the fetch begun (begun = {from, to}) reads the start of
-- [start, finish): from where start is, to no further than finish.
local function begins(begun, start, finish)
  local from, to = begun[1], begun[2]
  for topic, parts in pairs(to) do
    for p, off in pairs(parts) do
      local s = start_of(start, topic, p)
      if start_of(from, topic, p) ~= s or not (finish[topic] and finish[topic][p]) or off < s
          or off > finish[topic][p] then
        return false
      end
    end
  end
  return true
end

-- [start, finish) as pieces for fetching a micro-batch piece by piece
-- (tide.execution executeFetched): a list of {start, finish} pairs whose
-- ranges, one after another, are the whole. A fetch begun ahead
-- (fetchAhead) that reads the start of the range is the first piece.
function Source:splitRange(start, finish, rows)
  local begun = self.begun
  if not (begun and begins(begun, start, finish)) then return split_range(start, finish, rows) end
  local rest, left = {}, 0
  for topic, parts in pairs(finish) do
    rest[topic] = {}
    for p, e in pairs(parts) do
      local from = begun[2][topic] and begun[2][topic][p] or start_of(start, topic, p)
      rest[topic][p] = from
      left = left + math.max(0, e - from)
    end
  end
  local pieces = { begun }
  if left > 0 then
    for _, piece in ipairs(split_range(rest, finish, rows)) do pieces[#pieces + 1] = piece end
  end
  return pieces
end

return M
