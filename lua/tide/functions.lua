-- tide.functions — pyspark.sql.functions for tide. Where PySpark takes a
-- column or a column name, so does tide: F.lower("site_id") and
-- F.lower(F.col("site_id")) are the same.
--
--   local F = tide.functions
--   df:select(F.from_json(F.col("value"), schema):alias("data"))
--   df:withColumn("processed_at", F.current_timestamp())
--
-- The aggregates of agg and the sort orders of orderBy are here too, so
-- that F is whole however it is reached, with or without a session.
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")

local F = {}
local wrap, colNode, nodeOf, conditionNode = column.wrap, column.colNode, column.nodeOf, column.conditionNode

local function call(fn, args, opts) return wrap { k = "call", fn = fn, args = args, opts = opts } end

-- A call whose arguments are all columns (or column names).
local function columns_fn(name)
  return function(...)
    local args = {}
    for i = 1, select("#", ...) do args[i] = colNode((select(i, ...))) end
    return call(name, args)
  end
end

function F.col(name)
  if type(name) ~= "string" then error("col() needs a column name", 2) end
  return wrap(colNode(name))
end
F.column = F.col

function F.lit(value)
  if column.isColumn(value) then return value end
  return wrap { k = "lit", value = value }
end

-- A SQL expression string, as in selectExpr: F.expr("CAST(hour AS string)").
function F.expr(text)
  local ok, node = pcall(require("tide.sql").parseNamedExpression, text)
  if not ok then error(node, 2) end
  return wrap(node)
end

-- when(cond, value): cond is a Column (F.col("k"):eq(3)); Lua's own
-- F.col("k") == 3 is the boolean false, refused here with the hint.
function F.when(cond, value)
  return wrap { k = "case", branches = { { when = conditionNode(cond, "when"), value = nodeOf(value) } } }
end

F.coalesce = columns_fn("coalesce")
F.isnan = columns_fn("isnan")
F.nanvl = columns_fn("nanvl")
F.concat = columns_fn("concat")
F.struct = columns_fn("struct")
F.lower = columns_fn("lower")
F.upper = columns_fn("upper")
F.length = columns_fn("length")
F.xxhash64 = columns_fn("xxhash64")
F.isnull = function(c) return wrap { k = "isnull", expr = colNode(c) } end
F.isnotnull = function(c) return wrap { k = "isnotnull", expr = colNode(c) } end
function F.not_(c)
  if type(c) ~= "string" then return wrap { k = "not", expr = conditionNode(c, "not_") } end
  return wrap { k = "not", expr = colNode(c) }
end

function F.current_timestamp() return call("current_timestamp", {}) end

-- ---- math (tide.eval_math) ----------------------------------------------------------
-- Spark 3.5's types and names: F.sqrt("x") is the double SQRT(x),
-- F.round("x") is round(x, 0) of x's type, F.log("x") is ln(x).

for _, name in ipairs({ "abs", "sqrt", "exp", "ln", "log10", "log2", "signum", "sign" }) do
  F[name] = function(c)
    if c == nil then error(name .. "() needs a column", 2) end
    return call(name, { colNode(c) })
  end
end

-- round(col, scale=0), bround(col, scale=0): scale a whole number.
local function rounding(name)
  return function(c, scale)
    if scale ~= nil and not column.isColumn(scale) and (type(scale) ~= "number" or scale ~= math.floor(scale)) then
      error(("%s's scale must be a whole number, not %s"):format(name, tostring(scale)), 2)
    end
    return call(name, { colNode(c), nodeOf(scale or 0) })
  end
end
F.round = rounding("round")
F.bround = rounding("bround")

-- floor(col[, scale]), ceil(col[, scale]) (ceiling): without a scale a
-- bigint (a decimal of scale 0 for decimals), with one a decimal.
local function floor_ceil(name)
  return function(c, scale)
    if scale == nil then return call(name, { colNode(c) }) end
    return call(name, { colNode(c), nodeOf(scale) })
  end
end
F.floor = floor_ceil("floor")
F.ceil = floor_ceil("ceil")
F.ceiling = floor_ceil("ceiling")

-- log(col) is the natural logarithm (Spark's ln(col)); log(base, col)
-- takes the base as a double, as PySpark does (LOG(10.0, col)).
function F.log(a, b)
  if b == nil then return call("ln", { colNode(a) }) end
  local base = type(a) == "number" and { k = "lit", value = a, type = T.double } or colNode(a)
  return call("log", { base, colNode(b) })
end

-- pow(a, b), power(a, b): a column name or a number on either side.
function F.pow(a, b) return call("power", { colNode(a), colNode(b) }) end
F.power = F.pow

local function at_least_two(name)
  return function(...)
    local n = select("#", ...)
    if n < 2 then error(("%s takes at least 2 columns, not %d"):format(name, n), 2) end
    return columns_fn(name)(...)
  end
end
F.greatest = at_least_two("greatest")
F.least = at_least_two("least")

-- substring(str, pos, len): pos is 1-based, negative counts from the end.
function F.substring(c, pos, len)
  return call("substring", { colNode(c), nodeOf(pos), nodeOf(len) })
end

function F.regexp_replace(c, pattern, replacement)
  return call("regexp_replace", { colNode(c), nodeOf(pattern), nodeOf(replacement) })
end

-- split(str, pattern[, limit]): an array<string> (:getItem(i) a piece).
function F.split(c, pattern, limit)
  return call("split", { colNode(c), nodeOf(pattern), nodeOf(limit or -1) })
end

-- ---- arrays (tide.eval_arrays; explode and its kin: tide.generate) -----------------

F.size = columns_fn("size")
F.cardinality = columns_fn("cardinality")
F.array = columns_fn("array")
F.array_distinct = columns_fn("array_distinct")
for _, name in ipairs({ "array_max", "array_min", "flatten", "array_union", "array_intersect", "array_except",
                        "arrays_overlap" }) do
  F[name] = columns_fn(name)
end
-- slice(arr, start, length): start 1-based (< 0 from the end).
-- (start and length: numbers, Columns or column names, as PySpark's)
local function int_or_column(v) return type(v) == "number" and nodeOf(v) or colNode(v) end
function F.slice(c, start, length) return call("slice", { colNode(c), int_or_column(start), int_or_column(length) }) end
function F.array_position(c, value) return call("array_position", { colNode(c), nodeOf(value) }) end
function F.array_remove(c, value) return call("array_remove", { colNode(c), nodeOf(value) }) end
F.arrays_zip = columns_fn("arrays_zip")
-- array_sort(col[, comparator]): comparator a function(left, right) of
-- Columns giving an int (negative: left first), as PySpark's.
function F.array_sort(c, comparator)
  if comparator == nil then return call("array_sort", { colNode(c) }) end
  return call("array_sort", { colNode(c),
    require("tide.eval_lambda").ofFunction("array_sort", comparator, 2, 2, { "left", "right" }) })
end
F.array_compact = columns_fn("array_compact")
function F.array_append(c, value) return call("array_append", { colNode(c), nodeOf(value) }) end
function F.array_prepend(c, value) return call("array_prepend", { colNode(c), nodeOf(value) }) end
-- maps (tide.eval_maps)
for _, name in ipairs({ "map_keys", "map_values", "map_entries", "create_map", "map_from_arrays",
                        "map_from_entries", "map_concat" }) do
  F[name] = columns_fn(name)
end
-- str_to_map(text, pairDelim=',', keyValueDelim=':'): the delimiters
-- regular expressions, as Lua strings.
function F.str_to_map(text, pairDelim, keyValueDelim)
  return call("str_to_map", { colNode(text), { k = "lit", value = pairDelim or "," },
    { k = "lit", value = keyValueDelim or ":" } })
end
function F.map_contains_key(c, key) return call("map_contains_key", { colNode(c), nodeOf(key) }) end
-- get(arr, index): 0-based, null past either end (Spark 3.4's).
function F.get(c, index) return call("get", { colNode(c), int_or_column(index) }) end
-- array_repeat(col, count): col a column or name (F.lit for a value),
-- count a number, a column or a name, as PySpark's.
function F.array_repeat(c, count)
  return call("array_repeat", { colNode(c), type(count) == "number" and nodeOf(count) or colNode(count) })
end
-- sequence(start, stop[, step]): columns (F.lit for values), as PySpark's.
function F.sequence(start, stop, step)
  return call("sequence", { colNode(start), colNode(stop), step ~= nil and colNode(step) or nil })
end
F.explode = columns_fn("explode")
F.explode_outer = columns_fn("explode_outer")
F.posexplode = columns_fn("posexplode")
F.posexplode_outer = columns_fn("posexplode_outer")
F.inline = columns_fn("inline")
F.inline_outer = columns_fn("inline_outer")
-- element_at(arr, index): 1-based (-1 the last element), as Spark's.
function F.element_at(c, index) return call("element_at", { colNode(c), nodeOf(index) }) end
-- array_contains(arr, value): value a literal or a Column.
function F.array_contains(c, value) return call("array_contains", { colNode(c), nodeOf(value) }) end
function F.array_join(c, delimiter, null_replacement)
  return call("array_join", { colNode(c), nodeOf(delimiter), null_replacement ~= nil and nodeOf(null_replacement)
    or nil })
end
function F.sort_array(c, asc)
  return call("sort_array", { colNode(c), nodeOf(asc == nil and true or asc) })
end
-- Higher-order functions (tide.eval_lambda): fn gets Columns of the
-- element (and for transform and filter, its 0-based index) and returns
-- a Column, as PySpark's lambda: F.transform("tags", function(x) return F.upper(x) end).
for name, max_params in pairs({ transform = 2, filter = 2, exists = 1, forall = 1 }) do
  F[name] = function(c, fn)
    return call(name, { colNode(c), require("tide.eval_lambda").ofFunction(name, fn, max_params) })
  end
end
-- map_filter, transform_keys, transform_values: fn(k, v) over each entry.
for _, name in ipairs({ "map_filter", "transform_keys", "transform_values" }) do
  F[name] = function(c, fn)
    return call(name, { colNode(c), require("tide.eval_lambda").ofFunction(name, fn, 2, 2, { "k", "v" }) })
  end
end
-- aggregate(col, initialValue, merge[, finish]): merge(acc, x), finish(acc).
function F.aggregate(c, initial, merge, finish)
  local lambda = require("tide.eval_lambda")
  -- (initialValue: a Column or a column name, as PySpark's; F.lit for a value)
  return call("aggregate", { colNode(c), colNode(initial), lambda.ofFunction("aggregate", merge, 2, 2, { "acc", "x" }),
    finish ~= nil and lambda.ofFunction("aggregate", finish, 1, 1, { "acc" }) or nil })
end
F.reduce = F.aggregate

-- ---- text, hashes and nulls (tide.eval_text) ----------------------------------------
-- PySpark 3.5's signatures and Spark's names: F.trim("s") is trim(s),
-- F.concat_ws("-", "a", "b") is concat_ws(-, a, b), F.locate("b", "s") is
-- locate(b, s, 1). Strings where PySpark takes a str (a separator, a
-- pattern, a pad) are values; elsewhere they name columns.

for _, name in ipairs({ "initcap", "reverse", "ascii", "md5", "sha1", "crc32", "base64", "unbase64", "hex" }) do
  F[name] = function(c)
    if c == nil then error(name .. "() needs a column", 2) end
    return call(name, { colNode(c) })
  end
end

-- trim(col[, trimStr]), ltrim, rtrim: spaces, or the characters of
-- trimStr (Scala's trim(col, trimString), PySpark 4's trim(col, trim)).
for _, name in ipairs({ "trim", "ltrim", "rtrim" }) do
  F[name] = function(c, chars)
    if c == nil then error(name .. "() needs a column", 2) end
    if chars == nil then return call(name, { colNode(c) }) end
    return call(name, { nodeOf(chars), colNode(c) })
  end
end

-- btrim(col, trim=None): Spark's btrim(str[, trimStr]), named btrim(s, x).
function F.btrim(c, chars)
  if c == nil then error("btrim() needs a column", 2) end
  return call("btrim", { colNode(c), chars ~= nil and nodeOf(chars) or nil })
end

-- lpad(col, len, pad), rpad(col, len, pad)
for _, name in ipairs({ "lpad", "rpad" }) do
  F[name] = function(c, len, pad)
    if len == nil or pad == nil then error(name .. "(col, len, pad) needs a length and a pad", 2) end
    return call(name, { colNode(c), nodeOf(len), nodeOf(pad) })
  end
end

-- concat_ws(sep, *cols): sep is a string; NULL columns are skipped.
function F.concat_ws(sep, ...)
  if type(sep) ~= "string" then error("concat_ws(sep, *cols): sep is a string, not " .. checks.kindOf(sep), 2) end
  local args = { nodeOf(sep) }
  for i = 1, select("#", ...) do args[i + 1] = colNode((select(i, ...))) end
  return call("concat_ws", args)
end

-- instr(col, substr), locate(substr, col, pos=1): 1-based, 0 when absent.
function F.instr(c, substr) return call("instr", { colNode(c), nodeOf(substr) }) end
function F.locate(substr, c, pos) return call("locate", { nodeOf(substr), colNode(c), nodeOf(pos or 1) }) end

function F.translate(c, matching, replace)
  return call("translate", { colNode(c), nodeOf(matching), nodeOf(replace) })
end

-- repeat(col, n); Lua's `repeat` is a keyword: F["repeat"] or F.repeat_.
F["repeat"] = function(c, n) return call("repeat", { colNode(c), nodeOf(n) }) end
F.repeat_ = F["repeat"]

-- regexp_extract(col, pattern, idx): group idx of the first match, "" when none.
function F.regexp_extract(c, pattern, idx)
  return call("regexp_extract", { colNode(c), nodeOf(pattern), nodeOf(idx) })
end

-- sha2(col, numBits): 224, 256 (or 0), 384, 512.
function F.sha2(c, numBits) return call("sha2", { colNode(c), nodeOf(numBits) }) end

F.hash = columns_fn("hash")
F.ifnull = columns_fn("ifnull")
F.nvl = columns_fn("nvl")
F.nvl2 = columns_fn("nvl2")
F.nullif = columns_fn("nullif")

local function schema_of(schema)
  if type(schema) == "string" then
    local ok, t = pcall(T.parseSchema, schema)
    if not ok then error(t, 3) end
    return t
  end
  if not T.isType(schema) then error("from_json needs a schema (a struct type or a DDL string)", 3) end
  return schema
end

-- from_json(col, schema[, options]): options.mode is PERMISSIVE (default;
-- malformed records give nulls), DROPMALFORMED or FAILFAST;
-- options.columnNameOfCorruptRecord names a string field of the schema
-- that receives the raw text of malformed records.
function F.from_json(c, schema, options)
  local opts = {}
  for k, v in pairs(options or {}) do opts[k] = v end
  opts.schema = schema_of(schema)
  local mode = (opts.mode or "PERMISSIVE"):upper()
  if mode ~= "PERMISSIVE" and mode ~= "DROPMALFORMED" and mode ~= "FAILFAST" then
    error("from_json mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, not " .. tostring(opts.mode), 2)
  end
  opts.mode = mode
  return call("from_json", { colNode(c) }, opts)
end

function F.to_json(c, options) return call("to_json", { colNode(c) }, options or {}) end

-- udf(fn, returnType[, {perRow = true}]): by default fn runs once per batch
-- as fn(n, out, arg1, arg2, ...) over column views (see docs/streaming.md);
-- with perRow it runs as fn(v1, v2, ...) per row on Lua values — simpler,
-- and much slower.
function F.udf(fn, returnType, options)
  if type(fn) ~= "function" then error("udf needs a function", 2) end
  local ok, t = pcall(T.parse, returnType or "string")
  if not ok then error(t, 2) end
  local perRow = options and options.perRow or false
  return function(...)
    local args = {}
    for i = 1, select("#", ...) do args[i] = colNode((select(i, ...))) end
    return call("udf", args, { fn = fn, returnType = t, perRow = perRow })
  end
end

-- ---- datetime (tide.eval_datetime) ----------------------------------------------
-- Spark 3.5's functions over timestamps, in the session time zone
-- (spark.sql.session.timeZone; UTC unless set). Patterns are Spark's
-- datetime patterns ("yyyy-MM-dd HH:mm:ss"), given as Lua strings, as
-- PySpark takes them.

for _, name in ipairs({ "year", "quarter", "month", "dayofmonth", "day", "dayofweek", "weekday", "dayofyear",
                        "weekofyear", "hour", "minute", "second", "timestamp_seconds", "timestamp_millis",
                        "timestamp_micros", "unix_seconds", "unix_millis", "unix_micros" }) do
  F[name] = function(c)
    if c == nil then error(name .. "() needs a column", 2) end
    return call(name, { colNode(c) })
  end
end

local DEFAULT_PATTERN = "yyyy-MM-dd HH:mm:ss"

-- A Lua string argument as a literal; anything else fails at the line
-- that called F (level: how far up it is), with message naming its kind.
local function string_literal(v, message, level)
  if type(v) ~= "string" then error(message:format(checks.kindOf(v)), level + 1) end
  return { k = "lit", value = v }
end

local function pattern_node(name, format, level)
  if type(format) ~= "string" then
    error(("%s's format must be a datetime pattern string, such as 'yyyy-MM-dd', not %s"):format(name,
      checks.kindOf(format)), level + 1)
  end
  return { k = "lit", value = format }
end

-- date_format(col, format): the timestamp as text.
function F.date_format(c, format)
  return call("date_format", { colNode(c), pattern_node("date_format", format, 2) })
end

-- from_unixtime(col, format='yyyy-MM-dd HH:mm:ss'): seconds since the
-- epoch as text.
function F.from_unixtime(c, format)
  return call("from_unixtime", { colNode(c), pattern_node("from_unixtime", format or DEFAULT_PATTERN, 2) })
end

-- unix_timestamp(col=nil, format='yyyy-MM-dd HH:mm:ss'): seconds since the
-- epoch of a timestamp, or of a string parsed by format; now without col.
function F.unix_timestamp(c, format)
  if c == nil then return call("unix_timestamp", {}) end
  return call("unix_timestamp", { colNode(c), pattern_node("unix_timestamp", format or DEFAULT_PATTERN, 2) })
end

-- to_timestamp(col[, format]): without a format CAST(col AS timestamp),
-- with one the string parsed by the pattern (NULL when it does not match).
function F.to_timestamp(c, format)
  if format == nil then return call("to_timestamp", { colNode(c) }) end
  return call("to_timestamp", { colNode(c), pattern_node("to_timestamp", format, 2) })
end

-- from_utc_timestamp(col, tz) and to_utc_timestamp(col, tz): the
-- timestamp's wall-clock time in zone tz shown as if UTC, and back; tz a
-- zone's name ('Europe/Paris', '+02:00') or a Column of them.
for _, name in ipairs({ "from_utc_timestamp", "to_utc_timestamp" }) do
  F[name] = function(c, tz)
    if type(tz) ~= "string" and not column.isColumn(tz) then
      error(("%s(timestamp, tz) needs a time zone, a string such as 'Europe/Paris' or a Column, not %s"):format(
        name, checks.kindOf(tz)), 2)
    end
    return call(name, { colNode(c), type(tz) == "string" and { k = "lit", value = tz } or tz.node })
  end
end

-- date_trunc(format, col): note the unit first, as in PySpark ('year',
-- 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second', ...).
function F.date_trunc(format, c)
  return call("date_trunc", { string_literal(format,
    "date_trunc(format, timestamp) takes the unit first, a string such as 'month', not %s", 2), colNode(c) })
end

-- ---- dates (tide.eval_dates) -----------------------------------------------------
-- Spark 3.5's functions of dates; a string or a timestamp is read as a
-- date where one is wanted, as CAST(x AS date) reads it.

-- to_date(col[, format]): without a format CAST(col AS date), with one
-- the string parsed by the pattern (NULL when it does not match).
function F.to_date(c, format)
  if format == nil then return call("to_date", { colNode(c) }) end
  return call("to_date", { colNode(c), pattern_node("to_date", format, 2) })
end

function F.current_date() return call("current_date", {}) end
F.curdate = F.current_date

-- date_part(field, source) (extract, datepart): field a Column of a
-- literal, as PySpark's F.lit("YEAR"), or the name as a Lua string.
for _, name in ipairs({ "date_part", "datepart", "extract" }) do
  F[name] = function(field, source)
    local node = type(field) == "string" and { k = "lit", value = field } or colNode(field)
    return call(name, { node, colNode(source) })
  end
end

-- An int argument (days, months) given as a Lua number or a Column.
local function int_node(name, v, level)
  if type(v) == "number" then return { k = "lit", value = v } end
  if column.isColumn(v) or type(v) == "string" then return colNode(v) end
  error(("%s needs a number of days or months, or a Column, not %s"):format(name, checks.kindOf(v)), level + 1)
end

-- date_add(start, days), date_sub(start, days), add_months(start, months):
-- days and months a number or a Column.
for _, name in ipairs({ "date_add", "dateadd", "date_sub", "add_months" }) do
  F[name] = function(start, n) return call(name, { colNode(start), int_node(name, n, 2) }) end
end

-- datediff(end, start): the days from start to end.
F.datediff = columns_fn("datediff")
F.date_diff = columns_fn("date_diff")
F.last_day = columns_fn("last_day")
F.unix_date = columns_fn("unix_date")
F.date_from_unix_date = columns_fn("date_from_unix_date")
F.make_date = columns_fn("make_date")
-- make_timestamp(years, months, days, hours, mins, secs[, timezone]):
-- columns; timezone a zone's name.
function F.make_timestamp(years, months, days, hours, mins, secs, timezone)
  local args = { colNode(years), colNode(months), colNode(days), colNode(hours), colNode(mins), colNode(secs) }
  if timezone ~= nil then args[7] = type(timezone) == "string" and { k = "lit", value = timezone } or colNode(timezone) end
  return call("make_timestamp", args)
end

-- next_day(date, dayOfWeek): the first date after it that is a
-- 'Mon', 'Tue', ... ('MO', 'Monday' too).
function F.next_day(c, dayOfWeek)
  return call("next_day", { colNode(c), string_literal(dayOfWeek,
    "next_day(date, dayOfWeek) needs a day of the week, a string such as 'Mon', not %s", 2) })
end

-- trunc(date, format): the first day of its 'year', 'quarter', 'month' or
-- 'week' (note the date first, unlike date_trunc).
function F.trunc(c, format)
  return call("trunc", { colNode(c), string_literal(format,
    "trunc(date, format) takes the unit second, a string such as 'month', not %s", 2) })
end

-- months_between(date1, date2, roundOff=true): months from date2 to date1.
function F.months_between(a, b, roundOff)
  return call("months_between", { colNode(a), colNode(b), { k = "lit", value = roundOff ~= false } })
end

-- ---- for agg and orderBy ---------------------------------------------------------

-- The aggregate functions of agg() (computed by tide.dataframe_aggregate):
-- F.avg("x") is a call node that only agg accepts.
for _, name in ipairs({ "count", "sum", "avg", "mean", "min", "max", "stddev", "stddev_samp", "std",
                        "variance", "var_samp", "stddev_pop", "var_pop", "collect_list", "collect_set" }) do
  F[name] = function(c)
    if c == nil then error(name .. "() needs a column", 2) end
    return call(name, { colNode(c) })
  end
end

-- countDistinct(col, ...): Spark's count(DISTINCT a, ...).
function F.countDistinct(...)
  local n = select("#", ...)
  if n == 0 then error("countDistinct() needs a column", 2) end
  local args = {}
  for i = 1, n do args[i] = colNode((select(i, ...))) end
  return call("count_distinct", args)
end
F.count_distinct = F.countDistinct

-- approx_count_distinct(col[, rsd]): counted exactly, which is within any
-- relative error asked for.
function F.approx_count_distinct(c, rsd)
  if c == nil then error("approx_count_distinct() needs a column", 2) end
  return call("approx_count_distinct", { colNode(c), rsd ~= nil and { k = "lit", value = rsd } or nil })
end
F.approxCountDistinct = F.approx_count_distinct

-- first(col[, ignorenulls]) and last: the value of each group's first
-- (last) row, or its first (last) non-null one, in the rows' order.
for _, name in ipairs({ "first", "last" }) do
  F[name] = function(c, ignorenulls)
    if c == nil then error(name .. "() needs a column", 2) end
    if ignorenulls ~= nil and type(ignorenulls) ~= "boolean" then
      error(("%s(col, ignorenulls): ignorenulls is true or false, not %s"):format(name, checks.kindOf(ignorenulls)), 2)
    end
    return call(name, { colNode(c), ignorenulls and { k = "lit", value = true } or nil })
  end
end

-- grouping(col), grouping_id(): which keys a rollup's or cube's group
-- leaves out (tide.grouping_sets).
function F.grouping(c)
  if c == nil then error("grouping() needs a column", 2) end
  return column.wrap({ k = "call", fn = "grouping", args = { colNode(c) } })
end
function F.grouping_id() return column.wrap({ k = "call", fn = "grouping_id", args = {} }) end

-- window(timeColumn, windowDuration, slideDuration, startTime): an
-- event-time window, for groupBy (tide.time_window).
function F.window(...) return require("tide.time_window").window(...) end

-- Window functions (tide.window): F.row_number():over(w), F.lag("x"):over(w).
for name, fn in pairs(require("tide.window").functions) do F[name] = fn end

-- asc, desc, asc_nulls_first, ...: the sort orders of orderBy.
for name, order in pairs(column.sortOrders) do F[name] = order end

-- F.date_add(...) and other functions tide lacks fail naming themselves.
return setmetatable(F, { __index = checks.strictIndex("tide.functions", "function", F,
  "docs/streaming.md lists tide's, under Functions") })
