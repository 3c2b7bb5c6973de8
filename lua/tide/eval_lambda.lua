-- tide.eval_lambda — Spark's higher-order functions over arrays, with a
-- lambda function over the elements (engine/eval_array_lambda.c):
--
--   F.transform("tags", function(x) return F.upper(x) end)       transform(tags, x -> upper(x))
--   F.transform("v", function(x, i) return x * i end)            transform(v, (x, i) -> x * i)
--   F.filter("v", function(x) return x:gt(F.col("limit")) end)   filter(v, x -> x > limit)
--   F.exists("v", function(x) return x:isNull() end)             exists(v, x -> x IS NULL)
--   F.forall("v", function(x) return x:gt(0) end)                forall(v, x -> x > 0)
--
-- The body is compiled once, over a batch of a row per element (the
-- element, its position, and the outer columns the body reads, repeated
-- for each element of their row), and runs once per batch over all the
-- elements: no per-element Lua.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local lineage = require("tide.lineage")

local M = {}
local ID = T.ID

-- A copy of body with its parameters' names (case-insensitive, as
-- Spark's) as lambda variables; a nested lambda's own parameters shadow
-- them inside it.
function M.bindParams(params, body)
  local bound = {}
  for _, p in ipairs(params) do bound[p:lower()] = p end
  local map = require("tide.dataframe_aggregate").mapChildren
  local function rewrite(n, names)
    if type(n) ~= "table" or getmetatable(n) then return n end
    if n.k == "col" and type(n.name) == "string" and names[n.name:lower()] and not n.from then
      return { k = "lambdavar", name = names[n.name:lower()] }
    end
    if n.k == "lambda" then
      local inner = {}
      for k, v in pairs(names) do inner[k] = v end
      for _, p in ipairs(n.params) do inner[p:lower()] = nil end
      names = inner
    end
    return map(n, function(child) return rewrite(child, names) end)
  end
  return { k = "lambda", params = params, body = rewrite(body, bound) }
end

-- The lambda of a Lua function (F.transform's and kin's): called once with
-- its parameters as Columns of lambda variables, named as PySpark names
-- them (x_1, i_2, ...: unique, so nested lambdas do not shadow each other).
local counter = 0
function M.ofFunction(what, fn, max_params)
  local column = require("tide.column")
  if type(fn) ~= "function" then
    error(("%s needs a function of the element (function(x) return ... end), not %s"):format(what,
      require("tide.checks").kindOf(fn)), 3)
  end
  local n = debug.getinfo(fn, "u").nparams or 1
  if n < 1 or n > max_params then
    error(("%s: the function takes %s, not %d"):format(what, max_params == 1 and "one argument (the element)"
      or "the element and its index", n), 3)
  end
  local params, vars = {}, {}
  for i = 1, n do
    counter = counter + 1
    params[i] = ((i == 1 and "x_%d") or "i_%d"):format(counter)
    vars[i] = column.wrap({ k = "lambdavar", name = params[i] })
  end
  return { k = "lambda", params = params, body = column.nodeOf(fn(unpack(vars))) }
end

-- The body of lambda over the element batch: its variables and the outer
-- columns it reads as that batch's columns by position; and the outer
-- columns' indices (0-based) in `schema`, the input's.
local function bind(lambda, schema)
  local map = require("tide.dataframe_aggregate").mapChildren
  local outer, at = {}, {}
  local function index_of(n)
    if n.index then return n.index + 1 end
    return (schema:resolveField(n.name, lineage.fieldsOf(n.from)))
  end
  local function collect(n)
    if type(n) ~= "table" or getmetatable(n) then return n end
    if n.k == "col" then
      local i = index_of(n)
      if i and not at[i] then
        outer[#outer + 1] = i - 1
        at[i] = #outer
      end
      return n
    end
    return map(n, collect)
  end
  collect(lambda.body)
  local params = {}
  for k, p in ipairs(lambda.params) do params[p] = #outer + k - 1 end
  local function rewrite(n, names)
    if type(n) ~= "table" or getmetatable(n) then return n end
    if n.k == "lambdavar" and names[n.name] then return { k = "col", name = n.name, index = names[n.name] } end
    if n.k == "col" then
      local i = index_of(n)
      return i and { k = "col", name = schema.fields[i].name, index = at[i] - 1 } or n
    end
    if n.k == "lambda" then
      local inner = {}
      for k, v in pairs(names) do inner[k] = v end
      for _, p in ipairs(n.params) do inner[p] = nil end
      names = inner
    end
    return map(n, function(child) return rewrite(child, names) end)
  end
  return rewrite(lambda.body, params), outer
end

local KINDS = { transform = 2, filter = 2, exists = 1, forall = 1 }

-- transform, filter, exists and forall: their compiler (tide.eval's
-- registry).
local function higher_order(node, schema, compileChild, ev)
  local fn = node.fn:lower()
  local args = node.args or {}
  local lambda = args[2]
  if #args ~= 2 or type(lambda) ~= "table" or lambda.k ~= "lambda" then
    ev.typeError(node, ("%s takes an array and a function (F.%s(col, function(x) ... end), or SQL's x -> ...)")
      :format(fn, fn))
  end
  local arr = compileChild(args[1])
  if arr.type.id ~= ID.array then
    ev.typeError(node, ("%s needs an array, not %s (%s)"):format(fn, arr.type:simpleString(), arr.name))
  end
  if #lambda.params > KINDS[fn] then
    ev.typeError(node, ("%s's function takes %s, not %d arguments"):format(fn,
      KINDS[fn] == 1 and "one argument" or "one or two arguments", #lambda.params))
  end
  local body, outer = bind(lambda, schema)
  local fields = {}
  for k, i in ipairs(outer) do fields[k] = schema.fields[i + 1] end
  local et = arr.type.elementType
  fields[#fields + 1] = T.field(lambda.params[1], et, arr.type.containsNull)
  local with_pos = #lambda.params == 2
  if with_pos then fields[#fields + 1] = T.field(lambda.params[2], T.int, false) end
  local compiled = ev.compile(body, T.struct(fields))
  if fn ~= "transform" and compiled.type ~= T.boolean then
    ev.typeError(node, ("%s's function must give a boolean, not %s (%s)"):format(fn, compiled.type:simpleString(),
      compiled.name))
  end
  local c_outer = ffi.new("int32_t[?]", math.max(#outer, 1), outer)
  local n_outer = #outer
  local t = fn == "transform" and T.array(compiled.type) or fn == "filter" and arr.type or T.boolean
  local name = ev.sqlName(node)
  return {
    type = t, name = name,
    run = function(input, out, ctx)
      local a = arr.run(input, out, ctx)
      local elements = batchlib.wrap(C.tide_array_element_batch(input, c_outer, n_outer, a, with_pos and 1 or 0,
        ev.errbuf, ev.errlen), ffi.string(ev.errbuf))
      local scratch = C.tide_batch_derive(elements, 0)
      if scratch == nil then error("out of memory evaluating " .. name, 0) end
      local dst = ev.newColumn(out)
      local ok, result = pcall(compiled.run, elements, scratch, ctx)
      local rc = -1
      if ok and fn == "transform" then
        rc = C.tide_array_replace_elements(out, a, result, dst, ev.errbuf, ev.errlen)
      elseif ok and fn == "filter" then
        rc = C.tide_array_keep_elements(out, a, result, dst, ev.errbuf, ev.errlen)
      elseif ok then
        rc = C.tide_array_any(out, a, result, fn == "forall" and 1 or 0, dst, ev.errbuf, ev.errlen)
      end
      C.tide_batch_free(scratch)
      batchlib.release(elements)
      if not ok then error(result, 0) end
      ev.check(rc, name)
      return dst
    end,
  }
end

function M.register(eval)
  for fn in pairs(KINDS) do eval.register(fn, higher_order) end
end

return M
