-- tide.eval_names — the text Spark shows for an expression (its
-- toPrettySQL), which names unaliased select columns: "(a + 1)",
-- "CAST(a AS STRING)", "lower(s)". tide.eval uses tide.sql's toString when
-- that module is there; this is the stand-in until it is.
local M = {}

local function java_double(x)
  return require("tide.batch").javaDouble(x, 17)
end

local function literal(node)
  local v = node.value
  if v == nil then return "NULL" end
  if type(v) == "boolean" then return tostring(v) end
  if type(v) == "number" then
    if v == math.floor(v) and math.abs(v) < 2 ^ 63 and not (node.type and node.type.id == 5) then
      return ("%d"):format(v)
    end
    return java_double(v)
  end
  if type(v) == "cdata" then return (tostring(v):gsub("U?LL$", "")) end
  return tostring(v)
end

local OPS = { ["and"] = "AND", ["or"] = "OR" }

local function name(node)
  local k = node.k
  if k == "col" then return node.name end
  if k == "lit" then return literal(node) end
  if k == "alias" then return name(node.expr) .. " AS " .. node.name end
  if k == "star" then return node.prefix and (node.prefix .. ".*") or "*" end
  if k == "cast" then return ("CAST(%s AS %s)"):format(name(node.expr), node.to:simpleString():upper()) end
  if k == "field" then return name(node.expr) .. "." .. node.name end
  if k == "item" then return ("%s[%s]"):format(name(node.expr), tostring(node.index)) end
  if k == "not" then return ("(NOT %s)"):format(name(node.expr)) end
  if k == "neg" then return ("(- %s)"):format(name(node.expr)) end
  if k == "isnull" then return ("(%s IS NULL)"):format(name(node.expr)) end
  if k == "isnotnull" then return ("(%s IS NOT NULL)"):format(name(node.expr)) end
  if k == "op" then
    if node.op == "!=" then return ("(NOT (%s = %s))"):format(name(node.left), name(node.right)) end
    return ("(%s %s %s)"):format(name(node.left), OPS[node.op] or node.op, name(node.right))
  end
  if k == "in" then
    local parts = {}
    for i, v in ipairs(node.list) do parts[i] = name(v) end
    return ("(%s IN (%s))"):format(name(node.expr), table.concat(parts, ", "))
  end
  if k == "case" then
    local parts = { "CASE" }
    for _, b in ipairs(node.branches) do
      parts[#parts + 1] = ("WHEN %s THEN %s"):format(name(b.when), name(b.value))
    end
    if node.otherwise then parts[#parts + 1] = "ELSE " .. name(node.otherwise) end
    parts[#parts + 1] = "END"
    return table.concat(parts, " ")
  end
  if k == "call" then
    local args = {}
    for i, a in ipairs(node.args or {}) do args[i] = name(a) end
    local fn = node.fn
    if fn == "like" then return ("%s LIKE %s"):format(args[1], args[2]) end
    if fn == "regexp_replace" and #args == 3 then args[4] = "1" end
    if fn == "substring" and #args == 2 then args[3] = "2147483647" end
    if fn == "udf" then fn = node.opts and node.opts.name or "udf" end
    return ("%s(%s)"):format(fn, table.concat(args, ", "))
  end
  return "<" .. tostring(k) .. ">"
end
M.toString = name

return M
