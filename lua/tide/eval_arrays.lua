-- tide.eval_arrays — Spark's functions over array columns, each one C
-- kernel over whole columns (engine/eval_array.c; sequence's engine/eval_sequence.c):
--   size (cardinality), element_at, arr[i] (getItem), array_contains,
--   array(...), array_join, sort_array, array_distinct, array_max/min,
--   slice, flatten, array_position, array_remove, array_union/intersect/
--   except, arrays_overlap, array_repeat, sequence, arrays_zip, array_size,
--   try_element_at, array_insert, shuffle, and reverse and concat of
--   arrays; Spark ML's
--   vector_to_array and array_to_vector (tide.ml.functions).
-- split is tide.eval_functions'; explode and its kin make rows
-- (tide.generate); collect_list and collect_set are aggregates.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")
local fns = require("tide.eval_functions")
local row_context = require("tide.eval_row_context")

local M = {}
local ID = T.ID
local args_of, over_args, all_null = fns.argsOf, fns.overArgs, fns.allNull
local literal_string = fns.literalString

-- An argument that must be an array (a NULL is an array of t's elements
-- when t is given).
local function as_array(node, c, ev, what)
  if c.type.id == ID.array then return c end
  ev.typeError(node, ("%s needs an array, not %s (%s)"):format(what or node.fn, c.type:simpleString(), c.name))
end

local VOID_ARRAY = T.array(coerce.void)

-- Whether c is a bare NULL, which the functions whose argument Spark
-- declares an array take as one (its implicit cast of NullType: an
-- array<void>), so that they give NULL of their type: slice(NULL, 1, 1).
local function is_null(c) return coerce.isVoid(c.type) end

-- The call's NULL of type t (named as the call), for a NULL array.
local function null_result(node, t, compileChild, ev)
  local c = ev.castTo(compileChild({ k = "lit", value = nil }), t)
  local copy = {}
  for k, v in pairs(c) do copy[k] = v end
  copy.name = ev.sqlName(node)
  return copy
end

-- An argument cast to t, as Spark's implicit casts for these functions
-- (an int index from a bigint literal, a value to the elements' type).
local function cast_arg(node, c, t, ev, what)
  if c.type == t or coerce.isVoid(c.type) then return ev.castTo(c, t) end
  local ok = (coerce.isNumeric(c.type) and coerce.isNumeric(t)) or t.id == ID.string
    or (c.type.id == ID.string and (coerce.isNumeric(t) or t.id == ID.timestamp or t.id == ID.boolean))
  if not ok then
    ev.typeError(node, ("%s: %s is %s, which does not go with %s"):format(node.fn or "[]", c.name,
      c.type:simpleString(), what))
  end
  return ev.castTo(c, t)
end

-- Elements compared or ordered: any type but vectors (structs and arrays
-- by their fields and elements, as Spark's).
local function comparable_elements(node, arr, ev)
  if T.unordered(arr.type.elementType) then
    ev.typeError(node, ("%s cannot compare the elements of %s (vectors and maps have no order)"):format(node.fn,
      arr.type:simpleString()))
  end
end

-- A function of one array: kernel(out, arr, dst, errbuf, errlen), its
-- result's type result(the array's type); check(node, arr, ev) first when
-- given.
local function of_array(kernel, result, check, takes_null)
  return function(node, _, compileChild, ev)
    local c = args_of(node, compileChild, 1, 1, ev)[1]
    if takes_null and is_null(c) then return null_result(node, result(VOID_ARRAY), compileChild, ev) end
    local arr = as_array(node, c, ev)
    if check then check(node, arr, ev) end
    return over_args(ev, node, result(arr.type), { arr }, function(out, cols, dst)
      return kernel(out, cols[1], dst, ev.errbuf, ev.errlen)
    end)
  end
end
local function same_type(t) return t end

-- size of an array or a map: its elements, or entries
local function size(node, _, compileChild, ev)
  local c = args_of(node, compileChild, 1, 1, ev)[1]
  if is_null(c) then c = ev.castTo(c, VOID_ARRAY) end -- (a null array: -1, Spark 3.5's sizeOfNull)
  if c.type.id ~= ID.map then as_array(node, c, ev) end
  return over_args(ev, node, T.int, { c }, function(out, cols, dst)
    return C.tide_eval_array_size(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- arr[index] (0-based) and element_at(arr, index) (1-based).
local function item_of(node, arr, index, one_based, ev)
  index = cast_arg(node, index, T.int, ev, "an index (int)")
  return over_args(ev, node, arr.type.elementType, { arr, index }, function(out, cols, dst)
    return C.tide_eval_array_item(out, cols[1], cols[2], one_based and 1 or 0, dst, ev.errbuf, ev.errlen)
  end)
end

local function element_at(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  if args[1].type.id == ID.map then return require("tide.eval_maps").elementAt(node, compileChild, ev) end
  return item_of(node, as_array(node, args[1], ev), args[2], true, ev)
end

-- x[i] or x:getItem(i) of an array x (tide.eval's item node).
function M.item(node, arr, index_node, compileChild, ev)
  local index = type(index_node) == "table" and compileChild(index_node)
    or compileChild({ k = "lit", value = index_node })
  if coerce.isNumeric(index.type) and not coerce.isIntegral(index.type) then -- (Spark's GetArrayItem)
    ev.typeError(node, ("the index %s is %s, not an integral type"):format(index.name, index.type:simpleString()))
  end
  return item_of(node, arr, index, false, ev)
end

-- An array and a value compared with its elements, both cast to the type
-- they share as Spark's (findWiderTypeWithoutStringPromotion): numbers
-- widen (array<int> with 1.5: decimals), other types must match.
local function element_and_value(node, arr, value, ev)
  local et, vt = arr.type.elementType, value.type
  if coerce.isVoid(vt) or vt == et then return arr, ev.castTo(value, et) end
  if coerce.isVoid(et) then return ev.castTo(arr, T.array(vt, arr.type.containsNull)), value end -- array()'s
  if coerce.isNumeric(et) and coerce.isNumeric(vt) then
    local w = coerce.widerNumeric(et, vt)
    return ev.castTo(arr, T.array(w, arr.type.containsNull)), ev.castTo(value, w)
  end
  local dt = coerce.datetime(et, vt) -- (a date meets a timestamp as its first instant)
  if dt then return ev.castTo(arr, T.array(dt, arr.type.containsNull)), ev.castTo(value, dt) end
  ev.typeError(node, ("%s: the value %s is %s, which does not go with the array's %s elements"):format(node.fn,
    value.name, vt:simpleString(), et:simpleString()))
end

local function array_contains(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  -- (an untyped NULL, as Spark's NULL_TYPE; CAST(NULL AS ...) is a typed one)
  if coerce.isVoid(args[1].type) or coerce.isVoid(args[2].type) then
    ev.typeError(node, "[DATATYPE_MISMATCH.NULL_TYPE] Null typed values cannot be used as arguments of"
      .. " `array_contains`")
  end
  local arr = as_array(node, args[1], ev)
  comparable_elements(node, arr, ev)
  local value
  arr, value = element_and_value(node, arr, args[2], ev)
  return over_args(ev, node, T.boolean, { arr, value }, function(out, cols, dst)
    return C.tide_eval_array_contains(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

-- array(c1, ...): the values as an array of their common type.
local function array(node, _, compileChild, ev)
  if #(node.args or {}) == 0 then return ev.emptyOf(T.array(coerce.void), "array()") end
  local args = args_of(node, compileChild, 1, nil, ev)
  local voids = 0
  for _, a in ipairs(args) do voids = voids + (coerce.isVoid(a.type) and 1 or 0) end
  -- (all NULL: Spark's array<void>, its elements typed by what it meets)
  local t = voids == #args and coerce.void or ev.commonType(node, args, "the arguments of array")
  -- (void elements kept as strings, which is what a void collection holds)
  for i, a in ipairs(args) do args[i] = ev.castTo(a, voids == #args and T.string or t) end
  local n = #args
  return over_args(ev, node, T.array(t), args, function(out, cols, dst)
    return C.tide_eval_array_of(out, ev.columnArray(cols), n, dst, ev.errbuf, ev.errlen)
  end)
end

local function array_join(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  if is_null(args[1]) then return null_result(node, T.string, compileChild, ev) end
  local arr = as_array(node, args[1], ev)
  local et = arr.type.elementType
  if et.id == ID.struct or et.id == ID.array or et.id == ID.map or et.id == ID.vector then
    ev.typeError(node, ("array_join needs an array of atomic values, not %s (%s)"):format(arr.type:simpleString(),
      arr.name))
  end
  arr = ev.castTo(arr, T.array(T.string)) -- Spark's implicit cast
  local sep = literal_string(node, args[2], ev, "delimiter")
  local null_text = args[3] and literal_string(node, args[3], ev, "null replacement")
  if sep == nil or (args[3] and null_text == nil) then return all_null(ev, node, T.string) end
  return over_args(ev, node, T.string, { arr }, function(out, cols, dst)
    return C.tide_eval_array_join(out, cols[1], sep, #sep, null_text, null_text and #null_text or 0, dst,
      ev.errbuf, ev.errlen)
  end)
end

local function sort_array(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  if is_null(args[1]) then return null_result(node, VOID_ARRAY, compileChild, ev) end
  local arr = as_array(node, args[1], ev)
  comparable_elements(node, arr, ev)
  local ascending = true
  if args[2] then ascending = fns.literalBoolean(node, args[2], ev, "second argument (ascending)") end
  return over_args(ev, node, arr.type, { arr }, function(out, cols, dst)
    return C.tide_eval_sort_array(out, cols[1], ascending and 1 or 0, ascending and 1 or 0, dst, ev.errbuf, ev.errlen)
  end)
end

-- array_sort(arr): ascending, nulls last (Spark's, unlike sort_array's);
-- array_sort(arr, comparator) is tide.eval_lambda's.
local function array_sort(node, schema, compileChild, ev)
  if node.args and node.args[2] then return require("tide.eval_lambda").sortWith(node, schema, compileChild, ev) end
  local arr = as_array(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
  comparable_elements(node, arr, ev)
  return over_args(ev, node, arr.type, { arr }, function(out, cols, dst)
    return C.tide_eval_sort_array(out, cols[1], 1, 0, dst, ev.errbuf, ev.errlen)
  end)
end

-- Functions that are others over new nodes: array_compact(arr) is
-- filter(arr, x -> x IS NOT NULL), array_append(arr, x) concat(arr,
-- array(x)), array_prepend(arr, x) concat(array(x), arr) (x and the
-- elements in the type they fit in without a loss, as Spark's
-- findTightestCommonType: array(1, 2) and 0.5 have none), get(arr, i)
-- arr[i].
local function array_compact(node, _, compileChild, ev)
  if #(node.args or {}) ~= 1 then ev.typeError(node, "array_compact takes an array") end
  if is_null(compileChild(node.args[1])) then return null_result(node, VOID_ARRAY, compileChild, ev) end
  local x = "__element"
  local c = compileChild({ k = "call", fn = "filter", args = { node.args[1],
    { k = "lambda", params = { x }, body = { k = "isnotnull", expr = { k = "lambdavar", name = x } } } } })
  c.name = ev.sqlName(node)
  return c
end

local function with_element(first)
  return function(node, _, compileChild, ev)
    local args = node.args or {}
    if #args ~= 2 then ev.typeError(node, ("%s takes an array and a value"):format(node.fn)) end
    local arr = as_array(node, compileChild(args[1]), ev)
    local et = arr.type.elementType
    -- (array()'s void elements take the value's type, concat's common one)
    local value, list = args[2], args[1]
    if not coerce.isVoid(et) then
      local vt = compileChild(args[2]).type
      local t = coerce.tightest(et, vt)
      if not t then
        ev.typeError(node, ("Input to `%s` should have been \"ARRAY\" followed by a value with same element type,"
          .. " but it's [\"%s\", \"%s\"]"):format(node.fn, arr.type:simpleString():upper(), vt:simpleString():upper()))
      end
      value = { k = "cast", expr = args[2], to = t }
      if t ~= et then list = { k = "cast", expr = args[1], to = T.array(t, arr.type.containsNull) } end
    end
    local one = { k = "call", fn = "array", args = { value } }
    local c = compileChild({ k = "call", fn = "concat", args = first and { one, list } or { list, one } })
    c.name = ev.sqlName(node)
    return c
  end
end

local function get(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  return item_of(node, as_array(node, args[1], ev), args[2], false, ev)
end

local array_distinct = of_array(C.tide_eval_array_distinct, same_type, comparable_elements, true)

-- Spark ML's vector_to_array(vec, dtype) (tide.ml.functions).
local function vector_to_array(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  local vec = args[1]
  if vec.type.id ~= ID.vector then
    ev.typeError(node, ("vector_to_array needs a vector column, not %s (%s)"):format(vec.type:simpleString(), vec.name))
  end
  local dtype = args[2] and literal_string(node, args[2], ev, "dtype") or "float64"
  local float32 = dtype == "float32"
  return over_args(ev, node, T.array(float32 and T.float or T.double, false), { vec }, function(out, cols, dst)
    return C.tide_eval_vector_to_array(out, cols[1], float32 and 1 or 0, dst, ev.errbuf, ev.errlen)
  end)
end

local function array_to_vector(node, _, compileChild, ev)
  local arr = as_array(node, args_of(node, compileChild, 1, 1, ev)[1], ev)
  local e = arr.type.elementType
  if not (coerce.isNumeric(e) and e.id ~= ID.decimal) then
    ev.typeError(node, ("array_to_vector needs an array of numbers, not %s (%s)"):format(arr.type:simpleString(),
      arr.name))
  end
  return over_args(ev, node, T.vector, { arr }, function(out, cols, dst)
    return C.tide_eval_array_to_vector(out, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

local function array_extreme(max)
  return of_array(function(out, arr, dst, errbuf, errlen)
    return C.tide_eval_array_extreme(out, arr, max and 1 or 0, dst, errbuf, errlen)
  end, function(t) return t.elementType end, comparable_elements, true)
end

local function slice(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 3, 3, ev)
  if is_null(args[1]) then return null_result(node, VOID_ARRAY, compileChild, ev) end
  local arr = as_array(node, args[1], ev)
  local start = cast_arg(node, args[2], T.int, ev, "a start (int)")
  local length = cast_arg(node, args[3], T.int, ev, "a length (int)")
  return over_args(ev, node, arr.type, { arr, start, length }, function(out, cols, dst)
    return C.tide_eval_array_slice(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen)
  end)
end

local flatten = of_array(C.tide_eval_array_flatten, function(t) return t.elementType end, function(node, arr, ev)
  if arr.type.elementType.id ~= ID.array then
    ev.typeError(node, ("flatten needs an array of arrays, not %s (%s)"):format(arr.type:simpleString(), arr.name))
  end
end)

-- array_position and array_remove: an array and a value of its elements'
-- type. With tightest, they must meet at their tightest common type, as
-- Spark's ArrayRemove has them (an int array and 2.0 are refused; 2L
-- widens the array).
local function with_value(kernel, result, tightest)
  return function(node, _, compileChild, ev)
    local args = args_of(node, compileChild, 2, 2, ev)
    local arr = as_array(node, args[1], ev)
    comparable_elements(node, arr, ev)
    local et, vt = arr.type.elementType, args[2].type
    if tightest and not coerce.isVoid(et) and not coerce.tightest(et, vt) then
      ev.typeError(node, ("[DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES] Input to `array_remove` should have been"
        .. " \"ARRAY\" followed by a value with same element type, but it's [\"%s\", \"%s\"]"):format(
        arr.type:simpleString():upper(), vt:simpleString():upper()))
    end
    local value
    arr, value = element_and_value(node, arr, args[2], ev)
    return over_args(ev, node, result or arr.type, { arr, value }, function(out, cols, dst)
      return C[kernel](out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
    end)
  end
end

-- Arrays cast to the type they share (array<int> and array<bigint>:
-- array<bigint>, as Spark widens them), or a type error naming them.
local function common_arrays(node, list, ev)
  local types = {}
  for i, a in ipairs(list) do
    as_array(node, a, ev)
    types[i] = a.type
  end
  local t = coerce.common(types)
  if not t then
    local names = {}
    for i, a in ipairs(list) do names[i] = a.type:simpleString() end
    ev.typeError(node, ("%s needs arrays of one type, not %s"):format(node.fn, table.concat(names, " and ")))
  end
  for i, a in ipairs(list) do list[i] = ev.castTo(a, t) end
  return list
end

-- Two arrays of one type (Spark's set functions and arrays_overlap).
local function two_arrays(node, compileChild, ev)
  local args = common_arrays(node, args_of(node, compileChild, 2, 2, ev), ev)
  comparable_elements(node, args[1], ev)
  return args[1], args[2]
end

local SET_OPS = { array_union = 1, array_intersect = 2, array_except = 3 }
local function set_op(node, _, compileChild, ev)
  local a, b = two_arrays(node, compileChild, ev)
  local op = SET_OPS[node.fn:lower()]
  return over_args(ev, node, a.type, { a, b }, function(out, cols, dst)
    return C.tide_eval_array_set_op(out, cols[1], cols[2], op, dst, ev.errbuf, ev.errlen)
  end)
end

local function arrays_overlap(node, _, compileChild, ev)
  local a, b = two_arrays(node, compileChild, ev)
  return over_args(ev, node, T.boolean, { a, b }, function(out, cols, dst)
    return C.tide_eval_arrays_overlap(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

local function array_repeat(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 2, ev)
  local value, count = args[1], cast_arg(node, args[2], T.int, ev, "a count (int)")
  if coerce.isVoid(value.type) then value = ev.castTo(value, T.null) end -- (array_repeat(NULL, 2): array<void>)
  return over_args(ev, node, T.array(value.type), { value, count }, function(out, cols, dst)
    return C.tide_eval_array_repeat(out, cols[1], cols[2], dst, ev.errbuf, ev.errlen)
  end)
end

-- sequence(start, stop[, step]) of dates or timestamps (engine/eval_sequence.c):
-- two dates stay dates, a date meets a timestamp as one; the step a
-- day-time or a year-month interval, else a day towards stop, as Spark's.
local function temporal_sequence(node, args, ev)
  local first, second, step = args[1], args[2], args[3]
  local function datetime(t) return t.id == ID.date or t.id == ID.timestamp or coerce.isVoid(t) end
  if not (datetime(first.type) and datetime(second.type)) or (step and not step.type.interval) then
    local got = {}
    for i, a in ipairs(args) do got[i] = a.type:simpleString() end
    ev.typeError(node, ("sequence takes two integers, two dates or two timestamps and a step of their kind (an"
      .. " interval for dates and timestamps), not (%s)"):format(table.concat(got, ", ")))
  end
  -- (a timestamp_ntz meets a date as itself, a timestamp as one: Spark's wider type)
  local function zoned(a) return a.type.id == ID.timestamp and not a.type.ntz end
  local t = (zoned(first) or zoned(second)) and T.timestamp
    or (first.type.ntz and first.type or second.type.ntz and second.type) or T.date
  local cols = { ev.castTo(first, t), ev.castTo(second, t), step }
  local kind = (not step and 0 or step.type.interval == "daytime" and 1 or 2) + (t.ntz and 4 or 0)
  return over_args(ev, node, T.array(t, false), cols, function(out, c, dst)
    return C.tide_eval_temporal_sequence(out, c[1], c[2], c[3], kind, dst, ev.errbuf, ev.errlen)
  end)
end

local function sequence(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 2, 3, ev)
  for _, a in ipairs(args) do
    local t = a.type
    if t.id == ID.date or t.id == ID.timestamp or t.interval then return temporal_sequence(node, args, ev) end
  end
  local t = ev.commonType(node, args, "the arguments of sequence")
  if (t.id ~= ID.int and t.id ~= ID.long) or t.interval then
    ev.typeError(node, ("sequence takes integers (int or bigint), dates or timestamps, not %s"):format(
      t:simpleString()))
  end
  for i, a in ipairs(args) do args[i] = ev.castTo(a, t) end
  return over_args(ev, node, T.array(t, false), args, function(out, cols, dst)
    return C.tide_eval_sequence(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen)
  end)
end

-- arrays_zip(a1, ...): its struct's fields are named as Spark names them,
-- by the columns given, else by their positions ("0", "1", ...).
local function arrays_zip(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, nil, ev)
  local names, fields, any_null = {}, {}, false
  for i, a in ipairs(args) do
    -- (a NULL: an array<void>, which makes the whole zip NULL)
    if is_null(a) then a, any_null = ev.castTo(a, VOID_ARRAY), true end
    as_array(node, a, ev)
    local n = node.args[i]
    names[i] = (n.k == "col" or n.k == "alias" or n.k == "field") and tostring(n.name) or tostring(i - 1)
    fields[i] = T.field(names[i], a.type.elementType, true)
  end
  if any_null then return null_result(node, T.array(T.struct(fields), false), compileChild, ev) end
  local c_names = ffi.new("const char*[?]", #names, names)
  local k = #args
  return over_args(ev, node, T.array(T.struct(fields), false), args, function(out, cols, dst)
    local _ = names -- (keeps the strings c_names points into alive)
    return C.tide_eval_arrays_zip(out, ev.columnArray(cols), k, c_names, dst, ev.errbuf, ev.errlen)
  end)
end

-- reverse and concat take arrays too, as Spark's: of arrays, these; of
-- strings, tide.eval_text's and tide.eval_functions' (string_compiler).
local function or_strings(string_compiler, array_compiler)
  return function(node, schema, compileChild, ev)
    local first = node.args and node.args[1] and compileChild(node.args[1])
    if first and first.type.id == ID.array then return array_compiler(node, schema, compileChild, ev) end
    return string_compiler(node, schema, compileChild, ev)
  end
end

local reverse = of_array(C.tide_eval_array_reverse, same_type)

-- concat of binary values only: binary (Spark's Concat; any other
-- argument makes them all strings, as tide.eval_functions' concat does);
-- of nothing, the empty string.
local function binary_concat(node, schema, compileChild, ev, string_compiler)
  local args = node.args or {}
  if #args == 0 then
    local c = compileChild({ k = "lit", value = "" })
    c.name = ev.sqlName(node)
    return c
  end
  local cols = {}
  for i, a in ipairs(args) do
    cols[i] = compileChild(a)
    if cols[i].type.id ~= ID.binary then return string_compiler(node, schema, compileChild, ev) end
  end
  local n = #cols
  return over_args(ev, node, T.binary, cols, function(out, c, dst)
    return C.tide_eval_concat(out, ev.columnArray(c), n, dst, ev.errbuf, ev.errlen)
  end)
end

local function concat(node, _, compileChild, ev)
  local args = common_arrays(node, args_of(node, compileChild, 1, 8, ev), ev)
  local n = #args
  return over_args(ev, node, args[1].type, args, function(out, cols, dst)
    return C.tide_eval_array_concat(out, ev.columnArray(cols), n, dst, ev.errbuf, ev.errlen)
  end)
end

-- array_size(arr): size, but NULL for a null array (whatever
-- spark.sql.legacy.sizeOfNull says), and of arrays only.
local function array_size(node, _, compileChild, ev)
  local c = args_of(node, compileChild, 1, 1, ev)[1]
  if coerce.isVoid(c.type) then return all_null(ev, node, T.int) end
  local arr = as_array(node, c, ev)
  return over_args(ev, node, T.int, { arr }, function(out, cols, dst)
    local sizes = ev.newColumn(out)
    local rc = C.tide_eval_array_size(out, cols[1], sizes, ev.errbuf, ev.errlen)
    if rc ~= 0 then return rc end
    return C.tide_array_null_where(out, sizes, cols[1], dst, ev.errbuf, ev.errlen)
  end)
end

-- array_insert(arr, pos, item): Spark 3.5's (-1 puts the item last), pos
-- an int, item cast to the type it shares with the elements.
local function array_insert(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 3, 3, ev)
  local arr = as_array(node, args[1], ev)
  local pos = args[2]
  if coerce.isVoid(pos.type) then return all_null(ev, node, arr.type) end
  if pos.type.id ~= ID.int then
    ev.typeError(node, ("array_insert's position must be an int, not %s (%s)"):format(pos.type:simpleString(),
      pos.name))
  end
  local item
  arr, item = element_and_value(node, arr, args[3], ev)
  -- padding makes nulls whatever the item, as Spark's (whose type says so
  -- only for a nullable item)
  local is_lit, v = ev.literalOf(args[3])
  local t = (is_lit and v ~= nil) and arr.type or T.array(arr.type.elementType, true)
  return over_args(ev, node, t, { arr, pos, item }, function(out, cols, dst)
    return C.tide_eval_array_insert(out, cols[1], cols[2], cols[3], dst, ev.errbuf, ev.errlen)
  end)
end

-- shuffle(arr[, seed]): each array's elements in a random order; with a
-- seed (an integer literal), the same rows give the same orders, each
-- row's from the seed, its partition and its number in it.
local function shuffle(node, _, compileChild, ev)
  local args = args_of(node, compileChild, 1, 2, ev)
  if is_null(args[1]) then return null_result(node, VOID_ARRAY, compileChild, ev) end
  local arr = as_array(node, args[1], ev)
  local seed = args[2] and fns.literalInt(node, args[2], ev, "seed")
  local name, key = ev.sqlName(node), {}
  return {
    type = arr.type, name = name,
    run = function(input, out, ctx)
      local a = arr.run(input, out, ctx)
      local n = tonumber(input.num_rows)
      local partition, first = row_context.rowPosition(ctx, key, n)
      local s = ffi.cast("uint64_t", seed or 0) + partition
      local dst = ev.newColumn(out)
      ev.check(C.tide_eval_array_shuffle(out, a, s, seed and 1 or 0, first, dst, ev.errbuf, ev.errlen), name)
      return dst
    end,
  }
end

-- explode and its kin in an expression: Spark's message.
local function generator(node, _, _, ev)
  error(("The generator is not supported: nested in expressions %q (explode and its kin go directly in a select)")
    :format(ev.sqlName(node)), 0)
end
M.GENERATORS = { explode = true, explode_outer = true, posexplode = true, posexplode_outer = true, inline = true,
                 inline_outer = true, json_tuple = true, json_tuple_outer = true, stack = true }

function M.register(eval)
  eval.register("size", size)
  eval.register("cardinality", size)
  eval.register("element_at", element_at)
  -- element_at's errors are ANSI's only, but for index 0: try_element_at
  -- is element_at in non-ANSI Spark 3.5
  eval.register("try_element_at", element_at)
  eval.register("array_size", array_size)
  eval.register("array_insert", array_insert)
  eval.register("shuffle", shuffle)
  eval.register("array_contains", array_contains)
  eval.register("array", array)
  eval.register("array_join", array_join)
  eval.register("sort_array", sort_array)
  eval.register("array_distinct", array_distinct)
  eval.register("array_sort", array_sort)
  eval.register("array_compact", array_compact)
  eval.register("array_append", with_element(false))
  eval.register("array_prepend", with_element(true))
  eval.register("get", get)
  eval.register("array_max", array_extreme(true))
  eval.register("array_min", array_extreme(false))
  eval.register("slice", slice)
  eval.register("flatten", flatten)
  eval.register("array_position", with_value("tide_eval_array_position", T.long))
  eval.register("array_remove", with_value("tide_eval_array_remove", nil, true))
  for name in pairs(SET_OPS) do eval.register(name, set_op) end
  eval.register("arrays_overlap", arrays_overlap)
  eval.register("array_repeat", array_repeat)
  eval.register("sequence", sequence)
  eval.register("arrays_zip", arrays_zip)
  eval.register("reverse", or_strings(eval.compilerOf("reverse"), reverse))
  local string_concat = eval.compilerOf("concat")
  eval.register("concat", or_strings(function(node, schema, compileChild, ev)
    return binary_concat(node, schema, compileChild, ev, string_concat)
  end, concat))
  eval.register("vector_to_array", vector_to_array)
  eval.register("array_to_vector", array_to_vector)
  for name in pairs(M.GENERATORS) do
    if not name:find("^json_tuple") then eval.register(name, generator) end
  end
end

return M
