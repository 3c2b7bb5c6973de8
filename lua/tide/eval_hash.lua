-- tide.eval_hash — Spark's hash functions of tide.eval's `call` nodes
-- (engine/eval_hash.c): xxhash64 here, and the murmur3 hash that
-- tide.eval_text registers, both through hash_of.
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local fns = require("tide.eval_functions")

local M = {}
local ID = T.ID

-- t is, or holds in an array or struct, a map.
local function holds_map(t)
  if t.id == ID.map then return true end
  if t.elementType then return holds_map(t.elementType) end
  for _, f in ipairs(t.fields or {}) do
    if holds_map(f.dataType) then return true end
  end
  return false
end

-- Spark's hash functions over their arguments (xxhash64, and tide.eval_text's
-- hash): kernel with seed 42, a t per row. A NULL leaves the running hash as
-- it is, so untyped NULLs are simply skipped; no_vectors: hash, whose kernel
-- cannot hash a vector. A map, even inside an array or struct, is refused
-- as Spark refuses it (equal maps may hash differently).
local function hash_of(node, compileChild, ev, t, kernel, no_vectors)
  local args = fns.argsOf(node, compileChild, 1, nil, ev)
  local kept = {}
  for _, a in ipairs(args) do
    if holds_map(a.type) then
      ev.typeError(node, ('[DATATYPE_MISMATCH.HASH_MAP_TYPE] Input to the function `%s` cannot contain elements of'
        .. ' the "MAP" type. In Spark, same maps may have different hashcode, thus hash expressions are prohibited'
        .. ' on "MAP" elements'):format(node.fn:lower()))
    end
    if no_vectors and a.type.id == ID.vector then
      ev.typeError(node, ("hash cannot hash a vector (%s)"):format(a.name))
    end
    if not coerce.isVoid(a.type) then kept[#kept + 1] = a end
  end
  local n = #kept
  return fns.overArgs(ev, node, t, kept, function(out, cols, dst, input)
    return kernel(out, ev.columnArray(cols), n, 42, input.num_rows, dst, ev.errbuf, ev.errlen)
  end)
end

local function xxhash64(node, _, compileChild, ev)
  return hash_of(node, compileChild, ev, T.long, C.tide_eval_xxhash64)
end

M.hashOf, M.xxhash64 = hash_of, xxhash64

return M
