-- tide.sql_stars — which table each column of a select's FROM rows comes
-- from (through joins, USING keys and LATERAL VIEW), and the select items
-- *, t.*, s.* and t.s.* expanded over them as Spark expands them
-- (tide.sql_query keeps scope.columns up to date as it reads FROM).
local T = require("tide.types")
local S = require("tide.sql_support")

local M = {}
local raise, unqualify = S.raise, S.unqualify

-- The columns of a table of FROM (by position): each { name = its name
-- there, tables = { [alias] = true } }. scope.columns holds those of the
-- FROM clause's rows so far, nil where tide does not know them (PIVOT).
function M.columnsOf(df, a)
  local list = {}
  for i, f in ipairs(df._plan.schema.fields) do
    list[i] = { name = f.name, tables = a and { [a:lower()] = true } or {} }
  end
  return list
end

-- The columns of `joined`, a join of left's and right's (columns_of's
-- lists), as the join lays them out: a USING join's keys first (the key
-- of the side whose value it keeps), then each side's other columns, then
-- the hidden ones (an outer USING join's other key, "t.k", which t.*
-- lists and * does not); a table whose key is not there is
-- scope.missing's. nil where the layout is another.
function M.joinedColumns(scope, left, right, using, how, joined)
  local fields, out, lacking = joined._plan.schema.fields, {}, {}
  if not using then
    for _, c in ipairs(left) do out[#out + 1] = c end
    for _, c in ipairs(right) do out[#out + 1] = c end
  else
    local is_key = {}
    for _, k in ipairs(using) do is_key[k:lower()] = true end
    local function key_of(side, k)
      for _, c in ipairs(side) do
        if not c.hidden and c.name:lower() == k:lower() then return c.tables end
      end
      return {}
    end
    for _, k in ipairs(using) do
      local tables, l, r = {}, key_of(left, k), key_of(right, k)
      for _, pair in ipairs({ { l, how ~= "right" and how ~= "full" }, { r, how ~= "left" and how ~= "full" } }) do
        for t in pairs(pair[1]) do
          if pair[2] then tables[t] = true else lacking[t] = k end
        end
      end
      out[#out + 1] = { name = k, tables = tables }
    end
    for _, side in ipairs({ left, right }) do
      for _, c in ipairs(side) do
        if c.hidden or not is_key[c.name:lower()] then out[#out + 1] = c end
      end
    end
  end
  for i = #out + 1, #fields do
    local f, q = fields[i], fields[i].qualifier
    if not (f.hidden and q) then return nil end
    local name = f.name:sub(1, #q + 1):lower() == q:lower() .. "." and f.name:sub(#q + 2) or f.name
    out[i], lacking[q:lower()] = { name = name, tables = { [q:lower()] = true }, hidden = true }, nil
  end
  for t, k in pairs(lacking) do scope.missing[t] = k end
  return #out == #fields and out or nil
end

-- A column of the FROM clause's rows (the i-th, named `physical` there,
-- told by its position only where `twice`, as GROUP BY finds it by name)
-- as its table names it: r.a, which a join renamed, is a again (a name
-- ORDER BY and GROUP BY do not take for an alias: l.a stays l's).
local function named_column(physical, i, name, twice)
  local node = { k = "col", name = physical, index = twice and i - 1 or nil }
  if physical == name then return node end
  return { k = "alias", name = name, expr = node, star = true }
end

-- The select items t.* (target {"t"}), s.* and t.s.* (a struct's fields)
-- and * stand for, over df: as Spark's, a name before .* is a table's
-- first, else a struct column's; * names a column a join renamed as its
-- table does. Other items are as they are.
function M.expandStars(items, df, scope)
  local fields, out, count = df._plan.schema.fields, {}, {}
  if scope.columns and #scope.columns ~= #fields then scope.columns = nil end -- (a layout not followed)
  for _, f in ipairs(fields) do count[f.name:lower()] = (count[f.name:lower()] or 0) + 1 end
  local function column(i, name) return named_column(fields[i].name, i, name, count[fields[i].name:lower()] > 1) end
  local function unresolved(text)
    local names = {}
    for i, f in ipairs(fields) do names[i] = "`" .. f.name .. "`" end
    raise(("[CANNOT_RESOLVE_STAR_EXPAND] Cannot resolve `%s`.* given input columns %s. Please check that the"
      .. " specified table or struct exists and is accessible in the input columns."):format(text,
      table.concat(names, ", ")))
  end
  local function table_star(target)
    local a = target:lower()
    if scope.missing[a] then
      raise(("%s.* after an outer JOIN ... USING (%s): tide keeps one %s, the other side's; name %s's columns")
        :format(target, scope.missing[a], scope.missing[a], target))
    end
    if not scope.columns then return { { k = "star" } } end
    local list = {}
    for _, hidden in ipairs({ true, false }) do -- (Spark's: its hidden columns first)
      for i, c in ipairs(scope.columns) do
        if c.tables[a] and (c.hidden or false) == hidden then list[#list + 1] = column(i, c.name) end
      end
    end
    if #list == 0 then unresolved(target) end -- (the other side of a semi join)
    return list
  end
  local function struct_star(target)
    local node = { k = "col", name = target[1] }
    for j = 2, #target do node = { k = "field", expr = node, name = target[j] } end
    node = unqualify(node, scope)
    local text = table.concat(target, ".")
    local ok, compiled = pcall(require("tide.eval").compile, node, df._plan.schema)
    if not ok then unresolved(text) end
    if compiled.type.id ~= T.ID.struct then
      raise(("Can only star expand struct data types. Attribute: `%s` is %s"):format(text,
        compiled.type:simpleString()))
    end
    local list = {}
    for i, f in ipairs(compiled.type.fields) do
      list[i] = { k = "alias", name = f.name, expr = { k = "field", expr = node, name = f.name } }
    end
    return list
  end
  for _, item in ipairs(items) do
    local expanded = { item }
    if item.k == "star" and item.target then
      local target = item.target
      expanded = #target == 1 and scope.names[target[1]:lower()] and table_star(target[1]) or struct_star(target)
    elseif item.k == "star" and scope.columns then
      -- (* keeps the rows' own names unless a join renamed one, and lists
      -- no hidden column)
      local renamed = false
      for i, c in ipairs(scope.columns) do renamed = renamed or c.hidden or c.name ~= fields[i].name end
      if renamed then
        expanded = {}
        for i, c in ipairs(scope.columns) do
          if not c.hidden then expanded[#expanded + 1] = column(i, c.name) end
        end
      end
    end
    for _, e in ipairs(expanded) do out[#out + 1] = e end
  end
  return out
end

return M
