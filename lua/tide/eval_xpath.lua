-- tide.eval_xpath — Spark's xpath functions of tide.eval's `call` nodes
-- (engine/eval_xpath.c, libxml2's XPath 1.0): xpath(xml, path) the
-- selected nodes' values (array<string>), xpath_string, xpath_boolean,
-- and the number as xpath_short (smallint), xpath_int, xpath_long,
-- xpath_float, xpath_double and xpath_number (double). The path is a
-- literal (Spark's foldable input), compiled once; a NULL path gives NULL.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local fns = require("tide.eval_functions")

local M = {}

local RESULTS = {
  xpath = { C.TIDE_XPATH_LIST, T.array(T.string) }, xpath_string = { C.TIDE_XPATH_STRING, T.string },
  xpath_boolean = { C.TIDE_XPATH_BOOLEAN, T.boolean }, xpath_short = { C.TIDE_XPATH_SHORT, T.short },
  xpath_int = { C.TIDE_XPATH_INT, T.int }, xpath_long = { C.TIDE_XPATH_LONG, T.long },
  xpath_float = { C.TIDE_XPATH_FLOAT, T.float }, xpath_double = { C.TIDE_XPATH_DOUBLE, T.double },
  xpath_number = { C.TIDE_XPATH_DOUBLE, T.double },
}

local function xpath(node, _, compileChild, ev)
  local result, t = RESULTS[node.fn][1], RESULTS[node.fn][2]
  local args = fns.argsOf(node, compileChild, 2, 2, ev)
  local xml = args[1].type.id == T.ID.string and args[1] or ev.castTo(args[1], T.string)
  local is_lit, path = ev.literalOf(args[2])
  if not is_lit or (path ~= nil and type(path) ~= "string") then
    ev.typeError(node, ('[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] the input path should be a foldable "STRING"'
      .. ' expression; however, got "%s".'):format(args[2].name))
  end
  if path == nil or coerce.isVoid(args[1].type) then return fns.allNull(ev, node, t) end
  local xp = C.tide_xpath_compile(path, ev.errbuf, ev.errlen)
  if xp == nil then error(("%s: %s"):format(ev.sqlName(node), ffi.string(ev.errbuf)), 0) end
  xp = ffi.gc(xp, C.tide_xpath_free)
  return fns.overArgs(ev, node, t, { xml }, function(out, cols, dst)
    return C.tide_eval_xpath(out, cols[1], xp, result, dst, ev.errbuf, ev.errlen)
  end)
end

function M.register(eval)
  for name in pairs(RESULTS) do eval.register(name, xpath) end
end

return M
