-- tide.dataframe_aggregate_specs — the aggregate calls of grouping and
-- aggregation (tide.dataframe_aggregate): which calls are aggregates, and
-- the spec of each, what tide.dataframe_aggregate_batch computes it by:
--
--   { code, column, name, type, nullable }   one C aggregate (engine/aggregate.c) of a column
--                                            (0-based; nil for count(*)), named as Spark names it
--   distinct = { columns }                   count(DISTINCT a, ...)
--   distinctRows = true                      sum(DISTINCT x): the code over distinct (keys, x)
--   kernel = true, column2, percentages      tide.aggregate_functions' kernels (corr, max_by,
--                                            approx_count_distinct's HyperLogLog++, ...)
--   zero = true                              count(NULL): 0 for every group
--
-- Each spec function's errors are at `level` (1: its caller), as Lua's error counts.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local ops = require("tide.dataframe_ops")
local more = require("tide.aggregate_functions")

local M = {}
local index_of = ops.index_of

-- The C aggregate of each of tide.functions' aggregates (F.avg, ...).
local AGG = { count = 1, sum = 2, avg = 3, mean = 3, min = 4, max = 5, stddev = 6, stddev_samp = 6,
              std = 6, variance = 7, var_samp = 7, stddev_pop = 8, var_pop = 9, first = 10, last = 11,
              collect_list = 14, collect_set = 15 }
-- first(x, true) and last(x, true) skip nulls: codes of their own.
local IGNORING_NULLS = { [AGG.first] = 12, [AGG.last] = 13 }
-- Spark's name of the result column: avg(x); mean is shown as avg.
local AGG_LABEL = { mean = "avg" }
-- The exact distinct count, count(DISTINCT a, ...) (approx_count_distinct
-- is a kernel's, tide.aggregate_functions).
local DISTINCT = { count_distinct = true }
M.AGG = AGG

local function is_aggregate(node)
  return type(node) == "table" and node.k == "call"
    and (AGG[node.fn] ~= nil or DISTINCT[node.fn] ~= nil or more.isAggregate(node.fn))
end
M.isAggregate = is_aggregate

-- Whether an expression node (or a list of them) holds an aggregate call.
local function has_aggregate(node)
  if type(node) ~= "table" or getmetatable(node) or node.k == "window" then return false end
  if is_aggregate(node) then return true end
  for _, v in pairs(node) do
    if type(v) == "table" and has_aggregate(v) then return true end
  end
  return false
end
M.hasAggregate = has_aggregate

-- One aggregate: {code, column = 0-based index or nil (count(*)), name
-- = output, type}; its errors are at `level` (1: agg_spec's caller).
-- `from`: the DataFrame a column reference came from (df.x), if any.
local function agg_spec(schema, fn, colname, alias, level, from)
  local code = AGG[fn]
  if not code then error(("unknown aggregate function %q"):format(tostring(fn)), level + 1) end
  local label = AGG_LABEL[fn] or fn
  if colname == "*" or colname == nil then
    if code ~= AGG.count then error(fn .. "(*) is not an aggregate; only count(*) is", level + 1) end
    return { code = code, column = nil, name = alias or "count(1)", type = T.long }
  end
  local idx = index_of(schema, colname, fn, level + 1, from)
  local field = schema.fields[idx + 1]
  local t = field.dataType
  local p, s = ffi.new("int32_t[1]", t.precision or 0), ffi.new("int32_t[1]", t.scale or 0)
  local rid = C.tide_agg_result_type(code, t.id, p, s)
  local ordered = code == AGG.collect_set or code == AGG.min or code == AGG.max
  if rid == 0 or (ordered and T.unordered(t)) then
    error(("%s(%s): the column is %s, which %s cannot take"):format(label, field.name, t:simpleString(), label),
      level + 1)
  end
  if t.interval and code ~= AGG.count and not (rid == t.id or code == AGG.sum or collect) then
    -- (avg of an interval is a call's: F.avg(x), AVG(x) in SQL, tide.eval_intervals)
    error(("%s(%s): the column is %s, which tide's %s takes only as a call: F.%s(\"%s\")"):format(label,
      field.name, t:simpleString(), label, label, field.name), level + 1)
  end
  -- collect_list and collect_set: Spark's array<input> without nulls,
  -- never null itself; the aggregates that take a row's value (min,
  -- first, ...) keep its type, nested ones too.
  local collect = code == AGG.collect_list or code == AGG.collect_set
  local result = collect and T.array(t, false)
    or ((t.bits or t.void or t.ntz or (t.interval and code ~= AGG.count)) and rid == t.id and t)
    or T.fromId(rid, p[0], s[0])
    or t
  return { code = code, column = idx, name = alias or ("%s(%s)"):format(label, field.name),
           type = result, nullable = not collect }
end

-- count(DISTINCT a, ...): the 0-based indices of its columns in
-- `distinct`, which tide.dataframe_aggregate_batch counts per group. Errors
-- at `level`, as agg_spec's.
local function distinct_spec(schema, node, alias, level)
  local names, cols = {}, {}
  for i, arg in ipairs(node.args) do
    if arg.k ~= "col" then error("countDistinct() takes column names", level + 1) end
    local idx = index_of(schema, arg.name, "countDistinct", level + 1, arg.from)
    local field = schema.fields[idx + 1]
    if T.unordered(field.dataType) then
      error(("countDistinct: column %s is %s, which cannot be counted distinct"):format(field.name,
        field.dataType:simpleString()), level + 1)
    end
    names[i], cols[i] = field.name, idx
  end
  local label = ("count(DISTINCT %s)"):format(table.concat(names, ", "))
  return { distinct = cols, name = alias or label, type = T.long }
end

-- One of tide.aggregate_functions' kernels (max_by, corr, percentile,
-- ...) of a call whose column arguments are columns: spec.column and
-- column2 its columns, and what the kernel takes besides.
local function kernel_spec(schema, node, alias, level)
  local k = more.kernel(node)
  local function column_at(i)
    local arg = node.args[i]
    local idx = index_of(schema, arg.name, node.fn, level + 1, arg.from)
    return idx, schema.fields[idx + 1].dataType
  end
  local x, xt = column_at(1)
  local other, ot
  if k.other then other, ot = column_at(k.other) end
  local t = more.resultType(node, k, xt, ot)
  return { code = k.code, kernel = true, column = x, column2 = other, percentages = k.percentages,
           asArray = k.asArray, name = alias or node.sqlText or require("tide.sql_names").toString(node), type = t,
           nullable = true }
end

-- The aggregate of an aggregate call node whose arguments are columns
-- (or count's literal or *), named `alias` or as Spark names it; errors
-- at `level`, as agg_spec's. Its calls are no tail calls, so that the
-- levels count this function.
local function spec_from_node(schema, node, alias, level)
  if DISTINCT[node.fn] then
    local spec = distinct_spec(schema, node, alias, level + 1)
    return spec
  end
  if more.OF_DISTINCT[node.fn] then
    -- sum(DISTINCT x): the aggregate over the rows that are the first of
    -- their (keys, x) (tide.dataframe_aggregate_batch).
    local arg = node.args[1]
    local spec = agg_spec(schema, more.OF_DISTINCT[node.fn], arg.name, alias or node.sqlText, level + 1, arg.from)
    spec.distinctRows = true
    return spec
  end
  if more.isKernel(node.fn) then
    local spec = kernel_spec(schema, node, alias, level + 1)
    return spec
  end
  local arg = node.args[1]
  if not arg then error(("%s() needs a column"):format(node.fn), level + 1) end
  if IGNORING_NULLS[AGG[node.fn]] then
    local ignore = node.args[2]
    if #node.args > 2 or (ignore and (ignore.k ~= "lit" or type(ignore.value) ~= "boolean")) then
      error(("%s takes a column and whether to ignore nulls (a boolean)"):format(node.fn), level + 1)
    end
    local spec = agg_spec(schema, node.fn, arg.name, alias, level + 1)
    if ignore and ignore.value then spec.code = IGNORING_NULLS[spec.code] end
    return spec
  end
  if #node.args > 1 then error(("%s() takes one column, not %d"):format(node.fn, #node.args), level + 1) end
  local name
  if arg.k == "star" and not arg.prefix then
    name = "*"
  elseif arg.k == "lit" and node.fn == "count" then
    -- count(NULL) counts no row (Spark: 0), count(1) or count('a') every row.
    local label = ("count(%s)"):format(require("tide.sql").outputName(arg))
    if arg.value == nil then return { zero = true, name = alias or label, type = T.long } end
    local spec = agg_spec(schema, node.fn, "*", alias or label, level + 1)
    return spec
  elseif arg.k == "col" then
    name = arg.name
  else
    error(("%s() takes a column name"):format(node.fn), level + 1)
  end
  local spec = agg_spec(schema, node.fn, name, alias, level + 1, arg.from)
  return spec
end

M.aggSpec = agg_spec
M.specFromNode = spec_from_node

return M
