-- tide.sql_keyword_calls — the calls Spark's grammar writes with words
-- of its own inside the parentheses, each as the node of the function it
-- stands for (tide.sql's parser reads them where a call starts):
--
--   CAST(x AS type)  TRY_CAST(x AS type)    EXTRACT(field FROM source)
--   TIMESTAMPADD(HOUR, 1, ts)  TIMESTAMPDIFF(DAY, a, b)  (and DATEADD, DATE_ADD, DATEDIFF, DATE_DIFF)
--   POSITION(s IN t)  TRIM([BOTH|LEADING|TRAILING] [chars] FROM s)  OVERLAY(s PLACING r FROM p [FOR n])
--   SUBSTRING(s FROM p [FOR n])  (and SUBSTR)   s LIKE p ESCAPE 'c' (after tide.sql's LIKE)
--
-- Methods of the one parser class (tide.sql takes them).
local T = require("tide.types")
local cursor = require("tide.sql_cursor")
local names = require("tide.sql_names")

local M = {}
local is_kw, is_op = cursor.isKeyword, cursor.isOperator

local Parser = {} -- the parser's methods here (tide.sql takes them)
M.methods = Parser

-- TIMESTAMPADD(unit, quantity, ts) and TIMESTAMPDIFF(unit, start, end),
-- the unit a bare keyword of Spark's datetimeUnit; DATEADD and DATE_ADD,
-- DATEDIFF and DATE_DIFF are them with three arguments (with two, the
-- functions of days). Spark names them all timestampadd/timestampdiff.
local UNIT_CALLS = { TIMESTAMPADD = "timestampadd", DATEADD = "timestampadd", DATE_ADD = "timestampadd",
                     TIMESTAMPDIFF = "timestampdiff", DATEDIFF = "timestampdiff", DATE_DIFF = "timestampdiff" }
local DATETIME_UNITS = { YEAR = true, QUARTER = true, MONTH = true, WEEK = true, DAY = true, DAYOFYEAR = true,
                         HOUR = true, MINUTE = true, SECOND = true, MILLISECOND = true, MICROSECOND = true }
local UNIT_LIST = "YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND"

-- The tokens directly inside the parenthesis at the cursor (none of an
-- inner parenthesis), the cursor unmoved.
local function top_level(p)
  local toks, depth, k = {}, 0, 0
  repeat
    local tok = p:peek(k)
    if is_op(tok, "(") then
      depth = depth + 1
    elseif is_op(tok, ")") then
      depth = depth - 1
    elseif depth == 1 then
      toks[#toks + 1] = tok
    end
    k = k + 1
  until depth == 0 or tok.t == "eof"
  return toks
end

-- Whether the parenthesis at the cursor holds the keyword word outside
-- any inner parenthesis (POSITION(a IN b) rather than position(a, b)).
local function inside_parens(p, word)
  for _, tok in ipairs(top_level(p)) do
    if is_kw(tok, word) then return true end
  end
  return false
end

-- The node of the call of word (upper case; its "(" at the cursor) when
-- it is one of these forms; else nil, the cursor unmoved, for a plain
-- call of the function.
function Parser:keyword_call(word)
  if word == "CAST" then return self:cast() end
  -- TRY_CAST: Spark's ANSI cast, NULL where that fails
  if word == "TRY_CAST" then
    local c = self:cast()
    c.try = true
    return c
  end
  if word == "EXTRACT" then return self:extract() end
  if UNIT_CALLS[word] then return self:unit_call(UNIT_CALLS[word], word) end
  if word == "POSITION" and inside_parens(self, "IN") then return self:position() end
  if word == "TRIM" and inside_parens(self, "FROM") then return self:trim_from() end
  if word == "OVERLAY" and inside_parens(self, "PLACING") then return self:overlay() end
  if (word == "SUBSTRING" or word == "SUBSTR") and (inside_parens(self, "FROM") or inside_parens(self, "FOR")) then
    return self:substring_from()
  end
end

-- CAST(x AS type): the type's text, up to the matching ")", goes to T.parse.
function Parser:cast()
  self:expect_op("(")
  self:enter()
  local e = self:expr()
  self:expect_kw("AS")
  local first, depth = self:peek(), 0
  while true do
    local tok = self:peek()
    if tok.t == "eof" or (depth == 0 and is_op(tok, ")")) then break end
    if is_op(tok, "(") then depth = depth + 1 elseif is_op(tok, ")") then depth = depth - 1 end
    self:advance()
  end
  local close = self:peek()
  if close == first then self:fail("a data type") end
  local ok, t = pcall(T.parse, self.text:sub(first.pos, close.pos - 1))
  if not ok then
    local why = tostring(t):gsub("^.-:%d+: ", ""):gsub("^cannot parse type .- at position %d+: ", "")
    self:fail("a data type (" .. why .. ")", first)
  end
  self:expect_op(")")
  self.depth = self.depth - 1
  -- (typeText: the type as written, which Spark's name shows: CAST(x AS TINYINT))
  return { k = "cast", expr = e, to = t, typeText = self.text:sub(first.pos, close.pos - 1) }
end

-- POSITION(substr IN str): locate(substr, str), as Spark's parser makes it.
function Parser:position()
  self:expect_op("(")
  local substr = self:value(1)
  self:expect_kw("IN")
  local str = self:value(1)
  self:expect_op(")")
  return { k = "call", fn = "locate", args = { substr, str } }
end

-- TRIM([BOTH | LEADING | TRAILING] [trimStr] FROM str): trim, ltrim or
-- rtrim of (trimStr, str), or of str alone (spaces), as Spark's parser.
local TRIM_SIDES = { BOTH = "trim", LEADING = "ltrim", TRAILING = "rtrim" }
function Parser:trim_from()
  self:expect_op("(")
  local side = TRIM_SIDES[self:peek().up or ""] and self:peek().t == "id" and TRIM_SIDES[self:advance().up]
  local chars = not is_kw(self:peek(), "FROM") and self:value(1) or nil
  self:expect_kw("FROM")
  local str = self:value(1)
  self:expect_op(")")
  return { k = "call", fn = side or "trim", args = chars and { chars, str } or { str } }
end

-- OVERLAY(input PLACING replace FROM pos [FOR len]): overlay's call.
function Parser:overlay()
  self:expect_op("(")
  local args = { self:value(1) }
  self:expect_kw("PLACING")
  args[2] = self:value(1)
  self:expect_kw("FROM")
  args[3] = self:value(1)
  if self:accept_kw("FOR") then args[4] = self:value(1) end
  self:expect_op(")")
  return { k = "call", fn = "overlay", args = args }
end

-- e LIKE pattern [ESCAPE 'c'] (node: like's call of e and pattern, which
-- tide.sql reads): the escape character like's third argument; Spark
-- names it e LIKE pattern whatever the escape.
function Parser:like_escape(node)
  if not self:accept_kw("ESCAPE") then return node end
  node.sqlText = names.toString(node)
  node.args[3] = self:value(1)
  return node
end

-- SUBSTRING(str FROM pos [FOR len]) and SUBSTR (a comma may stand for
-- either word, as in Spark's grammar): substring's call, its length
-- Integer.MAX_VALUE when left out, as Spark's parser makes it (and names
-- it: substring(s, 2, 2147483647)).
function Parser:substring_from()
  self:expect_op("(")
  local args = { self:value(1) }
  if not self:accept_op(",") then self:expect_kw("FROM") end
  args[2] = self:value(1)
  if self:accept_kw("FOR") or self:accept_op(",") then
    args[3] = self:value(1)
  else
    args[3] = { k = "lit", value = 2147483647, type = T.int }
  end
  self:expect_op(")")
  return { k = "call", fn = "substring", args = args }
end

-- TIMESTAMPADD(unit, quantity, ts) and TIMESTAMPDIFF(unit, start, end),
-- the unit a bare keyword of Spark's datetimeUnit (UNIT_CALLS).
-- The call at the cursor (its "(" next) when it is one with a unit, else
-- nil, the cursor unmoved.
function Parser:unit_call(fn, word)
  local commas = 0
  for _, tok in ipairs(top_level(self)) do
    if is_op(tok, ",") then commas = commas + 1 end
  end
  local unit = self:peek(1)
  if commas ~= 2 or not is_op(self:peek(2), ",") then return nil end
  local named = unit.t == "id" and DATETIME_UNITS[unit.up]
  if unit.t == "str" or (unit.t == "id" and not named and fn == word:lower()) then
    -- Spark 3.5's parser: INVALID_PARAMETER_VALUE.DATETIME_UNIT
    self:fail(("a unit of %s without quotes (%s)"):format(word:lower(), UNIT_LIST), unit)
  end
  if not named then return nil end
  self:expect_op("(")
  self:advance()
  self:expect_op(",")
  local args = { { k = "lit", value = unit.value, type = T.string } }
  args[2] = self:expr()
  self:expect_op(",")
  args[3] = self:expr()
  self:expect_op(")")
  return { k = "call", fn = fn, args = args }
end

-- EXTRACT(field FROM source): date_part's call, named as Spark names it.
function Parser:extract()
  self:expect_op("(")
  local field = self:advance()
  if field.t ~= "id" then self:fail("a field to extract (YEAR, MONTH, DAY, HOUR, ...)", field) end
  self:expect_kw("FROM")
  local source = self:expr()
  self:expect_op(")")
  return { k = "call", fn = "extract", args = { { k = "lit", value = field.value }, source } }
end

return M
