-- tide.row — the rows collect() returns: tables keyed by field name that
-- print as Spark prints them, Row(id=1, site='a'). Field order lives in the
-- metatable, shared by every row of one schema. As PySpark's Row is a
-- tuple (row[0] its first field), r[1] is the first field here (Lua
-- counts from 1), r[2] the second, ...: the metatable's __index finds it
-- by name, so a row holds each value once, under its name, and pairs()
-- sees the names alone. #r and ipairs(r) do not see them (LuaJIT reads a
-- table's length and its integer keys without metamethods): the number
-- of fields is #tide.row.fields(r).
--
-- A name may repeat (a join's two sides, SELECT 1 AS a, 2 AS a): r.a is
-- then the first field of that name, as PySpark's, and the later fields
-- of the name are kept beside the row (M.make), so that r[i], tostring
-- and equality still see every position's own value.
-- Two rows are equal when their values are, position by position, as
-- PySpark's tuples are (the names are not compared).
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
M.pythonFloat = python_float

local function quote(v, floating)
  if type(v) == "string" then return "'" .. v .. "'" end
  if v == nil then return "None" end
  if type(v) == "number" then
    if floating then return python_float(v) end
    if v == math.floor(v) and math.abs(v) < 2 ^ 63 then return ("%d"):format(v) end
  end
  return tostring(v)
end

-- The values of a row's later fields whose name an earlier field has
-- (row -> { [position] = value }); rows of names that do not repeat have
-- none.
local shadowed = setmetatable({}, { __mode = "k" })

-- The value at position i of a row whose metatable is mt.
local function value_at(row, mt, i)
  local name = mt.__fields[i]
  if name == nil then return nil end
  if mt.__first[name] == i then return rawget(row, name) end
  local later = shadowed[row]
  return later and later[i]
end

local values_equal

local function rows_equal(a, b)
  local ma, mb = getmetatable(a), getmetatable(b)
  local n = #ma.__fields
  if #mb.__fields ~= n then return false end
  for i = 1, n do
    if not values_equal(value_at(a, ma, i), value_at(b, mb, i)) then return false end
  end
  return true
end

-- Python's == over collected values: rows and lists element by element,
-- maps key by key (a list or map inside a row compares by its values).
function values_equal(a, b)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" then return false end
  if M.isList(a) and M.isList(b) then
    local n = a.n or #a
    if (b.n or #b) ~= n then return false end
    for i = 1, n do
      if not values_equal(a[i], b[i]) then return false end
    end
    return true
  end
  if M.isMap(a) and M.isMap(b) then
    for k, v in pairs(a) do
      if not values_equal(v, b[k]) then return false end
    end
    for k in pairs(b) do
      if a[k] == nil then return false end
    end
    return true
  end
  return false -- (rows that are equal were found so by ==, through __eq)
end

-- A metatable for rows with these field names (in order); floating[i] is
-- true when field i is a float or double (their values print as such).
function M.metatable(names, floating)
  floating = floating or {}
  local first, repeats = {}, false
  for i, name in ipairs(names) do
    if first[name] == nil then first[name] = i else repeats = true end
  end
  local mt = { __fields = names, __first = first, __repeats = repeats, __eq = rows_equal }
  mt.__tostring = function(row)
    local parts = {}
    for i, name in ipairs(names) do parts[i] = name .. "=" .. quote(value_at(row, mt, i), floating[i]) end
    return "Row(" .. table.concat(parts, ", ") .. ")"
  end
  -- (as PySpark's, a name that repeats has its last field's value)
  local function as_dict(row)
    local d = {}
    for i, name in ipairs(names) do d[name] = value_at(row, mt, i) end
    return d
  end
  -- (a name that is no field, or a field whose value is null, is nil)
  mt.__index = function(row, key)
    if type(key) == "number" then return value_at(row, mt, key) end
    if key == "asDict" then return as_dict end
    return nil
  end
  return mt
end

-- A row of metatable mt (M.metatable) from its values by position
-- (values[i] the i-th field's, nil for a null).
function M.make(mt, values)
  local row, names, first, later = {}, mt.__fields, mt.__first, nil
  for i, name in ipairs(names) do
    local v = values[i]
    if first[name] == i then
      row[name] = v
    elseif v ~= nil then
      later = later or {}
      later[i] = v
    end
  end
  setmetatable(row, mt)
  if later then shadowed[row] = later end
  return row
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

-- PySpark's Row, made by a script:
--   tide.Row{name = "Alice", age = 11}       --> Row(age=11, name='Alice')
--   local Person = tide.Row("name", "age")   -- a row of these fields, in order
--   Person("Alice", 11)                      --> Row(name='Alice', age=11)
-- A Lua table keeps no order of its keys, so the first form's fields come
-- in the order of their names (as PySpark's before 3.0); the second keeps
-- the order given, and takes nil for a null.
local factory_mt = {
  __call = function(self, ...)
    local n = select("#", ...)
    if n > #self.fields then
      error(("Row(%s) takes %d values, not %d"):format(table.concat(self.fields, ", "), #self.fields, n), 2)
    end
    return M.make(self.mt, { ... })
  end,
  __tostring = function(self)
    local quoted = {}
    for i, name in ipairs(self.fields) do quoted[i] = "'" .. name .. "'" end
    return "<Row(" .. table.concat(quoted, ", ") .. ")>"
  end,
}

function M.Row(first, ...)
  if type(first) == "table" and select("#", ...) == 0 and getmetatable(first) == nil then
    local names = {}
    for k in pairs(first) do
      if type(k) ~= "string" then
        error("Row{...} takes fields by name (Row{name = 'Alice'}); for values by position use "
          .. "Row('name', ...)(values)", 2)
      end
      names[#names + 1] = k
    end
    table.sort(names)
    local values = {}
    for i, name in ipairs(names) do values[i] = first[name] end
    return M.make(M.metatable(names), values)
  end
  local fields = { first, ... }
  for i = 1, select("#", ...) + 1 do
    if type(fields[i]) ~= "string" then
      error(("Row(...): field names must be strings, not %s (argument %d); a row by names is "
        .. "Row{name = value, ...}"):format(type(fields[i]), i), 2)
    end
  end
  return setmetatable({ fields = fields, mt = M.metatable(fields) }, factory_mt)
end

-- Whether v is a Row (collect()'s, a struct value's).
function M.isRow(v)
  local mt = getmetatable(v)
  return type(mt) == "table" and mt.__eq == rows_equal
end

return M
