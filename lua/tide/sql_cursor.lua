-- tide.sql_cursor — the cursor tide.sql's parser reads tokens with (those
-- of tide.sql_lexer): looking ahead, taking a keyword, an operator or a
-- name, and its one syntax error, "expected X, found Y". They are methods
-- of the one parser class (tide.sql takes them), which spark:sql's clause
-- readers call too: p:peek(), p:accept_kw("FROM"), p:name("an alias").
local lexer = require("tide.sql_lexer")

local M = {}
local fail = lexer.fail

-- Words that cannot name a column or an alias without backticks (DIV
-- can, as in Spark: div(7, 2) is a call, 7 div 2 the operator).
local RESERVED = {}
for w in ([[AND OR NOT IS NULL IN BETWEEN LIKE RLIKE REGEXP CASE WHEN THEN ELSE END AS
            TRUE FALSE FROM WHERE SELECT DISTINCT]]):gmatch("%a+") do RESERVED[w] = true end

local MAX_DEPTH = 150

local function is_kw(tok, word) return tok.t == "id" and tok.up == word end
local function is_op(tok, op) return tok.t == "op" and tok.value == op end
-- NOT is also spelled "!" in Spark.
local function is_not(tok) return is_kw(tok, "NOT") or is_op(tok, "!") end

-- Whether tok is a name: an identifier (any word, even a keyword, when
-- any_word) or a `quoted` one.
local function is_name(tok, any_word)
  return tok.t == "qid" or (tok.t == "id" and (any_word or not RESERVED[tok.up]))
end

local Parser = {} -- the parser's methods here (tide.sql takes them)
M.methods = Parser

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

-- A name (is_name's) at the cursor, taken; else the error that `what`
-- was expected.
function Parser:name(what, any_word)
  local tok = self:peek()
  if is_name(tok, any_word) then
    self:advance()
    return tok.value
  end
  self:fail(what)
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

-- e, when the text ends here; else the error that `expected` was.
function Parser:finish(e, expected)
  if self:peek().t ~= "eof" then self:fail(expected) end
  return e
end

M.isKeyword, M.isOperator, M.isNot, M.isName, M.reserved = is_kw, is_op, is_not, is_name, RESERVED

return M
