-- tide.functions — pyspark.sql.functions for tide. Where PySpark takes a
-- column or a column name, so does tide: F.lower("site_id") and
-- F.lower(F.col("site_id")) are the same.
--
--   local F = tide.functions
--   df:select(F.from_json(F.col("value"), schema):alias("data"))
--   df:withColumn("processed_at", F.current_timestamp())
--
-- The aggregates of agg and the sort orders of orderBy are here too, so
-- that F is whole however it is reached, with or without a session; the
-- functions of each area are in tide.functions.math, .text, .arrays and
-- .datetime.
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")

local common = require("tide.functions.common")

local F = {}
local wrap, colNode, nodeOf, conditionNode = common.wrap, common.colNode, common.nodeOf, common.conditionNode
local call, columns_fn, column_fn = common.call, common.columnsFn, common.columnFn

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

-- broadcast(df): Spark's hint that df is small enough to send to every
-- executor; one process joins any DataFrame as it is, so df itself.
function F.broadcast(df)
  local ok, hinted = pcall(function() return df:hint("broadcast") end)
  if not ok then error(("broadcast needs a DataFrame, not %s"):format(require("tide.checks").kindOf(df)), 2) end
  return hinted
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
-- now(): current_timestamp(), and so named, as PySpark's.
F.now = F.current_timestamp

-- equal_null(a, b): a <=> b; typeof(col): Spark's name of its type;
-- named_struct(F.lit("a"), col, ...): names as literal Columns.
F.equal_null = columns_fn("equal_null")
F.typeof = columns_fn("typeof")
F.named_struct = columns_fn("named_struct")
-- Values of their own (a "partition" is a micro-batch, docs/streaming.md),
-- and the session's constants.
for _, name in ipairs({ "monotonically_increasing_id", "input_file_name", "input_file_block_start",
                        "input_file_block_length", "current_database", "current_catalog", "current_schema", "version",
                        "current_user", "user", "session_user" }) do
  F[name] = function() return call(name, {}) end
end
-- raise_error(message): fails the query with the message (a Column or a
-- string), where it is evaluated.
function F.raise_error(message)
  return call("raise_error", { type(message) == "string" and { k = "lit", value = message } or colNode(message) })
end
-- assert_true(col[, errMsg]): NULL where col is true; a row where it is
-- false or NULL fails the query with errMsg (a Column or a string) or
-- Spark's "'col' is not true!".
function F.assert_true(c, errMsg)
  if c == nil then error("assert_true() needs a column", 2) end
  local msg = errMsg
  if type(errMsg) == "string" then
    msg = { k = "lit", value = errMsg }
  elseif errMsg ~= nil then
    msg = colNode(errMsg)
  end
  return call("assert_true", { colNode(c), msg })
end
-- (named as Spark's prettyName writes it, wherever it stands)
function F.spark_partition_id()
  return wrap { k = "call", fn = "spark_partition_id", args = {} }
end


-- ---- json and udf ----------------------------------------------------------------

local function schema_of(schema)
  if type(schema) == "string" then
    local ok, t = pcall(T.parseSchemaOrJson, schema) -- DDL or Spark's JSON, as Spark's
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

-- from_csv(col, schema[, options]): schema a DDL string, a struct type, or
-- a Column folding to a DDL string (schema_of_csv(...)); options as Spark's
-- (mode PERMISSIVE or FAILFAST, columnNameOfCorruptRecord, sep, ...).
-- to_csv(struct[, options]); schema_of_csv(csv[, options]): csv a CSV
-- text (a Lua string is the text, as PySpark's) or a literal Column.
function F.from_csv(c, schema, options)
  local opts = {}
  for k, v in pairs(options or {}) do opts[k] = v end
  if column.isColumn(schema) then
    opts.schemaNode = schema.node
  else
    local ok, t = pcall(require("tide.eval_csv").schemaOf, schema)
    if not ok then error(t, 2) end
    opts.schema = t
  end
  return call("from_csv", { colNode(c) }, opts)
end
function F.to_csv(c, options) return call("to_csv", { colNode(c) }, options or {}) end
function F.schema_of_csv(csv, options) return call("schema_of_csv", { nodeOf(csv) }, options or {}) end

-- get_json_object(col, path): path a string (Spark's JsonPath: "$.a[0].b").
function F.get_json_object(c, path) return call("get_json_object", { colNode(c), nodeOf(path) }) end
-- json_tuple(col, field, ...): a generator of columns c0, c1, ... (in a
-- select, as explode): df:select(F.json_tuple("value", "a", "b")).
function F.json_tuple(c, ...)
  local args = { colNode(c) }
  for i = 1, select("#", ...) do args[i + 1] = nodeOf((select(i, ...))) end
  return call("json_tuple", args)
end
F.json_array_length = columns_fn("json_array_length")
F.json_object_keys = columns_fn("json_object_keys")
-- schema_of_json(json[, options]): json a JSON text (a Lua string is the
-- text, as PySpark's), or a literal Column of one.
function F.schema_of_json(json, options)
  return call("schema_of_json", { nodeOf(json) }, options or {})
end

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

-- F.call_function(name, cols...) / F.call_udf(name, cols...): a function
-- of SQL by its name, a built-in or one spark.udf:register made.
function F.call_function(name, ...)
  if type(name) ~= "string" then error("call_function needs a function name", 2) end
  local args = {}
  for i = 1, select("#", ...) do args[i] = colNode((select(i, ...))) end
  return call(name, args)
end
F.call_udf = F.call_function

-- ---- the areas' functions ------------------------------------------------------

for _, area in ipairs({ "math", "text", "arrays", "datetime" }) do
  for name, fn in pairs(require("tide.functions." .. area)) do F[name] = fn end
end

-- ---- for agg and orderBy ---------------------------------------------------------

-- The aggregate functions of agg() (computed by tide.dataframe_aggregate):
-- F.avg("x") is a call node that only agg accepts.
for _, name in ipairs({ "count", "sum", "avg", "mean", "min", "max", "stddev", "stddev_samp", "std",
                        "variance", "var_samp", "stddev_pop", "var_pop", "collect_list", "collect_set" }) do
  F[name] = column_fn(name)
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

-- approx_count_distinct(col[, rsd]): Spark's HyperLogLog++ estimate
-- (tide.aggregate_functions, engine/hll.h); rsd 0.05 by default.
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

-- Spark 3.5's other aggregates (tide.aggregate_functions): of a column,
-- of two (max_by(x, ord); corr(x, y); regr_*(y, x)), and of a column and
-- parameters.
for _, name in ipairs({ "count_if", "bool_and", "every", "bool_or", "some", "product", "bit_and", "bit_or", "bit_xor",
                        "skewness", "kurtosis", "median", "array_agg", "try_sum", "try_avg", "bitmap_construct_agg",
                        "bitmap_or_agg" }) do
  F[name] = column_fn(name)
end
-- (the bitmap aggregates' scalar halves)
for _, name in ipairs({ "bitmap_bucket_number", "bitmap_bit_position", "bitmap_count" }) do
  F[name] = column_fn(name)
end
for _, name in ipairs({ "max_by", "min_by", "corr", "covar_pop", "covar_samp", "regr_count", "regr_avgx", "regr_avgy",
                        "regr_sxx", "regr_syy", "regr_sxy", "regr_slope", "regr_intercept", "regr_r2" }) do
  F[name] = function(a, b)
    if a == nil or b == nil then error(name .. "() needs two columns", 2) end
    return call(name, { colNode(a), colNode(b) })
  end
end

-- sum_distinct(col): sum(DISTINCT col) (sumDistinct, PySpark's older name).
function F.sum_distinct(c)
  if c == nil then error("sum_distinct() needs a column", 2) end
  return call("sum_distinct", { colNode(c) })
end
F.sumDistinct = F.sum_distinct

-- any_value(col[, ignoreNulls]), first_value and last_value: first(col) and
-- last(col) by Spark's other names.
for _, name in ipairs({ "any_value", "first_value", "last_value" }) do
  F[name] = function(c, ignorenulls)
    if c == nil then error(name .. "() needs a column", 2) end
    if ignorenulls ~= nil and type(ignorenulls) ~= "boolean" then
      error(("%s(col, ignoreNulls): ignoreNulls is true or false, not %s"):format(name, checks.kindOf(ignorenulls)), 2)
    end
    return call(name, { colNode(c), ignorenulls ~= nil and { k = "lit", value = ignorenulls } or nil })
  end
end

-- A percentage (a number), a Lua list of them or a Column of a literal.
local function percentage_node(p, what)
  if type(p) == "table" and not column.isColumn(p) then
    local items = {}
    for i, v in ipairs(p) do
      if type(v) ~= "number" then
        error(("%s: the percentages are numbers, not %s"):format(what, checks.kindOf(v)), 3)
      end
      items[i] = { k = "lit", value = v }
    end
    return { k = "call", fn = "array", args = items }
  end
  if p == nil then error(what .. "() needs a percentage", 3) end
  return nodeOf(p)
end

-- percentile(col, percentage[, frequency]): exact, interpolated between
-- the two nearest values (Spark's); percentage a number or a list of them.
function F.percentile(c, percentage, frequency)
  if c == nil then error("percentile() needs a column", 2) end
  return call("percentile", { colNode(c), percentage_node(percentage, "percentile"),
                              frequency ~= nil and colNode(frequency) or nil })
end

-- percentile_approx(col, percentage[, accuracy]) (approx_percentile):
-- computed exactly, the first value whose rank reaches ceil(p * n).
for _, name in ipairs({ "percentile_approx", "approx_percentile" }) do
  F[name] = function(c, percentage, accuracy)
    if c == nil then error(name .. "() needs a column", 2) end
    return call(name, { colNode(c), percentage_node(percentage, name),
                        accuracy ~= nil and nodeOf(accuracy) or nil })
  end
end

-- histogram_numeric(col, nBins): Spark's approximate histogram of nBins
-- bins (a number, or a literal Column), an array of structs (x, y).
function F.histogram_numeric(c, nBins)
  if c == nil or nBins == nil then error("histogram_numeric() needs a column and a number of bins", 2) end
  return call("histogram_numeric", { colNode(c), type(nBins) == "number" and nodeOf(nBins) or colNode(nBins) })
end

-- mode(col[, deterministic]): the most frequent value; of equally frequent
-- ones the least (either way).
function F.mode(c, deterministic)
  if c == nil then error("mode() needs a column", 2) end
  if deterministic ~= nil and type(deterministic) ~= "boolean" then
    error(("mode(col, deterministic): deterministic is true or false, not %s"):format(checks.kindOf(deterministic)), 2)
  end
  return call("mode", { colNode(c), deterministic ~= nil and { k = "lit", value = deterministic } or nil })
end

-- grouping(col), grouping_id([cols...]): which keys a rollup's or cube's
-- group leaves out (tide.grouping_sets).
function F.grouping(c)
  if c == nil then error("grouping() needs a column", 2) end
  return column.wrap({ k = "call", fn = "grouping", args = { colNode(c) } })
end
function F.grouping_id(...)
  local args = {}
  for i = 1, select("#", ...) do args[i] = colNode((select(i, ...))) end
  return column.wrap({ k = "call", fn = "grouping_id", args = args })
end

-- window(timeColumn, windowDuration, slideDuration, startTime): an
-- event-time window, for groupBy (tide.time_window).
function F.window(...) return require("tide.time_window").window(...) end

-- session_window(timeColumn, gapDuration): a session window, for groupBy
-- (tide.session_window).
function F.session_window(...) return require("tide.session_window").sessionWindow(...) end

-- Window functions (tide.window): F.row_number():over(w), F.lag("x"):over(w).
for name, fn in pairs(require("tide.window").functions) do F[name] = fn end

-- asc, desc, asc_nulls_first, ...: the sort orders of orderBy.
for name, order in pairs(column.sortOrders) do F[name] = order end

-- F.date_add(...) and other functions tide lacks fail naming themselves.
return setmetatable(F, { __index = checks.strictIndex("tide.functions", "function", F,
  "docs/streaming.md lists tide's, under Functions") })
