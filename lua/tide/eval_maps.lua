-- tide.eval_maps — Spark's functions over map columns, each one C kernel
-- over whole columns (engine/eval_map.c):
--   map_keys, map_values, map_entries, m[key] (getItem), element_at(m, key),
--   map_contains_key, size (cardinality: tide.eval_arrays'), create_map,
--   map_from_arrays, map_from_entries; map_concat and str_to_map over them.
-- explode and posexplode of a map (key, value) are tide.generate's.
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local fns = require("tide.eval_functions")
local lambdas = require("tide.eval_lambda")

local M = {}
local ID = T.ID
local args_of, over_args = fns.argsOf, fns.overArgs

local function as_map(node, c, ev)
  if c.type.id == ID.map then return c end
  ev.typeError(node, ("%s needs a map, not %s (%s)"):format(node.fn or "[]", c.type:simpleString(), c.name))
end

-- A key cast to the map's key type, as Spark's GetMapValue (m[key]) casts it.
local function as_key(node, m, key, ev)
  local kt = m.type.keyType
  if m.empty and coerce.isVoid(kt) then return ev.castTo(key, key.type) end -- map()[k]: no key, NULL
  if key.type == kt or coerce.isVoid(key.type) or (coerce.isNumeric(key.type) and coerce.isNumeric(kt))
      or kt.id == ID.string then
    return ev.castTo(key, kt)
  end
  ev.typeError(node, ("%s: the key %s is %s, not the map's %s"):format(node.fn or "[]", key.name,
    key.type:simpleString(), kt:simpleString()))
end

-- element_at(m, key) and map_contains_key(m, key) compare in the type the
-- map's keys and the key share, as Spark widens both (a map<int,...> and
-- 1.5: decimals), never narrowing the key: the map and key compiled so,
-- the map's keys cast through transform_keys when they must widen.
local function widened(node, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local m, key = as_map(node, args[1], ev), args[2]
  local kt, vt = m.type.keyType, key.type
  if m.empty and coerce.isVoid(kt) then return ev.castTo(m, T.map(vt, m.type.valueType)), key end -- map(): no key
  if vt == kt or coerce.isVoid(vt) then return m, ev.castTo(key, kt) end
  if not (coerce.isNumeric(kt) and coerce.isNumeric(vt)) then
    ev.typeError(node, ("%s: the key %s is %s, which does not go with the map's %s keys"):format(node.fn, key.name,
      vt:simpleString(), kt:simpleString()))
  end
  local w = coerce.widerNumeric(kt, vt)
  if w == kt then return m, ev.castTo(key, kt) end
  local k = "__key"
  local cast_keys = { k = "call", fn = "transform_keys", args = { node.args[1], { k = "lambda", params = { k, "__value" },
    body = { k = "cast", expr = { k = "lambdavar", name = k }, to = w } } } }
  return compileChild(cast_keys), ev.castTo(key, w)
end

local function part(which, result)
  return function(node, _, compileChild, ev)
    local m = args_of(node, compileChild, 1, 1, ev)[1]
    if coerce.isVoid(m.type) then
      -- a bare NULL: Spark's map<void,void> (its implicit cast), the result NULL of its type
      local c = ev.castTo(m, result(T.map(coerce.void, coerce.void)))
      local copy = {}
      for k, v in pairs(c) do copy[k] = v end
      copy.name = ev.sqlName(node)
      return copy
    end
    m = as_map(node, m, ev)
    return over_args(ev, node, result(m.type), { m }, function(out, cols, dst)
      return C.tide_eval_map_part(out, cols[1], which, dst, ev.errbuf, ev.errlen)
    end)
  end
end

local function lookup(node, m, key, ev)
  return over_args(ev, node, m.type.valueType, { m, key }, function(out, cols, dst)
    return C.tide_eval_map_lookup(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

-- m[key] and m:getItem(key): the key's value or NULL.
function M.item(node, m, key, ev) return lookup(node, m, as_key(node, m, key, ev), ev) end

-- element_at(m, key), tide.eval_arrays' for a map.
function M.elementAt(node, compileChild, ev)
  local m, key = widened(node, compileChild, ev)
  return lookup(node, m, key, ev)
end

local function map_contains_key(node, _, compileChild, ev)
  local m, key = widened(node, compileChild, ev)
  if coerce.isVoid(compileChild(node.args[2]).type) then -- (Spark's DATATYPE_MISMATCH.NULL_TYPE)
    ev.typeError(node, "Null typed values cannot be used as arguments of map_contains_key")
  end
  return over_args(ev, node, T.boolean, { m, key }, function(out, cols, dst)
    return C.tide_eval_map_contains_key(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

-- create_map(k1, v1, k2, v2, ...): keys of their common type, values too.
local function create_map(node, _, compileChild, ev)
  if #(node.args or {}) == 0 then return ev.emptyOf(T.map(coerce.void, coerce.void), "map()") end
  local args = args_of(node, compileChild, 2, nil, ev)
  if #args % 2 ~= 0 then
    ev.typeError(node, ("map expects a positive even number of arguments, not %d"):format(#args))
  end
  local keys, values = {}, {}
  for i = 1, #args, 2 do keys[#keys + 1], values[#values + 1] = args[i], args[i + 1] end
  local kt, vt = ev.commonType(node, keys, "the keys of map"), ev.commonType(node, values, "the values of map")
  if kt.id == ID.map or kt.id == ID.vector then
    ev.typeError(node, ("a map's keys cannot be %s"):format(kt:simpleString()))
  end
  for i = 1, #keys do keys[i], values[i] = ev.castTo(keys[i], kt), ev.castTo(values[i], vt) end
  local k = #keys
  local all = {}
  for i = 1, k do all[i], all[k + i] = keys[i], values[i] end
  return over_args(ev, node, T.map(kt, vt), all, function(out, cols, dst)
    return C.tide_eval_create_map(out, ev.columnArray({ unpack(cols, 1, k) }),
      ev.columnArray({ unpack(cols, k + 1, 2 * k) }), k, dst, ev.errbuf, ev.errlen)
  end)
end

local function map_from_arrays(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  for _, a in ipairs(args) do
    if a.type.id ~= ID.array then
      ev.typeError(node, ("map_from_arrays needs two arrays, not %s (%s)"):format(a.type:simpleString(), a.name))
    end
  end
  return over_args(ev, node, T.map(args[1].type.elementType, args[2].type.elementType), args, function(out, cols, dst)
    return C.tide_eval_map_from_arrays(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

local function map_from_entries(node, _, compileChild, ev)
  local a = args_of(node, compileChild, 1, 1, ev)[1]
  local st = a.type.elementType
  if a.type.id ~= ID.array or st.id ~= ID.struct or #st.fields ~= 2 then
    ev.typeError(node, ("map_from_entries needs an array of two-field structs, not %s (%s)"):format(
      a.type:simpleString(), a.name))
  end
  return over_args(ev, node, T.map(st.fields[1].dataType, st.fields[2].dataType), { a }, function(out, cols, dst)
    return C.tide_eval_map_from_entries(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- Functions that are others over new nodes (named, and naming their
-- errors, as the call they stand for: sqlText).
-- map_concat(m1, ...): map_from_entries(concat(map_entries(m1), ...)),
-- so that a key in two maps is DUPLICATED_MAP_KEY (Spark's default
-- spark.sql.mapKeyDedupPolicy) and a null map makes the row null.
-- An untyped NULL is refused, as Spark's MAP_CONCAT_DIFF_TYPES (a NULL
-- cast to the map type is a null map).
local function no_void_maps(node, compiled, ev)
  local names, void = {}, false
  for i, c in ipairs(compiled) do
    void = void or coerce.isVoid(c.type)
    names[i] = '"' .. c.type:simpleString():upper():gsub(",", ", ") .. '"'
  end
  if void then
    ev.typeError(node, ("[DATATYPE_MISMATCH.MAP_CONCAT_DIFF_TYPES] The `map_concat` should all be of type map, but"
      .. " it's [%s]"):format(table.concat(names, ", ")))
  end
end

local function map_concat(node, _, compileChild, ev)
  local entries, typeless, map_type, empties = {}, {}, nil, 0
  local compiled = {}
  for i, a in ipairs(node.args or {}) do compiled[i] = compileChild(a) end
  no_void_maps(node, compiled, ev)
  for i, c in ipairs(compiled) do
    -- (map() is an empty map of the others' type)
    typeless[i] = c.empty
    if c.empty then empties = empties + 1 end
    if not typeless[i] then map_type = map_type or as_map(node, c, ev).type end
    if map_type and c.type ~= map_type and not typeless[i] then as_map(node, c, ev) end
  end
  if not map_type and empties > 0 and empties == #node.args then
    return ev.emptyOf(T.map(coerce.void, coerce.void), ev.sqlName(node))
  end
  -- (none at all: an empty map<string,string>, as Spark's)
  if #compiled == 0 then return ev.emptyOf(T.map(T.string, T.string), ev.sqlName(node)) end
  if not map_type then ev.typeError(node, "map_concat takes one or more maps in tide") end
  for i, a in ipairs(node.args) do
    if typeless[i] then a = { k = "cast", to = map_type, expr = a } end
    entries[i] = { k = "call", fn = "map_entries", args = { a } }
  end
  return compileChild({ k = "call", fn = "map_from_entries", args = { { k = "call", fn = "concat", args = entries } },
    sqlText = ev.sqlName(node) })
end

-- str_to_map(text[, pairDelim[, keyValueDelim]]): the text split into
-- pairs by pairDelim (a regex, ','), each into its key and value by
-- keyValueDelim (':') at the first match (a value missing is null), as
-- Spark's StringToMap; a repeated key is DUPLICATED_MAP_KEY.
local function str_to_map(node, _, compileChild, ev)
  local args = node.args or {}
  if #args < 1 or #args > 3 then ev.typeError(node, "str_to_map takes a text and up to two delimiters") end
  local pair, kv = args[2] or { k = "lit", value = "," }, args[3] or { k = "lit", value = ":" }
  local x = { k = "lambdavar", name = "__pair" }
  local function part(i)
    return { k = "call", fn = "element_at", args = { { k = "call", fn = "split", args = { x, kv, { k = "lit", value = 2 } } },
      { k = "lit", value = i } } }
  end
  local entry = { k = "call", fn = "struct", args = { { k = "alias", name = "key", expr = part(1) },
    { k = "alias", name = "value", expr = part(2) } } }
  local pairs_of = { k = "call", fn = "split", args = { args[1], pair, { k = "lit", value = -1 } } }
  return compileChild({ k = "call", fn = "map_from_entries", args = { { k = "call", fn = "transform",
    args = { pairs_of, { k = "lambda", params = { "__pair" }, body = entry } } } }, sqlText = ev.sqlName(node) })
end

-- map_zip_with(m1, m2, (k, v1, v2) -> ...): Spark's MapZipWith, the
-- function over the keys of m1 in order, then those only in m2, with
-- each map's value of the key (NULL where the map lacks it); a null map
-- makes the row null. It is the higher-order functions over the maps'
-- entries:
--   map_from_entries(transform(concat(
--     transform(map_entries(m1), e -> struct(e.key, e.value, <m2's value of e.key>)),
--     transform(filter(map_entries(m2), g -> NOT exists(map_entries(m1), e -> e.key = g.key)),
--               g -> struct(g.key, NULL, g.value))),
--     s -> struct(s.key, f(s.key, s.v1, s.v2))))
-- the keys of both in the type they share. Keys match as Spark's
-- Scala equality does: 0.0 and -0.0 alike, a NaN no other NaN (a NaN key
-- in both maps makes two, which a map cannot hold: DUPLICATED_MAP_KEY).
local function map_zip_with(node, _, compileChild, ev)
  local args = node.args or {}
  local lambda = args[3]
  if #args ~= 3 or type(lambda) ~= "table" or lambda.k ~= "lambda" then
    ev.typeError(node, "map_zip_with takes two maps and a function (k, v1, v2) (F.map_zip_with(m1, m2,"
      .. " function(k, v1, v2) return ... end), or SQL's (k, v1, v2) -> ...)")
  end
  if #lambda.params ~= 3 then
    ev.typeError(node, ("map_zip_with's function takes three arguments (k, v1, v2), not %d (Spark:"
      .. " INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH)"):format(#lambda.params))
  end
  local maps = {}
  for i = 1, 2 do
    local c = compileChild(args[i])
    if c.type.id ~= ID.map and not c.empty then
      ev.typeError(node, ('Parameter %d requires the "MAP" type, however "%s" has the type "%s"'):format(i, c.name,
        coerce.isVoid(c.type) and "VOID" or c.type:simpleString():upper()))
    end
    maps[i] = c
  end
  local kt = ev.commonType(node, { { type = maps[1].type.keyType }, { type = maps[2].type.keyType } },
    "the keys of map_zip_with's maps")
  local function v(name) return { k = "lambdavar", name = name } end
  local function field(e, name) return { k = "field", expr = e, name = name } end
  local function key_of(e) return { k = "cast", expr = field(e, "key"), to = kt } end
  local function lambda_of(param, body) return { k = "lambda", params = { param }, body = body } end
  local function fn(name, ...) return { k = "call", fn = name, args = { ... } } end
  local function named(name, e) return { k = "alias", name = name, expr = e } end
  local function same(a, b)
    local eq = { k = "op", op = "=", left = a, right = b }
    if kt.id ~= ID.float and kt.id ~= ID.double then return eq end
    return { k = "op", op = "and", left = eq, right = { k = "not", expr = fn("isnan", a) } }
  end
  -- (fresh names: the user's function may read lambda variables of its own)
  local e, g, s = "__zip_entry1", "__zip_entry2", "__zip_entry"
  local entries1, entries2 = fn("map_entries", args[1]), fn("map_entries", args[2])
  local match = fn("filter", entries2, lambda_of(g, same(key_of(v(g)), key_of(v(e)))))
  local left = fn("transform", entries1, lambda_of(e, fn("struct", named("key", key_of(v(e))),
    named("v1", field(v(e), "value")), named("v2", field(fn("element_at", match, { k = "lit", value = 1 }), "value")))))
  local only2 = fn("filter", entries2, lambda_of(g, { k = "not", expr = fn("exists", entries1,
    lambda_of(e, same(key_of(v(e)), key_of(v(g))))) }))
  local right = fn("transform", only2, lambda_of(g, fn("struct", named("key", key_of(v(g))),
    named("v1", { k = "cast", expr = { k = "lit", value = nil }, to = maps[1].type.valueType }),
    named("v2", field(v(g), "value")))))
  -- the function's parameters replaced by the entry's fields, where no
  -- lambda inside it takes the same names (tide.eval_lambda)
  local by = {}
  for i, name in ipairs({ "key", "v1", "v2" }) do by[lambda.params[i]] = field(v(s), name) end
  local zipped = fn("transform", fn("concat", left, right), lambda_of(s, fn("struct",
    named("key", field(v(s), "key")), named("value", lambdas.substitute(lambda.body, by)))))
  local result = fn("map_from_entries", zipped)
  result.sqlText = ev.sqlName(node)
  return compileChild(result)
end

function M.register(eval)
  eval.register("map_keys", part(0, function(t) return T.array(t.keyType, false) end))
  eval.register("map_values", part(1, function(t) return T.array(t.valueType, t.valueContainsNull) end))
  eval.register("map_entries", part(2, function(t)
    return T.array(T.struct { T.field("key", t.keyType, false), T.field("value", t.valueType, true) }, false)
  end))
  eval.register("map_contains_key", map_contains_key)
  eval.register("map", create_map)
  eval.register("create_map", create_map)
  eval.register("map_from_arrays", map_from_arrays)
  eval.register("map_from_entries", map_from_entries)
  eval.register("map_concat", map_concat)
  eval.register("str_to_map", str_to_map)
  eval.register("map_zip_with", map_zip_with)
end

return M
