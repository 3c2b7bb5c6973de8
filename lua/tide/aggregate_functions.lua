-- tide.aggregate_functions — Spark 3.5's aggregates past count, sum,
-- avg, min, max, stddev/variance, first/last and collect_list/set, as
-- agg, select, selectExpr, spark:sql and windows take them:
--
--   df:groupBy("k"):agg(F.count_if(F.col("x"):gt(0)), F.max_by("name", "score"), F.corr("x", "y"),
--                       F.percentile("x", { 0.25, 0.75 }), F.median("x"), F.mode("site"))
--   df:selectExpr("bool_and(ok)", "sum(DISTINCT n)", "count(*) FILTER (WHERE x > 0)")
--
-- Some are what Spark itself rewrites them into, the aggregates tide had:
-- count_if(c) is count(CASE WHEN c THEN true END) (Spark's
-- count(nullif(c, false))), bool_and and bool_or min and max of booleans,
-- regr_count and regr_avgx/avgy a count and averages of the pairs
-- without nulls, any_value and first_value first, median percentile(x,
-- 0.5), array_agg collect_list. The others are C kernels per group or
-- window frame (engine/aggregate_lists.c, aggregate_moments.c,
-- aggregate_order.c). An aggregate's FILTER (WHERE cond) takes its
-- arguments only where cond holds (CASE WHEN cond THEN arg END), which the
-- aggregates skipping nulls make Spark's FILTER.
local T = require("tide.types")

local M = {}
local ID = T.ID

-- The C aggregate (tide_agg_fn) of each kernel's function.
local CODES = { max_by = 18, min_by = 19, product = 20, bit_and = 21, bit_or = 22, bit_xor = 23,
                skewness = 24, kurtosis = 25, covar_pop = 26, covar_samp = 27, corr = 28, regr_sxx = 29,
                regr_syy = 30, regr_sxy = 31, regr_slope = 32, regr_intercept = 33, regr_r2 = 34,
                percentile = 35, percentile_approx = 36, mode = 37, try_sum = 38, histogram_numeric = 39,
                approx_count_distinct = 40, bitmap_construct_agg = 41, bitmap_or_agg = 42 }
M.CODES = CODES

-- How many arguments each takes (at least, at most).
local ARITY = { max_by = { 2, 2 }, min_by = { 2, 2 }, product = { 1, 1 }, bit_and = { 1, 1 }, bit_or = { 1, 1 },
                bit_xor = { 1, 1 }, skewness = { 1, 1 }, kurtosis = { 1, 1 }, covar_pop = { 2, 2 },
                covar_samp = { 2, 2 }, corr = { 2, 2 }, regr_sxx = { 2, 2 }, regr_syy = { 2, 2 },
                regr_sxy = { 2, 2 }, regr_slope = { 2, 2 }, regr_intercept = { 2, 2 }, regr_r2 = { 2, 2 },
                percentile = { 2, 3 }, percentile_approx = { 2, 3 }, approx_percentile = { 2, 3 }, mode = { 1, 2 },
                count_if = { 1, 1 }, bool_and = { 1, 1 }, every = { 1, 1 }, bool_or = { 1, 1 }, some = { 1, 1 },
                any = { 1, 1 }, regr_count = { 2, 2 }, regr_avgx = { 2, 2 }, regr_avgy = { 2, 2 },
                any_value = { 1, 2 }, first_value = { 1, 2 }, last_value = { 1, 2 }, array_agg = { 1, 1 },
                median = { 1, 1 }, sum_distinct = { 1, 1 }, avg_distinct = { 1, 1 }, try_sum = { 1, 1 },
                try_avg = { 1, 1 }, histogram_numeric = { 2, 2 }, approx_count_distinct = { 1, 2 },
                bitmap_construct_agg = { 1, 1 }, bitmap_or_agg = { 1, 1 } }

-- sum(DISTINCT x) and avg(DISTINCT x): the aggregate over each group's
-- distinct values (F.sum_distinct, SQL's DISTINCT).
local OF_DISTINCT = { sum_distinct = "sum", avg_distinct = "avg" }
M.OF_DISTINCT = OF_DISTINCT
-- The aggregates duplicates do not change: SQL's DISTINCT in them only
-- shows in the name.
local DUPLICATE_BLIND = { min = true, max = true, bool_and = true, every = true, bool_or = true, some = true,
                          any = true, bit_and = true, bit_or = true, collect_set = true, bitmap_construct_agg = true,
                          bitmap_or_agg = true }

-- Argument positions that are parameters (literals), not columns.
local PARAMETERS = { percentile = { [2] = true }, percentile_approx = { [2] = true, [3] = true },
                     approx_percentile = { [2] = true, [3] = true }, mode = { [2] = true },
                     first = { [2] = true }, last = { [2] = true }, first_value = { [2] = true },
                     last_value = { [2] = true }, any_value = { [2] = true }, approx_count_distinct = { [2] = true },
                     histogram_numeric = { [2] = true } }

function M.isAggregate(fn) return ARITY[fn] ~= nil end
function M.isKernel(fn) return CODES[fn] ~= nil end
function M.isParameter(fn, i) return PARAMETERS[fn] ~= nil and PARAMETERS[fn][i] == true end

local function fail(msg) require("tide.checks").failAtUser(msg) end
local function to_string(node) return require("tide.sql_names").toString(node) end
local function lit(v) return { k = "lit", value = v } end
local function call(fn, ...) return { k = "call", fn = fn, args = { ... } } end
local function case_when(cond, value) return { k = "case", branches = { { when = cond, value = value } } } end

-- ---- names ----------------------------------------------------------------------------------

-- Spark's name of an aggregate call: its defaults shown (percentile(x,
-- 0.5, 1), percentile_approx(x, 0.5, 10000)), what only a parameter is left
-- out (first_value(x) of first_value(x, true)), DISTINCT and FILTER.
local DEFAULT_SHOWN = { percentile = { [3] = "1" }, percentile_approx = { [3] = "10000" },
                        approx_percentile = { [3] = "10000" } }
local UNSHOWN_SECOND = { first_value = true, last_value = true, any_value = true }
local function shown_name(node)
  -- percentile_cont(0.5) WITHIN GROUP (ORDER BY x): named as written
  if node.orderedSet then
    return node.filter and ("%s FILTER (WHERE %s)"):format(node.orderedSet, to_string(node.filter)) or node.orderedSet
  end
  local args, parts = node.args or {}, {}
  for i, a in ipairs(args) do parts[i] = to_string(a) end
  local fn = node.fn
  for i, text in pairs(DEFAULT_SHOWN[fn] or {}) do parts[i] = parts[i] or text end
  -- (approx_count_distinct's relativeSD is no part of Spark's name either)
  if UNSHOWN_SECOND[fn] or fn == "approx_count_distinct" then parts[2] = nil end
  local name
  if OF_DISTINCT[fn] then
    name = ("%s(DISTINCT %s)"):format(OF_DISTINCT[fn], parts[1] or "")
  elseif fn == "array_agg" then
    name = ("collect_list(%s)"):format(parts[1] or "") -- (Spark's CollectList keeps its own name)
  elseif node.distinct then
    name = ("%s(DISTINCT %s)"):format(node.distinctOf or fn, table.concat(parts, ", "))
  elseif ARITY[fn] then
    name = ("%s(%s)"):format(fn, table.concat(parts, ", "))
  else
    local plain = {}
    for k, v in pairs(node) do if k ~= "filter" and k ~= "sqlText" then plain[k] = v end end
    -- (first(x, true) is first(x): ignoring nulls is no argument of Spark's First)
    if fn == "first" or fn == "last" then plain.args = { args[1] } end
    name = to_string(plain)
  end
  if node.filter then name = ("%s FILTER (WHERE %s)"):format(name, to_string(node.filter)) end
  return name
end

-- A copy of an expression whose aggregate calls of this module (and any
-- with FILTER or DISTINCT) carry Spark's name (sqlText), so that the
-- names of expressions around them read as Spark's.
function M.annotate(node)
  if type(node) ~= "table" or getmetatable(node) or node.k == "lit" or node.k == "window" then return node end
  local copy = {}
  for k, v in pairs(node) do copy[k] = M.annotate(v) end
  if node.k == "call" and (ARITY[node.fn] or node.filter or node.distinct) then copy.sqlText = shown_name(copy) end
  return copy
end

-- ---- SQL: DISTINCT and FILTER -------------------------------------------------------------

-- fn(DISTINCT args) of SQL text (count's is count_distinct).
function M.distinctCall(fn, args)
  if (fn == "sum" or fn == "avg" or fn == "mean") and #args == 1 then
    return { k = "call", fn = fn == "sum" and "sum_distinct" or "avg_distinct", args = args }
  end
  if DUPLICATE_BLIND[fn] then return { k = "call", fn = fn, args = args, distinct = true } end
  -- collect_list(DISTINCT x) (array_agg's too): the distinct values,
  -- collect_set's, named as Spark names it
  if (fn == "collect_list" or fn == "array_agg") and #args == 1 then
    return { k = "call", fn = "collect_set", args = args, distinct = true, distinctOf = "collect_list" }
  end
  error(("%s(DISTINCT ...): tide takes DISTINCT in count, sum and avg, collect_list, and in the aggregates"
    .. " duplicates do not change (min, max, bool_and, bool_or, bit_and, bit_or, collect_set)"):format(fn), 0)
end

-- fn(...) FILTER (WHERE cond) of SQL text: only an aggregate has one.
function M.filtered(node, cond)
  local is_aggregate = require("tide.dataframe_aggregate").isAggregate
  if not is_aggregate(node) then
    error(("FILTER (WHERE ...) follows an aggregate function, not %s"):format(to_string(node)), 0)
  end
  node.filter = cond
  return node
end

-- ---- planning -------------------------------------------------------------------------------

local NUMERIC = { [ID.int] = true, [ID.long] = true, [ID.float] = true, [ID.double] = true, [ID.decimal] = true }

-- Whether an argument's type (typeof(arg): nil when it cannot tell yet,
-- left to the aggregate's own checks) is one of `ok`.
local function check_type(node, i, typeof, ok, wanted)
  local arg = node.args[i]
  local t = arg and typeof(arg)
  -- (an untyped NULL takes any type, as Spark's implicit cast of a NULL)
  if t and not ok[t.id] and not (t.id == 0 or t.void) then
    fail(("%s: the column %s is %s, which %s cannot take (Spark: it requires %s)"):format(shown_name(node),
      to_string(arg), t:simpleString(), node.fn, wanted))
  end
end
local BOOLEAN = { [ID.boolean] = true }

-- try_sum's and try_avg's argument: a string cast to double, as Spark's
-- implicit cast for a numeric aggregate.
local NUMERIC_OR_STRING = { [ID.string] = true }
for id in pairs(NUMERIC) do NUMERIC_OR_STRING[id] = true end
local function as_number(arg, t)
  if t and t.id == ID.string then return { k = "cast", expr = arg, to = T.double } end
  return arg
end

-- A boolean aggregate's argument: an untyped NULL as a boolean one.
local function as_boolean(arg, typeof)
  local t = typeof(arg)
  if t and (t.id == 0 or t.void) then return { k = "cast", expr = arg, to = T.boolean } end
  return arg
end

-- Spark's replacements of the aggregates tide computes as others.
local REWRITES = {
  count_if = function(a, typeof, node)
    check_type(node, 1, typeof, BOOLEAN, "a boolean")
    return call("count", case_when(as_boolean(a[1], typeof), lit(true)))
  end,
  bool_and = function(a, typeof, node)
    check_type(node, 1, typeof, BOOLEAN, "a boolean")
    return call("min", as_boolean(a[1], typeof))
  end,
  bool_or = function(a, typeof, node)
    check_type(node, 1, typeof, BOOLEAN, "a boolean")
    return call("max", as_boolean(a[1], typeof))
  end,
  regr_count = function(a, typeof, node)
    check_type(node, 1, typeof, NUMERIC, "numbers")
    check_type(node, 2, typeof, NUMERIC, "numbers")
    return call("count", case_when({ k = "isnotnull", expr = a[1] }, a[2]))
  end,
  regr_avgx = function(a, typeof, node)
    check_type(node, 1, typeof, NUMERIC, "numbers")
    check_type(node, 2, typeof, NUMERIC, "numbers")
    return call("avg", case_when({ k = "isnotnull", expr = a[1] }, a[2]))
  end,
  regr_avgy = function(a, typeof, node)
    check_type(node, 1, typeof, NUMERIC, "numbers")
    check_type(node, 2, typeof, NUMERIC, "numbers")
    return call("avg", case_when({ k = "isnotnull", expr = a[2] }, a[1]))
  end,
  first_value = function(a) return { k = "call", fn = "first", args = a } end,
  last_value = function(a) return { k = "call", fn = "last", args = a } end,
  array_agg = function(a) return call("collect_list", a[1]) end,
  median = function(a) return call("percentile", a[1], lit(0.5)) end,
  approx_percentile = function(a) return { k = "call", fn = "percentile_approx", args = a } end,
  -- try_sum and try_avg (Spark's TrySum, TryAverage): null where an
  -- addition overflows, which only a sum of ints or bigints does outside
  -- ANSI mode (its kernel); a sum of doubles goes to Infinity, a decimal
  -- sum past its precision and every average (a double sum, or a
  -- decimal's null past its precision) are already null there: sum and
  -- avg. A string is summed as a double, as Spark casts it.
  try_sum = function(a, typeof, node)
    local t = typeof(a[1])
    if t and (t.id == ID.int or t.id == ID.long) then return call("try_sum", a[1]) end
    check_type(node, 1, typeof, NUMERIC_OR_STRING, "numbers")
    return call("sum", as_number(a[1], t))
  end,
  -- (numbers other than decimals averaged as doubles, as Spark's Average
  -- sums them: so a micro-batch's partial sum, or a running frame's, is
  -- Spark's, where a bigint's would wrap)
  try_avg = function(a, typeof, node)
    check_type(node, 1, typeof, NUMERIC_OR_STRING, "numbers")
    local t = typeof(a[1])
    if t and t.id ~= ID.decimal and t.id ~= ID.double then
      return call("avg", { k = "cast", expr = a[1], to = T.double })
    end
    return call("avg", a[1])
  end,
  -- (its kernel's; a string's values as doubles, as Spark casts them)
  histogram_numeric = function(a, typeof) return call("histogram_numeric", as_number(a[1], typeof(a[1])), a[2]) end,
}
REWRITES.every, REWRITES.some, REWRITES.any = REWRITES.bool_and, REWRITES.bool_or, REWRITES.bool_or
REWRITES.any_value = REWRITES.first_value

-- The types Spark casts these aggregates' column to (its implicit casts).
local CAST_ARGUMENT = { bitmap_construct_agg = T.long, bitmap_or_agg = T.binary }

local AS_DOUBLE_WHEN_VOID = { sum = true, avg = true, mean = true, try_sum = true, try_avg = true, stddev = true,
  stddev_samp = true, stddev_pop = true, std = true, variance = true, var_samp = true, var_pop = true }

-- An aggregate call as tide computes it: FILTER made conditional
-- arguments, Spark's replacements made, the number of arguments checked.
-- typeof(node) is an argument's type, or nil. Fails at the user's line.
function M.prepare(node, typeof)
  local fn, args = node.fn, node.args or {}
  local arity = ARITY[fn]
  if arity and (#args < arity[1] or #args > arity[2]) then
    local wanted = arity[1] == arity[2] and tostring(arity[1]) or ("%d or %d"):format(arity[1], arity[2])
    fail(("%s takes %s arguments, not %d (Spark: The `%s` requires %s parameters but the actual number is %d)")
      :format(fn, wanted, #args, fn, wanted, #args))
  end
  if node.filter then
    local ignoring = args[2] and args[2].k == "lit" and args[2].value == true
    if (fn == "first" or fn == "last" or UNSHOWN_SECOND[fn]) and not ignoring then
      fail(("%s: FILTER with %s(x) (which takes a null row's null) is not supported by tide; %s(x, true) takes"
        .. " it"):format(shown_name(node), fn, fn))
    end
    local filtered = {}
    for i, a in ipairs(args) do
      if M.isParameter(fn, i) then
        filtered[i] = a
      else
        filtered[i] = case_when(node.filter, a.k == "star" and lit(1) or a)
      end
    end
    args = filtered
  end
  -- (a frequency of 1, percentile's default, counts no column)
  local third = args[3]
  if fn == "percentile" and third and third.k == "lit" and third.value == 1 then args = { args[1], args[2] } end
  -- an untyped NULL (Spark's void) averaged or summed: as a double, as
  -- Spark's implicit cast of it to a number (sum(NULL) is a double)
  local first = AS_DOUBLE_WHEN_VOID[fn] and args[1] and args[1].k ~= "star" and typeof(args[1])
  if first and first.void then
    args = { { k = "cast", expr = args[1], to = T.double }, unpack(args, 2) }
  end
  local wanted = CAST_ARGUMENT[fn]
  local given = wanted and typeof(args[1])
  if given and given.id ~= wanted.id then args = { { k = "cast", expr = args[1], to = wanted } } end
  local rewrite = REWRITES[fn]
  if rewrite then return rewrite(args, typeof, node) end
  if args == node.args then return node end
  local copy = {}
  for k, v in pairs(node) do copy[k] = v end
  copy.filter, copy.sqlText, copy.args = nil, nil, args
  return copy
end

-- The literal number of a node (0.5, -1, a decimal literal's text), or nil.
local function number_of(node)
  if node.k == "neg" then
    local v = number_of(node.expr)
    return v and -v
  end
  if node.k == "cast" then return number_of(node.expr) end
  if node.k ~= "lit" then return nil end
  local v = node.value
  if type(v) == "cdata" then return tonumber(v) end
  if type(v) == "string" and node.type then return tonumber(v) end
  return type(v) == "number" and v or nil
end
M.numberOf = number_of

-- percentile's and percentile_approx's percentages: a literal number, or
-- array(...) of them (F.percentile takes a Lua list too).
local function percentages_of(node, name)
  local arg = node.args[2]
  local list, as_array = {}, false
  if arg.k == "call" and arg.fn == "array" then
    as_array = true
    for i, a in ipairs(arg.args) do list[i] = number_of(a) or false end
  else
    list[1] = number_of(arg) or false
  end
  for _, p in ipairs(list) do
    if p == false then
      fail(("%s: the percentage(s) must be a constant literal, a number or array(...) of numbers, not %s"):format(
        name, to_string(arg)))
    elseif not (p >= 0 and p <= 1) then
      fail(("%s: Percentage(s) must be between 0.0 and 1.0, but got %s"):format(name, to_string(arg)))
    end
  end
  if #list == 0 then fail(("%s: no percentages in %s"):format(name, to_string(arg))) end
  return list, as_array
end

-- What a kernel's call (after prepare) takes besides its columns:
-- { code, percentages, asArray, other = the argument position of its
-- second column (or nil) }.
function M.kernel(node)
  local fn, name = node.fn, shown_name(node)
  local k = { code = CODES[fn] }
  if fn == "percentile" or fn == "percentile_approx" then
    k.percentages, k.asArray = percentages_of(node, name)
    if fn == "percentile" then
      k.other = node.args[3] and 3 or nil
    elseif node.args[3] then
      local accuracy = number_of(node.args[3])
      if not accuracy or accuracy ~= math.floor(accuracy) or accuracy <= 0 or accuracy > 2147483647 then
        fail(("%s: The accuracy provided must be a literal between (0, 2147483647] (current value = %s)"):format(
          name, to_string(node.args[3])))
      end
    end
  elseif fn == "histogram_numeric" then
    -- nb, an int literal from 2 (Spark's, which casts a bigint literal)
    local nb = number_of(node.args[2])
    if not nb then
      fail(('%s: the input nb should be a foldable "INT" expression; however, got "%s" (Spark:'
        .. ' DATATYPE_MISMATCH.NON_FOLDABLE_INPUT)'):format(name, to_string(node.args[2])))
    elseif nb ~= math.floor(nb) or nb < 2 or nb > 2147483647 then
      fail(("%s: The nb must be between [2, 2147483647] (current value = %s) (Spark:"
        .. " DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE)"):format(name, to_string(node.args[2])))
    end
    k.percentages = { nb } -- (the kernel's one parameter)
  elseif fn == "approx_count_distinct" then
    -- relativeSD (0.05 by default): Spark's HyperLogLog++ precision p =
    -- ceil(2 log2(1.106 / rsd)), at least 4 (engine/hll.h)
    local rsd = 0.05
    if node.args[2] then
      rsd = number_of(node.args[2])
      if not rsd then
        fail(("%s: approx_count_distinct takes a column and the relative error it may have (a number), not %s")
          :format(name, to_string(node.args[2])))
      end
    end
    local p = rsd > 0 and math.ceil(2 * math.log(1.106 / rsd) / math.log(2)) or math.huge
    if p < 4 then
      fail(("%s: HLL++ requires at least 4 bits for addressing. Use a lower error, at most 39%%."):format(name))
    elseif p > 24 then
      fail(("%s: the relative error %s asks for 2^%s registers per group; tide takes at most 2^24 (an error of"
        .. " 0.0003)"):format(name, tostring(rsd), tostring(p)))
    end
    k.percentages = { rsd }
  elseif fn == "mode" then
    local d = node.args[2]
    if d and not (d.k == "lit" and type(d.value) == "boolean") then
      fail(("%s: mode(col, deterministic) takes true or false, not %s"):format(name, to_string(d)))
    end
  elseif ARITY[fn][1] == 2 then
    k.other = 2
  end
  return k
end

local function describe(t) return t:simpleString() end

-- The result type of a kernel's call over columns of types xt (the first)
-- and ot (the second, or nil); fails naming the call when Spark would.
function M.resultType(node, k, xt, ot)
  local fn, name = node.fn, shown_name(node)
  local function refuse(t, which, wanted)
    fail(("%s: the column%s is %s, which %s cannot take (Spark: it requires %s)"):format(name,
      which and (" " .. which) or "", describe(t), fn, wanted))
  end
  if fn == "max_by" or fn == "min_by" then
    if T.unordered(ot) then refuse(ot, to_string(node.args[2]), "an orderable type") end
    return xt
  elseif fn == "bit_and" or fn == "bit_or" or fn == "bit_xor" then
    if xt.id ~= ID.int and xt.id ~= ID.long then refuse(xt, nil, "an integral type") end
    return xt
  elseif fn == "bitmap_construct_agg" or fn == "bitmap_or_agg" then
    local wanted = fn == "bitmap_or_agg" and ID.binary or ID.long
    if xt.id ~= wanted then refuse(xt, nil, fn == "bitmap_or_agg" and "a binary" or "a bigint") end
    return T.binary
  elseif fn == "try_sum" then
    if xt.id ~= ID.int and xt.id ~= ID.long then refuse(xt, nil, "numbers") end
    return T.long
  elseif fn == "histogram_numeric" then
    -- array<struct<x: the input's type, y: double>>, as Spark 3.5's
    -- (spark.sql.legacy.histogramNumericPropagateInputType)
    if xt.id == ID.decimal then
      fail(("%s: the column is %s, which histogram_numeric cannot take in tide (Spark 3.5 fails on decimals"
        .. " when it runs); cast it to double"):format(name, describe(xt)))
    end
    if not (NUMERIC[xt.id] or xt.id == ID.date or xt.id == ID.timestamp) then
      refuse(xt, nil, "a number, a date or a timestamp")
    end
    return T.array(T.struct { T.field("x", xt, true), T.field("y", T.double, true) }, true)
  elseif fn == "mode" then
    if T.unordered(xt) then refuse(xt, nil, "a type tide can compare") end
    return xt
  elseif fn == "approx_count_distinct" then
    -- (hashed as xxhash64 hashes them; tide hashes no vectors or maps)
    if T.unordered(xt) then
      fail(("%s: the column is %s, which tide's approx_count_distinct does not hash"):format(name, describe(xt)))
    end
    return T.long
  elseif fn == "percentile_approx" then
    if not (NUMERIC[xt.id] or xt.id == ID.date or xt.id == ID.timestamp) then
      refuse(xt, nil, "a number, a date or a timestamp")
    end
    return k.asArray and T.array(xt, false) or xt
  end
  if not NUMERIC[xt.id] then refuse(xt, ot and to_string(node.args[1]), "numbers") end
  if fn == "percentile" then
    if ot and ot.id ~= ID.int and ot.id ~= ID.long then
      refuse(ot, to_string(node.args[3]), "an integral frequency")
    end
    return k.asArray and T.array(T.double, false) or T.double
  end
  if ot and k.other and not NUMERIC[ot.id] then refuse(ot, to_string(node.args[2]), "numbers") end
  return T.double
end

return M
