-- tide.functions.common — what tide.functions and its parts by area
-- (tide.functions.math, .text, .arrays, .datetime) build their calls with.
local column = require("tide.column")

local M = {}
M.wrap, M.colNode, M.nodeOf, M.conditionNode = column.wrap, column.colNode, column.nodeOf, column.conditionNode

function M.call(fn, args, opts) return M.wrap { k = "call", fn = fn, args = args, opts = opts } end

-- A call of one column (or column name), refusing none with the
-- function's name, at the caller's line.
function M.columnFn(name)
  return function(c)
    if c == nil then error(name .. "() needs a column", 2) end
    return M.call(name, { M.colNode(c) })
  end
end

-- A call whose arguments are all columns (or column names).
function M.columnsFn(name)
  return function(...)
    local args = {}
    for i = 1, select("#", ...) do args[i] = M.colNode((select(i, ...))) end
    return M.call(name, args)
  end
end

return M
