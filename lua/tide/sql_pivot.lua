-- tide.sql_pivot — spark:sql's PIVOT and UNPIVOT clauses after FROM's
-- tables (tide.sql_query reads the keyword, tide.sql_from gives these
-- out), each as the DataFrame operations Spark plans it into: PIVOT as
-- GroupedData:pivot and agg, UNPIVOT as df:unpivot or, for sets of value
-- columns, an inline over an array of structs.
local sql = require("tide.sql")
local coerce = require("tide.eval_coerce")
local T = require("tide.types")

local M = {}
local is_op = sql.isOperator
local ID = T.ID
local S = require("tide.sql_support")
local wrap, raise, alias, column_in = S.wrap, S.raise, S.alias, S.columnIn
local constant, sql_type, wider = S.constant, S.sqlType, S.wider
local unqualify, field_named, item_alias = S.unqualify, S.fieldNamed, S.itemAlias

-- PIVOT (agg [AS a], ... FOR col IN (value [AS v], ...)) after FROM's
-- tables (PIVOT read): Spark's SQL pivot, grouped by the columns that
-- neither the aggregates nor the pivot column name; a column per value,
-- named by the value's alias or its text (with several aggregates, one per
-- value and aggregate: value_a, or value_agg(x) for one without alias).
-- GroupedData:pivot computes it, given the values cast to the pivot
-- column's type as Spark casts them.
local function pivot_clause(p, session, df, scope)
  p:expect_op("(")
  local aggs = {}
  repeat
    local e = unqualify(p:expr(), scope)
    local a = item_alias(p)
    aggs[#aggs + 1] = a and { k = "alias", expr = e, name = a } or e
  until not p:accept_op(",")
  p:expect_kw("FOR")
  if is_op(p:peek(), "(") then
    raise("PIVOT FOR (col, ...) of several columns is not supported: tide's PIVOT pivots one column, FOR col IN"
      .. " (value, ...)")
  end
  local pivot = field_named(df, p:name("the pivot column", true))
  local pid = pivot.dataType.id
  if pid == ID.array or pid == ID.map or pid == ID.struct then
    raise(("PIVOT on %s, a column of type %s, is not supported in tide (pivot columns of atomic types are)")
      :format(pivot.name, pivot.dataType:simpleString()))
  end
  p:expect_kw("IN")
  p:expect_op("(")
  local values = {}
  repeat
    local e = p:expr()
    values[#values + 1] = { expr = e, alias = item_alias(p) }
  until not p:accept_op(",")
  p:expect_op(")")
  p:expect_op(")")
  local used = { [pivot.name:lower()] = true }
  local function mark(n)
    if type(n) ~= "table" or getmetatable(n) then return end
    if n.k == "col" and type(n.name) == "string" then used[n.name:lower()] = true end
    for key, v in pairs(n) do
      if key ~= "from" then mark(v) end
    end
  end
  mark(aggs)
  local keys = {}
  for _, f in ipairs(df._plan.schema.fields) do
    if not used[f.name:lower()] and not f.hidden then keys[#keys + 1] = f.name end
  end
  local list = {}
  for i, v in ipairs(values) do
    if column_in(v.expr) then
      raise(('[NON_LITERAL_PIVOT_VALUES] Literal expressions required for pivot values, found "%s".')
        :format(sql.toString(v.expr)))
    end
    local ok, text = pcall(constant, session, { k = "cast", expr = v.expr, to = pivot.dataType })
    if not ok then
      local _, field = constant(session, v.expr)
      raise(("[PIVOT_VALUE_DATA_TYPE_MISMATCH] Invalid pivot value '%s': value data type %s does not match pivot"
        .. " column data type %s."):format(sql.toString(v.expr), sql_type(field), sql_type(pivot)))
    end
    -- (as GroupedData:pivot keeps the values it casts: a typed literal of
    -- the value's text, the column named by the alias instead)
    list[i] = { text = v.alias or text or "null", node = { k = "lit", value = text, type = pivot.dataType } }
  end
  local pivoted = df:groupBy(unpack(keys)):pivot(pivot.name, {})
  pivoted.values = list
  local cols = {}
  for i, a in ipairs(aggs) do cols[i] = wrap(a) end
  return pivoted:agg(cols)
end

-- UNPIVOT [INCLUDE | EXCLUDE NULLS] (v FOR name IN (col [AS a], ...))
-- [[AS] u], or ((v1, v2) FOR name IN ((c1, c2) [AS a], ...)), after
-- FROM's tables (UNPIVOT read): Spark's SQL unpivot. The columns not
-- unpivoted are the ids; name holds each column's alias or name (c1_c2
-- for a set without alias); rows whose values are all NULL are left out
-- unless INCLUDE NULLS says. df:unpivot computes one value column.
local function unpivot_clause(p, df, scope)
  local include = false
  if p:accept_kw("INCLUDE") then
    include = true
    p:expect_kw("NULLS")
  elseif p:accept_kw("EXCLUDE") then
    p:expect_kw("NULLS")
  end
  p:expect_op("(")
  local value_names, several = {}, p:accept_op("(") ~= nil
  repeat
    value_names[#value_names + 1] = p:name("a name for the value column", true)
  until not (several and p:accept_op(","))
  if several then p:expect_op(")") end
  p:expect_kw("FOR")
  local name_column = p:name("a name for the name column", true)
  p:expect_kw("IN")
  p:expect_op("(")
  local sets, unpivoted = {}, {}
  repeat
    local set = {}
    local function one()
      local tok = p:peek()
      local e = unqualify(p:expr(), scope)
      if e.k ~= "col" then p:fail("a column name", tok) end
      set[#set + 1] = field_named(df, e.name)
      unpivoted[set[#set].name] = true
    end
    if several then
      p:expect_op("(")
      repeat one() until not p:accept_op(",")
      p:expect_op(")")
    else
      one()
    end
    set.alias = item_alias(p)
    if #set ~= #value_names then
      raise(("[UNPIVOT_VALUE_SIZE_MISMATCH] All unpivot value columns must have the same size as there are value"
        .. " column names (%d)."):format(#value_names))
    end
    sets[#sets + 1] = set
  until not p:accept_op(",")
  p:expect_op(")")
  p:expect_op(")")
  local ids = {}
  for _, f in ipairs(df._plan.schema.fields) do
    if not unpivoted[f.name] and not f.hidden then ids[#ids + 1] = f.name end
  end
  local out
  if #value_names == 1 then
    local values = {}
    for i, set in ipairs(sets) do
      local c = { k = "col", name = set[1].name }
      values[i] = wrap(set.alias and { k = "alias", expr = c, name = set.alias } or c)
    end
    out = df:unpivot(ids, values, name_column, value_names[1])
  else
    local types, voided = {}, {}
    for k, v in ipairs(value_names) do
      -- (an untyped NULL column, Spark's void, takes the others' type)
      for i, set in ipairs(sets) do
        local t = set[k].voidType or set[k].dataType
        types[k] = i == 1 and t or types[k] and wider(types[k], t)
      end
      voided[k] = types[k] ~= nil and not types[k]:simpleString():find("void", 1, true)
      if not voided[k] then
        for i, set in ipairs(sets) do
          types[k] = i == 1 and set[k].dataType or types[k] and wider(types[k], set[k].dataType)
        end
      end
      if not types[k] then
        raise(("[UNPIVOT_VALUE_DATA_TYPE_MISMATCH] Unpivot value columns must share a least common type, some"
          .. " types do not: the columns of %s"):format(v))
      end
    end
    local structs = {}
    for i, set in ipairs(sets) do
      local label = {}
      for k, f in ipairs(set) do label[k] = f.name end
      local args = { { k = "alias", name = name_column, expr = { k = "lit", value = set.alias or
        table.concat(label, "_") } } }
      for k, f in ipairs(set) do
        local value = { k = "col", name = f.name }
        if voided[k] and f.voidType then
          value = coerce.castNode(value, f.voidType, types[k])
        elseif f.dataType ~= types[k] then
          value = { k = "cast", expr = value, to = types[k] }
        end
        args[k + 1] = { k = "alias", name = value_names[k], expr = value }
      end
      structs[i] = { k = "call", fn = "struct", args = args }
    end
    local items = {}
    for i, id in ipairs(ids) do items[i] = wrap({ k = "col", name = id }) end
    items[#items + 1] = wrap({ k = "call", fn = "inline", args = { { k = "call", fn = "array", args = structs } } })
    out = df:select(items)
  end
  if not include then
    local values = {}
    for k, v in ipairs(value_names) do values[k] = { k = "col", name = v } end
    local any = #values == 1 and values[1] or { k = "call", fn = "coalesce", args = values }
    out = out:filter(wrap({ k = "isnotnull", expr = any }))
  end
  local a = alias(p)
  if a then
    scope.names[a:lower()] = true
    out = out:alias(a)
  end
  return out
end

M.pivot, M.unpivot = pivot_clause, unpivot_clause

return M
