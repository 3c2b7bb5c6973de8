-- tide.eval_functions — the built-in functions of tide.eval's `call`
-- nodes, each one C kernel over whole columns (engine/eval_strings.c,
-- eval_regex.c, eval_select.c, eval_logic.c; xxhash64 is tide.eval_hash's):
--   lower, upper, length, substring, concat, coalesce, isnan, nanvl, regexp_replace,
--   split, split(...)[i], like, rlike, xxhash64, struct, current_timestamp (now), udf,
--   assert_true, raise_error; if, equal_null, typeof, named_struct; Spark's cast aliases
--   (int(x), string(x), ...). The values of a row's place and of the session are
--   tide.eval_row_context's.
-- Arguments are cast as Spark casts them implicitly (numbers to strings
-- for string functions, strings to ints for positions). Regular
-- expressions must be literals: they are compiled once, with the plan.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local coerce = require("tide.eval_coerce")

local M = {}
local ID = T.ID

local function simple(t) return t:simpleString() end

-- Compiles node.args, checking their count is in [min, max].
local function args_of(node, compileChild, min, max, ev)
  local args = {}
  for i, a in ipairs(node.args or {}) do args[i] = compileChild(a) end
  if #args < min or (max and #args > max) then
    local want = max == min and tostring(min) or (max and ("%d to %d"):format(min, max) or (min .. " or more"))
    ev.typeError(node, ("%s takes %s arguments, not %d"):format(node.fn, want, #args))
  end
  return args
end

-- An argument read as a string: binary and strings stay, other atomic
-- types are cast (Spark's implicit cast), structs and arrays are refused.
local function as_string(node, c, ev, keep_binary)
  local id = c.type.id
  if id == ID.string or (keep_binary and id == ID.binary) then return c end
  if id == ID.struct or id == ID.array then
    ev.typeError(node, ("%s needs a string, not %s (%s)"):format(node.fn, simple(c.type), c.name))
  end
  return ev.castTo(c, T.string)
end

-- An argument of type t (int, or bigint), `what` ("an int") in errors:
-- numbers, strings and NULL are cast, as Spark casts them implicitly.
local function as_integral(node, c, ev, t, what)
  if c.type.id == t.id then return c end
  if coerce.isVoid(c.type) or c.type.id == ID.string or coerce.isNumeric(c.type) then return ev.castTo(c, t) end
  ev.typeError(node, ("%s needs %s, not %s (%s)"):format(node.fn, what, simple(c.type), c.name))
end

local function as_int(node, c, ev) return as_integral(node, c, ev, T.int, "an int") end

-- The value of a literal string argument (a pattern, a unit; nil for
-- NULL): it is compiled with the plan.
local function literal_string(node, c, ev, what)
  local is_lit, v = ev.literalOf(c)
  if not is_lit or (v ~= nil and type(v) ~= "string") then
    ev.typeError(node, ("the %s of %s must be a literal string, not %s"):format(what, node.fn, c.name))
  end
  return v
end

local function literal_boolean(node, c, ev, what)
  local is_lit, v = ev.literalOf(c)
  if not is_lit or type(v) ~= "boolean" then
    ev.typeError(node, ("the %s of %s must be a literal boolean"):format(what, node.fn))
  end
  return v
end

local function literal_int(node, c, ev, what)
  local is_lit, v = ev.literalOf(c)
  if not is_lit or type(v) ~= "number" or v ~= math.floor(v) then
    ev.typeError(node, ("the %s of %s must be a literal integer"):format(what, node.fn))
  end
  return v
end

-- A compiled node calling kernel(out, cols, dst) over its arguments' columns.
local function over_args(ev, node, t, args, kernel)
  local name = ev.sqlName(node)
  return {
    type = t, name = name,
    run = function(input, out, ctx)
      local cols = ev.runAll(args, input, out, ctx)
      local dst = ev.newColumn(out)
      ev.check(kernel(out, cols, dst, input), name)
      return dst
    end,
  }
end

-- A compiled node that is NULL of type t on every row (a NULL pattern).
local function all_null(ev, node, t)
  local c = ev.castTo({ type = coerce.void, name = "NULL", run = function() end }, t)
  c.name = ev.sqlName(node)
  return c
end

local function change_case(upper)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 1, 1, ev)
    local s = as_string(node, args[1], ev)
    return over_args(ev, node, T.string, { s }, function(out, cols, dst)
      return C.tide_eval_change_case(out, cols[1], upper, dst, ev.errbuf, ev.errlen)
    end)
  end
end

local function length(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 1, ev)
  local s = as_string(node, args[1], ev, true)
  return over_args(ev, node, T.int, { s }, function(out, cols, dst)
    return C.tide_eval_length(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

local function substring(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  local s = as_string(node, args[1], ev, true)
  local pos = as_int(node, args[2], ev)
  local len = args[3] and as_int(node, args[3], ev)
  return over_args(ev, node, s.type, { s, pos, len }, function(out, cols, dst)
    return C.tide_eval_substring(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen)
  end)
end

local function concat(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, nil, ev)
  for i, a in ipairs(args) do args[i] = as_string(node, a, ev) end
  local n = #args
  return over_args(ev, node, T.string, args, function(out, cols, dst)
    return C.tide_eval_concat(out, ev.columnArray(cols), n, dst, ev.errbuf, ev.errlen)
  end)
end

-- coalesce(a, b, ...) whose later arguments hold a call that must run
-- only where it is reached (rand, raise_error, ...): Spark's coalesce
-- stops at the first non-null, so it is CASE WHEN a IS NOT NULL THEN a
-- ELSE coalesce(b, ...) END, whose ELSE runs over those rows alone.
local function short_circuited(node, ev)
  local args = node.args or {}
  for i = 2, #args do
    if ev.hasEffects(args[i]) then
      local rest = { k = "call", fn = "coalesce", args = { unpack(args, 2) } }
      return { k = "case", sqlText = ev.sqlName(node), otherwise = #args > 2 and rest or args[2],
               branches = { { when = { k = "isnotnull", expr = args[1] }, value = args[1] } } }
    end
  end
end
M.shortCircuited = short_circuited

local function coalesce(node, _, compileChild, ev)
  local lazy = short_circuited(node, ev)
  if lazy then return compileChild(lazy) end
  local args = args_of(node, compileChild, 1, nil, ev)
  local t = ev.commonType(node, args, "the arguments of coalesce")
  for i, a in ipairs(args) do args[i] = ev.castTo(a, t) end
  local n = #args
  return over_args(ev, node, t, args, function(out, cols, dst)
    return C.tide_eval_coalesce(out, ev.columnArray(cols), n, dst, ev.errbuf, ev.errlen)
  end)
end

-- An argument of isnan and nanvl: double and float stay; other numbers,
-- strings and NULL are cast to double (Spark's implicit cast).
local function as_floating(node, c, ev)
  local t = c.type
  if t.id == ID.double or t.id == ID.float then return c end
  if coerce.isNumeric(t) or t.id == ID.string or coerce.isVoid(t) then return ev.castTo(c, T.double) end
  ev.typeError(node, ("%s needs a number, not %s (%s)"):format(node.fn, simple(t), c.name))
end

local function isnan(node, _, compileChild, ev)
  local a = as_floating(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
  return over_args(ev, node, T.boolean, { a }, function(out, cols, dst)
    return C.tide_eval_isnan(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- nanvl(a, b): float when both are, double otherwise, as in Spark.
local function nanvl(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local a, b = as_floating(node, args[1], ev), as_floating(node, args[2], ev)
  local t = (a.type.id == ID.float and b.type.id == ID.float) and T.float or T.double
  return over_args(ev, node, t, { ev.castTo(a, t), ev.castTo(b, t) }, function(out, cols, dst)
    return C.tide_eval_nanvl(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

-- A compiled regular expression, freed with the plan.
local function regex(node, pattern, ev, like_escape)
  local re
  if like_escape then
    re = C.tide_like_compile(pattern, #pattern, like_escape, ev.errbuf, ev.errlen)
  else
    re = C.tide_regex_compile(pattern, #pattern, ev.errbuf, ev.errlen)
  end
  if re == nil then error(("%s: %s"):format(ev.sqlName(node), ffi.string(ev.errbuf)), 0) end
  return ffi.gc(re, C.tide_regex_free)
end

local function regexp_replace(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 3, 4, ev)
  local s = as_string(node, args[1], ev)
  local pattern = literal_string(node, args[2], ev, "pattern")
  local replacement = literal_string(node, args[3], ev, "replacement")
  -- the 1-based character where matching starts (Spark: positive)
  local position = args[4] and literal_int(node, args[4], ev, "position") or 1
  if position <= 0 then
    ev.typeError(node, ("The position must be between (0, 2147483647] (current value = %d)"):format(position))
  end
  if pattern == nil or replacement == nil then return all_null(ev, node, T.string) end
  local re = regex(node, pattern, ev)
  return over_args(ev, node, T.string, { s }, function(out, cols, dst)
    return C.tide_eval_regexp_replace(out, cols[1], re, replacement, #replacement, position, dst,
      ev.errbuf, ev.errlen)
  end)
end

-- split(s, pattern[, limit]): an array<string>.
local function split(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  local s = as_string(node, args[1], ev)
  local pattern = literal_string(node, args[2], ev, "pattern")
  local limit = args[3] and literal_int(node, args[3], ev, "limit") or -1
  local t = T.array(T.string, false)
  if pattern == nil then return all_null(ev, node, t) end
  local re = regex(node, pattern, ev)
  return over_args(ev, node, t, { s }, function(out, cols, dst)
    return C.tide_eval_split(out, cols[1], re, limit, dst, ev.errbuf, ev.errlen)
  end)
end

-- split(s, pattern[, limit])[index]
function M.splitPart(item, _, compileChild, ev)
  local node = item.expr
  local args = args_of(node, compileChild, 2, 3, ev)
  local s = as_string(node, args[1], ev)
  local pattern = literal_string(node, args[2], ev, "pattern")
  local limit = args[3] and literal_int(node, args[3], ev, "limit") or -1
  local index = item.index
  if type(index) == "table" then
    local c = compileChild(index)
    index = literal_int(node, c, ev, "index")
  end
  if type(index) ~= "number" or index ~= math.floor(index) then
    ev.typeError(item, "getItem needs an integer index")
  end
  if pattern == nil then return all_null(ev, item, T.string) end
  local re = regex(node, pattern, ev)
  return over_args(ev, item, T.string, { s }, function(out, cols, dst)
    return C.tide_eval_split_part(out, cols[1], re, limit, index, dst, ev.errbuf, ev.errlen)
  end)
end

-- LIKE matches the whole string (its regex is anchored at both ends);
-- RLIKE finds the pattern anywhere.
local function matcher(is_like)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, is_like and 3 or 2, ev)
    local s = as_string(node, args[1], ev)
    local pattern = literal_string(node, args[2], ev, "pattern")
    local escape = "\\"
    if args[3] then escape = literal_string(node, args[3], ev, "escape") end
    if #escape ~= 1 then ev.typeError(node, "the escape of LIKE must be one character") end
    if pattern == nil then return all_null(ev, node, T.boolean) end
    local re = regex(node, pattern, ev, is_like and escape:byte() or nil)
    return over_args(ev, node, T.boolean, { s }, function(out, cols, dst)
      return C.tide_eval_regex_match(out, cols[1], re, dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- struct(a, b + 1) has fields a and col2, as in Spark; `*` and `data.*`
-- stand for every column, or every field of data (Spark's
-- `to_json(struct("*"))`).
local function struct(node, schema, compileChild, ev)
  -- (row: a row constructor's, (a, b), which Spark names named_struct(a, a, col2, b): tide.sql_names)
  local expanded = { k = node.k, fn = node.fn, args = ev.expandStars(node.args or {}, schema), row = node.row }
  local args = args_of(expanded, compileChild, 0, nil, ev)
  local fields, names = {}, {}
  for i, a in ipairs(args) do
    if coerce.isVoid(a.type) then args[i] = ev.castTo(a, T.null) end -- (a void field: struct<col1:void>)
    names[i] = a.outputName or ("col" .. i)
    fields[i] = T.field(names[i], args[i].type, true)
  end
  local n = #args
  local cnames = ffi.new("const char*[?]", math.max(n, 1), names)
  local t = T.struct(fields)
  return over_args(ev, expanded, t, args, function(out, cols, dst, input)
    return C.tide_eval_struct(out, ev.columnArray(cols), cnames, n, input.num_rows, dst, ev.errbuf, ev.errlen)
  end)
end

-- value, of type id (its C type ctype), in every row of input: the
-- column of a value known only when the batch runs.
local function in_every_row(ev, input, out, id, ctype, value, name)
  local one = ev.newColumn(out)
  ev.check(C.tide_eval_alloc(out, one, "", id, 0, 0, 1), name)
  ffi.cast(ctype, one.values)[0] = value
  local dst = ev.newColumn(out)
  ev.check(C.tide_eval_broadcast(out, one, input.num_rows, dst, ev.errbuf, ev.errlen), name)
  return dst
end

-- One value per batch: ctx.batchTimestampUs when the query loop sets it,
-- else the time the batch first asked, kept in ctx so that every use in
-- the batch agrees.
local function current_timestamp(node, _, compileChild, ev)
  args_of(node, compileChild, 0, 0, ev)
  local name = ev.sqlName(node)
  return {
    type = T.timestamp, name = name,
    run = function(input, out, ctx)
      ctx = ctx or {}
      local now = ctx.batchTimestampUs or ctx.currentTimestampUs
      if not now then
        now = C.tide_now_us()
        ctx.currentTimestampUs = now
      end
      return in_every_row(ev, input, out, ID.timestamp, "int64_t*", now, name)
    end,
  }
end

-- assert_true(cond[, message]): NULL (Spark's void), once every row's
-- cond is true; a row where it is false or NULL fails the query with
-- message, or with Spark's "'cond' is not true!", which its name shows:
-- assert_true((1 < 2), '(1 < 2)' is not true!).
local function assert_true(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  local cond = coerce.isVoid(args[1].type) and ev.castTo(args[1], T.boolean) or args[1]
  if cond.type.id ~= ID.boolean then
    ev.typeError(node, ("assert_true needs a boolean, not %s (%s)"):format(simple(cond.type), cond.name))
  end
  local given = args[2] and literal_string(node, args[2], ev, "message")
  local message = given or ("'%s' is not true!"):format(cond.name)
  local null = compileChild({ k = "lit", value = nil })
  local name = given and ev.sqlName(node) or ("assert_true(%s, %s)"):format(ev.sqlName(node.args[1]), message)
  return {
    type = null.type, name = name, mustRun = true,
    run = function(input, out, ctx)
      if C.tide_eval_first_not_true(cond.run(input, out, ctx)) >= 0 then error(message, 0) end
      return null.run(input, out, ctx)
    end,
  }
end

-- ---- conditionals ---------------------------------------------------------------

-- if(cond, a, b): Spark's If, a CASE WHEN cond THEN a ELSE b END named
-- (IF(cond, a, b)); its values coerced as CASE's, cond a boolean (or NULL).
local function if_(node, _, compileChild, ev)
  local args = node.args or {}
  if #args ~= 3 then ev.typeError(node, ("if takes 3 arguments, not %d"):format(#args)) end
  local cond = compileChild(args[1])
  if cond.type.id ~= ID.boolean and not coerce.isVoid(cond.type) then
    ev.typeError(node, ("the first argument of if must be a boolean, not %s (%s)"):format(simple(cond.type),
      cond.name))
  end
  local name = ev.sqlName(node)
  local c = compileChild({ k = "case", branches = { { when = args[1], value = args[2] } }, otherwise = args[3],
                           sqlText = name })
  c.name = name
  return c
end

-- equal_null(a, b): a <=> b (Spark's EqualNull is EqualNullSafe).
local function equal_null(node, _, compileChild, ev)
  local args = node.args or {}
  if #args ~= 2 then ev.typeError(node, ("equal_null takes 2 arguments, not %d"):format(#args)) end
  local name = ev.sqlName(node)
  local c = compileChild({ k = "op", op = "<=>", left = args[1], right = args[2], sqlText = name })
  c.name = name
  return c
end

-- ---- types and structs ----------------------------------------------------------

-- Spark's DataType.catalogString of a type (typeof's answer): NULL's is
-- void, and an ML vector's that of the struct VectorUDT stores it as.
local function catalog_string(t)
  if coerce.isVoid(t) then return "void" end
  if t.id == ID.vector then return "struct<type:tinyint,size:int,indices:array<int>,values:array<double>>" end
  if t.id == ID.array then return "array<" .. catalog_string(t.elementType) .. ">" end
  if t.id == ID.map then return ("map<%s,%s>"):format(catalog_string(t.keyType), catalog_string(t.valueType)) end
  if t.id == ID.struct then
    local parts = {}
    for i, f in ipairs(t.fields) do parts[i] = f.name .. ":" .. catalog_string(f.dataType) end
    return "struct<" .. table.concat(parts, ",") .. ">"
  end
  return t:simpleString()
end

-- A constant string, known when the plan is compiled, named as node.
local function constant(node, compileChild, ev, value)
  local c = compileChild({ k = "lit", value = value })
  c.name = ev.sqlName(node)
  return c
end

local function typeof(node, _, compileChild, ev)
  local arg = args_of(node, compileChild, 1, 1, ev)[1]
  return constant(node, compileChild, ev, catalog_string(arg.type))
end

-- named_struct(name1, value1, ...): Spark's CreateNamedStruct, its names
-- literal strings.
local function named_struct(node, _, compileChild, ev)
  local n = #(node.args or {})
  if n == 0 or n % 2 ~= 0 then
    ev.typeError(node, ("[WRONG_NUM_ARGS] named_struct requires 2n (n > 0) arguments, not %d"):format(n))
  end
  local args = args_of(node, compileChild, n, n, ev)
  local values, names, fields = {}, {}, {}
  for i = 1, n, 2 do
    local is_lit, name = ev.literalOf(args[i])
    if not is_lit or (name ~= nil and type(name) ~= "string") then
      ev.typeError(node, ("Only foldable STRING expressions are allowed to appear at odd position, not %s")
        :format(args[i].name))
    end
    if name == nil then ev.typeError(node, ("the field name %s must not be null"):format(args[i].name)) end
    local v = args[i + 1]
    if coerce.isVoid(v.type) then v = ev.castTo(v, T.null) end
    values[#values + 1] = v
    names[#names + 1] = name
    fields[#fields + 1] = T.field(name, v.type, true)
  end
  local k = #values
  local cnames = ffi.new("const char*[?]", k, names)
  return over_args(ev, node, T.struct(fields), values, function(out, cols, dst, input)
    local _ = names -- (keeps the strings cnames points to)
    return C.tide_eval_struct(out, ev.columnArray(cols), cnames, k, input.num_rows, dst, ev.errbuf, ev.errlen)
  end)
end

-- raise_error(message): fails the query with message (the first row's,
-- as Spark raises at the first row it evaluates; tide's own checks made
-- of it, node.unprefixed, raise their message as is); over no rows it is a
-- NULL. Its type is NULL's, so that a CASE branch holding it takes the
-- others' (and runs over the rows CASE gives it alone: tide.eval_operators).
local function raise_error(node, _, compileChild, ev)
  local message = as_string(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
  local null = all_null(ev, node, coerce.void)
  null.type = coerce.void
  return {
    type = coerce.void, name = null.name, mustRun = true,
    run = function(input, out, ctx)
      if input.num_rows > 0 then
        local m = message.run(input, out, ctx)
        local text = batchlib.isValid(m, 0) and batchlib.cellText(m, 0) or "null"
        error((node.unprefixed and "" or "[USER_RAISED_EXCEPTION] ") .. text, 0)
      end
      return null.run(input, out, ctx)
    end,
  }
end

-- int(x), string(x), ...: Spark's cast aliases, a CAST named as one.
local CAST_ALIASES = { boolean = T.boolean, tinyint = T.byte, smallint = T.short, int = T.int, bigint = T.long,
                       float = T.float, double = T.double, decimal = T.decimal(10, 0), date = T.date,
                       timestamp = T.timestamp, binary = T.binary, string = T.string }
local function cast_alias(name, t)
  return function(node, _, compileChild)
    if #(node.args or {}) ~= 1 then error(("Function %s accepts only one argument"):format(name), 0) end
    -- (implicit: Spark names it as its operand, string(1.0) is 1.0)
    return compileChild({ k = "cast", expr = node.args[1], to = t, implicit = true })
  end
end

-- The helpers of the other function modules (tide.eval_math, eval_text,
-- eval_datetime, eval_dates, eval_arrays).
M.argsOf, M.overArgs, M.allNull, M.literalString = args_of, over_args, all_null, literal_string
M.literalBoolean, M.literalInt, M.asIntegral = literal_boolean, literal_int, as_integral
M.inEveryRow, M.constant = in_every_row, constant
-- (tide.eval_hash's, named here too for tide.eval_text's hash)
function M.hashOf(...) return require("tide.eval_hash").hashOf(...) end

function M.register(eval)
  eval.register("lower", change_case(0))
  eval.register("lcase", change_case(0))
  eval.register("upper", change_case(1))
  eval.register("ucase", change_case(1))
  eval.register("length", length)
  eval.register("char_length", length)
  eval.register("substring", substring)
  eval.register("substr", substring)
  eval.register("concat", concat)
  eval.register("coalesce", coalesce)
  eval.register("isnan", isnan)
  eval.register("nanvl", nanvl)
  eval.register("regexp_replace", regexp_replace)
  eval.register("split", split)
  eval.register("like", matcher(true))
  eval.register("rlike", matcher(false))
  eval.register("xxhash64", function(...) return require("tide.eval_hash").xxhash64(...) end)
  eval.register("struct", struct)
  eval.register("current_timestamp", current_timestamp)
  eval.register("now", current_timestamp)
  eval.register("assert_true", assert_true)
  eval.register("udf", function(...) return require("tide.udf").compile(...) end)
  eval.register("if", if_)
  eval.register("equal_null", equal_null)
  eval.register("typeof", typeof)
  eval.register("named_struct", named_struct)
  eval.register("raise_error", raise_error)
  eval.register("iff", if_)
  for name, t in pairs(CAST_ALIASES) do eval.register(name, cast_alias(name, t)) end
end

return M
