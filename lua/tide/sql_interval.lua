-- tide.sql_interval — Spark SQL's interval literals: values of Spark's
-- ANSI interval types (tide.eval_intervals), which also move a timestamp
-- or a date (tide.eval_operators: ts + INTERVAL 1 HOUR):
--
--   INTERVAL 1 HOUR    INTERVAL '90' MINUTES    INTERVAL 1 DAY 12 HOURS
--   INTERVAL '1 hour 30 minutes'    INTERVAL -5 SECONDS    INTERVAL 1.5 SECONDS
--   INTERVAL 1 MONTH   INTERVAL 2 YEARS    INTERVAL 1 YEAR 2 MONTHS
--   INTERVAL '1 02:03:04.5' DAY TO SECOND    INTERVAL '10:30' HOUR TO MINUTE
--   INTERVAL '-1-2' YEAR TO MONTH            INTERVAL '5' DAY
--
-- A day-time one is parsed into { k = "interval", micros = n, text =
-- Spark's SQL text, daysOnly = whether it counts whole days alone
-- (INTERVAL 2 DAYS, which moves a date to a date where other intervals
-- make it a timestamp) }; a year-month one into { k = "interval", months
-- = n, text = ... } (no micros: a month has no fixed length, so what
-- needs a duration refuses it). As Spark's, one literal does not mix the
-- two kinds (Spark's legacy CalendarIntervalType, which tide has not).
-- Either also holds startField and endField, the fields of its type
-- (tide.types' codes): those of the units it writes.
local M = {}

local MICROS = {
  MICROSECOND = 1, MILLISECOND = 1000, SECOND = 1000000, MINUTE = 60000000, HOUR = 3600000000,
  DAY = 86400000000, WEEK = 604800000000,
}

local MONTHS = { MONTH = 1, YEAR = 12 }

-- Spark's codes of the fields of an interval type (tide.types): each
-- unit's, as a literal's type spans the units it writes.
local DT_FIELD = { DAY = 0, WEEK = 0, HOUR = 1, MINUTE = 2, SECOND = 3, MILLISECOND = 3, MICROSECOND = 3 }
local YM_FIELD = { YEAR = 0, MONTH = 1 }
local DT_NAMES, YM_NAMES = { [0] = "DAY", "HOUR", "MINUTE", "SECOND" }, { [0] = "YEAR", "MONTH" }
local DT_UNIT = { [0] = MICROS.DAY, MICROS.HOUR, MICROS.MINUTE, MICROS.SECOND }

-- The value of the text of an ANSI interval of fields from..to (Spark's
-- codes; ym: a year-month one): '1 02:03:04.5' DAY TO SECOND, '10:30'
-- HOUR TO MINUTE, '-1-2' YEAR TO MONTH; microseconds or months, or nil
-- when the text is no such interval. The leading field takes any size,
-- the others their unit's range; seconds take up to 9 fraction digits.
function M.ansiValue(text, ym, from, to)
  local s = text:match("^%s*(.-)%s*$")
  local sign = s:match("^[+-]") or ""
  s = s:sub(#sign + 1)
  local total, pos = 0, 1
  for field = from, to do
    if field ~= from then
      local sep = ym and "-" or (field == 1 and " " or ":")
      if s:sub(pos, pos) ~= sep then return nil end
      pos = pos + 1
    end
    local digits = s:match("^%d+", pos)
    if not digits then return nil end
    pos = pos + #digits
    local v = tonumber(digits)
    if field ~= from and v > (ym and 11 or (field == 1 and 23 or 59)) then return nil end
    total = total + v * (ym and (field == 0 and 12 or 1) or DT_UNIT[field])
    if not ym and field == 3 and s:sub(pos, pos) == "." then
      local frac = s:match("^%d+", pos + 1)
      if not frac or #frac > 9 then return nil end
      pos = pos + 1 + #frac
      total = total + tonumber((frac .. "000000"):sub(1, 6))
    end
  end
  if pos <= #s then return nil end
  return sign == "-" and -total or total
end

-- The fields of an interval type as Spark's text writes them: DAY TO
-- SECOND, HOUR.
function M.fieldsText(ym, from, to)
  local names = ym and YM_NAMES or DT_NAMES
  return from == to and names[from] or names[from] .. " TO " .. names[to]
end

-- INTERVAL 'text' FIELD [TO FIELD] at the parser, INTERVAL then the
-- text consumed: the ANSI form's node, or nil when the words after the
-- text are no interval fields.
local function ansi_literal(p, at, tok)
  local first = p:peek(1)
  if not (first.t == "id" and (DT_NAMES[DT_FIELD[first.up] or -1] == first.up or YM_FIELD[first.up])) then
    return nil
  end
  local ym = YM_FIELD[first.up] ~= nil
  local from = ym and YM_FIELD[first.up] or DT_FIELD[first.up]
  local to, words = from, 2
  local last = p:peek(3)
  if p:peek(2).t == "id" and p:peek(2).up == "TO" and last.t == "id" then
    to = (ym and YM_FIELD or DT_FIELD)[last.up]
    if not to or to <= from or (not ym and DT_NAMES[to] ~= last.up) then
      require("tide.sql_lexer").fail(p.text, at.pos, ("INTERVAL '%s' %s TO %s: no such interval type (Spark's: YEAR"
        .. " TO MONTH, DAY TO HOUR, DAY TO MINUTE, DAY TO SECOND, HOUR TO MINUTE, HOUR TO SECOND, MINUTE TO SECOND)")
        :format(tok.value, first.up, last.up))
    end
    words = 4
  elseif tonumber(tok.value) and not tok.value:find("e", 1, true) and not tok.value:find("E", 1, true) then
    return nil -- INTERVAL '5' DAY: a number and its unit, read as the other forms are
  end
  local v = M.ansiValue(tok.value, ym, from, to)
  if not v then
    -- (the form of its fields, as Spark's message writes it: d h:m:s.n, h:m, y-m)
    local forms, form = ym and { [0] = "y", "m" } or { [0] = "d", "h", "m", "s.n" }, ""
    for field = from, to do
      form = form .. (field == from and "" or ym and "-" or field == 1 and " " or ":") .. forms[field]
    end
    require("tide.sql_lexer").fail(p.text, tok.pos, ("Interval string does not match %s format of `[+|-]%s` in"
      .. " INTERVAL '%s' %s"):format(ym and "year-month" or "day-time", form, tok.value, M.fieldsText(ym, from, to)))
  end
  for _ = 1, words do p:advance() end
  if ym then
    return { k = "interval", months = v, text = ("INTERVAL '%s' %s"):format(tok.value, M.fieldsText(ym, from, to)),
             startField = from, endField = to }
  end
  return { k = "interval", micros = v, text = ("INTERVAL '%s' %s"):format(tok.value, M.fieldsText(ym, from, to)),
           startField = from, endField = to, daysOnly = to == 0 or nil }
end

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
  local from, to
  local function add(text, us, m, unit)
    parts[#parts + 1], micros, months = text, micros + us, months + m
    local field = DT_FIELD[unit] or YM_FIELD[unit]
    from, to = math.min(from or field, field), math.max(to or field, field)
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
      sign == "-" and "-" or "", y:gsub("^0+(%d)", "%1"), m:gsub("^0+(%d)", "%1")), startField = 0, endField = 1 }
  end
  -- INTERVAL '1 02:03:04.5' DAY TO SECOND, '10:30' HOUR TO MINUTE, ...
  local ansi = tok.t == "str" and ansi_literal(p, at, tok)
  if ansi then return ansi end
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
    return { k = "interval", months = months, text = text, startField = from, endField = to }
  end
  return { k = "interval", micros = micros, text = text, daysOnly = days_only and micros % MICROS.DAY == 0 or nil,
           startField = from, endField = to }
end

return M
