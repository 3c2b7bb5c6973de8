-- tide.generate — explode, explode_outer, posexplode and posexplode_outer
-- in a select, as Spark's Generate:
--
--   df:select("id", F.explode("tags"):alias("tag"))        -- a row per element
--   df:select(F.posexplode("tags"))                         -- pos, col
--   df:selectExpr("id", "explode_outer(tags) AS tag")       -- null or [] -> one row, tag null
--   df:select(F.inline("points"))                           -- an array of structs: their fields
--
-- The select's other items are computed first, with the generator's array
-- beside them; then one C kernel (tide_batch_explode) repeats each row
-- once per element and puts the elements (and their positions) where the
-- generator stood. Row-wise: streams and slices explode as they come.
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")

local M = {}
local ID = T.ID
local GENERATORS = require("tide.eval_arrays").GENERATORS
local ARRAY = "__generate_input"

-- The generator call of a select item (itself or under an alias) and the
-- alias's names, or nil.
local function generator_of(node)
  local names
  if node.k == "alias" then
    names, node = node.names or { node.name }, node.expr
  end
  if node.k == "call" and type(node.fn) == "string" and GENERATORS[node.fn:lower()] then return node, names end
end

function M.has(nodes)
  for _, n in ipairs(nodes) do
    if generator_of(n) then return true end
  end
  return false
end

-- select(nodes) over df where one of nodes is a generator; new_df(df, op)
-- makes the plan node over df.
function M.project(df, nodes, derive)
  local items, gen, names, sql_names = {}, nil, nil, require("tide.sql_names")
  for i, n in ipairs(nodes) do
    local g, alias = generator_of(n)
    if g and gen then
      checks.failAtUser(("Only one generator allowed per select clause but found 2: %s, %s"):format(
        sql_names.toString(gen), sql_names.toString(g)))
    end
    if g then
      gen, names = g, alias
      if #(g.args or {}) ~= 1 then
        checks.failAtUser(("%s takes 1 argument, not %d"):format(g.fn, #(g.args or {})))
      end
      items[i] = column.wrap({ k = "alias", name = ARRAY, expr = g.args[1] })
    else
      items[i] = column.wrap(n)
    end
  end
  local fn = gen.fn:lower()
  local with_pos, outer, inline = fn:sub(1, 3) == "pos", fn:sub(-6) == "_outer", fn:sub(1, 6) == "inline"
  local projected = df:select(items)
  local schema = projected._plan.schema
  local at = schema:fieldIndex(ARRAY)
  local input = schema.fields[at].dataType
  local is_map = input.id == ID.map and not inline
  if (input.id ~= ID.array and not is_map) or (inline and input.elementType.id ~= ID.struct) then
    checks.failAtUser(("cannot resolve '%s' due to data type mismatch: input to function %s should be %s, not %s")
      :format(sql_names.toString(gen), fn, inline and "array<struct>" or "array or map type", input:simpleString()))
  end
  -- inline: the structs' fields as columns
  local defaults = inline and input.elementType:fieldNames()
    or is_map and (with_pos and { "pos", "key", "value" } or { "key", "value" })
    or with_pos and { "pos", "col" } or { "col" }
  names = names or defaults
  if #names ~= #defaults then
    checks.failAtUser(("The number of aliases supplied in the AS clause does not match the number of columns output"
      .. " by the UDTF expected %d aliases but got %s"):format(#defaults, table.concat(names, ", ")))
  end
  local fields = {}
  for i, f in ipairs(schema.fields) do
    if i == at then
      if with_pos then fields[#fields + 1] = T.field(names[1], T.int, outer) end
      if is_map then
        fields[#fields + 1] = T.field(names[#names - 1], input.keyType, outer)
        fields[#fields + 1] = T.field(names[#names], input.valueType, input.valueContainsNull or outer)
      else
        fields[#fields + 1] = T.field(inline and ARRAY or names[#names], input.elementType,
          input.containsNull or outer)
      end
    else
      fields[#fields + 1] = f
    end
  end
  local pos_name = with_pos and names[1] or nil
  local col_name = inline and ARRAY or is_map and names[#names - 1] or names[#names]
  local value_name = is_map and names[#names] or nil
  local exploded = derive(projected, {
    kind = "generate",
    schema = T.struct(fields),
    explain = ("Generate %s, %s"):format(sql_names.toString(gen), outer and "true" or "false"),
    apply = function(batch)
      return batchlib.wrap(C.tide_batch_explode(batch, at - 1, outer and 1 or 0, pos_name, col_name, value_name,
        ops.errbuf, ops.ERRLEN), ops.cerr())
    end,
  })
  if not inline then return exploded end
  local cols = {}
  for i, f in ipairs(fields) do
    if i == at then
      for k, sub in ipairs(input.elementType.fields) do
        cols[#cols + 1] = column.wrap({ k = "alias", name = names[k],
          expr = { k = "field", expr = { k = "col", name = ARRAY, index = i - 1 }, name = sub.name } })
      end
    else
      cols[#cols + 1] = column.wrap({ k = "col", name = f.name, index = i - 1 })
    end
  end
  return exploded:select(cols)
end

return M
