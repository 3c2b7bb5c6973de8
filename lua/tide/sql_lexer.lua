-- tide.sql_lexer — the tokens of a SQL expression string (tide.sql's
-- parser reads them), the literal a number token stands for, and the one
-- syntax error both raise: 'syntax error at position N in "...": msg' (N
-- 1-based, in bytes).
--
--   lexer.tokenize("a + 1")  -- { {t="id", ...}, {t="op", ...}, {t="num", ...}, {t="eof"} }
--   lexer.numberLiteral(text, tok, negative)  -- { k = "lit", value, type }
--   lexer.fail(text, pos, msg)
local ffi = require("ffi")
local T = require("tide.types")

local M = {}

-- A token is { t = kind, pos = first byte, stop = last byte, ... }:
-- "num" (value, type), "str" (value), "id" (value, up = upper case),
-- "qid" (a `quoted` identifier, value), "op" (value), "bad" (an unknown
-- character) and "eof".

local function fail(text, pos, msg)
  local shown = text
  if #text > 80 then  -- the part around the position
    local from, to = math.max(1, pos - 40), math.min(#text, pos + 30)
    shown = (from > 1 and "..." or "") .. text:sub(from, to) .. (to < #text and "..." or "")
  end
  error(('syntax error at position %d in "%s": %s'):format(pos, shown, msg), 0)
end

local OPERATORS = { "<=>", "<=", ">=", "<>", "!=", "==", "||", "->", "=", "<", ">", "+", "-", "*", "/",
                    "%", "(", ")", ",", ".", "!", "[", "]" }

local ESCAPES = { ["0"] = "\0", b = "\b", n = "\n", r = "\r", t = "\t", Z = "\26",
                  ["%"] = "\\%", ["_"] = "\\_" }

local function utf8(cp)
  if cp < 0x80 then return string.char(cp) end
  if cp < 0x800 then return string.char(0xC0 + math.floor(cp / 64), 0x80 + cp % 64) end
  return string.char(0xE0 + math.floor(cp / 4096), 0x80 + math.floor(cp / 64) % 64, 0x80 + cp % 64)
end

-- A quoted string starting at i; Spark's escapes (unescapeSQLString),
-- r'...' raw. A quote ends it: 'it''s' is two strings, which join to
-- "its" as adjacent strings do in Spark (a quote inside is \').
local function lex_string(text, i, raw)
  local q, start = text:sub(i, i), i
  local out, j = {}, i + 1
  while true do
    local c = text:sub(j, j)
    if c == "" then fail(text, start, ("expected a closing %s for the string, found the end of the text"):format(q)) end
    if c == q then
      break
    elseif c == "\\" and not raw then
      local e = text:sub(j + 1, j + 1)
      local oct = text:match("^[0-3][0-7][0-7]", j + 1)
      local hex = e == "u" and text:match("^%x%x%x%x", j + 2)
      if oct then
        out[#out + 1], j = string.char(tonumber(oct, 8)), j + 4
      elseif hex then
        out[#out + 1], j = utf8(tonumber(hex, 16)), j + 6
      elseif e == "" then
        fail(text, start, ("expected a closing %s for the string, found the end of the text"):format(q))
      else
        out[#out + 1], j = ESCAPES[e] or e, j + 2
      end
    else
      local run = text:match("^[^\\'\"]+", j) or c
      out[#out + 1], j = run, j + #run
    end
  end
  return { t = "str", value = table.concat(out), pos = raw and start - 1 or start, stop = j }
end

local INT_MAX, LONG_MAX = 2147483647, "9223372036854775807"

-- An exact integer from its digits (a Lua number up to 2^53, else int64).
local function integer(digits, negative)
  local x = ffi.new("int64_t", 0)
  for k = 1, #digits do x = x * 10 + (digits:byte(k) - 48) end
  if negative then x = -x end
  if x <= 2 ^ 53 and x >= -2 ^ 53 then return tonumber(x) end
  return x
end

local function fits_long(digits, negative)
  digits = digits:gsub("^0+", "")
  if #digits ~= #LONG_MAX then return #digits < #LONG_MAX end
  return digits <= (negative and "9223372036854775808" or LONG_MAX)
end

-- The literal of a number token, negated when a unary minus precedes it.
local function number_literal(text, tok, negative)
  local body, suffix = tok.body, tok.suffix
  local sign = negative and "-" or ""
  local function range(what) fail(text, tok.pos, "expected a number in the range of " .. what .. ", found '" .. sign .. tok.src .. "'") end
  -- A fraction without an exponent or a suffix is a decimal, as 1.5BD is
  -- (Spark's DECIMAL_VALUE: Literal(BigDecimal)): 1.5 decimal(2,1), .5
  -- decimal(1,1), 0.10 decimal(2,2), 1. decimal(1,0). With BD an exponent
  -- moves the point, as Java's BigDecimal and then Spark's Decimal read
  -- it: 1.0E-8BD is decimal(9,9) (the scale, as no precision may be below
  -- it), 1.5E2BD decimal(3,0) (no negative scale: the digits are 150).
  local fraction = suffix == "" and body:find("%.") and not body:find("[eE]")
  if suffix == "BD" or fraction then
    local int, frac, exp = body:match("^(%d*)%.?(%d*)[eE]?([+-]?%d*)$")
    local digits = (int .. frac):gsub("^0+", "")
    local s = #frac - (tonumber(exp) or 0)
    local p = math.max(#digits, 1) - math.min(s, 0) -- (BigDecimal's precision: 0 has one digit)
    if s < 0 then -- (0E2 is 0, of precision 3)
      digits = digits ~= "" and digits .. ("0"):rep(-s) or ""
      s = 0
    end
    p = math.max(p, s)
    if p > 38 then range("decimal(38)") end
    if digits == "" then sign = "" end -- (-0.0 is 0.0)
    local padded = ("0"):rep(s + 1 - #digits) .. digits
    local value = sign .. padded:sub(1, #padded - s) .. (s > 0 and "." .. padded:sub(-s) or "")
    return { k = "lit", value = value, type = T.decimal(p, s) }
  end
  local integral = body:find("^%d+$") ~= nil
  if integral and (suffix == "" or suffix == "L" or suffix == "S" or suffix == "Y") then
    local limit = suffix == "S" and 32767 or suffix == "Y" and 127 or nil
    if limit then
      local v = tonumber(body) * (negative and -1 or 1)
      if v > limit or v < -limit - 1 then range(suffix == "S" and "smallint" or "tinyint") end
      return { k = "lit", value = v, type = suffix == "S" and T.short or T.byte }
    end
    if not fits_long(body, negative) then
      if suffix == "L" then range("bigint") end
      local digits = body:gsub("^0+", "")
      if #digits > 38 then range("decimal(38)") end
      return { k = "lit", value = sign .. digits, type = T.decimal(#digits, 0) }
    end
    local v = integer(body, negative)
    local int = suffix == "" and type(v) == "number" and v <= INT_MAX and v >= -INT_MAX - 1
    return { k = "lit", value = v, type = int and T.int or T.long }
  end
  if suffix == "L" or suffix == "S" or suffix == "Y" then
    fail(text, tok.pos, "expected an integer before the " .. suffix .. " suffix, found '" .. tok.src .. "'")
  end
  local v = tonumber(body)
  if not v or v == math.huge then range("double") end
  if negative then v = -v end
  return { k = "lit", value = v, type = suffix == "F" and T.float or T.double }
end

local SUFFIXES = { bd = "BD", d = "D", f = "F", l = "L", s = "S", y = "Y" }

-- A number, or an identifier that starts with digits (Spark's lexer takes
-- the longer of the two: "1a" is a name, "1e5" and "1L" numbers).
local function lex_number(text, i)
  local m = text:match("^%d+%.?%d*", i) or text:match("^%.%d+", i)
  local ident = text:match("^[%w_\128-\255]+", i) or ""
  if m then
    local e = text:match("^[eE][+-]?%d+", i + #m)
    if e then m = m .. e end
    local rest = text:sub(i + #m)
    local sfx = rest:match("^[bB][dD]") or rest:match("^[dDfFlLsSyY]")
    local len = #m + (sfx and #sfx or 0)
    if not m:find("%.") and #ident > len then
      return { t = "id", value = ident, up = ident:upper(), pos = i, stop = i + #ident - 1 }
    end
    return { t = "num", body = m, suffix = sfx and SUFFIXES[sfx:lower()] or "", pos = i, stop = i + len - 1,
             src = text:sub(i, i + len - 1) }
  end
end

local function tokenize(text)
  local toks, i, n = {}, 1, #text
  while true do
    i = text:find("[^%s]", i) or n + 1
    if i > n then break end
    local c, two = text:sub(i, i), text:sub(i, i + 1)
    local tok
    if two == "--" then
      i = (text:find("\n", i, true) or n) + 1
    elseif two == "/*" then
      local depth, j = 1, i + 2
      while depth > 0 do
        local a, b = text:find("/%*", j), text:find("%*/", j)
        if not b then fail(text, i, "expected */ to close the comment, found the end of the text") end
        if a and a < b then depth, j = depth + 1, a + 2 else depth, j = depth - 1, b + 2 end
      end
      i = j
    elseif c == "'" or c == '"' then
      tok = lex_string(text, i)
    elseif (c == "r" or c == "R") and (text:sub(i + 1, i + 1) == "'" or text:sub(i + 1, i + 1) == '"') then
      tok = lex_string(text, i + 1, true)
    elseif c == "`" then
      local parts, j = {}, i + 1
      while true do
        local k = text:find("`", j, true)
        if not k then fail(text, i, "expected a closing ` for the name, found the end of the text") end
        parts[#parts + 1] = text:sub(j, k - 1)
        if text:sub(k + 1, k + 1) ~= "`" then j = k; break end
        parts[#parts + 1], j = "`", k + 2
      end
      tok = { t = "qid", value = table.concat(parts), pos = i, stop = j }
    elseif c:find("[%d.]") and lex_number(text, i) then
      tok = lex_number(text, i)
    elseif c:find("[%a_\128-\255]") then
      local name = text:match("^[%w_\128-\255]+", i)
      tok = { t = "id", value = name, up = name:upper(), pos = i, stop = i + #name - 1 }
    else
      for _, op in ipairs(OPERATORS) do
        if text:sub(i, i + #op - 1) == op then
          tok = { t = "op", value = op, pos = i, stop = i + #op - 1 }
          break
        end
      end
      tok = tok or { t = "bad", pos = i, stop = i }
    end
    if tok then
      toks[#toks + 1] = tok
      i = tok.stop + 1
    end
  end
  toks[#toks + 1] = { t = "eof", pos = n + 1, stop = n }
  return toks
end

M.tokenize, M.fail, M.numberLiteral = tokenize, fail, number_literal

return M
