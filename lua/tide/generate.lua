-- tide.generate — explode, explode_outer, posexplode and posexplode_outer
-- in a select, as Spark's Generate:
--
--   df:select("id", F.explode("tags"):alias("tag"))        -- a row per element
--   df:select(F.posexplode("tags"))                         -- pos, col
--   df:selectExpr("id", "explode_outer(tags) AS tag")       -- null or [] -> one row, tag null
--   df:select(F.inline("points"))                           -- an array of structs: their fields
--   df:select(F.json_tuple("value", "a", "b"))              -- c0, c1: fields of each JSON object
--
-- The select's other items are computed first, with the generator's array
-- beside them; then one C kernel (tide_batch_explode) repeats each row
-- once per element and puts the elements (and their positions) where the
-- generator stood. Row-wise: streams and slices explode as they come.
-- json_tuple makes one row of each: its columns are the fields of the
-- struct one kernel reads out of each row's JSON (tide.json_functions).
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
  if node.k == "call" and type(node.fn) == "string" and GENERATORS[node.fn:lower()] and not node.asStruct then
    return node, names
  end
end

function M.has(nodes)
  for _, n in ipairs(nodes) do
    if generator_of(n) then return true end
  end
  return false
end

local function is_json_tuple(fn) return fn == "json_tuple" or fn == "json_tuple_outer" end

-- json_tuple(json, k1, ..., kn) in a select: the struct of its n fields
-- where it stands, then those fields as columns c0, ..., or as named by
-- its alias. (LATERAL VIEW OUTER asks for json_tuple_outer: the same, as
-- json_tuple gives every row one row.)
local function json_tuple(df, nodes, at_item, gen, names)
  local sql_names = require("tide.sql_names")
  local k = #(gen.args or {}) - 1
  if k < 1 then
    checks.failAtUser(("[WRONG_NUM_ARGS] json_tuple requires at least 2 arguments (the JSON and a field name),"
      .. " not %d: %s"):format(k + 1, sql_names.toString(gen)))
  end
  local defaults = {}
  for i = 1, k do defaults[i] = "c" .. (i - 1) end
  names = names or defaults
  if #names ~= k then
    checks.failAtUser(("The number of aliases supplied in the AS clause does not match the number of columns output"
      .. " by the UDTF expected %d aliases but got %s"):format(k, table.concat(names, ", ")))
  end
  local items = {}
  for i, n in ipairs(nodes) do
    items[i] = column.wrap(i == at_item and { k = "alias", name = ARRAY,
      expr = { k = "call", fn = "json_tuple", args = gen.args, asStruct = true, sqlText = sql_names.toString(gen) } }
      or n)
  end
  local ok, projected = pcall(df.select, df, items)
  if not ok then checks.failAtUser((tostring(projected):gsub("^[^\n]-:%d+: ", ""))) end
  local cols = {}
  for i, f in ipairs(projected._plan.schema.fields) do
    if f.name == ARRAY then
      for j = 1, k do
        cols[#cols + 1] = column.wrap({ k = "alias", name = names[j],
          expr = { k = "field", expr = { k = "col", name = ARRAY, index = i - 1 }, name = defaults[j] } })
      end
    else
      cols[#cols + 1] = column.wrap({ k = "col", name = f.name, index = i - 1 })
    end
  end
  return projected:select(cols)
end

-- stack(n, e1, ..., ek): n rows of each, columns col0, ... of ceil(k / n)
-- values each, filled row by row (NULL past ek), as Spark's Stack; made
-- the inline of an array of those rows' structs. A column's values must
-- share one type, NULLs taking it (Spark's StackCoercion).
local function stack_as_inline(df, gen)
  local sql_names, eval = require("tide.sql_names"), require("tide.eval")
  local args, name = gen.args or {}, sql_names.toString(gen)
  local n = args[1] and args[1].k == "lit" and args[1].value
  if #args < 2 or type(n) ~= "number" or n < 1 or n % 1 ~= 0 then
    checks.failAtUser(("[DATATYPE_MISMATCH] Cannot resolve \"%s\": stack takes the number of rows, a positive"
      .. " integer literal, then at least one value"):format(name))
  end
  local k = #args - 1
  local width = math.ceil(k / n)
  local types = {}
  for i = 2, #args do
    local ok, c = pcall(eval.compile, args[i], df._plan.schema)
    if not ok then checks.failAtUser(tostring(c)) end
    local j = (i - 2) % width + 1
    -- (a top-level compile makes NULL a string: the node tells)
    if not (args[i].k == "lit" and args[i].value == nil) then
      if types[j] and types[j].type ~= c.type then
        checks.failAtUser(("[DATATYPE_MISMATCH.STACK_COLUMN_DIFF_TYPES] Cannot resolve \"%s\" due to data type"
          .. " mismatch: The data type of the column (%d) do not have the same type: %s (%s) <> %s (%s)."):format(
          name, j - 1, types[j].type:simpleString(), types[j].name, c.type:simpleString(), c.name))
      end
      types[j] = types[j] or c
    end
  end
  local rows = {}
  for r = 0, n - 1 do
    local fields = {}
    for j = 1, width do
      local v = args[2 + r * width + j - 1] or { k = "lit", value = nil }
      if types[j] then v = { k = "cast", expr = v, to = types[j].type } end
      fields[#fields + 1] = { k = "lit", value = ("col%d"):format(j - 1) }
      fields[#fields + 1] = v
    end
    rows[#rows + 1] = { k = "call", fn = "named_struct", args = fields }
  end
  return { k = "call", fn = "inline", args = { { k = "call", fn = "array", args = rows } }, sqlText = name }
end

-- select(nodes) over df where one of nodes is a generator; new_df(df, op)
-- makes the plan node over df.
function M.project(df, nodes, derive)
  -- stack is an inline (its call replaced, under its alias if it has one)
  for i, n in ipairs(nodes) do
    local g = generator_of(n)
    if g and g.fn:lower() == "stack" then
      local copy = {}
      for key, v in pairs(nodes) do copy[key] = v end
      local inline = stack_as_inline(df, g)
      copy[i] = n.k == "alias" and { k = "alias", name = n.name, names = n.names, expr = inline } or inline
      nodes = copy
    end
  end
  local items, gen, names, sql_names, at_tuple = {}, nil, nil, require("tide.sql_names"), nil
  for i, n in ipairs(nodes) do
    local g, alias = generator_of(n)
    if g and gen then
      checks.failAtUser(("Only one generator allowed per select clause but found 2: %s, %s"):format(
        sql_names.toString(gen), sql_names.toString(g)))
    end
    if g and is_json_tuple(g.fn:lower()) then
      gen, names, at_tuple = g, alias, i
    elseif g then
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
  if at_tuple then return json_tuple(df, nodes, at_tuple, gen, names) end
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
