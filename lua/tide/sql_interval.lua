-- tide.sql_interval — Spark SQL's interval literals, which a timestamp or
-- a date is moved by (tide.eval_operators: ts + INTERVAL 1 HOUR):
--
--   INTERVAL 1 HOUR    INTERVAL '90' MINUTES    INTERVAL 1 DAY 12 HOURS
--   INTERVAL '1 hour 30 minutes'    INTERVAL -5 SECONDS    INTERVAL 1.5 SECONDS
--   INTERVAL 1 MONTH   INTERVAL 2 YEARS    INTERVAL 1 YEAR 2 MONTHS
--
-- A day-time one is parsed into { k = "interval", micros = n, text =
-- Spark's SQL text, daysOnly = whether it counts whole days alone
-- (INTERVAL 2 DAYS, which moves a date to a date where other intervals
-- make it a timestamp) }; a year-month one into { k = "interval", months
-- = n, text = ... } (no micros: a month has no fixed length, so what
-- needs a duration refuses it). As Spark's, one literal does not mix the
-- two kinds.
local M = {}

local MICROS = {
  MICROSECOND = 1, MILLISECOND = 1000, SECOND = 1000000, MINUTE = 60000000, HOUR = 3600000000,
  DAY = 86400000000, WEEK = 604800000000,
}

local MONTHS = { MONTH = 1, YEAR = 12 }

local function unit_of(word)
  local up = word:upper():gsub("S$", "")
  return (MICROS[up] or MONTHS[up]) and up, up
end

-- Whether the parser is at an interval literal (INTERVAL, then a value).
function M.starts(p)
  local tok, nxt = p:peek(), p:peek(1)
  return tok.t == "id" and tok.up == "INTERVAL"
    and (nxt.t == "num" or nxt.t == "str" or (nxt.t == "op" and nxt.value == "-"))
end

-- One value and its unit at the parser; the value's text, micros and
-- months (one of them 0).
local function value_unit(p)
  local negative = p:accept_op("-") ~= nil
  local tok = p:advance()
  local body = (tok.t == "num" and tok.body) or (tok.t == "str" and tok.value)
  local v = tonumber(body)
  if not v then p:fail("a number of the interval", tok) end
  local word = p:peek()
  if word.t ~= "id" then p:fail("an interval unit (DAY, HOUR, MINUTE, SECOND, ...)") end
  local unit = unit_of(word.value)
  if not unit then
    p:fail("an interval unit (YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND)")
  end
  if MONTHS[unit] and v % 1 ~= 0 then p:fail("a whole number of " .. unit:lower() .. "s", tok) end
  p:advance()
  if negative then v, body = -v, "-" .. body end
  if MONTHS[unit] then return ("'%s' %s"):format(body, unit), 0, v * MONTHS[unit], unit end
  return ("'%s' %s"):format(body, unit), math.floor(v * MICROS[unit] + 0.5), 0, unit
end

function M.parse(p)
  local at = p:advance() -- INTERVAL
  local parts, micros, months, days_only, years, day_time, year_month = {}, 0, 0, true, false, false, false
  local function add(text, us, m, unit)
    parts[#parts + 1], micros, months = text, micros + us, months + m
    days_only = days_only and (unit == "DAY" or unit == "WEEK")
    years = years or unit == "YEAR"
    if MONTHS[unit] then year_month = true else day_time = true end
  end
  local tok = p:peek()
  local sign, y, m
  if tok.t == "str" then sign, y, m = tok.value:match("^%s*([+-]?)(%d+)-(%d+)%s*$") end
  if sign and p:peek(1).t == "id" and p:peek(1).up == "YEAR" and p:peek(2).t == "id" and p:peek(2).up == "TO"
      and p:peek(3).t == "id" and p:peek(3).up == "MONTH" then
    -- INTERVAL '1-2' YEAR TO MONTH: the ANSI form (tide's own text of one)
    for _ = 1, 4 do p:advance() end
    local months = (tonumber(y) * 12 + tonumber(m)) * (sign == "-" and -1 or 1)
    if tonumber(m) > 11 then
      require("tide.sql_lexer").fail(p.text, tok.pos, ("the month %s of INTERVAL '%s' YEAR TO MONTH is outside 0-11")
        :format(m, tok.value))
    end
    return { k = "interval", months = months, text = ("INTERVAL '%s%s-%s' YEAR TO MONTH"):format(
      sign == "-" and "-" or "", y:gsub("^0+(%d)", "%1"), m:gsub("^0+(%d)", "%1")) }
  end
  if tok.t == "str" and not tonumber(tok.value) then
    -- INTERVAL '1 hour 30 minutes': the pairs inside the string.
    p:advance()
    local inner = require("tide.sql").newParser(tok.value)
    repeat add(value_unit(inner)) until inner:peek().t == "eof"
  else
    repeat
      add(value_unit(p))
    until not (p:peek().t == "num" or p:peek().t == "str" or (p:peek().t == "op" and p:peek().value == "-"
      and p:peek(1).t == "num" and p:peek(2).t == "id" and unit_of(p:peek(2).value)))
  end
  local text = "INTERVAL " .. table.concat(parts, " ")
  if year_month and day_time then
    require("tide.sql_lexer").fail(p.text, at.pos, "Cannot mix year-month and day-time fields: " .. text)
  end
  if year_month then
    -- Spark's text of a year-month literal: INTERVAL '14' MONTH, '1' YEAR,
    -- and of one with both, or several parts, '1-2' YEAR TO MONTH
    if #parts > 1 or (years and parts[1]:match(" MONTH$")) then
      text = ("INTERVAL '%s%d-%d' YEAR TO MONTH"):format(months < 0 and "-" or "",
        math.floor(math.abs(months) / 12), math.abs(months) % 12)
    end
    return { k = "interval", months = months, text = text }
  end
  return { k = "interval", micros = micros, text = text, daysOnly = days_only and micros % MICROS.DAY == 0 or nil }
end

return M
