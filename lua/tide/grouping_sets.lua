-- tide.grouping_sets — rollup and cube, as Spark's GROUPING SETS:
--
--   df:rollup("country", "site"):agg(F.sum("clicks"))   -- (country, site), (country), ()
--   df:cube("country", "site"):count()                  -- every subset of the keys
--   df:cube("a", "b"):agg(F.count("*"), F.grouping_id(), F.grouping("a"))
--
-- Each row is repeated once per grouping set (a union of projections, as
-- Spark's Expand), its keys copied with the ones outside the set null and
-- the set's id (Spark's grouping_id: a bit per key, 1 where the key is
-- left out, the first key highest); then one aggregation groups by the
-- copies and the id, and the copies are shown under the keys' names. The
-- aggregates read the original columns, so count(a) counts a's values in
-- every set. Groups come set by set: the full keys first, the grand total
-- last.
local column = require("tide.column")
local checks = require("tide.checks")
local ops = require("tide.dataframe_ops")

local M = {}

local ID_NAME, POS_NAME = "__grouping_id", "__grouping_pos"
local function col(name) return { k = "col", name = name } end
local function key_copy(i) return ("__grouping_key%d"):format(i) end

-- grouping(col) and grouping_id() over the id of a rollup's or cube's
-- groups (keys from tide.dataframe_aggregate); Spark's error elsewhere.
function M.groupingNode(node, keys)
  if not keys.grouping then
    checks.failAtUser(("%s() can only be used with GroupingSets/Cube/Rollup"):format(node.fn))
  end
  local n = #keys.grouping
  -- the bit of key `arg` in the id: (id div 2^(n - position)) % 2
  local function bit(arg)
    local position = arg and arg.k == "col" and keys.positions[tostring(arg.name):lower()]
    if not position then
      checks.failAtUser(("%s(%s): the column must be one of the keys (%s)"):format(node.fn,
        arg and require("tide.sql_names").toString(arg) or "", table.concat(keys.grouping, ", ")))
    end
    local shifted = { k = "op", op = "div", left = col(ID_NAME), right = { k = "lit", value = 2 ^ (n - position) } }
    return { k = "op", op = "%", left = shifted, right = { k = "lit", value = 2 } }
  end
  if node.fn == "grouping_id" then
    -- grouping_id(c1, ..., cn): Spark takes the keys themselves, in order
    local same = #node.args == 0 or #node.args == n
    for i, arg in ipairs(node.args) do
      same = same and arg.k == "col" and keys.positions[tostring(arg.name):lower()] == i
    end
    if not same then
      local shown = {}
      for i, arg in ipairs(node.args) do shown[i] = require("tide.sql_names").toString(arg) end
      checks.failAtUser(("[GROUPING_ID_COLUMN_MISMATCH] Columns of grouping_id (%s) does not match grouping columns"
        .. " (%s)."):format(table.concat(shown, ","), table.concat(keys.grouping, ",")))
    end
    return col(ID_NAME)
  end
  return { k = "cast", to = require("tide.types").byte, expr = bit(node.args[1]) }
end

local grouping_sets -- set by install

-- SQL's GROUP BY with grouping sets: keys are expressions (a column, or
-- one computed first and named as Spark shows it), sets lists of their
-- positions (tide.sql_query's GROUP BY ROLLUP / CUBE / GROUPING SETS).
function M.groupingSets(df, keys, sets)
  local names, computed = {}, {}
  for i, k in ipairs(keys) do
    if k.k == "col" then
      names[i] = k.name
    else
      names[i] = require("tide.sql_names").outputName(k)
      computed[#computed + 1] = column.wrap({ k = "alias", name = names[i], expr = k })
    end
  end
  if #computed > 0 then df = df:select(column.wrap({ k = "star" }), unpack(computed)) end
  local grouped = grouping_sets(df, names, sets, "GROUP BY with grouping sets")
  -- (a select item that is a key's expression is that key)
  local by_text = {}
  for i, k in ipairs(keys) do
    if k.k ~= "col" then by_text[require("tide.dataframe_aggregate").normalizedText(k)] = names[i] end
  end
  grouped.keys.computed = by_text
  return grouped
end

function M.install(methods, GroupedData)
  -- The GroupedData of the grouping sets `sets` (lists of key positions).
  function grouping_sets(df, names, sets, what)
    if df._streaming then
      checks.failAtUser(("%s on a streaming DataFrame is not there in tide: group by the keys, or compute the"
        .. " subtotals in foreachBatch"):format(what))
    end
    local schema = df._plan.schema
    local resolved, types = {}, {}
    for i, name in ipairs(names) do
      local idx = ops.key_index(schema, name, what, 3)
      resolved[i], types[i] = schema.fields[idx + 1].name, schema.fields[idx + 1].dataType
    end
    local n = #resolved
    -- A set named twice gives its groups twice, as Spark's Expand does with
    -- a position column (_gen_grouping_pos) that keeps the copies apart.
    local seen, repeated = {}, false
    for _, set in ipairs(sets) do
      local sorted = { unpack(set) }
      table.sort(sorted)
      local text = table.concat(sorted, ",")
      repeated = repeated or seen[text] ~= nil
      seen[text] = true
    end
    local expanded
    for j, set in ipairs(sets) do
      local in_set, id = {}, 0
      for _, p in ipairs(set) do in_set[p] = true end
      local cols = { column.wrap({ k = "star" }) }
      for i = 1, n do
        if not in_set[i] then id = id + 2 ^ (n - i) end
        cols[#cols + 1] = column.wrap({ k = "alias", name = key_copy(i),
          expr = in_set[i] and col(resolved[i]) or { k = "lit", value = nil, type = types[i] } })
      end
      cols[#cols + 1] = column.wrap({ k = "alias", name = ID_NAME,
        expr = { k = "lit", value = id, type = require("tide.types").long } })
      if repeated then
        cols[#cols + 1] = column.wrap({ k = "alias", name = POS_NAME,
          expr = { k = "lit", value = j - 1, type = require("tide.types").int } })
      end
      local part = df:select(cols)
      expanded = expanded and expanded:union(part) or part
    end
    local keys, positions, aliases, shown = { grouping = resolved }, {}, {}, {}
    for i, name in ipairs(resolved) do
      keys[i], positions[name:lower()], aliases[name:lower()] = key_copy(i), i, key_copy(i)
      shown[key_copy(i)] = name
    end
    keys[n + 1] = ID_NAME
    if repeated then keys[n + 2] = POS_NAME end
    keys.positions, keys.aliases = positions, aliases
    -- The copies under the keys' names, the id and the columns the
    -- aggregation kept aside.
    keys.finish = function(result)
      local cols = {}
      for _, f in ipairs(result._plan.schema.fields) do
        if shown[f.name] then
          cols[#cols + 1] = column.wrap({ k = "alias", name = shown[f.name], expr = col(f.name) })
        elseif f.name ~= ID_NAME and f.name ~= POS_NAME then
          cols[#cols + 1] = column.wrap(col(f.name))
        end
      end
      return result:select(cols)
    end
    return setmetatable({ df = expanded, keys = keys }, GroupedData)
  end

  local function key_names(what, ...)
    local list = ops.arglist(what, ...)
    if #list == 0 then checks.failAtUser(what .. "() needs at least one column") end
    local names = {}
    for i, c in ipairs(list) do names[i] = ops.name_of(c, what) end
    return names
  end

  -- rollup(cols...): the keys, then each prefix of them, then none.
  function methods:rollup(...)
    local names = key_names("rollup", ...)
    local sets = {}
    for size = #names, 0, -1 do
      local set = {}
      for i = 1, size do set[i] = i end
      sets[#sets + 1] = set
    end
    local grouped = grouping_sets(self, names, sets, "rollup")
    return grouped
  end

  -- cube(cols...): every subset of the keys, by grouping id (all first).
  function methods:cube(...)
    local names = key_names("cube", ...)
    local n, sets = #names, {}
    for id = 0, 2 ^ n - 1 do
      local set = {}
      for i = 1, n do
        if math.floor(id / 2 ^ (n - i)) % 2 == 0 then set[#set + 1] = i end
      end
      sets[#sets + 1] = set
    end
    local grouped = grouping_sets(self, names, sets, "cube")
    return grouped
  end
end

return M
