-- tide.dataframe_unpivot — df:unpivot (and its alias df:melt), Spark 3.4's
-- wide-to-long reshaping:
--
--   df:unpivot("id", {"int", "double"}, "var", "val")     -- id, var, val
--   df:unpivot({"id", "str"}, nil, "var", "val")          -- values: every non-id column
--   df:melt{ids = "id", values = {"a"}, variableColumnName = "var", valueColumnName = "val"}
--
-- As Spark's Unpivot: for each input row, one row per value column, in the
-- order the values are given, holding the ids, the value column's name and
-- its value. The values are widened to their least common type as Spark's
-- analyzer widens them (findWiderTypeWithoutStringPromotion: numbers to the
-- wider number, a date and a timestamp to timestamp, no string promotion);
-- with none, UNPIVOT_VALUE_DATA_TYPE_MISMATCH.
--
-- Columnar: one projection of the ids and inline(array(struct(name, value),
-- ...)), tide.generate's explode kernel repeating each row once per value.
-- Row by row, so a stream unpivots batch by batch, as Spark allows.
local column = require("tide.column")
local checks = require("tide.checks")
local coerce = require("tide.eval_coerce")

local M = {}
local fail = checks.failAtUser

local wider = coerce.widerWithoutStrings

-- Spark's toSQLType: "INT", "ARRAY<BIGINT>".
local function sql_type(t) return '"' .. t:simpleString():upper() .. '"' end

-- Spark's UNPIVOT_VALUE_DATA_TYPE_MISMATCH: the value columns grouped by
-- type, in the types' order, at most three names a type.
local function mismatch(values)
  local by_type, types = {}, {}
  for _, v in ipairs(values) do
    local key = sql_type(v.type)
    if not by_type[key] then
      by_type[key] = {}
      types[#types + 1] = key
    end
    table.insert(by_type[key], "`" .. v.name .. "`")
  end
  table.sort(types)
  local parts = {}
  for i, key in ipairs(types) do
    local names = by_type[key]
    table.sort(names)
    if #names > 3 then names = { names[1], names[2], names[3], "..." } end
    parts[i] = ("%s (%s)"):format(key, table.concat(names, ", "))
  end
  fail("[UNPIVOT_VALUE_DATA_TYPE_MISMATCH] Unpivot value columns must share a least common type, some types do not:"
    .. " [" .. table.concat(parts, ", ") .. "]")
end

-- ids or values as a list of column names and Columns (a name or a Column
-- alone is a list of one).
local function list_of(v, what)
  if type(v) == "string" or column.isColumn(v) then return { v } end
  if type(v) ~= "table" then
    fail(("unpivot: %s must be a column name, a Column or a list of them, not %s"):format(what, checks.kindOf(v)))
  end
  for i, c in ipairs(v) do
    if type(c) ~= "string" and not column.isColumn(c) then
      fail(("unpivot: %s[%d] must be a column name or a Column, not %s"):format(what, i, checks.kindOf(c)))
    end
  end
  return v
end

local function unpivot(df, ids, values, variable, value)
  if type(ids) == "table" and not column.isColumn(ids) and ids[1] == nil
      and (ids.ids ~= nil or ids.variableColumnName ~= nil) then
    ids, values, variable, value = ids.ids, ids.values, ids.variableColumnName, ids.valueColumnName
  end
  if ids == nil then fail("unpivot: ids must be given (a column name, a Column or a list of them; {} for none)") end
  for _, arg in ipairs({ { "variableColumnName", variable }, { "valueColumnName", value } }) do
    if type(arg[2]) ~= "string" then
      fail(("unpivot: %s must be a string, not %s"):format(arg[1], checks.kindOf(arg[2])))
    end
  end
  local eval = require("tide.eval")
  local schema = df._plan.schema
  local function compiled(c)
    local ok, e = pcall(eval.compile, column.colNode(c), schema)
    if not ok then fail(tostring(e)) end
    return e
  end
  local id_nodes, id_columns = {}, {}
  for i, c in ipairs(list_of(ids, "ids")) do
    id_nodes[i] = column.colNode(c)
    local e = compiled(c)
    local node = e.node
    if node.k == "col" then
      id_columns[schema:resolveField(node.name) or 0] = true
    elseif values == nil then
      fail(("[UNPIVOT_REQUIRES_ATTRIBUTES] UNPIVOT requires all given ids expressions to be columns when no values"
        .. " expressions are given. These are not columns: [%s]."):format(e.name))
    end
  end
  local list = {}
  if values == nil then
    for i, f in ipairs(schema.fields) do
      if not id_columns[i] then list[#list + 1] = { k = "col", name = f.name, index = i - 1 } end
    end
  else
    for i, c in ipairs(list_of(values, "values")) do list[i] = column.colNode(c) end
  end
  if #list == 0 then
    fail("[UNPIVOT_REQUIRES_VALUE_COLUMNS] At least one value column needs to be specified for UNPIVOT, all columns"
      .. " specified as ids.")
  end
  local vals = {}
  for i, node in ipairs(list) do
    local e = compiled(column.wrap(node))
    -- (a column of untyped NULLs, array() or map() is of Spark's void type)
    local inner = node
    while inner.k == "alias" do inner = inner.expr end
    local field = e.field or inner.k == "col" and schema.fields[schema:resolveField(inner.name) or 0]
    vals[i] = { node = node, name = e.name, type = e.type, void = field and field.voidType }
  end
  -- the least common type, a void column taking the others' (as Spark's
  -- NullType); with voids only, their stored types'
  local function common_of(with_void)
    local common
    for i, v in ipairs(vals) do
      local t = with_void and v.void or v.type
      if i == 1 then common = t elseif common then common = wider(common, t) end
    end
    return common
  end
  local common = common_of(true)
  local voided = common ~= nil and not common:simpleString():find("void", 1, true)
  if not voided then common = common_of(false) end
  if not common then mismatch(vals) end
  local structs = {}
  for i, v in ipairs(vals) do
    local expr = v.node
    if voided and v.void then
      expr = coerce.castNode(expr, v.void, common)
    elseif v.type ~= common then
      expr = { k = "cast", expr = expr, to = common }
    end
    structs[i] = { k = "call", fn = "struct", args = {
      { k = "alias", expr = { k = "lit", value = v.name }, name = variable },
      { k = "alias", expr = expr, name = value } } }
  end
  local items = {}
  for i, node in ipairs(id_nodes) do items[i] = column.wrap(node) end
  items[#items + 1] = column.wrap { k = "call", fn = "inline", args = { { k = "call", fn = "array", args = structs } } }
  local ok, result = pcall(df.select, df, items)
  if not ok then error(result, 0) end
  return result
end

function M.install(dataframe)
  local methods = dataframe.methods
  -- unpivot(ids, values, variableColumnName, valueColumnName); values nil:
  -- every column but the ids.
  function methods:unpivot(ids, values, variable, value) return unpivot(self, ids, values, variable, value) end
  methods.melt = methods.unpivot
end

return M
