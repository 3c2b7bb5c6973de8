-- tide.dataframe_stat — df.stat, PySpark's DataFrameStatFunctions, and the
-- DataFrame's own forms of its methods, on batch DataFrames:
--
--   df.stat:approxQuantile("x", {0.25, 0.5}, 0.01) -> {q25, q50}    ({"x", "y"}: a list per column)
--   df.stat:corr("x", "y"), df.stat:cov("x", "y")  -> a number (Pearson; sample covariance)
--   df.stat:crosstab("k", "v")                      -> DataFrame k_v, then a bigint column per value of v
--   df.stat:freqItems({"a", "b"}, 0.4)              -> DataFrame of one row: a_freqItems, b_freqItems
--   df.stat:sampleBy("k", {[0] = 0.1, [1] = 0.5}, 7) -> DataFrame, rows of each stratum kept by its fraction
--
-- df:approxQuantile, df:corr, ... are the same, as in PySpark; each also
-- takes PySpark's keywords as one table (df:corr{col1 = "x", col2 = "y"}).
-- Each is built as Spark 3.5's StatFunctions builds it, from tide's
-- operators: corr and cov one aggregation (corr, covar_samp) of the
-- columns as doubles with nulls as 0.0; approxQuantile one aggregation of
-- percentile_approx per column (NaN and nulls left out); crosstab a
-- groupBy/pivot/count of the values as strings, nulls filled with 0;
-- sampleBy a filter rand(seed) < the stratum's fraction; freqItems Karp,
-- Schenker and Papadimitriou's counting over the column's groups
-- (tide_group_rows), rows in order. Argument errors name the method and
-- the argument, at the caller's line; a streaming DataFrame is refused but
-- by sampleBy, a filter. dataframe.lua calls install with its module.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")

local M = {}
local ID = T.ID
local fail = checks.failAtUser
local errbuf, ERRLEN, cerr = ops.errbuf, ops.ERRLEN, ops.cerr
local NUMERIC = { [ID.int] = true, [ID.long] = true, [ID.float] = true, [ID.double] = true, [ID.decimal] = true }

-- tide.functions loads after tide.dataframe (it reaches the window and
-- generator modules), so it is required at the call.
local function Fn() return require("tide.functions") end

-- What a value is, for messages; a Column said so rather than "a table".
local function kind_of(v)
  if column.isColumn(v) then return "a Column" end
  return checks.kindOf(v)
end

-- PySpark's keyword arguments as one table (corr{col1 = "a", col2 = "b"}):
-- the values of names in order, or nil when first is not such a table. A
-- name not among them fails, naming the method.
local function keywords(method, first, names)
  if type(first) ~= "table" or getmetatable(first) ~= nil or first[1] ~= nil then return nil end
  local known, any = {}, false
  for _, name in ipairs(names) do known[name] = true end
  for key in pairs(first) do
    if not known[key] then
      fail(("%s: unknown argument %s (it takes %s)"):format(method, tostring(key), table.concat(names, ", ")))
    end
    any = true
  end
  if not any then return nil end
  local values = {}
  for i, name in ipairs(names) do values[i] = first[name] end
  return values
end

-- Spark runs these as queries: a stream has no end to run them to.
local function batch_only(df, method)
  if df._streaming then
    fail(("Queries with streaming sources must be executed with writeStream:start() (%s)"):format(method))
  end
end

-- The 1-based index of the field a column name resolves to, as
-- expressions resolve names; an unknown or ambiguous name fails naming
-- the method.
local function field_index(df, name, method)
  local schema = df._plan.schema
  local i, ambiguous = schema:resolveField(name)
  if ambiguous then fail(method .. ": " .. ambiguous) end
  if not i then
    local columns = schema:fieldNames()
    fail(("%s: cannot resolve column %q (columns: %s)%s"):format(method, name, table.concat(columns, ", "),
      require("tide.suggest").column(name, columns)))
  end
  return i
end

local function column_ref(df, i)
  return column.wrap({ k = "col", name = df._plan.schema.fields[i].name, index = i - 1 })
end

-- A column name argument (a string), or an error naming it.
local function name_arg(method, what, v)
  if type(v) ~= "string" then
    fail(("%s: %s should be a column name (a string), not %s"):format(method, what, kind_of(v)))
  end
  return v
end

-- The elements of a list argument: a Lua list (n: its length when it has
-- holes, as collect's lists).
local function list_items(v)
  local out = {}
  for i = 1, v.n or #v do out[i] = v[i] end
  return out, v.n or #v
end

local function is_list(v) return type(v) == "table" and not column.isColumn(v) end

-- ---- approxQuantile ----------------------------------------------------------------------------

-- Spark's summaries answer a probability within relativeError of 0 (of 1)
-- with the least (greatest) value, and the others with a value whose rank
-- is within relativeError * n of ceil(p * n); with relativeError 0 that is
-- the value at rank ceil(p * n) (the least for p = 0). tide answers the
-- others with that exact value, which is within any relativeError.
local function approx_quantile(df, col, probabilities, relative_error)
  local method = "approxQuantile"
  local kw = keywords(method, col, { "col", "probabilities", "relativeError" })
  if kw then col, probabilities, relative_error = kw[1], kw[2], kw[3] end
  local single = type(col) == "string"
  local names, count
  if single then
    names, count = { col }, 1
  elseif is_list(col) then
    names, count = list_items(col)
    for k = 1, count do
      if type(names[k]) ~= "string" then
        fail(("approxQuantile: col should hold column names (strings), not %s (item %d)"):format(
          kind_of(names[k]), k))
      end
    end
  else
    fail(("approxQuantile: col should be a column name or a list of them, not %s"):format(kind_of(col)))
  end
  if not is_list(probabilities) then
    fail(("approxQuantile: probabilities should be a list of numbers in [0, 1], not %s"):format(
      kind_of(probabilities)))
  end
  local probs, np = list_items(probabilities)
  for k = 1, np do
    local p = probs[k]
    if type(p) ~= "number" or not (p >= 0 and p <= 1) then
      fail(("approxQuantile: probabilities should be numbers in [0, 1], not %s (item %d)"):format(
        type(p) == "number" and tostring(p) or kind_of(p), k))
    end
  end
  if type(relative_error) ~= "number" then
    fail(("approxQuantile: relativeError should be a number, not %s"):format(kind_of(relative_error)))
  end
  if not (relative_error >= 0) then
    fail(("approxQuantile: relativeError must be greater than or equal to 0, got %s"):format(
      tostring(relative_error)))
  end
  local indices = {}
  for k = 1, count do
    local i = field_index(df, names[k], method)
    local t = df._plan.schema.fields[i].dataType
    if not NUMERIC[t.id] then
      fail(("approxQuantile: Quantile calculation for column %s with data type %s is not supported"):format(
        names[k], t:simpleString()))
    end
    indices[k] = i
  end
  batch_only(df, method)
  local out = {}
  for k = 1, count do out[k] = {} end
  if np > 0 and count > 0 then
    local err = math.min(relative_error, 1)
    local targets = {}
    for k = 1, np do
      local p = probs[k]
      targets[k] = (p <= err and 0) or (p >= 1 - err and 1) or p
    end
    local F = Fn()
    local aggs = {}
    for k, i in ipairs(indices) do
      local x = F.nanvl(column_ref(df, i):cast("double"), F.lit(nil))
      aggs[k] = F.percentile_approx(x, targets):alias(("q%d"):format(k))
    end
    local row = df:select(aggs):collect()[1]
    for k = 1, count do
      local values = row and row[("q%d"):format(k)]
      if values then
        for j = 1, values.n or #values do out[k][j] = values[j] end
      end
    end
  end
  if single then return out[1] end
  return out
end

-- ---- corr and cov ------------------------------------------------------------------------------

-- The one value of an aggregate of col1 and col2 as doubles, nulls taken
-- as 0.0 (Spark's StatFunctions: its former counters read a null as 0.0).
local function pair_statistic(df, method, col1, col2, aggregate, what)
  name_arg(method, "col1", col1)
  name_arg(method, "col2", col2)
  local refs = {}
  for k, name in ipairs({ col1, col2 }) do
    local i = field_index(df, name, method)
    local t = df._plan.schema.fields[i].dataType
    if not NUMERIC[t.id] then
      fail(("%s: Currently %s calculation for columns with dataType %s not supported (column %s)"):format(
        method, what, t:simpleString(), name))
    end
    refs[k] = Fn().coalesce(column_ref(df, i):cast("double"), Fn().lit(0.0))
  end
  batch_only(df, method)
  local row = df:select(aggregate(refs[1], refs[2]):alias("value")):collect()[1]
  return row and row.value
end

-- corr(col1, col2[, method]): Pearson's coefficient; NaN where Spark's
-- corr aggregate gives null (fewer than two rows, a constant column).
local function corr(df, col1, col2, method)
  local kw = keywords("corr", col1, { "col1", "col2", "method" })
  if kw then col1, col2, method = kw[1], kw[2], kw[3] end
  name_arg("corr", "col1", col1)
  name_arg("corr", "col2", col2)
  if method == nil then method = "pearson" end
  if method ~= "pearson" then
    fail(("corr: method only supports 'pearson', got '%s'"):format(tostring(method)))
  end
  local v = pair_statistic(df, "corr", col1, col2, Fn().corr, "correlation")
  if v == nil then return 0 / 0 end
  return v
end

-- cov(col1, col2): the sample covariance; 0.0 where Spark's covar_samp
-- gives null (fewer than two rows).
local function cov(df, col1, col2)
  local kw = keywords("cov", col1, { "col1", "col2" })
  if kw then col1, col2 = kw[1], kw[2] end
  local v = pair_statistic(df, "cov", col1, col2, Fn().covar_samp, "covariance")
  if v == nil then return 0.0 end
  return v
end

-- ---- crosstab ----------------------------------------------------------------------------------

-- crosstab(col1, col2): as Spark 3.5's, the rows grouped by col1's value
-- as a string (null: "null"), named col1_col2, pivoted by col2's as a
-- string without backticks (sorted, as pivot sorts its values), counted,
-- and an absent pair's null count filled with 0.
local function crosstab(df, col1, col2)
  local kw = keywords("crosstab", col1, { "col1", "col2" })
  if kw then col1, col2 = kw[1], kw[2] end
  name_arg("crosstab", "col1", col1)
  name_arg("crosstab", "col2", col2)
  local i1, i2 = field_index(df, col1, "crosstab"), field_index(df, col2, "crosstab")
  batch_only(df, "crosstab")
  local F = Fn()
  local name = col1 .. "_" .. col2
  -- (col2's name is never col1_col2's, and names the pivot in pivot's errors)
  local pivot_name = df._plan.schema.fields[i2].name
  local keyed = df:select(
    F.coalesce(column_ref(df, i1):cast("string"), F.lit("null")):alias(name),
    F.coalesce(F.regexp_replace(column_ref(df, i2):cast("string"), "`", ""), F.lit("null")):alias(pivot_name))
  local ok, counted = pcall(function() return keyed:groupBy(name):pivot(pivot_name):count() end)
  if not ok then fail("crosstab: " .. tostring(counted):gsub("^[^:]+:%d+: ", "")) end
  return counted.na:fill(0)
end

-- ---- freqItems ---------------------------------------------------------------------------------

-- The groups (0-based, from tide_group_rows: numbered in order of first
-- appearance) that Spark's CollectFrequentItems keeps after counting
-- rows[0..n) of gids into a map of at most `size` items: a new item when
-- the map is full takes one from every count and drops the items it takes
-- to 0 (itself not kept), which is its add(key, 1) in both branches.
-- Counts are kept as base + count, so taking one from each is base + 1,
-- and each stored value's items in a linked list, so those reaching 0 are
-- found at once: one pass, O(1) a row.
local function karp_counts(gids, n, ngroups, size)
  local stored = ffi.new("int64_t[?]", ngroups)
  local nxt, prev = ffi.new("int32_t[?]", ngroups), ffi.new("int32_t[?]", ngroups)
  -- heads of the lists by stored value (group + 1; 0: none); a stored
  -- value is at most base + n and base at most n
  local head = ffi.new("int32_t[?]", 2 * n + 2)
  local base, kept = 0, 0
  local function link(g)
    local h = head[stored[g]]
    nxt[g], prev[g] = h, 0
    if h ~= 0 then prev[h - 1] = g + 1 end
    head[stored[g]] = g + 1
  end
  for r = 0, n - 1 do
    local g = gids[r]
    local s = stored[g]
    if s > base then
      local p, x = prev[g], nxt[g]
      if p ~= 0 then nxt[p - 1] = x else head[s] = x end
      if x ~= 0 then prev[x - 1] = p end
      stored[g] = s + 1
      link(g)
    elseif kept < size then
      stored[g] = base + 1
      link(g)
      kept = kept + 1
    else
      base = base + 1
      local h = head[base]
      while h ~= 0 do
        stored[h - 1] = 0
        h = nxt[h - 1]
        kept = kept - 1
      end
      head[base] = 0
    end
  end
  local groups = {}
  for g = 0, ngroups - 1 do
    if stored[g] > base then groups[#groups + 1] = g end
  end
  return groups
end

-- freqItems(cols[, support]): per column, the items Spark's
-- CollectFrequentItems keeps with a map of 1/support items, over the rows
-- in order (Spark's over one partition): every item more frequent than
-- support, and maybe others. Nulls count as an item. Items come in order
-- of first appearance (Spark's in its hash map's order).
local function freq_items(df, cols, support)
  local kw = keywords("freqItems", cols, { "cols", "support" })
  if kw then cols, support = kw[1], kw[2] end
  if not is_list(cols) then
    fail(("freqItems: cols should be a list of column names, not %s"):format(kind_of(cols)))
  end
  local names, count = list_items(cols)
  for k = 1, count do
    if type(names[k]) ~= "string" then
      fail(("freqItems: cols should hold column names (strings), not %s (item %d)"):format(kind_of(names[k]), k))
    end
  end
  if support == nil or support == 0 then support = 0.01 end -- PySpark's `if not support`
  if type(support) ~= "number" then fail(("freqItems: support should be a number, not %s"):format(kind_of(support))) end
  if not (support >= 1e-4 and support <= 1) then
    fail(("freqItems: Support must be in [1e-4, 1], but got %s"):format(batchlib.javaDouble(support)))
  end
  local schema = df._plan.schema
  local indices, fields = {}, {}
  for k = 1, count do
    local i = field_index(df, names[k], "freqItems")
    local f = schema.fields[i]
    if T.unordered(f.dataType) then
      fail(("freqItems: column %s is %s, whose values tide cannot compare"):format(f.name, f.dataType:simpleString()))
    end
    indices[k] = i
    fields[k] = T.field(names[k] .. "_freqItems", T.array(f.dataType, f.nullable), false)
  end
  batch_only(df, "freqItems")
  local size = math.floor(1 / support)
  local refs = {}
  for k, i in ipairs(indices) do refs[k] = column_ref(df, i) end
  local batch = count > 0 and df:select(refs):toBatch()
  local n = batch and batch:count() or 0
  local row = {}
  for k = 1, count do
    local one = ops.columns_of(batch, { k - 1 })
    local gids = ffi.new("int32_t[?]", math.max(n, 1))
    local first = ffi.new("int64_t[?]", math.max(n, 1))
    local ng = tonumber(C.tide_group_rows(one, ops.int32s({ 0 }), 1, gids, first, errbuf, ERRLEN))
    if ng < 0 then error(cerr(), 0) end
    -- With no more distinct items than the map holds, none is ever dropped.
    local groups
    if ng <= size then
      groups = {}
      for g = 1, ng do groups[g] = g - 1 end
    else
      groups = karp_counts(gids, n, ng, size)
    end
    local rows = ffi.new("int64_t[?]", math.max(#groups, 1))
    for j, g in ipairs(groups) do rows[j - 1] = first[g] end
    local items = ops.take(one, rows, #groups)
    local view = batchlib.columnView(items.columns[0], items)
    local list = { n = #groups }
    for j = 1, #groups do list[j] = view:get(j - 1) end
    row[k] = list
  end
  local result = batchlib.fromRows({ row }, T.struct(fields))
  return require("tide.session").localFrame(df._session, result)
end

-- ---- sampleBy ----------------------------------------------------------------------------------

local STRATUM = { number = true, string = true, boolean = true }

-- sampleBy(col, fractions[, seed]): as Spark's, the rows where rand(seed)
-- < coalesce(map(stratum -> fraction)[col], 0.0), the strata cast to the
-- column's type: a stratum not in fractions (and null) gives no rows.
-- rand is Spark's XORShiftRandom(seed + partition), so a seed keeps the
-- rows Spark keeps over one partition (each of tide's slices is one).
local function sample_by(df, col, fractions, seed)
  local kw = keywords("sampleBy", col, { "col", "fractions", "seed" })
  if kw then col, fractions, seed = kw[1], kw[2], kw[3] end
  if type(col) == "string" then
    col = column_ref(df, field_index(df, col, "sampleBy"))
  elseif not column.isColumn(col) then
    fail(("sampleBy: col should be a column name or a Column, not %s"):format(kind_of(col)))
  end
  if type(fractions) ~= "table" or getmetatable(fractions) ~= nil then
    fail(("sampleBy: fractions should be a table {stratum = fraction, ...}, not %s"):format(kind_of(fractions)))
  end
  local strata = {}
  for stratum, fraction in pairs(fractions) do
    if not STRATUM[type(stratum)] then
      fail(("sampleBy: fractions' strata should be numbers, strings or booleans, not %s"):format(kind_of(stratum)))
    end
    if type(fraction) ~= "number" then
      fail(("sampleBy: the fraction of stratum %s should be a number, not %s"):format(tostring(stratum),
        kind_of(fraction)))
    end
    strata[#strata + 1] = { stratum, fraction }
  end
  -- (a Lua table has no order: the map's entries in the strata's)
  table.sort(strata, function(a, b)
    if type(a[1]) ~= type(b[1]) then return type(a[1]) < type(b[1]) end
    if type(a[1]) == "boolean" then return not a[1] and b[1] end
    return a[1] < b[1]
  end)
  for _, s in ipairs(strata) do
    if not (s[2] >= 0 and s[2] <= 1) then
      local shown = {}
      for k, e in ipairs(strata) do shown[k] = tostring(e[1]) .. " -> " .. batchlib.javaDouble(e[2]) end
      fail(("sampleBy: Fractions must be in [0, 1], but got Map(%s)"):format(table.concat(shown, ", ")))
    end
  end
  if seed ~= nil and not ((type(seed) == "number" and seed == math.floor(seed) and math.abs(seed) < 2 ^ 63)
      or (type(seed) == "cdata" and ffi.istype("int64_t", seed))) then
    fail(("sampleBy: seed should be a whole number, not %s"):format(tostring(seed)))
  end
  local F = Fn()
  local ok, t = pcall(function() return df:select(col).schema.fields[1].dataType end)
  if not ok then fail("sampleBy: " .. tostring(t):gsub("^[^:]+:%d+: ", "")) end
  local fraction
  if #strata == 0 then
    fraction = F.lit(0.0)
  else
    local entries = {}
    for _, s in ipairs(strata) do
      entries[#entries + 1] = column.wrap({ k = "cast", to = t, expr = { k = "lit", value = s[1] } })
      entries[#entries + 1] = F.lit(s[2] + 0.0)
    end
    fraction = F.coalesce(F.element_at(F.create_map(unpack(entries)), col), F.lit(0.0))
  end
  local filtered
  ok, filtered = pcall(function() return df:filter(F.rand(seed):lt(fraction)) end)
  if not ok then fail("sampleBy: " .. tostring(filtered):gsub("^[^:]+:%d+: ", "")) end
  return filtered
end

-- ---- df.stat and the DataFrame's methods --------------------------------------------------------

local StatFunctions = {}

function StatFunctions:approxQuantile(...) return approx_quantile(self.df, ...) end
function StatFunctions:corr(...) return corr(self.df, ...) end
function StatFunctions:cov(...) return cov(self.df, ...) end
function StatFunctions:crosstab(...) return crosstab(self.df, ...) end
function StatFunctions:freqItems(...) return freq_items(self.df, ...) end
function StatFunctions:sampleBy(...) return sample_by(self.df, ...) end

checks.colonCalls("DataFrameStatFunctions", "df.stat", function(v) return getmetatable(v) == StatFunctions end,
  StatFunctions)
StatFunctions.__index = checks.strictIndex("DataFrameStatFunctions", "method", StatFunctions)
M.StatFunctions = StatFunctions

function M.install(dataframe)
  local methods = dataframe.methods
  dataframe.properties.stat = function(df) return setmetatable({ df = df }, StatFunctions) end
  methods.approxQuantile = approx_quantile
  methods.corr = corr
  methods.cov = cov
  methods.crosstab = crosstab
  methods.freqItems = freq_items
  methods.sampleBy = sample_by
end

return M
