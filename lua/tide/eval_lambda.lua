-- tide.eval_lambda — Spark's higher-order functions over arrays, with a
-- lambda function over the elements (engine/eval_array_lambda.c):
--
--   F.transform("tags", function(x) return F.upper(x) end)       transform(tags, x -> upper(x))
--   F.transform("v", function(x, i) return x * i end)            transform(v, (x, i) -> x * i)
--   F.filter("v", function(x) return x:gt(F.col("limit")) end)   filter(v, x -> x > limit)
--   F.exists("v", function(x) return x:isNull() end)             exists(v, x -> x IS NULL)
--   F.forall("v", function(x) return x:gt(0) end)                forall(v, x -> x > 0)
--   F.aggregate("v", F.lit(0), function(acc, x) return acc + x end)   aggregate(v, 0, (acc, x) -> acc + x)
--   F.map_filter("m", function(k, v) return v:gt(0) end)          map_filter(m, (k, v) -> v > 0)
--   F.transform_values("m", function(k, v) return v * 2 end)       transform_values(m, (k, v) -> v * 2)
--   F.zip_with("a", "b", function(x, y) return x + y end)        zip_with(a, b, (x, y) -> x + y)
--
-- The body is compiled once, over a batch of a row per element (the
-- element, its position, and the outer columns the body reads, repeated
-- for each element of their row), and runs once per batch over all the
-- elements: no per-element Lua. aggregate folds one position of every
-- array at a time: as many steps as the longest array has elements.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local lineage = require("tide.lineage")

local M = {}
local ID = T.ID

-- A copy of node with each node replace(n, scope) gives in its place,
-- scope being `names` less the parameters of the lambdas around n: a
-- lambda's own parameters shadow the same names outside it, as Spark
-- resolves nested lambdas' variables (fold: how a parameter is spelled
-- as a key of names, string.lower where names are case-insensitive).
-- replace gives nil to keep n and go on into its children.
local function in_scope(node, names, replace, fold)
  local map = require("tide.dataframe_aggregate").mapChildren
  local function rewrite(n, scope)
    if type(n) ~= "table" or getmetatable(n) then return n end
    local replaced = replace(n, scope)
    if replaced ~= nil then return replaced end
    if n.k == "lambda" then
      local inner = {}
      for k, v in pairs(scope) do inner[k] = v end
      for _, p in ipairs(n.params) do inner[fold and fold(p) or p] = nil end
      scope = inner
    end
    return map(n, function(child) return rewrite(child, scope) end)
  end
  return rewrite(node, names)
end

-- A copy of body with its parameters' names (case-insensitive, as
-- Spark's) as lambda variables, where a column of that name would be; a
-- nested lambda's own parameters shadow them inside it.
function M.bindParams(params, body)
  local bound = {}
  for _, p in ipairs(params) do bound[p:lower()] = p end
  return { k = "lambda", params = params, body = in_scope(body, bound, function(n, scope)
    local name = n.k == "col" and type(n.name) == "string" and not n.from and scope[n.name:lower()]
    if name then return { k = "lambdavar", name = name } end
  end, string.lower) }
end

-- A copy of body with each lambda variable named in `by` replaced by the
-- node by[name] (map_zip_with's parameters by its entry's fields), where
-- no lambda inside takes the same name.
function M.substitute(body, by)
  return in_scope(body, by, function(n, scope)
    if n.k == "lambdavar" then return scope[n.name] end
  end)
end

-- The lambda of a Lua function (F.transform's and kin's): called once with
-- its parameters as Columns of lambda variables, x_1, i_2, ... (unique,
-- so nested lambdas do not shadow each other; a name shows each as
-- Spark's namedlambdavariable(), tide.sql_names); names: the parameters'
-- (x and i unless given), of which it takes at least min_params (1 unless
-- given) and at most max_params.
local counter = 0
function M.ofFunction(what, fn, max_params, min_params, names)
  local column = require("tide.column")
  names = names or { "x", "i" }
  if type(fn) ~= "function" then
    error(("%s needs a function of %s (function(%s) return ... end), not %s"):format(what,
      table.concat(names, ", ", 1, max_params), table.concat(names, ", ", 1, max_params),
      require("tide.checks").kindOf(fn)), 3)
  end
  local n = debug.getinfo(fn, "u").nparams or 1
  if n < (min_params or 1) or n > max_params then
    error(("%s: the function takes %s, not %d arguments"):format(what, table.concat(names, ", ", 1, max_params), n), 3)
  end
  local params, vars = {}, {}
  for i = 1, n do
    counter = counter + 1
    params[i] = ("%s_%d"):format(names[i], counter)
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
    if n.k == "lambdavar" and names[n.name] then return { k = "col", name = n.name, index = names[n.name] } end
    if n.k == "col" then
      local i = index_of(n)
      return i and { k = "col", name = schema.fields[i].name, index = at[i] - 1 } or n
    end
  end
  return in_scope(lambda.body, params, rewrite), outer
end

-- A batch a kernel made (elements, pairs or positions laid out for a
-- lambda), wrapped; NULL raises that kernel's error under name.
local function wrapped(ptr, ev, name)
  if ptr == nil then error(name .. ": " .. ffi.string(ev.errbuf), 0) end
  return batchlib.wrap(ptr)
end

-- Runs compiled over b (wrapped), then take(result), which copies what
-- it keeps into the output before b goes; b is released either way, and
-- a failure raised under name.
local function over_batch(b, compiled, ctx, ev, name, take)
  local scratch = C.tide_batch_derive(b, 0)
  if scratch == nil then
    batchlib.release(b)
    error("out of memory evaluating " .. name, 0)
  end
  local ok, result = pcall(compiled.run, b, scratch, ctx)
  local rc = ok and take(result)
  C.tide_batch_free(scratch)
  batchlib.release(b)
  if not ok then error(result, 0) end
  ev.check(rc, name)
end

-- The most parameters each function's lambda takes; the map functions
-- take exactly two, the entry's key and value.
local KINDS = { transform = 2, filter = 2, exists = 1, forall = 1, map_filter = 2, transform_keys = 2,
                transform_values = 2 }
local OF_MAPS = { map_filter = true, transform_keys = true, transform_values = true }

-- transform, filter, exists, forall (of arrays) and map_filter,
-- transform_keys, transform_values (of maps): their compiler (tide.eval's
-- registry).
local function higher_order(node, schema, compileChild, ev)
  local fn = node.fn:lower()
  local of_map = OF_MAPS[fn]
  local args = node.args or {}
  local lambda = args[2]
  if #args ~= 2 or type(lambda) ~= "table" or lambda.k ~= "lambda" then
    ev.typeError(node, ("%s takes %s and a function (F.%s(col, function(%s) ... end), or SQL's %s -> ...)")
      :format(fn, of_map and "a map" or "an array", fn, of_map and "k, v" or "x", of_map and "(k, v)" or "x"))
  end
  local arr = compileChild(args[1])
  if arr.type.id ~= (of_map and ID.map or ID.array) then
    ev.typeError(node, ("%s needs %s, not %s (%s)"):format(fn, of_map and "a map" or "an array",
      arr.type:simpleString(), arr.name))
  end
  if #lambda.params > KINDS[fn] or (of_map and #lambda.params ~= 2) then
    ev.typeError(node, ("%s's function takes %s, not %d arguments"):format(fn, of_map and "two arguments (k, v)"
      or KINDS[fn] == 1 and "one argument" or "one or two arguments", #lambda.params))
  end
  local body, outer = bind(lambda, schema)
  local fields = {}
  for k, i in ipairs(outer) do fields[k] = schema.fields[i + 1] end
  local with_pos = not of_map and #lambda.params == 2
  if of_map then
    fields[#fields + 1] = T.field(lambda.params[1], arr.type.keyType, false)
    fields[#fields + 1] = T.field(lambda.params[2], arr.type.valueType, arr.type.valueContainsNull)
  else
    fields[#fields + 1] = T.field(lambda.params[1], arr.type.elementType, arr.type.containsNull)
    if with_pos then fields[#fields + 1] = T.field(lambda.params[2], T.int, false) end
  end
  local gives_rows = fn == "transform" or fn == "transform_keys" or fn == "transform_values"
  -- a NULL condition is a boolean NULL, as Spark casts it
  if not gives_rows and body.k == "lit" and body.value == nil then body = { k = "cast", expr = body, to = T.boolean } end
  local compiled = ev.compile(body, T.struct(fields))
  if not gives_rows and compiled.type ~= T.boolean then
    ev.typeError(node, ("%s's function must give a boolean, not %s (%s)"):format(fn, compiled.type:simpleString(),
      compiled.name))
  end
  local c_outer = ffi.new("int32_t[?]", math.max(#outer, 1), outer)
  local n_outer = #outer
  local t = fn == "transform" and T.array(compiled.type)
    or fn == "transform_keys" and T.map(compiled.type, arr.type.valueType, arr.type.valueContainsNull)
    or fn == "transform_values" and T.map(arr.type.keyType, compiled.type)
    or (fn == "filter" or fn == "map_filter") and arr.type or T.boolean
  local name = ev.sqlName(node)
  local combine = {
    transform = function(out, a, result, dst) return C.tide_array_replace_elements(out, a, result, dst, ev.errbuf,
      ev.errlen) end,
    filter = function(out, a, result, dst) return C.tide_array_keep_elements(out, a, result, dst, ev.errbuf,
      ev.errlen) end,
    exists = function(out, a, result, dst) return C.tide_array_any(out, a, result, 0, dst, ev.errbuf, ev.errlen) end,
    forall = function(out, a, result, dst) return C.tide_array_any(out, a, result, 1, dst, ev.errbuf, ev.errlen) end,
    map_filter = function(out, a, result, dst) return C.tide_map_keep(out, a, result, dst, ev.errbuf, ev.errlen) end,
    transform_keys = function(out, a, result, dst) return C.tide_map_with_part(out, a, 0, result, dst, ev.errbuf,
      ev.errlen) end,
    transform_values = function(out, a, result, dst) return C.tide_map_with_part(out, a, 1, result, dst,
      ev.errbuf, ev.errlen) end,
  }
  local put_back = combine[fn]
  return {
    type = t, name = name,
    run = function(input, out, ctx)
      local a = arr.run(input, out, ctx)
      local dst = ev.newColumn(out)
      local elements = wrapped(C.tide_array_element_batch(input, c_outer, n_outer, a, with_pos and 1 or 0, ev.errbuf,
        ev.errlen), ev, name)
      over_batch(elements, compiled, ctx, ev, name, function(result) return put_back(out, a, result, dst) end)
      return dst
    end,
  }
end

-- CAST of an array to another array type: its elements, as one column,
-- cast to t's element type (ev.castTo's kernel), then put back.
function M.castElements(c, t, ev)
  -- (the element batch's one column)
  local cast = ev.castTo({ type = c.type.elementType, name = c.name, run = function(b) return b.columns end },
    t.elementType)
  local none = ffi.new("int32_t[1]")
  local name = "CAST(" .. c.name .. ")"
  return {
    type = t, name = c.name, outputName = c.outputName,
    run = function(input, out, ctx)
      local a = c.run(input, out, ctx)
      local dst = ev.newColumn(out)
      local elements = wrapped(C.tide_array_element_batch(input, none, 0, a, 0, ev.errbuf, ev.errlen), ev, name)
      over_batch(elements, cast, ctx, ev, name,
        function(casted) return C.tide_array_replace_elements(out, a, casted, dst, ev.errbuf, ev.errlen) end)
      return dst
    end,
  }
end

-- CAST of a map to another map type: its keys and its values, each as
-- one column, cast to t's key and value types, then put back (the keys
-- checked as transform_keys checks them).
function M.castEntries(c, t, ev)
  local from = c.type
  local parts = {}
  for part, types in ipairs({ { from.keyType, t.keyType }, { from.valueType, t.valueType } }) do
    if types[1] ~= types[2] then
      parts[#parts + 1] = { index = part - 1, cast = ev.castTo({ type = types[1], name = c.name,
        run = function(b) return b.columns + (part - 1) end }, types[2]) }
    end
  end
  local name = "CAST(" .. c.name .. ")"
  local both = { run = function(b, scratch, ctx)
    local results = {}
    for k, p in ipairs(parts) do results[k] = p.cast.run(b, scratch, ctx) end
    return results
  end }
  local none = ffi.new("int32_t[1]")
  return {
    type = t, name = c.name, outputName = c.outputName,
    run = function(input, out, ctx)
      local m = c.run(input, out, ctx)
      local dst
      local entries = wrapped(C.tide_array_element_batch(input, none, 0, m, 0, ev.errbuf, ev.errlen), ev, name)
      over_batch(entries, both, ctx, ev, name, function(results)
        for k, p in ipairs(parts) do
          dst = ev.newColumn(out)
          local rc = C.tide_map_with_part(out, m, p.index, results[k], dst, ev.errbuf, ev.errlen)
          if rc ~= 0 then return rc end
          m = dst
        end
        return 0
      end)
      return dst or m
    end,
  }
end

local function is_lambda(n, params)
  return type(n) == "table" and n.k == "lambda" and #n.params == params
end

-- A lambda's body compiled over a batch of the outer columns it reads,
-- then columns of the given types for its parameters; and those outer
-- columns' indices, as a C array, and their count.
local function compile_lambda(lambda, schema, types, ev)
  local body, outer = bind(lambda, schema)
  local fields = {}
  for k, i in ipairs(outer) do fields[k] = schema.fields[i + 1] end
  for k, t in ipairs(types) do fields[#fields + 1] = T.field(lambda.params[k], t, true) end
  return ev.compile(body, T.struct(fields)), ffi.new("int32_t[?]", math.max(#outer, 1), outer), #outer
end

-- aggregate(arr, zero, merge[, finish]) (Spark's reduce too): acc starts
-- as zero and becomes merge(acc, x) for each element in turn; finish(acc)
-- when given. The accumulator has zero's type; a merge that gives a
-- wider number than an integral zero (bigint elements summed from 0)
-- makes it that type, where Spark asks for CAST(0 AS BIGINT).
local function aggregate(node, schema, compileChild, ev)
  local args = node.args or {}
  local merge, finish = args[3], args[4]
  if #args < 3 or #args > 4 or not is_lambda(merge, 2) or (finish and not is_lambda(finish, 1)) then
    ev.typeError(node, ("%s takes an array, a start value, a function (acc, x) and an optional function (acc)"
      .. " (F.aggregate(col, F.lit(0), function(acc, x) return acc + x end))"):format(node.fn))
  end
  local arr, zero = compileChild(args[1]), compileChild(args[2])
  if arr.type.id ~= ID.array then
    ev.typeError(node, ("%s needs an array, not %s (%s)"):format(node.fn, arr.type:simpleString(), arr.name))
  end
  local coerce = require("tide.eval_coerce")
  if coerce.isVoid(zero.type) then
    ev.typeError(node, ("%s's start value needs a type: CAST(NULL AS ...)"):format(node.fn))
  end
  local acc_type, et = zero.type, arr.type.elementType
  local m, m_outer, m_n = compile_lambda(merge, schema, { acc_type, et }, ev)
  if m.type ~= acc_type and coerce.isNumeric(m.type) and coerce.isNumeric(acc_type) then
    acc_type = m.type
    m, m_outer, m_n = compile_lambda(merge, schema, { acc_type, et }, ev)
  end
  if m.type ~= acc_type then
    ev.typeError(node, ("%s's function gives %s where the start value is %s"):format(node.fn, m.type:simpleString(),
      acc_type:simpleString()))
  end
  zero = ev.castTo(zero, acc_type)
  local f, f_outer, f_n
  if finish then f, f_outer, f_n = compile_lambda(finish, schema, { acc_type }, ev) end
  local name = ev.sqlName(node)
  local ops = require("tide.dataframe_ops")
  return {
    type = f and f.type or acc_type, name = name,
    run = function(input, out, ctx)
      local a = arr.run(input, out, ctx)
      local acc = zero.run(input, out, ctx)
      local rows = ffi.new("int64_t[?]", math.max(tonumber(input.num_rows), 1))
      -- each step's accumulator in a batch of its own, the one before
      -- released: the fold holds two accumulators at a time
      local held
      local k, candidates = 0, -1
      while true do
        local step = wrapped(C.tide_array_step_batch(input, m_outer, m_n, a, acc, k, rows, candidates, ev.errbuf,
          ev.errlen), ev, name)
        local count = step:count()
        if count == 0 then
          batchlib.release(step)
          break
        end
        local next_held = wrapped(C.tide_batch_new(1), ev, name)
        local dst = next_held.columns
        over_batch(step, m, ctx, ev, name, function(merged)
          return C.tide_array_step_merge(next_held, acc, merged, rows, count, dst, ev.errbuf, ev.errlen)
        end)
        if held then batchlib.release(held) end
        held, acc, k, candidates = next_held, dst, k + 1, count
      end
      local dst = ev.newColumn(out)
      if f then
        local cols = {}
        for j = 0, f_n - 1 do cols[j + 1] = f_outer[j] end
        local rowwise = ops.columns_of(input, cols, 1)
        rowwise.columns[f_n] = acc[0]
        over_batch(rowwise, f, ctx, ev, name, function(result)
          return C.tide_array_null_where(out, result, a, dst, ev.errbuf, ev.errlen)
        end)
      else
        ev.check(C.tide_array_null_where(out, acc, a, dst, ev.errbuf, ev.errlen), name)
      end
      if held then batchlib.release(held) end
      return dst
    end,
  }
end

-- array_sort(arr, (left, right) -> int): each row's elements sorted
-- stably by the comparator (negative: left first), run once over every
-- pair of a row's elements, as a batch of pairs.
function M.sortWith(node, schema, compileChild, ev)
  local args = node.args
  if #args ~= 2 or not is_lambda(args[2], 2) then
    ev.typeError(node, "array_sort takes an array and a function (left, right) giving an int (F.array_sort(col,"
      .. " function(l, r) return ... end), or SQL's (l, r) -> ...)")
  end
  local arr = compileChild(args[1])
  if arr.type.id ~= ID.array then
    ev.typeError(node, ("array_sort needs an array, not %s (%s)"):format(arr.type:simpleString(), arr.name))
  end
  local et = arr.type.elementType
  local cmp, c_outer, n_outer = compile_lambda(args[2], schema, { et, et }, ev)
  if cmp.type ~= T.int then
    local coerce = require("tide.eval_coerce")
    ev.typeError(node, ("array_sort's comparator must give an int, not %s (%s)"):format(
      coerce.isVoid(cmp.type) and "NULL" or cmp.type:simpleString(), cmp.name))
  end
  local name = ev.sqlName(node)
  return {
    type = arr.type, name = name,
    run = function(input, out, ctx)
      local a = arr.run(input, out, ctx)
      local dst = ev.newColumn(out)
      over_batch(wrapped(C.tide_array_pair_batch(input, c_outer, n_outer, a, ev.errbuf, ev.errlen), ev, name), cmp,
        ctx, ev, name, function(result) return C.tide_array_sort_by(out, a, result, dst, ev.errbuf, ev.errlen) end)
      return dst
    end,
  }
end

-- zip_with(left, right, (x, y) -> ...): the function over the arrays'
-- elements at each position, the shorter array's past its end null; one
-- batch of every position of every row (tide_array_zip_batch).
local function zip_with(node, schema, compileChild, ev)
  local args = node.args or {}
  if #args ~= 3 or not is_lambda(args[3], 2) then
    ev.typeError(node, "zip_with takes two arrays and a function (x, y) (F.zip_with(a, b, function(x, y) return ..."
      .. " end), or SQL's (x, y) -> ...)")
  end
  local a, b = compileChild(args[1]), compileChild(args[2])
  for _, c in ipairs({ a, b }) do
    if c.type.id ~= ID.array then
      ev.typeError(node, ("zip_with needs arrays, not %s (%s)"):format(c.type:simpleString(), c.name))
    end
  end
  local f, c_outer, n_outer = compile_lambda(args[3], schema, { a.type.elementType, b.type.elementType }, ev)
  local name = ev.sqlName(node)
  return {
    type = T.array(f.type), name = name,
    run = function(input, out, ctx)
      local ac, bc = a.run(input, out, ctx), b.run(input, out, ctx)
      local dst = ev.newColumn(out)
      local zipped = wrapped(C.tide_array_zip_batch(input, c_outer, n_outer, ac, bc, ev.errbuf, ev.errlen), ev, name)
      over_batch(zipped, f, ctx, ev, name,
        function(result) return C.tide_array_zip_result(out, ac, bc, result, dst, ev.errbuf, ev.errlen) end)
      return dst
    end,
  }
end

function M.register(eval)
  for fn in pairs(KINDS) do eval.register(fn, higher_order) end
  eval.register("aggregate", aggregate)
  eval.register("reduce", aggregate)
  eval.register("zip_with", zip_with)
end

return M
