-- tide.row_places — the words with which an operator's error, raised while
-- tide.execution runs a plan over slices of a batch or over a micro-batch
-- fetched in pieces, tells which row it is about: its "row N" counted as
-- over the whole batch, and where a fetched row came from (a Kafka
-- record's topic, partition and offset, or else the epoch, the piece and
-- its offset ranges).
local M = {}

-- An operator's error names a row as "row N" (or "Row N"), N counted in
-- the batch the operator saw; over a slice, `before` rows of that batch
-- went to earlier slices.
local function shift_row(err, before)
  if type(err) ~= "string" or before == 0 then return err end
  return (err:gsub("%f[%w]([Rr]ow) (%d+)", function(word, n) return word .. " " .. (tonumber(n) + before) end, 1))
end

-- The row an operator's error names ("row N", counted in the batch the
-- operator saw), or nil.
local function row_of(err)
  return type(err) == "string" and tonumber(err:match("%f[%w][Rr]ow (%d+)")) or nil
end

-- A range {from, to} of offsets by topic and partition (Kafka's), as
-- "topic t partition 0 offsets 10 to 19, partition 1 offsets ...", its
-- partitions with records only; and, when exactly one partition has
-- records, that one's topic, partition and first offset.
local function range_text(range)
  local from, to = range[1], range[2]
  if type(to) ~= "table" then return nil end
  local topics, parts, only = {}, {}, nil
  for topic in pairs(to) do topics[#topics + 1] = topic end
  table.sort(topics)
  for _, topic in ipairs(topics) do
    local list = {}
    for p, e in pairs(to[topic]) do
      local b = type(from) == "table" and from[topic] and from[topic][p] or 0
      if e > b then list[#list + 1] = { tonumber(p), b, e } end
    end
    table.sort(list, function(x, y) return x[1] < y[1] end)
    for i, r in ipairs(list) do
      parts[#parts + 1] = ("%spartition %d offsets %d to %d"):format(i == 1 and ("topic " .. topic .. " ") or "",
        r[1], r[2], r[3] - 1)
      only = { topic = topic, partition = r[1], first = r[2], count = r[3] - r[2] }
    end
  end
  return table.concat(parts, ", "), #parts == 1 and only or nil
end

-- An error raised over a piece fetched by tide.execution's FetchSlicer
-- (place, from its placeOf), whose operator saw row `row` of its input
-- (nil: unknown), with where that row came from: the record's topic,
-- partition and offset when the piece is one partition's whole range and
-- no row of it was dropped before the operator (`intact`); otherwise the
-- epoch, the piece and its offset ranges.
local function place_text(place, row, intact)
  local ranges, only = range_text(place.range)
  if row and intact and only and place.fetched == only.count and place.rows == place.fetched and row < only.count then
    return ("topic %s partition %d offset %d"):format(only.topic, only.partition, only.first + row)
  end
  local text = ("piece %d of %d of the micro-batch"):format(place.piece, place.of)
  if place.epoch then text = ("epoch %s, %s"):format(tostring(place.epoch), text) end
  if ranges and ranges ~= "" then text = text .. ", read from " .. ranges end
  return text
end

M.shiftRow, M.rowOf, M.placeText = shift_row, row_of, place_text

return M
