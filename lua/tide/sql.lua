-- tide.sql — SQL expression strings (selectExpr, filter/where, F.expr) as
-- the expression nodes of docs/architecture.md, and the names Spark 3.5
-- gives those nodes.
--
--   sql.parseExpression("a + 1 > 2 AND b IS NOT NULL")   -- a node
--   sql.parseNamedExpression("CAST(value AS STRING) AS v") -- alias, or a star
--   sql.toString(node)    -- Spark's pretty SQL: "(a + 1)", "CAST(v AS STRING)"
--   sql.outputName(node)  -- the column name a select gives the node
--   sql(conninfo, "SELECT ...")   -- runs a query through tide.pg
--
-- Malformed text raises one error, "syntax error at position N in "...":
-- expected X, found Y" (N is 1-based, in bytes); never a Lua runtime error.
-- Function names are not checked here; the evaluator checks them. Only
-- from_json's literal schema and options are read here, into the node
-- F.from_json makes.
local ffi = require("ffi")
local T = require("tide.types")

local M = {}

-- ---- tokens ---------------------------------------------------------------
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

local OPERATORS = { "<=>", "<=", ">=", "<>", "!=", "==", "||", "=", "<", ">", "+", "-", "*", "/",
                    "%", "(", ")", ",", ".", "!", "[", "]" }

local ESCAPES = { ["0"] = "\0", b = "\b", n = "\n", r = "\r", t = "\t", Z = "\26",
                  ["%"] = "\\%", ["_"] = "\\_" }

local function utf8(cp)
  if cp < 0x80 then return string.char(cp) end
  if cp < 0x800 then return string.char(0xC0 + math.floor(cp / 64), 0x80 + cp % 64) end
  return string.char(0xE0 + math.floor(cp / 4096), 0x80 + math.floor(cp / 64) % 64, 0x80 + cp % 64)
end

-- A quoted string starting at i; Spark's escapes (unescapeSQLString), a
-- doubled quote stands for one, r'...' is raw.
local function lex_string(text, i, raw)
  local q, start = text:sub(i, i), i
  local out, j = {}, i + 1
  while true do
    local c = text:sub(j, j)
    if c == "" then fail(text, start, ("expected a closing %s for the string, found the end of the text"):format(q)) end
    if c == q then
      if text:sub(j + 1, j + 1) ~= q then break end
      out[#out + 1], j = q, j + 2
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
  if suffix == "BD" then
    if body:find("[eE]") then range("decimal (no exponent)") end
    local int, frac = body:match("^(%d*)%.?(%d*)$")
    local digits = (int .. frac):gsub("^0+", "")
    local p, s = math.max(#digits, #frac, 1), #frac
    if p > 38 then range("decimal(38)") end
    int = int:gsub("^0+", "")
    local value = sign .. (int == "" and "0" or int) .. (frac ~= "" and "." .. frac or "")
    return { k = "lit", value = value, type = T.decimal(p, s) }
  end
  local integral = body:find("^%d+$") ~= nil
  if integral and (suffix == "" or suffix == "L" or suffix == "S" or suffix == "Y") then
    local limit = suffix == "S" and 32767 or suffix == "Y" and 127 or nil
    if limit then
      local v = tonumber(body) * (negative and -1 or 1)
      if v > limit or v < -limit - 1 then range(suffix == "S" and "smallint" or "tinyint") end
      return { k = "lit", value = v, type = T.int }
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

-- ---- parser -----------------------------------------------------------------

-- Words that cannot name a column or an alias without backticks.
local RESERVED = {}
for w in ([[AND OR NOT IS NULL IN BETWEEN LIKE RLIKE REGEXP CASE WHEN THEN ELSE END AS
            TRUE FALSE DIV FROM WHERE SELECT DISTINCT]]):gmatch("%a+") do RESERVED[w] = true end

-- Binary operators of valueExpression: precedence and node op.
local BINARY = {
  ["="] = { 1, "=" }, ["=="] = { 1, "=" }, ["!="] = { 1, "!=" }, ["<>"] = { 1, "!=" },
  ["<"] = { 1, "<" }, ["<="] = { 1, "<=" }, [">"] = { 1, ">" }, [">="] = { 1, ">=" },
  ["<=>"] = { 1, "<=>" },
  ["+"] = { 2, "+" }, ["-"] = { 2, "-" }, ["||"] = { 2, "concat" },
  ["*"] = { 3, "*" }, ["/"] = { 3, "/" }, ["%"] = { 3, "%" }, DIV = { 3, "div" },
}

local MAX_DEPTH = 150

local Parser = {}
Parser.__index = Parser

function Parser:peek(ahead) return self.toks[self.i + (ahead or 0)] or self.toks[#self.toks] end

function Parser:advance()
  local tok = self.toks[self.i]
  if tok.t ~= "eof" then self.i = self.i + 1 end
  return tok
end

function Parser:found(tok)
  if tok.t == "eof" then return "the end of the text" end
  local src = self.text:sub(tok.pos, tok.stop)
  if #src > 30 then src = src:sub(1, 27) .. "..." end
  return "'" .. src .. "'"
end

function Parser:fail(expected, tok)
  tok = tok or self:peek()
  fail(self.text, tok.pos, "expected " .. expected .. ", found " .. self:found(tok))
end

local function is_kw(tok, word) return tok.t == "id" and tok.up == word end
local function is_op(tok, op) return tok.t == "op" and tok.value == op end
-- NOT is also spelled "!" in Spark.
local function is_not(tok) return is_kw(tok, "NOT") or is_op(tok, "!") end

function Parser:accept_kw(word)
  if is_kw(self:peek(), word) then return self:advance() end
end

function Parser:expect_kw(word)
  return self:accept_kw(word) or self:fail(word)
end

function Parser:accept_op(op)
  if is_op(self:peek(), op) then return self:advance() end
end

function Parser:expect_op(op)
  return self:accept_op(op) or self:fail("'" .. op .. "'")
end

function Parser:enter()
  self.depth = self.depth + 1
  if self.depth > MAX_DEPTH then fail(self.text, self:peek().pos, "expression nested too deeply") end
end

-- A name: an identifier (any word, even a keyword, when any_word) or a
-- `quoted` one.
function Parser:name(what, any_word)
  local tok = self:peek()
  if tok.t == "qid" or (tok.t == "id" and (any_word or not RESERVED[tok.up])) then
    self:advance()
    return tok.value
  end
  self:fail(what)
end

-- Plain tables are copied so that an operand used twice (BETWEEN, simple
-- CASE) is two nodes; types (with a metatable) are shared.
local function copy(n)
  if type(n) ~= "table" or getmetatable(n) then return n end
  local c = {}
  for k, v in pairs(n) do c[k] = copy(v) end
  return c
end
M.copyNode = copy

local function op(o, left, right)
  if o == "concat" then return { k = "call", fn = "concat", args = { left, right } } end
  return { k = "op", op = o, left = left, right = right }
end

-- expression: OR < AND < NOT < predicate < valueExpression
function Parser:expr()
  self:enter()
  local left = self:conjunction()
  while self:accept_kw("OR") do left = op("or", left, self:conjunction()) end
  self.depth = self.depth - 1
  return left
end

function Parser:conjunction()
  local left = self:negation()
  while self:accept_kw("AND") do left = op("and", left, self:negation()) end
  return left
end

function Parser:negation()
  if is_not(self:peek()) then
    self:enter()
    self:advance()
    local e = { k = "not", expr = self:negation() }
    self.depth = self.depth - 1
    return e
  end
  return self:predicated()
end

-- A value optionally followed by one predicate: IS [NOT] NULL / TRUE /
-- FALSE / DISTINCT FROM b, [NOT] BETWEEN a AND b, [NOT] IN (...),
-- [NOT] LIKE/RLIKE p.
function Parser:predicated()
  local e = self:value(1)
  if self:accept_kw("IS") then
    local negated = is_not(self:peek()) and self:advance()
    if self:accept_kw("NULL") then return { k = negated and "isnotnull" or "isnull", expr = e } end
    local other
    if self:accept_kw("DISTINCT") then
      self:expect_kw("FROM")
      other, negated = self:value(1), not negated
    elseif is_kw(self:peek(), "TRUE") or is_kw(self:peek(), "FALSE") then
      other = { k = "lit", value = self:advance().up == "TRUE", type = T.boolean }
    else
      self:fail("NULL, TRUE, FALSE or DISTINCT FROM")
    end
    -- As Spark's parser: x IS TRUE is x <=> true, IS DISTINCT FROM is NOT <=>.
    local result = op("<=>", e, other)
    return negated and { k = "not", expr = result } or result
  end
  local negate = false
  local nxt = self:peek(1)
  if is_not(self:peek()) and (is_kw(nxt, "BETWEEN") or is_kw(nxt, "IN") or is_kw(nxt, "LIKE")
      or is_kw(nxt, "RLIKE") or is_kw(nxt, "REGEXP")) then
    self:advance()
    negate = true
  end
  local result
  if self:accept_kw("BETWEEN") then
    local low = self:value(1)
    self:expect_kw("AND")
    local high = self:value(1)
    result = op("and", op(">=", e, low), op("<=", copy(e), high))
  elseif self:accept_kw("IN") then
    self:expect_op("(")
    local list = { self:expr() }
    while self:accept_op(",") do list[#list + 1] = self:expr() end
    self:expect_op(")")
    result = { k = "in", expr = e, list = list }
  elseif self:accept_kw("LIKE") then
    result = { k = "call", fn = "like", args = { e, self:value(1) } }
  elseif self:accept_kw("RLIKE") or self:accept_kw("REGEXP") then
    result = { k = "call", fn = "rlike", args = { e, self:value(1) } }
  else
    return e
  end
  return negate and { k = "not", expr = result } or result
end

-- valueExpression by precedence climbing: comparisons < + - || < * / % DIV.
function Parser:value(min_prec)
  local left = self:unary()
  while true do
    local tok = self:peek()
    local info = (tok.t == "op" and BINARY[tok.value]) or (is_kw(tok, "DIV") and BINARY.DIV)
    if not info or info[1] < min_prec then return left end
    self:advance()
    left = op(info[2], left, self:value(info[1] + 1))
  end
end

function Parser:unary()
  local tok = self:peek()
  if is_op(tok, "-") or is_op(tok, "+") then
    self:enter()
    self:advance()
    local e
    if self:peek().t == "num" then
      -- Spark's grammar reads "-1" as a negative literal (int range included).
      e = self:postfix(number_literal(self.text, self:advance(), tok.value == "-"))
    elseif tok.value == "-" then
      e = { k = "neg", expr = self:unary() }
    else
      e = self:unary()
    end
    self.depth = self.depth - 1
    return e
  end
  return self:postfix(self:primary())
end

-- .field and [index] after a primary.
function Parser:postfix(e)
  while true do
    if self:accept_op(".") then
      e = { k = "field", expr = e, name = self:name("a field name", true) }
    elseif self:accept_op("[") then
      local tok = self:peek()
      local index = self:expr()
      if index.k ~= "lit" or index.value == nil then self:fail("a literal index", tok) end
      self:expect_op("]")
      e = { k = "item", expr = e, index = index.value }
    else
      return e
    end
  end
end

function Parser:primary()
  local tok = self:peek()
  if tok.t == "num" then
    return number_literal(self.text, self:advance(), false)
  elseif tok.t == "str" then
    local parts = {}
    while self:peek().t == "str" do parts[#parts + 1] = self:advance().value end
    return { k = "lit", value = table.concat(parts), type = T.string }
  elseif tok.t == "qid" then
    self:advance()
    return { k = "col", name = tok.value }
  elseif is_op(tok, "(") then
    self:advance()
    local e = self:expr()
    self:expect_op(")")
    return e
  elseif tok.t ~= "id" then
    self:fail("an expression")
  end
  local word = tok.up
  if word == "TRUE" or word == "FALSE" then
    self:advance()
    return { k = "lit", value = word == "TRUE", type = T.boolean }
  elseif word == "NULL" then
    self:advance()
    return { k = "lit", value = nil }
  elseif word == "CASE" then
    return self:case()
  elseif RESERVED[word] then
    self:fail("an expression")
  end
  self:advance()
  if not is_op(self:peek(), "(") then return { k = "col", name = tok.value } end
  if word == "CAST" then return self:cast() end
  return self:call(tok.value:lower())
end

function Parser:call(fn)
  local open = self:expect_op("(")
  self:enter()
  local args, starts = {}, {}
  if is_op(self:peek(), "*") and is_op(self:peek(1), ")") then
    self:advance()
    args[1] = { k = "star" }
  elseif not is_op(self:peek(), ")") then
    repeat
      starts[#args + 1] = self:peek()
      args[#args + 1] = self:expr()
    until not self:accept_op(",")
  end
  self:expect_op(")")
  self.depth = self.depth - 1
  if (fn == "isnull" or fn == "isnotnull") and #args == 1 then return { k = fn, expr = args[1] } end
  if fn == "from_json" then return self:from_json(args, starts, open) end
  return { k = "call", fn = fn, args = args }
end

local function is_string_literal(n) return n.k == "lit" and type(n.value) == "string" end

-- from_json(json, schema[, options]) as Spark SQL writes it: the schema a
-- string literal of DDL ('a int, b string' or 'struct<a:int>'), the
-- options map('mode', 'FAILFAST', ...) of literals. The node is the one
-- F.from_json makes of them, checked as it checks them. starts are the
-- first tokens of the arguments.
function Parser:from_json(args, starts, open)
  if #args < 2 or #args > 3 then
    fail(self.text, open.pos, ("from_json takes 2 or 3 arguments (json, schema[, options]), not %d"):format(#args))
  end
  if not is_string_literal(args[2]) then
    fail(self.text, starts[2].pos, "expected the schema of from_json as a string literal, such as 'a int, b string'"
      .. ", found " .. self:found(starts[2]))
  end
  local ok, schema = pcall(T.parseSchema, args[2].value)
  if not ok then
    fail(self.text, starts[2].pos, "the schema of from_json cannot be read: " .. tostring(schema))
  end
  local opts = {}
  local options = args[3]
  if options then
    local pairs_ok = options.k == "call" and options.fn == "map" and #options.args % 2 == 0
    for i = 1, pairs_ok and #options.args or 0, 2 do
      local key, value = options.args[i], options.args[i + 1]
      if not (is_string_literal(key) and value.k == "lit" and value.value ~= nil) then pairs_ok = false break end
      opts[key.value] = tostring(value.value)
    end
    if not pairs_ok then
      fail(self.text, starts[3].pos, "expected the options of from_json as map('key', 'value', ...) of literals"
        .. ", found " .. self:found(starts[3]))
    end
  end
  local made, c = pcall(require("tide.functions").from_json, require("tide.column").wrap(args[1]), schema, opts)
  if not made then fail(self.text, (starts[3] or starts[2]).pos, tostring(c)) end
  return c.node
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
  return { k = "cast", expr = e, to = t }
end

-- CASE WHEN c THEN v ... [ELSE e] END, or CASE x WHEN v THEN r ... END
-- (the simple form becomes x = v conditions, as Spark's parser does).
function Parser:case()
  self:advance()
  self:enter()
  local operand
  if is_kw(self:peek(), "END") then self:fail("WHEN") end
  if not is_kw(self:peek(), "WHEN") then operand = self:expr() end
  local branches = {}
  while self:accept_kw("WHEN") do
    local cond = self:expr()
    if operand then cond = op("=", copy(operand), cond) end
    self:expect_kw("THEN")
    branches[#branches + 1] = { when = cond, value = self:expr() }
  end
  if #branches == 0 then self:fail("WHEN") end
  local otherwise
  if self:accept_kw("ELSE") then otherwise = self:expr() end
  self:expect_kw("END")
  self.depth = self.depth - 1
  return { k = "case", branches = branches, otherwise = otherwise }
end

local function parser(text)
  if type(text) ~= "string" then error("a SQL expression must be a string, not " .. type(text), 0) end
  return setmetatable({ text = text, toks = tokenize(text), i = 1, depth = 0 }, Parser)
end

function Parser:finish(e, expected)
  if self:peek().t ~= "eof" then self:fail(expected) end
  return e
end

function M.parseExpression(text)
  local p = parser(text)
  return p:finish(p:expr(), "an operator or the end of the expression")
end

-- An expression with an optional alias ("x AS name", "x name"), or "*" /
-- "prefix.*" (a star node, for select lists).
function M.parseNamedExpression(text)
  local p = parser(text)
  local toks = p.toks
  if is_op(toks[1], "*") and toks[2].t == "eof" then return { k = "star" } end
  local names, j = {}, 1
  while (toks[j].t == "id" and not RESERVED[toks[j].up]) or toks[j].t == "qid" do
    names[#names + 1] = toks[j].value
    if not is_op(toks[j + 1], ".") then break end
    if is_op(toks[j + 2], "*") and toks[j + 3].t == "eof" then
      return { k = "star", prefix = table.concat(names, ".") }
    end
    j = j + 2
  end
  local e = p:expr()
  if p:accept_kw("AS") then
    return p:finish({ k = "alias", expr = e, name = p:name("a name after AS", true) }, "the end of the expression")
  elseif p:peek().t == "qid" or (p:peek().t == "id" and not RESERVED[p:peek().up]) then
    return p:finish({ k = "alias", expr = e, name = p:name("a name") }, "the end of the expression")
  end
  return p:finish(e, "an operator, an alias or the end of the expression")
end

-- ---- names ------------------------------------------------------------------

-- Java's Double.toString (Float.toString for floats), as Spark names
-- literals (tide.batch has the one implementation).
local function java_number(x, float) return require("tide.batch").javaDouble(x, float) end

local function literal_string(n)
  local v, t = n.value, n.type
  if v == nil then return "NULL" end
  if type(v) == "cdata" then return (tostring(v):gsub("U?LL$", "")) end
  if type(v) ~= "number" then return tostring(v) end
  local id = t and t.id
  if id == T.ID.decimal then return ("%." .. (t.scale or 0) .. "f"):format(v) end
  local integral = v == math.floor(v) and math.abs(v) < 2 ^ 63
  if id == T.ID.int or id == T.ID.long or (not t and integral and v >= -INT_MAX - 1 and v <= INT_MAX) then
    return integral and ("%d"):format(v) or java_number(v)
  end
  return java_number(v, id == T.ID.float)
end

-- A type as Spark's DataType.sql writes it: INT, BIGINT, DECIMAL(38,0), STRUCT<a: INT>.
local function type_sql(t)
  if type(t) ~= "table" then return tostring(t):upper() end
  if t.fields then
    local parts = {}
    for i, f in ipairs(t.fields) do
      local name = f.name:find("^[%a_][%w_]*$") and f.name or "`" .. f.name:gsub("`", "``") .. "`"
      parts[i] = name .. ": " .. type_sql(f.dataType)
    end
    return "STRUCT<" .. table.concat(parts, ", ") .. ">"
  end
  return t:simpleString():upper()
end

local SYMBOL = { ["and"] = "AND", ["or"] = "OR", div = "div" }

local function to_string(n)
  if type(n) ~= "table" then return tostring(n) end
  local k = n.k
  if k == "col" then return tostring(n.name)
  elseif k == "star" then return n.prefix and n.prefix .. ".*" or "*"
  elseif k == "lit" then return literal_string(n)
  elseif k == "alias" then return tostring(n.name)
  elseif k == "cast" then return "CAST(" .. to_string(n.expr) .. " AS " .. type_sql(n.to) .. ")"
  elseif k == "field" then return to_string(n.expr) .. "." .. tostring(n.name)
  elseif k == "item" then return to_string(n.expr) .. "[" .. tostring(n.index) .. "]"
  elseif k == "op" then
    local l, r = to_string(n.left), to_string(n.right)
    -- Spark parses a != b as NOT (a = b) and names it so.
    if n.op == "!=" then return "(NOT (" .. l .. " = " .. r .. "))" end
    return "(" .. l .. " " .. (SYMBOL[n.op] or tostring(n.op)) .. " " .. r .. ")"
  elseif k == "not" then return "(NOT " .. to_string(n.expr) .. ")"
  elseif k == "neg" then return "(- " .. to_string(n.expr) .. ")"
  elseif k == "isnull" then return "(" .. to_string(n.expr) .. " IS NULL)"
  elseif k == "isnotnull" then return "(" .. to_string(n.expr) .. " IS NOT NULL)"
  elseif k == "atleastnnonnulls" then
    local items = { tostring(n.n) }
    for i, v in ipairs(n.exprs or {}) do items[i + 1] = to_string(v) end
    return "AtLeastNNonNulls(" .. table.concat(items, ", ") .. ")"
  elseif k == "in" then
    local items = {}
    for i, v in ipairs(n.list or {}) do items[i] = to_string(v) end
    return "(" .. to_string(n.expr) .. " IN (" .. table.concat(items, ", ") .. "))"
  elseif k == "sortorder" then
    return to_string(n.expr) .. (n.descending and " DESC" or " ASC")
      .. (n.nullsFirst and " NULLS FIRST" or " NULLS LAST")
  elseif k == "case" then
    local out = { "CASE" }
    for _, b in ipairs(n.branches or {}) do
      out[#out + 1] = " WHEN " .. to_string(b.when) .. " THEN " .. to_string(b.value)
    end
    if n.otherwise then out[#out + 1] = " ELSE " .. to_string(n.otherwise) end
    return table.concat(out) .. " END"
  elseif k == "call" then
    local args = n.args or {}
    if (n.fn == "like" or n.fn == "rlike") and #args == 2 then
      return to_string(args[1]) .. " " .. n.fn:upper() .. " " .. to_string(args[2])
    end
    local parts = {}
    for i, a in ipairs(args) do
      parts[i] = (n.fn == "count" and a.k == "star") and "1" or to_string(a)
    end
    if n.fn == "count_distinct" then return "count(DISTINCT " .. table.concat(parts, ", ") .. ")" end
    return tostring(n.fn) .. "(" .. table.concat(parts, ", ") .. ")"
  end
  return "<" .. tostring(k) .. ">"
end

-- Spark's pretty SQL for a node, as Column's repr and nested names show it.
M.toString = to_string

-- The name a select gives a node (Spark's ResolveAliases): an alias's
-- name, a column's name, a struct field's name ("data.x" is "x"), a CAST
-- of a column or alias that column's name (CAST(value AS STRING) is
-- "value"); otherwise the pretty SQL.
function M.outputName(n)
  if type(n) ~= "table" then return tostring(n) end
  if n.k == "alias" or n.k == "col" or n.k == "field" then return tostring(n.name) end
  if n.k == "cast" and type(n.expr) == "table" and (n.expr.k == "col" or n.expr.k == "alias") then
    return tostring(n.expr.name)
  end
  return to_string(n)
end

-- sql(conninfo, "SELECT ...", ...) runs a query through tide.pg.
return setmetatable(M, {
  __call = function(_, conninfo, sqltext, ...) return require("tide.pg").query(conninfo, sqltext, ...) end,
})
