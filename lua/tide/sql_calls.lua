-- tide.sql_calls — a function call in a SQL expression, f(args), with
-- what Spark's grammar takes around its arguments (tide.sql's parser
-- reads it after the function's name):
--
--   count(*)  count(DISTINCT a, b)  count(a, b)  sum(DISTINCT x)  collect_list(DISTINCT x)  struct(a AS x, b AS y)
--   transform(arr, x -> x + 1)  aggregate(arr, 0, (acc, x) -> acc + x)
--   percentile_cont(0.5) WITHIN GROUP (ORDER BY x)  count(*) FILTER (WHERE x > 0)
--   first(x) IGNORE NULLS  lag(x) RESPECT NULLS  f(...) OVER (...) (tide.sql_over)
--   from_json(json, 'a int, b string'[, map('mode', 'FAILFAST')])
--
-- Methods of the one parser class (tide.sql takes them).
local T = require("tide.types")
local lexer = require("tide.sql_lexer")
local cursor = require("tide.sql_cursor")
local names = require("tide.sql_names")

local M = {}
local fail = lexer.fail
local is_kw, is_op = cursor.isKeyword, cursor.isOperator

local Parser = {} -- the parser's methods here (tide.sql takes them)
M.methods = Parser

-- count(a, b, ...): the rows where none of them is null, as Spark's
-- Count of several children: count(CASE WHEN a IS NOT NULL AND ... THEN
-- 1 END), named count(a, b).
local function counted_together(args)
  local cond, shown = nil, {}
  for i, a in ipairs(args) do
    local one = { k = "isnotnull", expr = a }
    cond = cond and { k = "op", op = "and", left = cond, right = one } or one
    shown[i] = names.toString(a)
  end
  local counted = { k = "case", branches = { { when = cond, value = { k = "lit", value = 1, type = T.int } } } }
  return { k = "call", fn = "count", args = { counted }, sqlText = ("count(%s)"):format(table.concat(shown, ", ")) }
end

-- f(args) after f's name (fn, lower case): the call's node, or what it
-- stands for (isnull(x) is x IS NULL).
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
  -- div(a, b): the operator a div b, as Spark's parser makes it
  if fn == "div" and #args == 2 and not distinct then
    return { k = "op", op = "div", left = args[1], right = args[2] }
  end
  local node = { k = "call", fn = fn, args = args, sqlText = within, orderedSet = within }
  if fn == "count" and #args > 1 and not distinct then node = counted_together(args) end
  -- sum(DISTINCT x), and an aggregate's FILTER (WHERE cond)
  -- (tide.aggregate_functions)
  if distinct then node = require("tide.aggregate_functions").distinctCall(fn, args) end
  if cond then node = require("tide.aggregate_functions").filtered(node, cond) end
  if as_double == "negate" then
    node = { k = "neg", expr = node, sqlText = within }
  elseif as_double then
    node = { k = "cast", to = T.double, expr = node, sqlText = within }
  end
  if is_kw(self:peek(), "OVER") and is_op(self:peek(1), "(") then return self:over(node) end
  return node
end

-- f(p) WITHIN GROUP (ORDER BY x [ASC|DESC]), after f's arguments: Spark's
-- ordered-set aggregates, percentile_cont(p) (percentile(x, p); p from
-- the other end descending), percentile_disc(p) and mode() (mode(x),
-- ascending only in tide).
-- Returns the call's name, arguments and Spark's name for it, and whether
-- its value is then cast to a double (percentile_disc's), or "negate".
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
  for i, a in ipairs(args) do shown[i] = names.toString(a) end
  local text = ("%s(%s) WITHIN GROUP (ORDER BY %s%s)"):format(fn, table.concat(shown, ", "), names.toString(x),
    desc and " DESC" or "")
  if fn == "percentile_cont" and #args == 1 then
    local p = args[1]
    if desc then -- (a literal: percentile takes its percentage as one)
      local v = require("tide.aggregate_functions").numberOf(p)
      if not v then fail(self.text, at.pos, "percentile_cont takes a literal percentage") end
      p = { k = "lit", value = 1 - v, type = T.double }
    end
    return "percentile", { x, p }, text
  elseif fn == "percentile_disc" and #args == 1 then
    -- the first value whose rank reaches ceil(p * n): tide's exact
    -- percentile_approx, a double as Spark's PercentileDisc gives it;
    -- descending, the same of -x, negated back (a number: Spark's is)
    if desc then
      local negated = { k = "neg", expr = { k = "cast", to = T.double, expr = x } }
      return "percentile_approx", { negated, args[1] }, text, "negate"
    end
    return "percentile_approx", { x, args[1] }, text, true
  elseif fn == "mode" and #args == 0 and not desc then
    return "mode", { x }, text
  end
  fail(self.text, at.pos, ("%s WITHIN GROUP is not supported in tide (percentile_cont(p), percentile_disc(p), and"
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
  local json = args[1]
  if json.k == "lit" and json.value == nil and not json.type then
    -- a bare NULL: Spark casts it to the string from_json takes (NULL of its struct)
    json = { k = "cast", expr = json, to = T.string, sqlText = "NULL" }
  end
  local made, c = pcall(require("tide.functions").from_json, require("tide.column").wrap(json), schema, opts)
  if not made then fail(self.text, (starts[3] or starts[2]).pos, tostring(c)) end
  return c.node
end

return M
