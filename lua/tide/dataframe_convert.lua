-- tide.dataframe_convert — a DataFrame's rows in other shapes, PySpark's:
--
--   df:toJSON()                  -- one string column, value: each row as JSON
--   for row in df:toLocalIterator() do ... end
--   df:foreach(function(row) ... end)
--   df:foreachPartition(function(rows) for row in rows do ... end end)
--   df:to("id bigint, name string")      -- columns by name, cast (Spark 3.4)
--
-- toJSON is a projection of to_json(struct(*)), as Spark writes each row
-- (nulls left out). toLocalIterator runs the plan once and makes Rows a
-- slice at a time, so that Lua holds one slice's Rows rather than all of
-- them. foreach and foreachPartition run on the script's thread over the
-- one partition tide has. to(schema) is Spark's Project.matchSchema:
-- columns and struct fields reordered by name, cast where Spark's ANSI
-- store assignment allows, the first mismatch an error in Spark's words.
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local batchlib = require("tide.batch")

local M = {}
local ID = T.ID
local fail = checks.failAtUser

-- Rows made into Lua Rows at once by toLocalIterator.
M.ITERATOR_SLICE_ROWS = 4096

-- ---- to(schema) ---------------------------------------------------------------------------------

local NUMERIC = { [ID.int] = true, [ID.long] = true, [ID.float] = true, [ID.double] = true, [ID.decimal] = true }
local COMPOSITE = { [ID.array] = true, [ID.map] = true, [ID.struct] = true, [ID.vector] = true }

-- Spark's Cast.canANSIStoreAssign: whether a value of type from may be
-- stored in a column of type to.
local function can_store(from, to)
  if from == to or from.id == 0 then return true end
  if NUMERIC[from.id] and NUMERIC[to.id] then return true end
  if to.id == ID.string then return not COMPOSITE[from.id] end
  -- (any datetime to any datetime, as Spark's canANSIStoreAssign)
  if (from.id == ID.date or from.id == ID.timestamp) and (to.id == ID.date or to.id == ID.timestamp) then
    return true
  end
  if from.id == ID.array and to.id == ID.array then
    return (to.containsNull or not from.containsNull) and can_store(from.elementType, to.elementType)
  end
  if from.id == ID.map and to.id == ID.map then
    return (to.valueContainsNull or not from.valueContainsNull) and can_store(from.keyType, to.keyType)
      and can_store(from.valueType, to.valueType)
  end
  if from.id == ID.struct and to.id == ID.struct and #from.fields == #to.fields then
    for i, f in ipairs(from.fields) do
      if not can_store(f.dataType, to.fields[i].dataType) then return false end
    end
    return true
  end
  return false
end

local function sql_id(path)
  local parts = {}
  for i, name in ipairs(path) do parts[i] = "`" .. name:gsub("`", "``") .. "`" end
  return table.concat(parts, ".")
end

local function sql_type(t) return '"' .. t:simpleString():upper() .. '"' end

local function appended(path, name)
  local out = { unpack(path) }
  out[#out + 1] = name
  return out
end

local reorder

-- The expression of `node` (of type `from`, nullable or not) as a value
-- of type `to` at `path`, or Spark's error.
local function nullable_elements(path)
  fail(("[NULLABLE_ARRAY_OR_MAP_ELEMENT] Array or map at %s contains nullable element while it's required to be"
    .. " non-nullable."):format(sql_id(path)))
end

-- A fresh name for a lambda's parameter, so that nested ones never shadow.
local lambdas = 0
local function lambda_name()
  lambdas = lambdas + 1
  return "__to" .. lambdas
end

local function reconcile(node, from, nullable, to, to_nullable, path)
  if nullable and not to_nullable then
    fail(("[NULLABLE_COLUMN_OR_FIELD] Column or field %s is nullable while it's required to be non-nullable.")
      :format(sql_id(path)))
  end
  if from.id == ID.struct and to.id == ID.struct then
    local fields = {}
    for i, f in ipairs(from.fields) do
      fields[i] = { name = f.name, type = f.dataType, nullable = f.nullable ~= false,
                    node = { k = "field", expr = node, name = f.name } }
    end
    local struct = { k = "call", fn = "struct", args = reorder(fields, to.fields, path) }
    if not nullable then return struct end
    -- A null struct stays null rather than a struct of nulls.
    return { k = "case", branches = { { when = { k = "isnull", expr = node },
      value = { k = "lit", value = nil, type = to } } }, otherwise = struct }
  end
  if from == to then return node end
  -- Arrays and maps are reconciled element by element, as Spark's
  -- Project.reconcileColumnType: structs inside them by name, not place.
  if from.id == ID.array and to.id == ID.array then
    if from.containsNull and not to.containsNull then nullable_elements(path) end
    local x = lambda_name()
    return { k = "call", fn = "transform", args = { node, { k = "lambda", params = { x },
      body = reconcile({ k = "lambdavar", name = x }, from.elementType, from.containsNull, to.elementType,
        to.containsNull, path) } } }
  end
  if from.id == ID.map and to.id == ID.map then
    if from.valueContainsNull and not to.valueContainsNull then nullable_elements(path) end
    local key, value = lambda_name(), lambda_name()
    local function each(of, name, from_t, nullable, to_t, to_nullable)
      return { k = "call", fn = "transform", args = { { k = "call", fn = of, args = { node } },
        { k = "lambda", params = { name },
          body = reconcile({ k = "lambdavar", name = name }, from_t, nullable, to_t, to_nullable, path) } } }
    end
    return { k = "call", fn = "map_from_arrays", args = {
      each("map_keys", key, from.keyType, false, to.keyType, false),
      each("map_values", value, from.valueType, from.valueContainsNull, to.valueType, to.valueContainsNull) } }
  end
  if can_store(from, to) then return { k = "cast", expr = node, to = to } end
  fail(("[INVALID_COLUMN_OR_FIELD_DATA_TYPE] Column or field %s is of type %s while it's required to be %s.")
    :format(sql_id(path), sql_type(from), sql_type(to)))
end

-- The expected fields, each the one of `fields` (name, type, nullable,
-- node) of its name (case-insensitively) reconciled to it, as aliases.
reorder = function(fields, expected, path)
  local out = {}
  for i, f in ipairs(expected) do
    local matched = {}
    for _, have in ipairs(fields) do
      if have.name:lower() == f.name:lower() then matched[#matched + 1] = have end
    end
    if #matched == 0 then
      local names = {}
      for k, have in ipairs(fields) do names[k] = "`" .. have.name .. "`" end
      if #path == 0 then
        fail(("[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `%s` cannot be"
          .. " resolved. Did you mean one of the following? [%s]."):format(f.name, table.concat(names, ", ")))
      end
      fail(("[UNRESOLVED_FIELD.WITH_SUGGESTION] Cannot resolve the field `%s` with the struct-type column %s."
        .. " Did you mean one of the following? [%s]."):format(f.name, sql_id(path), table.concat(names, ", ")))
    elseif #matched > 1 then
      fail(("[AMBIGUOUS_COLUMN_OR_FIELD] Column or field %s is ambiguous and has %d matches."):format(
        sql_id(appended(path, f.name)), #matched))
    end
    local have = matched[1]
    out[i] = { k = "alias", name = f.name, expr = reconcile(have.node, have.type, have.nullable, f.dataType,
      f.nullable ~= false, appended(path, have.name)) }
  end
  return out
end

local function to_schema(df, schema)
  if type(schema) == "string" then
    local ok, st = pcall(T.fromDDL, schema)
    if not ok then fail(tostring(st)) end
    schema = st
  end
  if not (T.isType(schema) and schema.id == ID.struct) then
    fail(("to needs a schema (a StructType or a DDL string), not %s"):format(checks.kindOf(schema)))
  end
  local fields = {}
  for i, f in ipairs(df._plan.schema.fields) do
    fields[i] = { name = f.name, type = f.dataType, nullable = f.nullable ~= false,
                  node = { k = "col", name = f.name, index = i - 1 } }
  end
  local items = {}
  for i, node in ipairs(reorder(fields, schema.fields, {})) do items[i] = column.wrap(node) end
  local ok, result = pcall(df.select, df, items)
  if not ok then error(result, 0) end
  return result
end

-- ---- install ----------------------------------------------------------------------------------------

-- A streaming DataFrame's actions are writeStream's (raised at the user's line).
local function batch_only(df, action)
  if df._streaming then
    checks.failAtUser(("Queries with streaming sources must be executed with writeStream:start() (%s)"):format(action))
  end
end

function M.install(dataframe)
  local methods = dataframe.methods

  function methods:toJSON()
    return self:select(column.wrap { k = "alias", name = "value",
      expr = { k = "call", fn = "to_json", args = { { k = "call", fn = "struct", args = { { k = "star" } } } },
               opts = {} } })
  end

  -- toLocalIterator(): an iterator over the rows as Rows (collect's);
  -- PySpark's prefetchPartitions has nothing to prefetch here.
  function methods:toLocalIterator()
    batch_only(self, "toLocalIterator")
    local batch = self:toBatch()
    local n, start, rows, k = batch:count(), 0, {}, 0
    return function()
      k = k + 1
      if k > #rows then
        if start >= n then return nil end
        local size = math.min(M.ITERATOR_SLICE_ROWS, n - start)
        rows = batchlib.wrap(C.tide_batch_slice(batch, start, size), "out of memory in toLocalIterator"):collect()
        start, k = start + size, 1
      end
      return rows[k]
    end
  end

  function methods:foreach(fn)
    if type(fn) ~= "function" then error(("foreach needs a function, not %s"):format(checks.kindOf(fn)), 2) end
    batch_only(self, "foreach")
    for row in self:toLocalIterator() do fn(row) end
  end

  -- foreachPartition(fn): fn(iterator of the rows), once: tide's one
  -- partition.
  function methods:foreachPartition(fn)
    if type(fn) ~= "function" then
      error(("foreachPartition needs a function, not %s"):format(checks.kindOf(fn)), 2)
    end
    batch_only(self, "foreachPartition")
    fn(self:toLocalIterator())
  end

  function methods:to(schema) return to_schema(self, schema) end
end

return M
