-- tide.sql_names — the names Spark 3.5 gives expression nodes
-- (docs/architecture.md): its pretty SQL, as Column's repr and nested
-- names show it, and the name a select gives a column.
--
--   names.toString(node)    -- "(a + 1)", "CAST(v AS STRING)"
--   names.outputName(node)  -- "v" for CAST(v AS STRING), else toString
--
-- As Spark 3.5 names them: a function with the arguments its expression
-- fills in (sort_array(a, true), split(s, ,, -1)), a lambda's variables
-- namedlambdavariable() (SQL's and the DataFrame API's alike), a cast
-- Spark made or one to an array, map or struct as its operand, an
-- extraction of a field of an expression (named_struct(x, 1).x) by its
-- SQL where a dotted name (data.x) is named by the field.
local T = require("tide.types")

local M = {}
local INT_MAX = 2147483647

-- Java's Double.toString (Float.toString for floats), as Spark names
-- literals (tide.batch has the one implementation).
local function java_number(x, float) return require("tide.batch").javaDouble(x, float) end

-- A decimal's text (digits, at most one point) as Java's
-- BigDecimal.toString writes it, as Spark names a decimal literal:
-- scientific when its leading digit's exponent is below -6 ("1E-7").
local function java_decimal(text)
  local sign, whole, fraction = text:match("^(%-?)(%d*)%.?(%d*)$")
  if not sign or #fraction == 0 then return text end
  local digits = (whole .. fraction):gsub("^0+", "")
  if digits == "" then digits = "0" end
  local adjusted = #digits - 1 - #fraction
  if adjusted >= -6 then return text end
  return sign .. digits:sub(1, 1) .. (#digits > 1 and "." .. digits:sub(2) or "") .. "E" .. adjusted
end

local function literal_string(n)
  local v, t = n.value, n.type
  if v == nil then return "NULL" end
  if type(v) == "cdata" then return (tostring(v):gsub("U?LL$", "")) end
  if type(v) == "string" and t and t.id == T.ID.decimal then return java_decimal(v) end
  if type(v) ~= "number" then return tostring(v) end
  local id = t and t.id
  if id == T.ID.decimal then return ("%." .. (t.scale or 0) .. "f"):format(v) end
  local integral = v == math.floor(v) and math.abs(v) < 2 ^ 63
  if id == T.ID.int or id == T.ID.long or (not t and integral and v >= -INT_MAX - 1 and v <= INT_MAX) then
    return integral and ("%d"):format(v) or java_number(v)
  end
  return java_number(v, id == T.ID.float)
end

-- DATE '...' and TIMESTAMP '...' as Spark's Literal.sql writes them: the
-- value's text, not the literal's (TIMESTAMP '2024-01-01 10:00:00.100' is
-- ... 10:00:00.1', TIMESTAMP '2024-01-01' ... 00:00:00'), a timestamp in
-- the session time zone.
local function typed_literal(n)
  local word, text = n.literalText:match("^(%u+) '"), type(n.expr) == "table" and n.expr.value
  if type(text) == "string" and n.literalText:match("^TIMESTAMP_NTZ '") then
    -- a local date-time, shown whatever the session time zone (tide.eval_timestamp_ntz)
    local ntz = require("tide.eval_timestamp_ntz")
    local micros = ntz.parse(text)
    return micros and ("TIMESTAMP_NTZ '%s'"):format(ntz.format(micros)) or n.literalText
  end
  if type(text) ~= "string" or (word ~= "DATE" and word ~= "TIMESTAMP") then return n.literalText end
  local ffi, C = require("ffi"), require("tide.ffi")
  local buf = ffi.new("char[64]")
  if word == "DATE" then
    local days = ffi.new("int32_t[1]")
    if C.tide_date_parse(text, #text, days) ~= 0 then return n.literalText end
    return ("DATE '%s'"):format(ffi.string(buf, C.tide_date_format(days[0], buf)))
  end
  local micros = ffi.new("int64_t[1]")
  if C.tide_timestamp_parse(text, #text, micros) ~= 0 then return n.literalText end
  return ("TIMESTAMP '%s'"):format(ffi.string(buf, C.tide_timestamp_format(micros[0], buf)))
end

-- A name as Spark's quoteIfNeeded writes it in SQL (an alias's: 1 AS x,
-- 1 AS `a b`).
local function quoted(name)
  name = tostring(name)
  if name:find("^[%w_]+$") and not name:find("^%d+$") then return name end
  return "`" .. name:gsub("`", "``") .. "`"
end

-- A type as Spark's DataType.sql writes it: INT, BIGINT, DECIMAL(38,0)
-- (a cast to a struct, array or map shows no type: complex_type).
local function type_sql(t)
  if type(t) ~= "table" then return tostring(t):upper() end
  return t:simpleString():upper()
end

-- The types tide keeps as int that a CAST names as written (its node's
-- typeText, the parser's or Column:cast's): CAST(x AS TINYINT).
local WRITTEN_TYPES = { tinyint = "TINYINT", byte = "TINYINT", smallint = "SMALLINT", short = "SMALLINT" }
local function cast_type(n)
  local written = type(n.typeText) == "string" and n.typeText:lower():match("^%s*(%a+)%s*$")
  return WRITTEN_TYPES[written] or type_sql(n.to)
end

-- Whether a type (or a type's text) is an array, map or struct, a cast to
-- which Spark's Cast.sql leaves out (CAST(array(1) AS ARRAY<STRING>) is
-- array(1)); `kind` "map" asks for a map only.
local function complex_type(t, kind)
  if type(t) == "string" then
    local ok, parsed = pcall(T.parse, t)
    t = ok and parsed or nil
  end
  if type(t) ~= "table" or not t.id then return false end
  if kind == "map" then return t.id == T.ID.map end
  return t.id == T.ID.array or t.id == T.ID.map or t.id == T.ID.struct
end

-- Whether a struct field node is a nested attribute (data.x, a dotted
-- name: Spark's resolved UnresolvedAttribute, aliased by the field),
-- rather than an extraction of a field of an expression
-- (named_struct(x, 1).x, Column:getField's), which a select names by its
-- SQL.
local function nested_attribute(n)
  while n.k == "field" and not n.extracted do n = n.expr end
  return n.k == "col"
end
M.isNestedAttribute = nested_attribute

local PRETTY_NAMES = { sqrt = "SQRT", exp = "EXP", log = "LOG", log10 = "LOG10", log2 = "LOG2",
                       signum = "SIGNUM", power = "POWER", floor = "FLOOR", ceil = "CEIL",
  regexp_like = "REGEXP_LIKE", regexp = "REGEXP",
  sin = "SIN", cos = "COS", tan = "TAN", cot = "COT", sec = "SEC", csc = "CSC", asin = "ASIN", acos = "ACOS",
  atan = "ATAN", sinh = "SINH", cosh = "COSH", tanh = "TANH", asinh = "ASINH", acosh = "ACOSH", atanh = "ATANH",
  radians = "RADIANS", degrees = "DEGREES", log1p = "LOG1P", expm1 = "EXPM1", cbrt = "CBRT", atan2 = "ATAN2",
  hypot = "HYPOT", pi = "PI", e = "E", random = "rand", spark_partition_id = "SPARK_PARTITION_ID",
  rank = "RANK", dense_rank = "DENSE_RANK", percent_rank = "PERCENT_RANK" }

local SYMBOL = { ["and"] = "AND", ["or"] = "OR", div = "div" }

-- A lambda function's text: Spark names every lambda variable
-- namedlambdavariable(), in SQL and in the DataFrame API alike.
local VAR = "namedlambdavariable()"
local function lambda_text(body, count)
  local vars = {}
  for i = 1, count do vars[i] = VAR end
  return "lambdafunction(" .. body .. ", " .. table.concat(vars, ", ") .. ")"
end
local function if_text(cond, yes, no) return ("(IF(%s, %s, %s))"):format(cond, yes, no) end
local IS_NULL = "(" .. VAR .. " IS NULL)"

-- The arguments Spark fills in where a call leaves them out, which its
-- name shows (replace(s, x) is replace(s, x, )): position -> text. They
-- are the defaults of its expressions' constructors (SortArray(e) is
-- SortArray(e, true), ArrayAggregate's finish the identity, ArraySort's
-- comparator its nulls-last ascending one), checked against Spark 3.5.3.
local IDENTITY = lambda_text(VAR, 1)
local COMPARATOR = lambda_text(if_text(("(%s AND %s)"):format(IS_NULL, IS_NULL), "0", if_text(IS_NULL, "1",
  if_text(IS_NULL, "-1", if_text(("(%s < %s)"):format(VAR, VAR), "-1",
    if_text(("(%s > %s)"):format(VAR, VAR), "1", "0"))))), 2)
local INT_MAX_TEXT = tostring(INT_MAX)
local DEFAULTS = {
  locate = { [3] = "1" }, position = { [3] = "1" }, regexp_extract = { [3] = "1" },
  regexp_extract_all = { [3] = "1" }, regexp_instr = { [3] = "0" }, regexp_replace = { [4] = "1" },
  lpad = { [3] = " " }, rpad = { [3] = " " }, replace = { [3] = "" }, overlay = { [4] = "-1" },
  mask = { [2] = "X", [3] = "x", [4] = "n", [5] = "NULL" },
  substring = { [3] = INT_MAX_TEXT }, substr = { [3] = INT_MAX_TEXT }, split = { [3] = "-1" },
  str_to_map = { [2] = ",", [3] = ":" },
  sort_array = { [2] = "true" }, array_sort = { [2] = COMPARATOR },
  aggregate = { [4] = IDENTITY }, reduce = { [4] = IDENTITY },
  months_between = { [3] = "true" },
  make_dt_interval = { "0", "0", "0", "0.000000" }, make_ym_interval = { "0", "0" },
  aes_encrypt = { [3] = "GCM", [4] = "DEFAULT", [5] = "", [6] = "" },
  aes_decrypt = { [3] = "GCM", [4] = "DEFAULT", [5] = "" },
  try_aes_decrypt = { [3] = "GCM", [4] = "DEFAULT", [5] = "" },
  percentile = { [3] = "1" }, percentile_approx = { [3] = "10000" }, approx_percentile = { [3] = "10000" },
  lag = { [2] = "1", [3] = "NULL" }, lead = { [2] = "1", [3] = "NULL" },
}

-- The ignoreNulls argument (IGNORE NULLS's) Spark's name leaves out:
-- first(x, true) is first(x), lag(x) IGNORE NULLS lag(x, 1, NULL);
-- nth_value's it writes as words, nth_value(x, 2) ignore nulls.
local IGNORE_NULLS_AT = { first = 2, last = 2, first_value = 2, last_value = 2, any_value = 2, lag = 4, lead = 4 }
local function boolean_literal(a) return type(a) == "table" and a.k == "lit" and type(a.value) == "boolean" end

-- int(x), string(x), ...: Spark's cast functions, a cast it names as its
-- operand (string(1.0) is 1.0).
local CAST_FUNCTIONS = { boolean = true, tinyint = true, smallint = true, int = true, bigint = true, float = true,
                         double = true, decimal = true, date = true, timestamp = true, binary = true, string = true }

local TRIM_SIDES = { trim = "BOTH", ltrim = "LEADING", rtrim = "TRAILING" }
local OPTIONS_NOT_CHILDREN = { from_csv = true, to_csv = true, schema_of_csv = true, schema_of_json = true,
                               to_json = true }

local to_string

-- A row constructor's struct ((a, 1 AS b)): Spark's CreateStruct, named
-- named_struct(a, a, b, 1 AS b), col2 for a field no name names.
local function row_struct(args)
  local items = {}
  for i, a in ipairs(args) do
    local name = "col" .. i
    if a.k == "alias" or a.k == "col" or (a.k == "field" and nested_attribute(a)) then name = tostring(a.name) end
    items[#items + 1] = name
    items[#items + 1] = to_string(a)
  end
  return "named_struct(" .. table.concat(items, ", ") .. ")"
end

-- A day-time interval literal as Spark's Literal.sql writes it: the
-- value in its fields from the largest unit written to the smallest
-- (INTERVAL 1 HOUR is INTERVAL '01' HOUR, INTERVAL 1 DAY 2 HOURS
-- INTERVAL '1 02' DAY TO HOUR, INTERVAL 1.5 SECONDS INTERVAL '01.5'
-- SECOND), as IntervalUtils.toDayTimeIntervalString's ANSI style.
local DT_FIELDS = { DAY = 0, WEEK = 0, HOUR = 1, MINUTE = 2, SECOND = 3, MILLISECOND = 3, MICROSECOND = 3 }
local DT_NAMES = { [0] = "DAY", "HOUR", "MINUTE", "SECOND" }
local DT_MICROS = { [0] = 86400000000, 3600000000, 60000000 }
local function interval_text(n)
  if type(n.micros) ~= "number" then return n.text end
  local from, to = n.startField, n.endField
  for unit in (from and "" or tostring(n.text)):gmatch("' (%u+)") do
    local f = DT_FIELDS[unit]
    if not f then return n.text end
    from, to = math.min(from or f, f), math.max(to or f, f)
  end
  if not from then return n.text end
  local rest, out = math.abs(n.micros), { n.micros < 0 and "-" or "" }
  -- (seconds as BigDecimal.valueOf(us, 6).stripTrailingZeros, a 0 before one digit)
  local function seconds(us)
    local text = ("%d"):format(math.floor(us / 1000000))
    if us % 1000000 > 0 then text = text .. "." .. (("%06d"):format(us % 1000000):gsub("0+$", "")) end
    return (us < 10000000 and "0" or "") .. text
  end
  for field = from, to do
    local sep = field == from and "" or (field == 1 and " " or ":")
    if field == 3 then
      out[#out + 1] = sep .. seconds(rest)
    else
      local v = math.floor(rest / DT_MICROS[field])
      out[#out + 1] = sep .. ((field == 0 and "%d" or "%02d"):format(v))
      rest = rest - v * DT_MICROS[field]
    end
  end
  return ("INTERVAL '%s' %s%s"):format(table.concat(out), DT_NAMES[from], from == to and "" or " TO " .. DT_NAMES[to])
end

-- Whether a node is an interval (INTERVAL '1' DAY, or its negation).
local function is_interval(n)
  return type(n) == "table" and (n.k == "interval" or (n.k == "neg" and is_interval(n.expr)))
end

local function call_string(n)
  local args = n.args or {}
  local fn = type(n.fn) == "string" and n.fn:lower()
  -- (Spark's Like.sql is infix, RLike's a call: RLIKE(s, p))
  if fn == "like" and #args == 2 then return to_string(args[1]) .. " LIKE " .. to_string(args[2]) end
  if fn == "rlike" and #args == 2 then return "RLIKE(" .. to_string(args[1]) .. ", " .. to_string(args[2]) .. ")" end
  if CAST_FUNCTIONS[fn] and #args == 1 then return to_string(args[1]) end
  -- (from_json to a map type Spark names "entries", in a select and inside expressions)
  if fn == "from_json" and type(n.opts) == "table" and complex_type(n.opts.schema, "map") then return "entries" end
  if fn == "struct" and n.row then return row_struct(args) end
  local parts = {}
  for i, a in ipairs(args) do
    parts[i] = (fn == "count" and a.k == "star") and "1" or to_string(a)
  end
  if fn == "count_distinct" then return "count(DISTINCT " .. table.concat(parts, ", ") .. ")" end
  if fn == "extract" and #parts == 2 then return ("extract(%s FROM %s)"):format(parts[1], parts[2]) end
  if fn == "positive" and #parts == 1 then return "(+ " .. parts[1] .. ")" end
  if fn == "if" and #parts == 3 then return "(IF(" .. table.concat(parts, ", ") .. "))" end
  -- (the CSV and JSON functions' schema and options are no children of
  -- theirs: Spark names them by their one child, from_csv(value))
  if OPTIONS_NOT_CHILDREN[fn] and #parts > 1 then return n.fn .. "(" .. parts[1] .. ")" end
  local at = IGNORE_NULLS_AT[fn]
  if at and #args == at and boolean_literal(args[at]) then parts[at] = nil end
  if fn == "nth_value" and #args == 3 and boolean_literal(args[3]) then
    return ("nth_value(%s, %s)%s"):format(parts[1], parts[2], args[3].value and " ignore nulls" or "")
  end
  -- Spark's math functions name themselves (prettyName): round(x) is
  -- Round(x, 0), log(x) is Logarithm(E(), x), SQRT(x) and CEIL(x) in
  -- capitals, unless called by an alias (pow, sign, ceiling).
  if (fn == "round" or fn == "bround") and #parts == 1 then parts[2] = "0" end
  if fn == "log" and #parts == 1 then table.insert(parts, 1, "E()") end
  -- (convert_timezone(to, ts) converts from the session time zone)
  if fn == "convert_timezone" and #parts == 2 then table.insert(parts, 1, "current_timezone()") end
  -- Defaults Spark fills in, and TRIM's own SQL for trim(trimStr, s).
  local defaults = DEFAULTS[fn]
  if defaults then
    for i = #parts + 1, table.maxn(defaults) do parts[i] = defaults[i] end
  end
  if fn == "ilike" then parts[3] = nil end -- (its escape is no part of its name)
  local side = #parts == 2 and TRIM_SIDES[fn]
  if side then return ("TRIM(%s %s FROM %s)"):format(side, parts[1], parts[2]) end
  -- unix_timestamp(x), to_unix_timestamp(x) and from_unixtime(x) carry
  -- Spark's default pattern, unix_timestamp() current_timestamp() too.
  if n.fn == "unix_timestamp" and #parts == 0 then parts[1] = "current_timestamp()" end
  local fn_name = n.fn
  if (fn_name == "unix_timestamp" or fn_name == "from_unixtime" or fn_name == "to_unix_timestamp")
      and #parts == 1 then
    parts[2] = "yyyy-MM-dd HH:mm:ss"
  end
  local pretty = PRETTY_NAMES[n.fn]
  if (n.fn == "floor" or n.fn == "ceil") and #parts ~= 1 then pretty = nil end
  return tostring(pretty or n.fn) .. "(" .. table.concat(parts, ", ") .. ")"
end

-- Whether to_string names a column a join renamed as Spark shows it (a)
-- rather than by the name that tells it from the other side's (r.a):
-- true while outputName makes a column's name.
local shown_names = false

function to_string(n)
  if type(n) ~= "table" then return tostring(n) end
  -- (a node a function is rewritten into speaks for the call it replaces)
  if n.sqlText then return n.sqlText end
  local k = n.k
  if k == "col" then return tostring(shown_names and n.shown or n.name)
  elseif k == "star" then return n.prefix and n.prefix .. ".*" or "*"
  elseif k == "lit" then return literal_string(n)
  -- (Spark's Alias.sql: struct(1 AS x), abs(d AS b))
  elseif k == "alias" then return to_string(n.expr) .. " AS " .. quoted(n.name)
  elseif k == "cast" and n.literalText then return typed_literal(n)
  elseif k == "cast" then
    -- (a cast Spark made, string(x)'s, and one to a collection show the operand)
    if n.implicit or complex_type(n.to) then return to_string(n.expr) end
    return (n.try and "TRY_CAST(" or "CAST(") .. to_string(n.expr) .. " AS " .. cast_type(n) .. ")"
  elseif k == "field" then return to_string(n.expr) .. "." .. tostring(n.name)
  elseif k == "item" then return to_string(n.expr) .. "[" .. to_string(n.index) .. "]"
  elseif k == "op" then
    local l, r = to_string(n.left), to_string(n.right)
    -- Spark parses a != b as NOT (a = b) and names it so.
    if n.op == "!=" then return "(NOT (" .. l .. " = " .. r .. "))" end
    -- A datetime moved by an interval: Spark's TimeAdd and kin, without
    -- parentheses, the datetime first (INTERVAL 1 DAY + ts is ts + ...).
    local li, ri = is_interval(n.left), is_interval(n.right)
    if (n.op == "+" and li ~= ri) or (n.op == "-" and ri and not li) then
      if li then l, r = r, l end
      return l .. " " .. n.op .. " " .. r
    end
    return "(" .. l .. " " .. (SYMBOL[n.op] or tostring(n.op)) .. " " .. r .. ")"
  elseif k == "not" then return "(NOT " .. to_string(n.expr) .. ")"
  elseif k == "neg" then return "(- " .. to_string(n.expr) .. ")"
  elseif k == "bitnot" then return "~" .. to_string(n.expr)
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
  elseif k == "call" then return call_string(n)
  elseif k == "lambdavar" then return VAR
  elseif k == "lambda" then return lambda_text(to_string(n.body), #n.params)
  elseif k == "window" then return n.text -- set by Column:over (tide.window)
  elseif k == "interval" then return interval_text(n)
  elseif k == "scalarsubquery" then return "scalarsubquery()"
  elseif k == "exists" then return "exists()"
  elseif k == "insubquery" then return "(" .. to_string(n.expr) .. " IN (listquery()))"
  end
  return "<" .. tostring(k) .. ">"
end

-- Spark's pretty SQL for a node, as Column's repr and nested names show it.
M.toString = to_string

-- The name a select gives a node (Spark's ResolveAliases): an alias's
-- name, a column's name, a nested attribute's field's name ("data.x" is
-- "x"), a CAST of a column or an alias its name (CAST(value AS STRING) is
-- "value", CAST(data.x AS STRING) itself); otherwise the pretty SQL
-- (named_struct(x, 1).x).
-- A column a join renamed (r.a, where the left side has an a) is named
-- as Spark names it, a (its node's shown); toString keeps r.a, which
-- tells it from l.a where expressions are compared by their text.
-- Whether an expression names a column a join renamed (r.a, shown as a).
local function names_shown(node)
  if type(node) ~= "table" or getmetatable(node) then return false end
  if node.k == "col" then return node.shown ~= nil end
  for _, v in pairs(node) do
    if type(v) == "table" and names_shown(v) then return true end
  end
  return false
end
M.namesShown = names_shown

function M.outputName(n)
  if type(n) ~= "table" then return tostring(n) end
  if n.k == "col" and n.shown then return tostring(n.shown) end
  if n.k == "alias" or n.k == "col" or (n.k == "field" and nested_attribute(n)) then return tostring(n.name) end
  if n.k == "cast" and type(n.expr) == "table" and (n.expr.k == "col" or n.expr.k == "alias") then
    return tostring(n.expr.shown or n.expr.name)
  end
  -- (inside an expression too: Spark's (a + a) for l.a + r.a)
  shown_names = true
  local ok, text = pcall(to_string, n)
  shown_names = false
  if not ok then error(text, 0) end
  return text
end

return M
