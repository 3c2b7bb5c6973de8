-- tide.sql — SQL expression strings (selectExpr, filter/where, F.expr) as
-- the expression nodes of docs/architecture.md, and the names Spark 3.5
-- gives those nodes (tokens are tide.sql_lexer's, names tide.sql_names').
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
local T = require("tide.types")
local lexer = require("tide.sql_lexer")
local names = require("tide.sql_names")

local M = {}
local tokenize, fail, number_literal = lexer.tokenize, lexer.fail, lexer.numberLiteral

-- ---- parser -----------------------------------------------------------------

-- Words that cannot name a column or an alias without backticks.
local RESERVED = {}
for w in ([[AND OR NOT IS NULL IN BETWEEN LIKE RLIKE REGEXP CASE WHEN THEN ELSE END AS
            TRUE FALSE DIV FROM WHERE SELECT DISTINCT]]):gmatch("%a+") do RESERVED[w] = true end

-- TIMESTAMPADD(unit, quantity, ts) and TIMESTAMPDIFF(unit, start, end),
-- the unit a bare keyword of Spark's datetimeUnit; DATEADD and DATE_ADD,
-- DATEDIFF and DATE_DIFF are them with three arguments (with two, the
-- functions of days). Spark names them all timestampadd/timestampdiff.
local UNIT_CALLS = { TIMESTAMPADD = "timestampadd", DATEADD = "timestampadd", DATE_ADD = "timestampadd",
                     TIMESTAMPDIFF = "timestampdiff", DATEDIFF = "timestampdiff", DATE_DIFF = "timestampdiff" }
local DATETIME_UNITS = { YEAR = true, QUARTER = true, MONTH = true, WEEK = true, DAY = true, DAYOFYEAR = true,
                         HOUR = true, MINUTE = true, SECOND = true, MILLISECOND = true, MICROSECOND = true }
local UNIT_LIST = "YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND"

-- Binary operators of valueExpression: precedence and node op. As
-- Spark's grammar: comparisons < | < ^ < & < + - || < * / % DIV.
local BINARY = {
  ["="] = { 1, "=" }, ["=="] = { 1, "=" }, ["!="] = { 1, "!=" }, ["<>"] = { 1, "!=" },
  ["<"] = { 1, "<" }, ["<="] = { 1, "<=" }, [">"] = { 1, ">" }, [">="] = { 1, ">=" },
  ["<=>"] = { 1, "<=>" },
  ["|"] = { 2, "|" }, ["^"] = { 3, "^" }, ["&"] = { 4, "&" },
  ["+"] = { 5, "+" }, ["-"] = { 5, "-" }, ["||"] = { 5, "concat" },
  ["*"] = { 6, "*" }, ["/"] = { 6, "/" }, ["%"] = { 6, "%" }, DIV = { 6, "div" },
}

-- The bitwise operators, which tide.sql_lexer leaves as unknown
-- characters: operators here.
local BITWISE_CHARS = { ["&"] = true, ["|"] = true, ["^"] = true, ["~"] = true }

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

-- The conjuncts of an AND tree of expression nodes, appended to out.
local function conjuncts(node, out)
  if node.k == "op" and node.op == "and" then
    conjuncts(node.left, out)
    conjuncts(node.right, out)
  else
    out[#out + 1] = node
  end
  return out
end
M.conjuncts = conjuncts

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

-- A row constructor's struct with its fields named col1, col2, ...
local function positional(row)
  local args = {}
  for i, a in ipairs(row.args) do
    local e = a.k == "alias" and a.expr or a
    args[i] = { k = "alias", name = "col" .. i, expr = e.row and positional(e) or e }
  end
  return { k = "call", fn = "struct", args = args, sqlText = require("tide.sql_names").toString(row) }
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
      or is_kw(nxt, "ILIKE") or is_kw(nxt, "RLIKE") or is_kw(nxt, "REGEXP")) then
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
    if self:startsQuery() then
      result = { k = "insubquery", expr = e, query = self:subquery() }
      self:expect_op(")")
      return negate and { k = "not", expr = result } or result
    end
    local list = { self:expr() }
    while self:accept_op(",") do list[#list + 1] = self:expr() end
    self:expect_op(")")
    if e.row then
      -- (a, b) IN ((1, 'x'), ...): rows compared field by field, whatever
      -- their names, as Spark's
      e = positional(e)
      for i, item in ipairs(list) do list[i] = item.row and positional(item) or item end
    end
    result = { k = "in", expr = e, list = list }
  elseif (is_kw(self:peek(), "LIKE") or is_kw(self:peek(), "ILIKE")) and self:quantified(1) then
    return self:like_quantified(e, self:advance().up:lower(), negate)
  elseif self:accept_kw("LIKE") then
    result = { k = "call", fn = "like", args = { e, self:value(1) } }
  elseif self:accept_kw("ILIKE") then
    -- ILIKE pattern [ESCAPE 'c']: the function ilike(e, pattern[, escape])
    result = { k = "call", fn = "ilike", args = { e, self:value(1) } }
    if self:accept_kw("ESCAPE") then result.args[3] = self:value(1) end
  elseif self:accept_kw("RLIKE") or self:accept_kw("REGEXP") then
    result = { k = "call", fn = "rlike", args = { e, self:value(1) } }
  else
    return e
  end
  return negate and { k = "not", expr = result } or result
end

-- Whether ANY, SOME or ALL and a parenthesis follow `ahead` tokens on.
function Parser:quantified(ahead)
  local q = self:peek(ahead)
  return (is_kw(q, "ANY") or is_kw(q, "SOME") or is_kw(q, "ALL")) and is_op(self:peek(ahead + 1), "(")
end

-- e [NOT] LIKE|ILIKE ANY|SOME|ALL (p1, p2, ...): as Spark's parser makes
-- it where the patterns are not all literals, each LIKE joined by OR (ANY,
-- SOME) or AND (ALL), NOT applying to each: true, false or null alike.
function Parser:like_quantified(e, fn, negate)
  local all = self:advance().up == "ALL"
  self:expect_op("(")
  if is_op(self:peek(), ")") then self:fail("a pattern") end
  local result
  repeat
    local one = { k = "call", fn = fn, args = { result and copy(e) or e, self:value(1) } }
    if negate then one = { k = "not", expr = one } end
    result = result and op(all and "and" or "or", result, one) or one
  until not self:accept_op(",")
  self:expect_op(")")
  return result
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
  if is_op(tok, "~") then
    -- ~x, Spark's BitwiseNot, named ~x
    self:enter()
    self:advance()
    local e = self:unary()
    self.depth = self.depth - 1
    return { k = "bitnot", expr = e }
  end
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

-- Subqueries: a parser of spark:sql's queries has readQuery(parser),
-- which reads one and returns its DataFrame; other text has no queries.
function Parser:startsQuery()
  local tok = self:peek()
  return self.readQuery ~= nil and (is_kw(tok, "SELECT") or is_kw(tok, "WITH")
    or (is_kw(tok, "VALUES") and not is_op(self:peek(1), ")")))
end

function Parser:subquery()
  self:enter()
  local df = self.readQuery(self)
  self.depth = self.depth - 1
  return df
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
    if self:startsQuery() then
      local query = self:subquery()
      self:expect_op(")")
      return { k = "scalarsubquery", query = query }
    end
    local e = self:expr()
    if is_op(self:peek(), ",") or (is_kw(self:peek(), "AS") and is_op(self:peek(2), ",")) then
      -- (a, b): Spark's row constructor, a struct (so (a, b) IN ((1, 'x'), ...)),
      -- its fields named expressions ((a AS x, b AS y))
      local args = {}
      repeat
        if #args > 0 then e = self:expr() end
        args[#args + 1] = self:accept_kw("AS") and { k = "alias", name = self:name("a field name", true), expr = e }
          or e
      until not self:accept_op(",")
      self:expect_op(")")
      return { k = "call", fn = "struct", args = args, row = true }
    end
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
  elseif (word == "DATE" or word == "TIMESTAMP") and self:peek(1).t == "str" then
    return self:typed_literal(word)
  elseif word == "X" and self:peek(1).t == "str" and self:peek(1).pos == self:peek().stop + 1 then
    return self:binary_literal()
  elseif word == "INTERVAL" and require("tide.sql_interval").starts(self) then
    return require("tide.sql_interval").parse(self)
  elseif word == "EXISTS" and is_op(self:peek(1), "(") and self.readQuery
      and (is_kw(self:peek(2), "SELECT") or is_kw(self:peek(2), "WITH") or is_kw(self:peek(2), "VALUES")
        or is_op(self:peek(2), "(")) then
    self:advance()
    self:advance()
    local query = self:subquery()
    self:expect_op(")")
    return { k = "exists", query = query }
  elseif word == "REGEXP" and is_op(self:peek(1), "(") then
    self:advance() -- regexp(s, re): the function, not the operator
    return self:call("regexp")
  elseif RESERVED[word] then
    self:fail("an expression")
  end
  self:advance()
  if not is_op(self:peek(), "(") then return { k = "col", name = tok.value } end
  if word == "CAST" then return self:cast() end
  -- TRY_CAST: Spark's ANSI cast, NULL where that fails
  if word == "TRY_CAST" then
    local c = self:cast()
    c.try = true
    return c
  end
  if word == "EXTRACT" then return self:extract() end
  if UNIT_CALLS[word] then
    local node = self:unit_call(UNIT_CALLS[word], word)
    if node then return node end
  end
  if word == "POSITION" and self:insideParens("IN") then return self:position() end
  if word == "TRIM" and self:insideParens("FROM") then return self:trim_from() end
  if word == "OVERLAY" and self:insideParens("PLACING") then return self:overlay() end
  return self:call(tok.value:lower())
end

-- Whether the parenthesis at the cursor holds the keyword word outside
-- any inner parenthesis (POSITION(a IN b) rather than position(a, b)).
function Parser:insideParens(word)
  local depth, k = 0, 0
  repeat
    local tok = self:peek(k)
    if is_op(tok, "(") then depth = depth + 1 elseif is_op(tok, ")") then depth = depth - 1 end
    if depth == 1 and is_kw(tok, word) then return true end
    k = k + 1
  until depth == 0 or tok.t == "eof"
  return false
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

-- DATE '2024-01-31' and TIMESTAMP '2024-01-31 10:00:00': the text as
-- CAST reads it, refused here when it is no such value, as Spark's parser
-- refuses it.
function Parser:typed_literal(word)
  self:advance()
  local tok = self:advance()
  local ffi, C = require("ffi"), require("tide.ffi")
  local ok
  if word == "DATE" then
    ok = C.tide_date_parse(tok.value, #tok.value, ffi.new("int32_t[1]")) == 0
  else
    ok = C.tide_timestamp_parse(tok.value, #tok.value, ffi.new("int64_t[1]")) == 0
  end
  if not ok then fail(self.text, tok.pos, ("cannot parse the %s value: %s"):format(word, tok.value)) end
  return { k = "cast", to = word == "DATE" and T.date or T.timestamp, expr = { k = "lit", value = tok.value },
           literalText = ("%s '%s'"):format(word, tok.value) }
end

-- X'01FF': Spark's binary literal, hex digits (an odd count as unhex
-- reads it), named as written.
function Parser:binary_literal()
  self:advance()
  local tok = self:advance()
  if tok.value:find("[^%x]") then
    fail(self.text, tok.pos, ("the binary literal X'%s' holds a character that is not a hex digit"):format(tok.value))
  end
  return { k = "call", fn = "unhex", args = { { k = "lit", value = tok.value } }, sqlText = ("X'%s'"):format(tok.value) }
end

-- TIMESTAMPADD(unit, quantity, ts) and TIMESTAMPDIFF(unit, start, end),
-- the unit a bare keyword of Spark's datetimeUnit (UNIT_CALLS).
-- The call at the cursor (its "(" next) when it is one with a unit, else
-- nil, the cursor unmoved.
function Parser:unit_call(fn, word)
  local commas, depth, k = 0, 0, 0
  repeat
    local tok = self:peek(k)
    if is_op(tok, "(") then depth = depth + 1 elseif is_op(tok, ")") then depth = depth - 1 end
    if depth == 1 and is_op(tok, ",") then commas = commas + 1 end
    k = k + 1
  until depth == 0 or tok.t == "eof"
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

function Parser:call(fn)
  local open = self:expect_op("(")
  self:enter()
  local args, starts, distinct = {}, {}, false
  if is_op(self:peek(), "*") and is_op(self:peek(1), ")") then
    self:advance()
    args[1] = { k = "star" }
  elseif fn == "count" and self:accept_kw("DISTINCT") then
    fn = "count_distinct"
    repeat
      args[#args + 1] = self:expr()
    until not self:accept_op(",")
  elseif self:accept_kw("DISTINCT") then
    distinct = true
    repeat
      args[#args + 1] = self:expr()
    until not self:accept_op(",")
  elseif not is_op(self:peek(), ")") then
    repeat
      starts[#args + 1] = self:peek()
      args[#args + 1] = self:lambda() or self:expr()
      -- struct(1 AS a, x AS b): Spark's struct takes named expressions
      if fn == "struct" and self:accept_kw("AS") then
        args[#args] = { k = "alias", name = self:name("a field name", true), expr = args[#args] }
      end
    until not self:accept_op(",")
  end
  self:expect_op(")")
  self.depth = self.depth - 1
  -- Spark's order after the arguments: [WITHIN GROUP (...)] [FILTER (WHERE
  -- ...)] [IGNORE | RESPECT NULLS] [OVER ...] (IGNORE NULLS first is taken too)
  local function nulls_option()
    if (is_kw(self:peek(), "IGNORE") or is_kw(self:peek(), "RESPECT")) and is_kw(self:peek(1), "NULLS") then
      self:nulls_option(fn, args)
    end
  end
  nulls_option()
  local within, as_double
  if is_kw(self:peek(), "WITHIN") and is_kw(self:peek(1), "GROUP") then
    fn, args, within, as_double = self:within_group(fn, args)
  end
  local cond
  if is_kw(self:peek(), "FILTER") and is_op(self:peek(1), "(") then
    self:advance()
    self:advance()
    self:expect_kw("WHERE")
    cond = self:expr()
    self:expect_op(")")
  end
  nulls_option()
  if (fn == "isnull" or fn == "isnotnull") and #args == 1 then return { k = fn, expr = args[1] } end
  if fn == "from_json" then return self:from_json(args, starts, open) end
  local node = { k = "call", fn = fn, args = args, sqlText = within, orderedSet = within }
  -- sum(DISTINCT x), and an aggregate's FILTER (WHERE cond)
  -- (tide.aggregate_functions)
  if distinct then node = require("tide.aggregate_functions").distinctCall(fn, args) end
  if cond then node = require("tide.aggregate_functions").filtered(node, cond) end
  if as_double then node = { k = "cast", to = T.double, expr = node, sqlText = within } end
  if is_kw(self:peek(), "OVER") and is_op(self:peek(1), "(") then return self:over(node) end
  return node
end

-- f(p) WITHIN GROUP (ORDER BY x [ASC|DESC]), after f's arguments: Spark's
-- ordered-set aggregates, percentile_cont(p) (percentile(x, p); p from
-- the other end descending) and mode() (mode(x), ascending only in tide).
-- Returns the call's name, arguments and Spark's name for it, and whether
-- its value is then cast to a double (percentile_disc's).
function Parser:within_group(fn, args)
  local at = self:peek()
  self:advance()
  self:advance()
  self:expect_op("(")
  self:expect_kw("ORDER")
  self:expect_kw("BY")
  local x = self:expr()
  local desc = self:ordering()
  self:expect_op(")")
  local shown = {}
  for i, a in ipairs(args) do shown[i] = M.toString(a) end
  local text = ("%s(%s) WITHIN GROUP (ORDER BY %s%s)"):format(fn, table.concat(shown, ", "), M.toString(x),
    desc and " DESC" or "")
  if fn == "percentile_cont" and #args == 1 then
    local p = args[1]
    if desc then -- (a literal: percentile takes its percentage as one)
      local v = require("tide.aggregate_functions").numberOf(p)
      if not v then fail(self.text, at.pos, "percentile_cont takes a literal percentage") end
      p = { k = "lit", value = 1 - v, type = T.double }
    end
    return "percentile", { x, p }, text
  elseif fn == "percentile_disc" and #args == 1 and not desc then
    -- the first value whose rank reaches ceil(p * n): tide's exact
    -- percentile_approx, a double as Spark's PercentileDisc gives it
    return "percentile_approx", { x, args[1] }, text, true
  elseif fn == "mode" and #args == 0 and not desc then
    return "mode", { x }, text
  end
  fail(self.text, at.pos, ("%s WITHIN GROUP is not supported in tide (percentile_cont(p), and percentile_disc(p) and"
    .. " mode() ascending, are)"):format(fn))
end

-- Where f(x) IGNORE NULLS / RESPECT NULLS puts its ignoreNulls argument.
local IGNORE_NULLS_ARG = { first = 2, last = 2, first_value = 2, last_value = 2, any_value = 2, nth_value = 3,
                           lag = 4, lead = 4 }

-- After f(...): IGNORE NULLS or RESPECT NULLS, as the ignoreNulls argument
-- the function takes (first(x) IGNORE NULLS is first(x, true)).
function Parser:nulls_option(fn, args)
  local at = self:peek()
  local ignore = self:advance().up == "IGNORE"
  self:advance()
  local place = IGNORE_NULLS_ARG[fn]
  if not place then
    fail(self.text, at.pos, ("%s does not take IGNORE NULLS or RESPECT NULLS in tide (first, last, first_value,"
      .. " last_value, any_value, nth_value, lag and lead do)"):format(fn))
  end
  if place == 4 and #args >= 1 and #args < 3 then
    -- lag(x[, offset[, default]]): the ones left out, Spark's defaults
    args[2] = args[2] or { k = "lit", value = 1, type = T.int }
    args[3] = { k = "lit", value = nil }
  end
  if #args ~= place - 1 then
    fail(self.text, at.pos, ("%s takes IGNORE NULLS or RESPECT NULLS after %d argument%s, not %d"):format(fn,
      place - 1, place == 2 and "" or "s", #args))
  end
  args[place] = { k = "lit", value = ignore, type = T.boolean }
end

-- A lambda function argument, x -> body or (x, y) -> body (Spark's
-- higher-order functions), or nil when none starts here. In its body the
-- parameters are lambda variables (tide.eval_lambda), outer names columns.
function Parser:lambda()
  local params, k = {}, 0
  if self:peek().t == "id" and is_op(self:peek(1), "->") then
    params[1], k = self:peek().value, 1
  elseif is_op(self:peek(), "(") then
    k = 1
    while self:peek(k).t == "id" do
      params[#params + 1] = self:peek(k).value
      if is_op(self:peek(k + 1), ",") then k = k + 2 elseif is_op(self:peek(k + 1), ")") then k = k + 2 break
      else return nil end
    end
    if #params == 0 or not is_op(self:peek(k - 1), ")") then return nil end
  else
    return nil
  end
  if not is_op(self:peek(k), "->") then return nil end
  for _ = 1, k + 1 do self:advance() end
  return require("tide.eval_lambda").bindParams(params, self:expr())
end

-- AS (a, b, ...): a generator's several column names (posexplode(x) AS
-- (p, v)), after AS; nil when no parenthesis follows.
function Parser:aliasNames()
  if not self:accept_op("(") then return nil end
  local list = {}
  repeat list[#list + 1] = self:name("a column name", true) until not self:accept_op(",")
  self:expect_op(")")
  return list
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
-- ...] [ROWS|RANGE BETWEEN bound AND bound]): the window of tide.window,
-- as Column:over makes it.
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
    self:expect_kw("BETWEEN")
    local lo = self:frame_bound(frame)
    self:expect_kw("AND")
    local hi = self:frame_bound(frame)
    local ok, framed = pcall(frame == "rows" and w.rowsBetween or w.rangeBetween, w, lo, hi)
    if not ok then error((tostring(framed):gsub("^[^:]*:%d+: ", "")), 0) end
    w = framed
  end
  self:expect_op(")")
  -- Column:over's checks (an unordered rank) without its place in tide.
  local ok, over = pcall(column.Column.over, column.wrap(fn), w)
  if not ok then error((tostring(over):gsub("^[^:]*:%d+: ", "")), 0) end
  return over.node
end

-- UNBOUNDED PRECEDING | UNBOUNDED FOLLOWING | CURRENT ROW | n PRECEDING | n FOLLOWING;
-- n an int for ROWS (as Spark's RowFrame: 1.0 is a decimal), any number
-- for RANGE (an offset of the order value).
function Parser:frame_bound(frame)
  if self:accept_kw("UNBOUNDED") then
    if self:accept_kw("PRECEDING") then return -math.huge end
    self:expect_kw("FOLLOWING")
    return math.huge
  end
  if self:accept_kw("CURRENT") then
    self:expect_kw("ROW")
    return 0
  end
  local tok = self:peek()
  if tok.t ~= "num" then self:fail("UNBOUNDED, CURRENT ROW or a number of rows") end
  self:advance()
  local lit = number_literal(self.text, tok, false)
  local n = tonumber(lit.value)
  if frame == "rows" and lit.type ~= T.int then self:fail("a whole number of rows (an int)", tok) end
  if self:accept_kw("PRECEDING") then return -n end
  self:expect_kw("FOLLOWING")
  return n
end

-- (a decimal literal's value is its digits: 1.5 is no string)
local function is_string_literal(n)
  return n.k == "lit" and type(n.value) == "string" and not (n.type and n.type.id == T.ID.decimal)
end

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
  local toks = tokenize(text)
  for _, tok in ipairs(toks) do
    local c = tok.t == "bad" and text:sub(tok.pos, tok.pos)
    if c and BITWISE_CHARS[c] then tok.t, tok.value = "op", c end
  end
  return setmetatable({ text = text, toks = toks, i = 1, depth = 0 }, Parser)
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
    local several = p:aliasNames()
    if several then return p:finish({ k = "alias", expr = e, name = several[1], names = several }, "the end") end
    return p:finish({ k = "alias", expr = e, name = p:name("a name after AS", true) }, "the end of the expression")
  elseif p:peek().t == "qid" or (p:peek().t == "id" and not RESERVED[p:peek().up]) then
    return p:finish({ k = "alias", expr = e, name = p:name("a name") }, "the end of the expression")
  end
  return p:finish(e, "an operator, an alias or the end of the expression")
end

M.toString, M.outputName = names.toString, names.outputName

-- For tide.sql_query's statements: a parser over text, and its keywords.
M.newParser, M.isKeyword, M.isOperator, M.reserved = parser, is_kw, is_op, RESERVED

-- sql(conninfo, "SELECT ...", ...) runs a query through tide.pg.
return setmetatable(M, {
  __call = function(_, conninfo, sqltext, ...) return require("tide.pg").query(conninfo, sqltext, ...) end,
})
