-- tide.sql_over — a window function's OVER (...) in a SQL expression
-- (tide.sql's parser reads it after the call), as Column:over makes it:
--
--   rank() OVER (PARTITION BY k ORDER BY v DESC NULLS LAST)
--   sum(v) OVER (ORDER BY t ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
--   sum(v) OVER (ORDER BY t ROWS UNBOUNDED PRECEDING)    (BETWEEN it AND CURRENT ROW)
--   avg(v) OVER (ORDER BY x RANGE BETWEEN 1.5 PRECEDING AND 1.5 FOLLOWING)
--
-- and a sort key's [ASC|DESC] [NULLS FIRST|LAST], which spark:sql's ORDER
-- BY reads too (tide.sql_clauses). Methods of the one parser class
-- (tide.sql takes them).
local T = require("tide.types")
local lexer = require("tide.sql_lexer")

local M = {}
local number_literal = lexer.numberLiteral

local Parser = {} -- the parser's methods here (tide.sql takes them)
M.methods = Parser

-- The value of pcall's (ok, value); an error raised again without the
-- place in tide's code where it was raised (tide.window's checks speak
-- for the query's text).
local function unplaced(ok, value)
  if not ok then error((tostring(value):gsub("^[^:]*:%d+: ", "")), 0) end
  return value
end

-- After a sort key: [ASC|DESC] [NULLS FIRST|LAST]; whether descending
-- and whether nulls come first (Spark's default: first when ascending).
function Parser:ordering()
  local desc = self:accept_kw("DESC") ~= nil
  if not desc then self:accept_kw("ASC") end
  local nulls_first = not desc
  if self:accept_kw("NULLS") then
    nulls_first = self:accept_kw("FIRST") ~= nil
    if not nulls_first then self:expect_kw("LAST") end
  end
  return desc, nulls_first
end

-- fn OVER ([PARTITION BY e, ...] [ORDER BY e [ASC|DESC] [NULLS FIRST|LAST],
-- ...] [ROWS|RANGE BETWEEN bound AND bound | ROWS|RANGE bound]): the window
-- of tide.window, as Column:over makes it; a frame of one bound runs from
-- it to the current row, as Spark's.
function Parser:over(fn)
  local column, window = require("tide.column"), require("tide.window")
  self:advance()
  self:expect_op("(")
  local w = window.Window.partitionBy()
  if self:accept_kw("PARTITION") then
    self:expect_kw("BY")
    local keys = {}
    repeat keys[#keys + 1] = column.wrap(self:expr()) until not self:accept_op(",")
    w = w:partitionBy(keys)
  end
  if self:accept_kw("ORDER") then
    self:expect_kw("BY")
    local keys = {}
    repeat
      local e = self:expr()
      local desc, nulls_first = self:ordering()
      keys[#keys + 1] = column.wrap({ k = "sortorder", expr = e, descending = desc, nullsFirst = nulls_first })
    until not self:accept_op(",")
    w = w:orderBy(keys)
  end
  local frame = self:accept_kw("ROWS") and "rows" or self:accept_kw("RANGE") and "range"
  if frame then
    local lo, lo_lit, hi, hi_lit
    if self:accept_kw("BETWEEN") then
      lo, lo_lit = self:frame_bound(frame)
      self:expect_kw("AND")
      hi, hi_lit = self:frame_bound(frame)
    else
      lo, lo_lit = self:frame_bound(frame, "BETWEEN, UNBOUNDED, CURRENT ROW or a number of rows")
      hi = 0
    end
    w = unplaced(pcall(frame == "rows" and w.rowsBetween or w.rangeBetween, w, lo, hi, lo_lit, hi_lit))
  end
  self:expect_op(")")
  -- Column:over's checks (an unordered rank) without its place in tide.
  return unplaced(pcall(column.Column.over, column.wrap(fn), w)).node
end

-- UNBOUNDED PRECEDING | UNBOUNDED FOLLOWING | CURRENT ROW | n PRECEDING | n FOLLOWING;
-- n an int for ROWS (as Spark's RowFrame: 1.0 is a decimal), any number
-- for RANGE (an offset of the order value, given with its literal too:
-- -1.5 of 1.5 PRECEDING, a decimal) or an interval literal (of a
-- timestamp or date order value: its microseconds or months signed,
-- and the literal as written). expected: what the error says was.
function Parser:frame_bound(frame, expected)
  if self:accept_kw("UNBOUNDED") then
    if self:accept_kw("PRECEDING") then return -math.huge end
    self:expect_kw("FOLLOWING")
    return math.huge
  end
  if self:accept_kw("CURRENT") then
    self:expect_kw("ROW")
    return 0
  end
  local intervals = require("tide.sql_interval")
  if frame == "range" and intervals.starts(self) then
    local iv = intervals.parse(self)
    local n = iv.months or iv.micros
    if self:accept_kw("PRECEDING") then return -n, iv end
    self:expect_kw("FOLLOWING")
    return n, iv
  end
  local tok = self:peek()
  if tok.t ~= "num" then self:fail(expected or "UNBOUNDED, CURRENT ROW or a number of rows") end
  self:advance()
  local lit = number_literal(self.text, tok, false)
  local n = tonumber(lit.value)
  if frame == "rows" and lit.type ~= T.int then self:fail("a whole number of rows (an int)", tok) end
  if self:accept_kw("PRECEDING") then return -n, number_literal(self.text, tok, true) end
  self:expect_kw("FOLLOWING")
  return n, lit
end

return M
