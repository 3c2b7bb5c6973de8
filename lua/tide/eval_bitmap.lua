-- tide.eval_bitmap — bitmap_bucket_number(x), bitmap_bit_position(x)
-- (x cast to bigint, as Spark's implicit cast) and bitmap_count(bitmap) of
-- tide.eval's `call` nodes, as Spark 3.5's (engine/eval_bitmap.c): bigint
-- results. Their aggregates, bitmap_construct_agg and bitmap_or_agg, are
-- tide.aggregate_functions'.
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local fns = require("tide.eval_functions")

local M = {}
local ID = T.ID

-- (what Spark casts to bigint implicitly: tinyint and smallint are ints here)
local NUMBERS = { [ID.int] = true, [ID.long] = true, [ID.decimal] = true, [ID.float] = true, [ID.double] = true,
                  [ID.string] = true }

local function place(position)
  return function(node, _, compileChild, ev)
    local x = fns.argsOf(node, compileChild, 1, 1, ev)[1]
    if not (NUMBERS[x.type.id] or coerce.isVoid(x.type)) then
      ev.typeError(node, ('Parameter 1 requires the "BIGINT" type, however "%s" has the type "%s"'):format(x.name,
        x.type:simpleString():upper()))
    end
    if x.type.id ~= ID.long then x = ev.castTo(x, T.long) end
    return fns.overArgs(ev, node, T.long, { x }, function(out, cols, dst)
      return C.tide_eval_bitmap_place(out, cols[1], position, dst, ev.errbuf, ev.errlen)
    end)
  end
end

local function bitmap_count(node, _, compileChild, ev)
  local b = fns.argsOf(node, compileChild, 1, 1, ev)[1]
  if b.type.id ~= ID.binary then
    ev.typeError(node, ('[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Parameter 0 requires the "BINARY" type, however'
      .. ' "%s" has the type "%s".'):format(b.name, b.type:simpleString():upper()))
  end
  return fns.overArgs(ev, node, T.long, { b }, function(out, cols, dst)
    return C.tide_eval_bitmap_count(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

function M.register(eval)
  eval.register("bitmap_bucket_number", place(0))
  eval.register("bitmap_bit_position", place(1))
  eval.register("bitmap_count", bitmap_count)
end

return M
