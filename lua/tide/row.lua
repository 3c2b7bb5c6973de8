-- tide.row — the rows collect() returns: tables keyed by field name that
-- print as Spark prints them, Row(id=1, site='a'). Field order lives in the
-- metatable, shared by every row of one schema.
local M = {}

local function quote(v)
  if type(v) == "string" then return "'" .. v .. "'" end
  if v == nil then return "None" end
  if type(v) == "number" and v == math.floor(v) and math.abs(v) < 2 ^ 63 then
    return ("%d"):format(v)
  end
  return tostring(v)
end

-- A metatable for rows with these field names (in order).
function M.metatable(names)
  local mt = { __fields = names }
  mt.__tostring = function(row)
    local parts = {}
    for i, name in ipairs(names) do parts[i] = name .. "=" .. quote(row[name]) end
    return "Row(" .. table.concat(parts, ", ") .. ")"
  end
  mt.__index = { asDict = function(row)
    local d = {}
    for _, name in ipairs(names) do d[name] = row[name] end
    return d
  end }
  return mt
end

-- The field names of a row, in order.
function M.fields(row)
  local mt = getmetatable(row)
  return mt and mt.__fields
end

return M
