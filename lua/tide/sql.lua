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
--
-- The parser's parts, methods of its one class: the cursor over the
-- tokens tide.sql_cursor, function calls tide.sql_calls, the calls
-- written with keywords (CAST, EXTRACT, TRIM(... FROM ...), ...)
-- tide.sql_keyword_calls, and OVER (...) tide.sql_over.
local T = require("tide.types")
local lexer = require("tide.sql_lexer")
local names = require("tide.sql_names")
local cursor = require("tide.sql_cursor")
local variables = require("tide.sql_variables")

local M = {}
local tokenize, fail, number_literal = lexer.tokenize, lexer.fail, lexer.numberLiteral
local is_kw, is_op, is_not, is_name = cursor.isKeyword, cursor.isOperator, cursor.isNot, cursor.isName

-- ---- parser -----------------------------------------------------------------

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

-- The parser's one class: the grammar's methods here, and those of its
-- parts (named above) taken from their modules.
local Parser = {}
Parser.__index = Parser
for _, part in ipairs({ "tide.sql_cursor", "tide.sql_calls", "tide.sql_keyword_calls", "tide.sql_over" }) do
  for name, method in pairs(require(part).methods) do Parser[name] = method end
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
  return { k = "call", fn = "struct", args = args, sqlText = names.toString(row) }
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
    result = self:like_escape({ k = "call", fn = "like", args = { e, self:value(1) } })
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
-- Of string literals Spark makes LikeAny and kin, named likeany(e),
-- notlikeall(lower(e)) (ILIKE's), ...
function Parser:like_quantified(e, fn, negate)
  local all = self:advance().up == "ALL"
  self:expect_op("(")
  if is_op(self:peek(), ")") then self:fail("a pattern") end
  local result, literals = nil, true
  repeat
    local pattern = self:value(1)
    literals = literals and pattern.k == "lit" and type(pattern.value) == "string"
      and (pattern.type == nil or pattern.type.id == T.ID.string)
    local one = { k = "call", fn = fn, args = { result and copy(e) or e, pattern } }
    if negate then one = { k = "not", expr = one } end
    result = result and op(all and "and" or "or", result, one) or one
  until not self:accept_op(",")
  self:expect_op(")")
  if literals then
    local subject = fn == "ilike" and ("lower(%s)"):format(names.toString(e)) or names.toString(e)
    result.sqlText = ("%slike%s(%s)"):format(negate and "not" or "", all and "all" or "any", subject)
  end
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
      local index = self:expr()
      self:expect_op("]")
      -- (an int's or a string's literal value, else the expression: a[i + 1], m[NULL], m[array(1, 2)])
      local plain = index.k == "lit" and (index.type == T.int or index.type == T.string)
      e = { k = "item", expr = e, index = plain and index.value or index }
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
  elseif (word == "DATE" or word == "TIMESTAMP" or word == "TIMESTAMP_NTZ" or word == "TIMESTAMP_LTZ")
      and self:peek(1).t == "str" then
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
  elseif cursor.reserved[word] then
    self:fail("an expression")
  end
  self:advance()
  if not is_op(self:peek(), "(") then return { k = "col", name = tok.value } end
  -- CAST(x AS t), EXTRACT(f FROM x), ... (tide.sql_keyword_calls), else f(...)
  return self:keyword_call(word) or self:call(tok.value:lower())
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
  elseif word == "TIMESTAMP_NTZ" then -- (a local date-time: tide.eval_timestamp_ntz)
    ok = require("tide.eval_timestamp_ntz").parse(tok.value) ~= nil
  else
    ok = C.tide_timestamp_parse(tok.value, #tok.value, ffi.new("int64_t[1]")) == 0
  end
  if not ok then fail(self.text, tok.pos, ("cannot parse the %s value: %s"):format(word, tok.value)) end
  -- (TIMESTAMP_LTZ '...' is a TIMESTAMP, named as one)
  if word == "TIMESTAMP_LTZ" then word = "TIMESTAMP" end
  local to = ({ DATE = T.date, TIMESTAMP = T.timestamp, TIMESTAMP_NTZ = T.timestampNTZ })[word]
  return { k = "cast", to = to, expr = { k = "lit", value = tok.value },
           literalText = ("%s '%s'"):format(word, tok.value) }
end

-- X'01FF': Spark's binary literal, hex digits (an odd count as unhex
-- reads it), named as Spark names it, the digits in capitals (X'0AFF').
function Parser:binary_literal()
  self:advance()
  local tok = self:advance()
  if tok.value:find("[^%x]") then
    fail(self.text, tok.pos, ("the binary literal X'%s' holds a character that is not a hex digit"):format(tok.value))
  end
  return { k = "call", fn = "unhex", args = { { k = "lit", value = tok.value } },
           sqlText = ("X'%s'"):format(tok.value:upper()) }
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

-- A parser over text, at its first token.
local function parser(text)
  if type(text) ~= "string" then error("a SQL expression must be a string, not " .. type(text), 0) end
  local toks = tokenize(text)
  for _, tok in ipairs(toks) do
    local c = tok.t == "bad" and text:sub(tok.pos, tok.pos)
    if c and BITWISE_CHARS[c] then tok.t, tok.value = "op", c end
  end
  return setmetatable({ text = text, toks = toks, i = 1, depth = 0 }, Parser)
end

function M.parseExpression(text)
  local p = parser(variables.substitute(text))
  return p:finish(p:expr(), "an operator or the end of the expression")
end

-- An expression with an optional alias ("x AS name", "x name"), or "*" /
-- "prefix.*" (a star node, for select lists).
function M.parseNamedExpression(text)
  local p = parser(variables.substitute(text))
  local toks = p.toks
  if is_op(toks[1], "*") and toks[2].t == "eof" then return { k = "star" } end
  local parts, j = {}, 1
  while is_name(toks[j]) do
    parts[#parts + 1] = toks[j].value
    if not is_op(toks[j + 1], ".") then break end
    if is_op(toks[j + 2], "*") and toks[j + 3].t == "eof" then
      return { k = "star", prefix = table.concat(parts, ".") }
    end
    j = j + 2
  end
  local e = p:expr()
  if p:accept_kw("AS") then
    local several = p:aliasNames()
    if several then return p:finish({ k = "alias", expr = e, name = several[1], names = several }, "the end") end
    return p:finish({ k = "alias", expr = e, name = p:name("a name after AS", true) }, "the end of the expression")
  elseif is_name(p:peek()) then
    return p:finish({ k = "alias", expr = e, name = p:name("a name") }, "the end of the expression")
  end
  return p:finish(e, "an operator, an alias or the end of the expression")
end

M.toString, M.outputName = names.toString, names.outputName

-- For tide.sql_query's statements: a parser over text, and its keywords.
M.newParser, M.isKeyword, M.isOperator, M.reserved = parser, is_kw, is_op, cursor.reserved

-- sql(conninfo, "SELECT ...", ...) runs a query through tide.pg.
return setmetatable(M, {
  __call = function(_, conninfo, sqltext, ...) return require("tide.pg").query(conninfo, sqltext, ...) end,
})
