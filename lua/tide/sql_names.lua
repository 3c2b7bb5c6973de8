-- tide.sql_names — the names Spark 3.5 gives expression nodes
-- (docs/architecture.md): its pretty SQL, as Column's repr and nested
-- names show it, and the name a select gives a column.
--
--   names.toString(node)    -- "(a + 1)", "CAST(v AS STRING)"
--   names.outputName(node)  -- "v" for CAST(v AS STRING), else toString
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

local PRETTY_NAMES = { sqrt = "SQRT", exp = "EXP", log = "LOG", log10 = "LOG10", log2 = "LOG2",
                       signum = "SIGNUM", power = "POWER", floor = "FLOOR", ceil = "CEIL",
  regexp_like = "REGEXP_LIKE", regexp = "REGEXP",
  sin = "SIN", cos = "COS", tan = "TAN", cot = "COT", sec = "SEC", csc = "CSC", asin = "ASIN", acos = "ACOS",
  atan = "ATAN", sinh = "SINH", cosh = "COSH", tanh = "TANH", asinh = "ASINH", acosh = "ACOSH", atanh = "ATANH",
  radians = "RADIANS", degrees = "DEGREES", log1p = "LOG1P", expm1 = "EXPM1", cbrt = "CBRT", atan2 = "ATAN2",
  hypot = "HYPOT", pi = "PI", e = "E", random = "rand", spark_partition_id = "SPARK_PARTITION_ID" }

local SYMBOL = { ["and"] = "AND", ["or"] = "OR", div = "div" }

-- The arguments Spark fills in where a call leaves them out, which its
-- name shows (replace(s, x) is replace(s, x, )): position -> text.
local DEFAULTS = {
  locate = { [3] = "1" }, regexp_extract = { [3] = "1" }, lpad = { [3] = " " }, rpad = { [3] = " " },
  replace = { [3] = "" }, position = { [3] = "1" }, overlay = { [4] = "-1" }, regexp_extract_all = { [3] = "1" },
  regexp_instr = { [3] = "0" }, mask = { [2] = "X", [3] = "x", [4] = "n", [5] = "NULL" },
}

local TRIM_SIDES = { trim = "BOTH", ltrim = "LEADING", rtrim = "TRAILING" }
local CSV_FUNCTIONS = { from_csv = true, to_csv = true, schema_of_csv = true }

local function to_string(n)
  if type(n) ~= "table" then return tostring(n) end
  -- (a node a function is rewritten into speaks for the call it replaces)
  if n.sqlText then return n.sqlText end
  local k = n.k
  if k == "col" then return tostring(n.name)
  elseif k == "star" then return n.prefix and n.prefix .. ".*" or "*"
  elseif k == "lit" then return literal_string(n)
  elseif k == "alias" then return tostring(n.name)
  elseif k == "cast" and n.literalText then return n.literalText
  elseif k == "cast" then
    return (n.try and "TRY_CAST(" or "CAST(") .. to_string(n.expr) .. " AS " .. type_sql(n.to) .. ")"
  elseif k == "field" then return to_string(n.expr) .. "." .. tostring(n.name)
  elseif k == "item" then return to_string(n.expr) .. "[" .. to_string(n.index) .. "]"
  elseif k == "op" then
    local l, r = to_string(n.left), to_string(n.right)
    -- Spark parses a != b as NOT (a = b) and names it so.
    if n.op == "!=" then return "(NOT (" .. l .. " = " .. r .. "))" end
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
  elseif k == "call" then
    local args = n.args or {}
    -- (Spark's Like.sql is infix, RLike's a call: RLIKE(s, p))
    if n.fn == "like" and #args == 2 then return to_string(args[1]) .. " LIKE " .. to_string(args[2]) end
    if n.fn == "rlike" and #args == 2 then return "RLIKE(" .. to_string(args[1]) .. ", " .. to_string(args[2]) .. ")" end
    local parts = {}
    for i, a in ipairs(args) do
      parts[i] = (n.fn == "count" and a.k == "star") and "1" or to_string(a)
    end
    if n.fn == "count_distinct" then return "count(DISTINCT " .. table.concat(parts, ", ") .. ")" end
    if n.fn == "extract" and #parts == 2 then return ("extract(%s FROM %s)"):format(parts[1], parts[2]) end
    if n.fn == "positive" and #parts == 1 then return "(+ " .. parts[1] .. ")" end
    if n.fn == "if" and #parts == 3 then return "(IF(" .. table.concat(parts, ", ") .. "))" end
    -- (the CSV functions' schema and options are no children of theirs: Spark
    -- names them by their one child, from_csv(value))
    if CSV_FUNCTIONS[n.fn] and #parts > 1 then return n.fn .. "(" .. parts[1] .. ")" end
    -- Spark's math functions name themselves (prettyName): round(x) is
    -- Round(x, 0), log(x) is Logarithm(E(), x), SQRT(x) and CEIL(x) in
    -- capitals, unless called by an alias (pow, sign, ceiling).
    if (n.fn == "round" or n.fn == "bround") and #parts == 1 then parts[2] = "0" end
    if n.fn == "log" and #parts == 1 then table.insert(parts, 1, "E()") end
    -- Defaults Spark fills in, and TRIM's own SQL for trim(trimStr, s).
    local fn = type(n.fn) == "string" and n.fn:lower()
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
  elseif k == "lambdavar" then return tostring(n.name)
  elseif k == "lambda" then
    return "lambdafunction(" .. to_string(n.body) .. ", " .. table.concat(n.params, ", ") .. ")"
  elseif k == "window" then return n.text -- set by Column:over (tide.window)
  elseif k == "interval" then return n.text
  elseif k == "scalarsubquery" then return "scalarsubquery()"
  elseif k == "exists" then return "exists()"
  elseif k == "insubquery" then return "(" .. to_string(n.expr) .. " IN (listquery()))"
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

return M
