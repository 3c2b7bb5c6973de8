-- tide.eval_casts — CAST for tide.eval: a compiled expression converted
-- to another type by the cast kernels (TRY_CAST's with try), a struct
-- field by field, an array element by element (tide.eval_lambda), to a
-- tinyint or smallint as an int narrowed to its bits, an untyped NULL as
-- a NULL of the type.
--
--   local cast_to = require("tide.eval_casts").install(eval, broadcast_column, null_of, empty_of)
--
-- install sets eval.castTo and eval.narrowed and returns cast_to; the
-- other arguments are tide.eval's builders of constant columns.
-- compiler(compile_node) is the compiler of CAST nodes, which checks the
-- cast exists as Spark's Cast.canCast does.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local coerce = require("tide.eval_coerce")

local M = {}
local ID = T.ID

function M.install(ev, broadcast_column, null_of, empty_of)
  local cast_struct

  -- c (an int) as t, a tinyint or smallint (tide.types' bits): its values
  -- wrapped to t's bits as Java's (byte) and (short) wrap them, or NULL
  -- where they do not fit when strict (from a string, TRY_CAST). A
  -- constant stays one.
  local function narrowed(c, t, strict)
    local bits, flag, name = t.bits, strict and 1 or 0, c.name
    local function narrow(out, col)
      local dst = ev.newColumn(out)
      ev.check(C.tide_eval_narrow(out, col, bits, flag, dst, ev.errbuf, ev.errlen), name)
      return dst
    end
    if c.constant then
      local out = batchlib.wrap(C.tide_batch_derive(c.constant.holder, 0))
      local dst = narrow(out, c.constant.col)
      return { type = t, name = name, outputName = c.outputName, constant = { holder = out, col = dst },
               run = broadcast_column(out, dst, name) }
    end
    local child_run = c.run
    return { type = t, name = name, outputName = c.outputName,
             run = function(input, out, ctx) return narrow(out, child_run(input, out, ctx)) end }
  end
  ev.narrowed = narrowed

  -- c converted to type t: c itself when it has that type, a NULL of t when
  -- c is an untyped NULL, else a cast kernel over c's result (TRY_CAST's
  -- when try is set).
  local cast_to
  function cast_to(c, t, try)
    -- (an untyped NULL as T.null, a void column, is made as a NULL of any
    -- type: what compiled it, raise_error's, may make no column)
    if c.type == t and not (c.type.id == 0 and t.void) then return c end
    if not coerce.isVoid(c.type) and coerce.voidsAsStrings(c.type) == t then
      -- voids inside a collection (array(NULL), map_entries(map())), kept as
      -- strings where they were made: the values are already t's
      local copy = {}
      for k, v in pairs(c) do copy[k] = v end
      copy.type = t
      return copy
    end
    if coerce.isVoid(c.type) then
      local null = null_of(t, c.name)
      if not c.mustRun then return null end
      -- raise_error: a NULL of any type that must still run.
      local run_null = null.run
      null.literal, null.run = nil, function(input, out, ctx)
        c.run(input, out, ctx)
        return run_null(input, out, ctx)
      end
      return null
    end
    if c.empty and (t.id == ID.array or t.id == ID.map) then return empty_of(t, c.name) end
    if c.type.id == ID.struct and t.id == ID.struct then return cast_struct(c, t, try) end
    if c.type.id == ID.array and t.id == ID.array then
      -- each element cast, the rows keeping their elements (tide.eval_lambda)
      return require("tide.eval_lambda").castElements(c, t, ev)
    end
    if c.type.id == ID.map and t.id == ID.map then return require("tide.eval_lambda").castEntries(c, t, ev) end
    if c.type.interval or t.interval then
      -- an interval to its text and back (tide.eval_intervals)
      local converted = require("tide.eval_intervals").castTo(c, t)
      if converted then return converted end
    end
    if c.type.ntz or t.ntz then
      -- a TIMESTAMP_NTZ to and from text, dates and timestamps (tide.eval_timestamp_ntz)
      local converted = require("tide.eval_timestamp_ntz").castTo(c, t, try)
      if converted then return converted end
    end
    if t.bits then
      -- to a tinyint or smallint: as an int, then narrowed
      if c.type.id == ID.int and (c.type.bits or 32) <= t.bits then
        local copy = {}
        for k, v in pairs(c) do copy[k] = v end
        copy.type = t
        return copy
      end
      return narrowed(cast_to(c, T.int, try), t, try or c.type.id == ID.string)
    end
    local child_run, name = c.run, c.name
    local id, p, s = t.id, t.precision or 0, t.scale or 0
    local kernel = try and C.tide_eval_try_cast or C.tide_eval_cast
    if c.constant then
      -- a literal's cast made once (d > 0.5 compares with the double 0.5),
      -- unless it fails: then where it runs, as any cast
      local out = batchlib.wrap(C.tide_batch_derive(c.constant.holder, 0))
      local dst = ev.newColumn(out)
      if kernel(out, c.constant.col, id, p, s, dst, ev.errbuf, ev.errlen) == 0 then
        return { type = t, name = name, outputName = c.outputName, constant = { holder = out, col = dst },
                 run = broadcast_column(out, dst, "CAST(" .. name .. ")") }
      end
    end
    return {
      type = t, name = name, outputName = c.outputName,
      run = function(input, out, ctx)
        local col = child_run(input, out, ctx)
        local dst = ev.newColumn(out)
        ev.check(kernel(out, col, id, p, s, dst, ev.errbuf, ev.errlen), "CAST(" .. name .. ")")
        return dst
      end,
    }
  end
  ev.castTo = cast_to

  -- CAST of a struct to another struct type of as many fields: each field
  -- cast to the target's type (cast_to over the struct's child column), the
  -- struct made again with the target's names, null where the struct is.
  function cast_struct(c, t, try)
    local n = #t.fields
    local casts, slots, names = {}, {}, {}
    for i, f in ipairs(t.fields) do
      local slot, from = {}, c.type.fields[i]
      slots[i] = slot
      casts[i] = cast_to({ type = from.dataType, name = c.name .. "." .. from.name,
        run = function() return slot.col end }, f.dataType, try)
      names[i] = f.name
    end
    local cnames = ffi.new("const char*[?]", math.max(n, 1), names)
    local name = "CAST(" .. c.name .. ")"
    return {
      type = t, name = c.name, outputName = c.outputName,
      run = function(input, out, ctx)
        local col = c.run(input, out, ctx)
        local cols = {}
        for i = 1, n do
          slots[i].col = col.children + (i - 1)
          cols[i] = casts[i].run(input, out, ctx)
        end
        local dst = ev.newColumn(out)
        ev.check(C.tide_eval_struct(out, ffi.new("const tide_column*[?]", math.max(n, 1), cols), cnames, n,
          col.length, dst, ev.errbuf, ev.errlen), name)
        dst.validity, dst.null_count = col.validity, col.null_count
        local _ = names -- (the strings cnames points at)
        return dst
      end,
    }
  end
  return cast_to
end

-- Whether CAST(from AS to) exists (Spark's Cast.canCast, for tide's types).
local can_cast
function can_cast(from, to)
  if from == to or coerce.isVoid(from) or coerce.voidsAsStrings(from) == to then return true end
  if to.void then return false end -- (only a NULL is a void: Spark's CAST(1 AS VOID) fails)
  if to.id == ID.string then return true end
  if from.id == ID.struct and to.id == ID.struct and #from.fields == #to.fields then
    -- Spark's: field by field, by position, the names the target's
    for i, f in ipairs(from.fields) do
      if not can_cast(f.dataType, to.fields[i].dataType) then return false end
    end
    return true
  end
  if from.id == ID.struct or to.id == ID.struct then return false end
  if from.id == ID.vector or to.id == ID.vector then return false end
  if from.id == ID.array and to.id == ID.array then return can_cast(from.elementType, to.elementType) end
  if from.id == ID.map and to.id == ID.map and coerce.isVoid(from.keyType) then return true end -- map()'s
  if from.id == ID.map and to.id == ID.map then
    -- (Spark's: no key may become NULL, so not from a string, a fraction
    -- to an integer, ...: coerce.castMayGiveNull)
    return can_cast(from.keyType, to.keyType) and not coerce.castMayGiveNull(from.keyType, to.keyType)
      and can_cast(from.valueType, to.valueType)
  end
  if from.id == ID.map or to.id == ID.map then return false end
  if from.id == ID.array or to.id == ID.array then return false end
  if to.id == ID.binary then return from.id == ID.string or coerce.isIntegral(from) end
  if from.id == ID.binary then return false end
  -- a date from a string or a timestamp only; to numbers and booleans a
  -- date casts, as NULL (Spark's non-ANSI Cast)
  if to.id == ID.date then return from.id == ID.string or from.id == ID.timestamp end
  return true
end

-- The compiler of CAST nodes for tide.eval, which hands it its
-- compile_node.
function M.compiler(compile_node)
  local ev = require("tide.eval")
  return function(node, scope)
    local child = compile_node(node.expr, scope)
    if node.fromVoid or node.held then
      -- a column an untyped collection was kept in (array<void> as
      -- array<string>, tide.dataframe_sets), or one holding another type's
      -- values (a streaming state's bigint of an interval's microseconds):
      -- cast as the type it stands for
      local copy = {}
      for k, v in pairs(child) do copy[k] = v end
      child, copy.type = copy, node.fromVoid or node.held
    end
    local to = node.to
    if type(to) == "string" then to = T.parse(to) end
    if not can_cast(child.type, to) then
      ev.typeError(node, ("cannot cast %s to %s"):format(child.type:simpleString(), to:simpleString()))
    end
    local c = ev.castTo(child, to, node.try)
    if c == child then
      local copy = {}
      for k, v in pairs(c) do copy[k] = v end
      c = copy
    end
    c.name = ev.sqlName(node)
    c.ml = nil -- a CAST is no attribute: Spark drops the metadata
    -- CAST of a named column keeps its name, as Spark's analyzer does (not
    -- of a struct's field, data.x: CAST(data.x AS STRING)).
    local k = node.expr.k
    c.outputName = (k == "alias" or (k == "col" and child.field)) and child.outputName or nil
    c.literal = child.literal and coerce.isVoid(child.type) and child.literal or nil
    return c
  end
end
return M
