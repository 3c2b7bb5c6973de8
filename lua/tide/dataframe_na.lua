-- tide.dataframe_na — df.na, PySpark's DataFrameNaFunctions, and the
-- DataFrame's own forms of it, df:dropna and df:fillna:
--
--   df.na:drop("any" | "all", thresh, subset)   df.na:drop{how = "all", subset = {"a"}}
--   df.na:fill(value, subset)                   df.na:fill{a = 0, s = "none"}
--   df.na:replace(to_replace, value, subset)    df.na:replace({Alice = "A"})
--
-- Each is one operator of C kernels over whole columns, as Spark plans
-- them: drop a filter on AtLeastNNonNulls, fill a projection of
-- coalesce(nanvl(c, NULL), value), replace a projection of CASE c WHEN k1
-- THEN v1 ... ELSE c END. dataframe.lua's df.na makes a NaFunctions; it
-- installs dropna, fillna and replace into its methods table.
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local ops = require("tide.dataframe_ops")

local M = {}
local kind_of = checks.kindOf
local fail = checks.failAtUser

local NaFunctions = {} -- its __index is set with its methods, below
M.NaFunctions = NaFunctions

local projection -- tide.dataframe's, set by install

-- The 1-based indices of the columns `subset` names (a name or a list of
-- names), resolved as in expressions; a name no column has is an error at
-- the line that called `what`'s method (level 3 from here), as Spark's.
local function subset_indices(schema, subset, what)
  if type(subset) == "string" then subset = { subset } end
  if type(subset) ~= "table" then
    error(("%s: subset must be a column name or a list of them, not %s"):format(what, kind_of(subset)), 3)
  end
  local indices = {}
  for k, name in ipairs(subset) do
    local i = type(name) == "string" and ops.resolve(schema, name, 3)
    if not i then
      error(("%s: cannot resolve column %s (columns: %s)"):format(what,
        type(name) == "string" and ("%q"):format(name) or tostring(name), table.concat(schema:fieldNames(), ", ")), 3)
    end
    indices[k] = i
  end
  return indices
end

-- drop(how = "any" | "all", thresh, subset): rows with nulls go away;
-- thresh keeps rows with at least that many non-null values.
function NaFunctions:drop(how, thresh, subset)
  if type(how) == "table" then how, thresh, subset = how.how, how.thresh, how.subset end
  local df = self.df
  local schema = df._plan.schema
  local indices = {}
  if subset == nil then
    for i = 1, #schema.fields do indices[i] = i end
  else
    indices = subset_indices(schema, subset, "na.drop")
  end
  how = how or "any"
  if how ~= "any" and how ~= "all" then error("na.drop: how must be 'any' or 'all'", 2) end
  thresh = thresh or (how == "any" and #indices or 1)
  -- As Spark: a filter on AtLeastNNonNulls (NaN counts as null), one C
  -- kernel counting over every column at once.
  local exprs = {}
  for k, i in ipairs(indices) do exprs[k] = { k = "col", name = schema.fields[i].name, index = i - 1 } end
  if #exprs == 0 then return df end
  return df:filter(column.wrap { k = "atleastnnonnulls", n = thresh, exprs = exprs })
end

local NUMERIC = { [T.ID.int] = true, [T.ID.long] = true, [T.ID.float] = true, [T.ID.double] = true,
                  [T.ID.decimal] = true }
local FILL_KINDS = { number = true, string = true, boolean = true }

-- Whether fill(value) fills a column of type t: numbers fill numeric
-- columns, strings string columns, booleans boolean columns (Spark's
-- fillValue).
local function fills(value, t)
  local kind = type(value)
  if t.void then return false end -- (a void column, SELECT NULL's, stays void: Spark's fill skips it)
  return (kind == "number" and NUMERIC[t.id]) or (kind == "string" and t.id == T.ID.string)
    or (kind == "boolean" and t.id == T.ID.boolean)
end

-- fill(value, [subset]) or fill({column = value}): as Spark's na.fill, the
-- nulls of the columns, and the NaNs of float and double ones, become the
-- value cast to the column's type: coalesce(nanvl(c, NULL), value), as
-- DataFrameNaFunctions.fillCol, one projection of C kernels. A single
-- value fills the columns of its kind (fills above) among subset (every
-- column by default); a table's values fill their own columns, whatever
-- their kind (Spark's fill(Map)), and subset is not used with it.
function NaFunctions:fill(value, subset)
  local df = self.df
  local schema = df._plan.schema
  local fill_of = {} -- the value of each column filled, by 1-based index
  if type(value) == "table" then
    for name, v in pairs(value) do
      if not FILL_KINDS[type(v)] then
        error(("na.fill: the value of %s must be a number, string or boolean, not %s"):format(tostring(name),
          kind_of(v)), 2)
      end
      fill_of[subset_indices(schema, { name }, "na.fill")[1]] = v
    end
  else
    if not FILL_KINDS[type(value)] then
      error(("na.fill: value must be a number, string, boolean or a table {column = value}, not %s")
        :format(kind_of(value)), 2)
    end
    local wanted
    if subset ~= nil then
      wanted = {}
      for _, i in ipairs(subset_indices(schema, subset, "na.fill")) do wanted[i] = true end
    end
    for i, f in ipairs(schema.fields) do
      if (not wanted or wanted[i]) and fills(value, f.dataType) then fill_of[i] = value end
    end
  end
  local nodes = {}
  for i, f in ipairs(schema.fields) do
    local node, v = { k = "col", name = f.name, index = i - 1 }, fill_of[i]
    if v ~= nil then
      if f.dataType.id == T.ID.double or f.dataType.id == T.ID.float then
        node = { k = "call", fn = "nanvl", args = { node, { k = "lit", value = nil, type = f.dataType } } }
      end
      node = { k = "alias", name = f.name, expr = { k = "call", fn = "coalesce", args = { node,
        { k = "cast", to = f.dataType, expr = { k = "lit", value = v } } } } }
    end
    nodes[i] = node
  end
  return projection(df, nodes)
end

-- The kind of a replacement's key or value, as PySpark groups them: all
-- keys of one kind, all values but nil of the same kind.
local REPLACE_KINDS = { number = "numeric", string = "string", boolean = "bool" }

-- A Lua list (keys 1..n, n >= 1), not a map.
local function is_list(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n > 0 and #t == n
end

local function replace_value(v, what)
  if v ~= nil and not REPLACE_KINDS[type(v)] then
    fail(("na.replace: %s should be a boolean, number, string or nil, got %s"):format(what, kind_of(v)))
  end
  return v
end

-- replace(to_replace, value, [subset]): PySpark's forms, each value of a
-- key (a number, string or boolean) replaced by its value (nil: null):
--   replace(10, 20)   replace("Alice", nil)   replace({"Alice", "Bob"}, {"A", "B"}, "name")
--   replace({1, 2}, 0)   replace({Alice = "A"})   (a map: value unused; nil values cannot be
--   written in a Lua table, so replace({"Alice"}, nil) makes one null)
-- As Spark's DataFrameNaFunctions.replace: the keys' kind picks the
-- columns (numbers numeric ones, strings string ones, booleans boolean
-- ones) among subset (every column by default); a numeric column's keys
-- compare as doubles and its values are cast to the column's type.
function NaFunctions:replace(...)
  local df = self.df
  local schema = df._plan.schema
  local to_replace, value, subset = ...
  local keys, values = {}, {}
  if type(to_replace) == "table" and not column.isColumn(to_replace) and not is_list(to_replace) then
    -- a map: as PySpark, value is ignored; subset comes third
    for k, v in pairs(to_replace) do
      keys[#keys + 1] = replace_value(k, "to_replace's keys")
      values[#keys] = replace_value(v, "to_replace's values")
    end
    -- (pairs' order: the map's keys are one kind, so which comes first
    -- changes nothing but the CASE's order)
  else
    if select("#", ...) < 2 then
      fail("na.replace: value argument is required when to_replace is not a dictionary.")
    end
    if type(to_replace) == "table" and not column.isColumn(to_replace) then
      for i, k in ipairs(to_replace) do keys[i] = replace_value(k, "to_replace's elements") end
    elseif REPLACE_KINDS[type(to_replace)] then
      keys[1] = to_replace
    else
      fail(("na.replace: to_replace should be a boolean, number, string, list or map, got %s"):format(
        kind_of(to_replace)))
    end
    if type(value) == "table" then
      if #value ~= #keys then
        fail(("na.replace: to_replace and value lists should be of the same length. Got %d and %d"):format(#keys,
          #value))
      end
      for i = 1, #keys do values[i] = replace_value(value[i], "value's elements") end
    else
      replace_value(value, "value")
      for i = 1, #keys do values[i] = value end
    end
  end
  if #keys == 0 then return df end
  local kind = REPLACE_KINDS[type(keys[1])]
  for i, k in ipairs(keys) do
    local v = values[i]
    if REPLACE_KINDS[type(k)] ~= kind or (v ~= nil and REPLACE_KINDS[type(v)] ~= kind) then
      fail("na.replace: Mixed type replacements are not supported")
    end
  end
  local wanted
  if subset ~= nil then
    wanted = {}
    for _, i in ipairs(subset_indices(schema, subset, "na.replace")) do wanted[i] = true end
  end
  local key_type = ({ numeric = T.double, string = T.string, bool = T.boolean })[kind]
  local function targets(t)
    if kind == "numeric" then return NUMERIC[t.id] ~= nil end
    return t.id == key_type.id and not t.void
  end
  local nodes = {}
  for i, f in ipairs(schema.fields) do
    local function col() return { k = "col", name = f.name, index = i - 1 } end
    local node = col()
    if (not wanted or wanted[i]) and targets(f.dataType) then
      -- CASE c WHEN key THEN CAST(value AS c's type) ... ELSE c END, as
      -- Spark's CaseKeyWhen: the first key equal to c wins.
      local branches = {}
      for k, key in ipairs(keys) do
        local v = values[k]
        branches[k] = {
          when = { k = "op", op = "=", left = col(), right = { k = "lit", value = key, type = key_type } },
          value = v == nil and { k = "lit", value = nil, type = f.dataType }
            or { k = "cast", to = f.dataType, expr = { k = "lit", value = v } } }
      end
      node = { k = "alias", name = f.name, expr = { k = "case", branches = branches, otherwise = node } }
    end
    nodes[i] = node
  end
  return projection(df, nodes)
end

checks.colonCalls("DataFrameNaFunctions", "df.na", function(v) return getmetatable(v) == NaFunctions end,
  NaFunctions)
NaFunctions.__index = checks.strictIndex("DataFrameNaFunctions", "method", NaFunctions)

-- ---- install -----------------------------------------------------------------------------------

-- project(df, nodes): tide.dataframe's Project of nodes over df, tail-called
-- so that its errors point at the line that called fill.
function M.install(dataframe, project)
  local methods = dataframe.methods
  projection = project

  -- PySpark's DataFrame.dropna and fillna are df.na's drop and fill.
  function methods:dropna(...) return self.na:drop(...) end
  function methods:fillna(...) return self.na:fill(...) end
  function methods:replace(...) return self.na:replace(...) end
end

return M
