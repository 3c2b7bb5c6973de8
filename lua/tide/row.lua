-- tide.row — the rows collect() returns: tables keyed by field name that
-- print as Spark prints them, Row(id=1, site='a'). Field order lives in the
-- metatable, shared by every row of one schema. As PySpark's Row is a
-- tuple (row[0] its first field), r[1] is the first field here (Lua
-- counts from 1), r[2] the second, ...: the metatable's __index finds it
-- by name, so a row holds each value once, under its name, and pairs()
-- sees the names alone. #r and ipairs(r) do not see them (LuaJIT reads a
-- table's length and its integer keys without metamethods): the number
-- of fields is #tide.row.fields(r).
local M = {}

-- A float or double as Python's repr prints it: the fewest digits that
-- keep the value, and a whole number with ".0" (score=1.0, not score=1).
local function python_float(v)
  if v ~= v then return "nan" end
  if v == math.huge then return "inf" end
  if v == -math.huge then return "-inf" end
  local s
  for digits = 15, 17 do
    s = ("%." .. digits .. "g"):format(v)
    if tonumber(s) == v then break end
  end
  if not s:find("[.e]") then s = s .. ".0" end
  return s
end

local function quote(v, floating)
  if type(v) == "string" then return "'" .. v .. "'" end
  if v == nil then return "None" end
  if type(v) == "number" then
    if floating then return python_float(v) end
    if v == math.floor(v) and math.abs(v) < 2 ^ 63 then return ("%d"):format(v) end
  end
  return tostring(v)
end

-- A metatable for rows with these field names (in order); floating[i] is
-- true when field i is a float or double (their values print as such).
function M.metatable(names, floating)
  floating = floating or {}
  local mt = { __fields = names }
  mt.__tostring = function(row)
    local parts = {}
    for i, name in ipairs(names) do parts[i] = name .. "=" .. quote(row[name], floating[i]) end
    return "Row(" .. table.concat(parts, ", ") .. ")"
  end
  local function as_dict(row)
    local d = {}
    for _, name in ipairs(names) do d[name] = rawget(row, name) end
    return d
  end
  -- (a name that is no field, or a field whose value is null, is nil)
  mt.__index = function(row, key)
    if type(key) == "number" then
      local name = names[key]
      if name == nil then return nil end
      return rawget(row, name)
    end
    if key == "asDict" then return as_dict end
    return nil
  end
  return mt
end

-- The metatable of the Lua lists collect() gives for arrays (n: their
-- length, a null element a hole): they print as Python prints a list,
-- ['a', None, 'c']; floating: whether the elements are floats or doubles.
local list_metatables = {}
function M.listMetatable(floating)
  floating = floating == true
  local mt = list_metatables[floating]
  if mt then return mt end
  mt = { __tostring = function(list)
    local parts = {}
    for i = 1, list.n or #list do parts[i] = quote(list[i], floating) end
    return "[" .. table.concat(parts, ", ") .. "]"
  end }
  list_metatables[floating] = mt
  return mt
end

-- The metatable of the tables collect() gives for maps (key -> value): they
-- print as Python prints a dict, {'a': 1}, keys in sorted order.
local map_metatables = {}
function M.mapMetatable(floating)
  floating = floating == true
  local mt = map_metatables[floating]
  if mt then return mt end
  mt = { __tostring = function(map)
    local keys, parts = {}, {}
    for k in pairs(map) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for i, k in ipairs(keys) do parts[i] = quote(k) .. ": " .. quote(map[k], floating) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end }
  map_metatables[floating] = mt
  return mt
end

-- A list that is also a function returning itself: a value PySpark reads
-- as a property and tide also answers as a method (q.recentProgress and
-- q:recentProgress(), tide.streaming). It prints, encodes (tide.json)
-- and is taken as a list as collect()'s are.
local callable_list_mt = { __call = function(list) return list end, __tostring = function(list)
  return M.listMetatable(false).__tostring(list)
end }

function M.callableList(t) return setmetatable(t, callable_list_mt) end

function M.isMap(v)
  local mt = getmetatable(v)
  return mt ~= nil and (mt == map_metatables[true] or mt == map_metatables[false])
end

function M.isList(v)
  local mt = getmetatable(v)
  return mt ~= nil and (mt == list_metatables[true] or mt == list_metatables[false] or mt == callable_list_mt)
end

-- The field names of a row, in order.
function M.fields(row)
  local mt = getmetatable(row)
  return mt and mt.__fields
end

return M
