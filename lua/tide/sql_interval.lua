-- tide.sql_interval — Spark SQL's day-time interval literals, which a
-- timestamp is moved by (tide.eval_operators: ts + INTERVAL 1 HOUR):
--
--   INTERVAL 1 HOUR    INTERVAL '90' MINUTES    INTERVAL 1 DAY 12 HOURS
--   INTERVAL '1 hour 30 minutes'    INTERVAL -5 SECONDS    INTERVAL 1.5 SECONDS
--
-- parsed into { k = "interval", micros = n, text = Spark's SQL text,
-- daysOnly = whether it counts whole days alone (INTERVAL 2 DAYS, which
-- moves a date to a date where other intervals make it a timestamp) }.
-- Year-month intervals (months and years have no fixed length) fail.
local M = {}

local MICROS = {
  MICROSECOND = 1, MILLISECOND = 1000, SECOND = 1000000, MINUTE = 60000000, HOUR = 3600000000,
  DAY = 86400000000, WEEK = 604800000000,
}

local function unit_of(word)
  local up = word:upper():gsub("S$", "")
  return MICROS[up] and up, up
end

-- Whether the parser is at an interval literal (INTERVAL, then a value).
function M.starts(p)
  local tok, nxt = p:peek(), p:peek(1)
  return tok.t == "id" and tok.up == "INTERVAL"
    and (nxt.t == "num" or nxt.t == "str" or (nxt.t == "op" and nxt.value == "-"))
end

-- One value and its unit at the parser; the value's text and micros.
local function value_unit(p)
  local negative = p:accept_op("-") ~= nil
  local tok = p:advance()
  local body = (tok.t == "num" and tok.body) or (tok.t == "str" and tok.value)
  local v = tonumber(body)
  if not v then p:fail("a number of the interval", tok) end
  local word = p:peek()
  if word.t ~= "id" then p:fail("an interval unit (DAY, HOUR, MINUTE, SECOND, ...)") end
  local unit, up = unit_of(word.value)
  if not unit then
    if up == "MONTH" or up == "YEAR" then
      p:fail("a day-time unit (tide adds days, hours, minutes, seconds to timestamps; months and years have no"
        .. " fixed length)")
    end
    p:fail("an interval unit (DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, WEEK)")
  end
  p:advance()
  if negative then v, body = -v, "-" .. body end
  return ("'%s' %s"):format(body, unit), math.floor(v * MICROS[unit] + 0.5)
end

function M.parse(p)
  p:advance() -- INTERVAL
  local parts, micros, days_only = {}, 0, true
  local tok = p:peek()
  if tok.t == "str" and not tonumber(tok.value) then
    -- INTERVAL '1 hour 30 minutes': the pairs inside the string.
    p:advance()
    local inner = require("tide.sql").newParser(tok.value)
    repeat
      local text, n = value_unit(inner)
      parts[#parts + 1], micros = text, micros + n
      days_only = days_only and (text:match(" DAY$") or text:match(" WEEK$")) ~= nil
    until inner:peek().t == "eof"
  else
    repeat
      local text, n = value_unit(p)
      parts[#parts + 1], micros = text, micros + n
      days_only = days_only and (text:match(" DAY$") or text:match(" WEEK$")) ~= nil
    until not (p:peek().t == "num" or p:peek().t == "str" or (p:peek().t == "op" and p:peek().value == "-"
      and p:peek(1).t == "num" and p:peek(2).t == "id" and unit_of(p:peek(2).value)))
  end
  return { k = "interval", micros = micros, text = "INTERVAL " .. table.concat(parts, " "),
           daysOnly = days_only and micros % MICROS.DAY == 0 or nil }
end

return M
