-- tide.functions.arrays — the array and map functions of F, explode and its kin, and the
-- higher-order ones (tide.eval_arrays, eval_maps, eval_lambda, generate).
local column = require("tide.column")
local common = require("tide.functions.common")

local F = {}
local call, columns_fn, colNode, nodeOf = common.call, common.columnsFn, common.colNode, common.nodeOf

F.size = columns_fn("size")
F.cardinality = columns_fn("cardinality")
F.array = columns_fn("array")
F.array_distinct = columns_fn("array_distinct")
for _, name in ipairs({ "array_max", "array_min", "flatten", "array_union", "array_intersect", "array_except",
                        "arrays_overlap" }) do
  F[name] = columns_fn(name)
end
-- slice(arr, start, length): start 1-based (< 0 from the end).
-- (start and length: numbers, Columns or column names, as PySpark's)
local function int_or_column(v) return type(v) == "number" and nodeOf(v) or colNode(v) end
function F.slice(c, start, length) return call("slice", { colNode(c), int_or_column(start), int_or_column(length) }) end
function F.array_position(c, value) return call("array_position", { colNode(c), nodeOf(value) }) end
function F.array_remove(c, value) return call("array_remove", { colNode(c), nodeOf(value) }) end
F.arrays_zip = columns_fn("arrays_zip")
-- array_sort(col[, comparator]): comparator a function(left, right) of
-- Columns giving an int (negative: left first), as PySpark's.
function F.array_sort(c, comparator)
  if comparator == nil then return call("array_sort", { colNode(c) }) end
  return call("array_sort", { colNode(c),
    require("tide.eval_lambda").ofFunction("array_sort", comparator, 2, 2, { "left", "right" }) })
end
F.array_compact = columns_fn("array_compact")
function F.array_append(c, value) return call("array_append", { colNode(c), nodeOf(value) }) end
function F.array_prepend(c, value) return call("array_prepend", { colNode(c), nodeOf(value) }) end
-- maps (tide.eval_maps)
for _, name in ipairs({ "map_keys", "map_values", "map_entries", "create_map", "map_from_arrays",
                        "map_from_entries", "map_concat" }) do
  F[name] = columns_fn(name)
end
-- str_to_map(text, pairDelim=',', keyValueDelim=':'): the delimiters
-- regular expressions, as Lua strings.
function F.str_to_map(text, pairDelim, keyValueDelim)
  return call("str_to_map", { colNode(text), { k = "lit", value = pairDelim or "," },
    { k = "lit", value = keyValueDelim or ":" } })
end
function F.map_contains_key(c, key) return call("map_contains_key", { colNode(c), nodeOf(key) }) end
-- get(arr, index): 0-based, null past either end (Spark 3.4's).
function F.get(c, index) return call("get", { colNode(c), int_or_column(index) }) end
-- array_repeat(col, count): col a column or name (F.lit for a value),
-- count a number, a column or a name, as PySpark's.
function F.array_repeat(c, count)
  return call("array_repeat", { colNode(c), type(count) == "number" and nodeOf(count) or colNode(count) })
end
-- sequence(start, stop[, step]): columns (F.lit for values), as PySpark's.
function F.sequence(start, stop, step)
  return call("sequence", { colNode(start), colNode(stop), step ~= nil and colNode(step) or nil })
end
F.explode = columns_fn("explode")
F.explode_outer = columns_fn("explode_outer")
F.posexplode = columns_fn("posexplode")
F.posexplode_outer = columns_fn("posexplode_outer")
F.inline = columns_fn("inline")
F.inline_outer = columns_fn("inline_outer")
-- stack(n, cols...): n rows of each row's values (F.stack(2, "a", "b", "c")).
F.stack = columns_fn("stack")
-- element_at(arr, index): 1-based (-1 the last element), as Spark's.
function F.element_at(c, index) return call("element_at", { colNode(c), nodeOf(index) }) end
-- try_element_at(arr, index): index a Column or a column name (a number
-- is taken as a literal).
function F.try_element_at(c, index) return call("try_element_at", { colNode(c), int_or_column(index) }) end
F.array_size = columns_fn("array_size")
-- array_insert(arr, pos, value): pos an int, a Column or a name; value a
-- literal or a Column, as PySpark's.
function F.array_insert(c, pos, value)
  return call("array_insert", { colNode(c), int_or_column(pos), nodeOf(value) })
end
-- shuffle(col[, seed]): seed an integer, for the same orders run after run.
function F.shuffle(c, seed) return call("shuffle", { colNode(c), seed ~= nil and nodeOf(seed) or nil }) end
-- zip_with(left, right, fn): fn(x, y) of Columns, as PySpark's lambda.
function F.zip_with(left, right, fn)
  return call("zip_with", { colNode(left), colNode(right),
    require("tide.eval_lambda").ofFunction("zip_with", fn, 2, 2, { "x", "y" }) })
end
-- array_contains(arr, value): value a literal or a Column.
function F.array_contains(c, value) return call("array_contains", { colNode(c), nodeOf(value) }) end
function F.array_join(c, delimiter, null_replacement)
  return call("array_join", { colNode(c), nodeOf(delimiter), null_replacement ~= nil and nodeOf(null_replacement)
    or nil })
end
function F.sort_array(c, asc)
  return call("sort_array", { colNode(c), nodeOf(asc == nil and true or asc) })
end
-- Higher-order functions (tide.eval_lambda): fn gets Columns of the
-- element (and for transform and filter, its 0-based index) and returns
-- a Column, as PySpark's lambda: F.transform("tags", function(x) return F.upper(x) end).
for name, max_params in pairs({ transform = 2, filter = 2, exists = 1, forall = 1 }) do
  F[name] = function(c, fn)
    return call(name, { colNode(c), require("tide.eval_lambda").ofFunction(name, fn, max_params) })
  end
end
-- map_filter, transform_keys, transform_values: fn(k, v) over each entry.
for _, name in ipairs({ "map_filter", "transform_keys", "transform_values" }) do
  F[name] = function(c, fn)
    return call(name, { colNode(c), require("tide.eval_lambda").ofFunction(name, fn, 2, 2, { "k", "v" }) })
  end
end
-- map_zip_with(col1, col2, fn): fn(k, v1, v2) over the keys of either
-- map, a value missing from a map NULL.
function F.map_zip_with(col1, col2, fn)
  return call("map_zip_with", { colNode(col1), colNode(col2),
    require("tide.eval_lambda").ofFunction("map_zip_with", fn, 3, 3, { "k", "v1", "v2" }) })
end
-- aggregate(col, initialValue, merge[, finish]): merge(acc, x), finish(acc).
function F.aggregate(c, initial, merge, finish)
  local lambda = require("tide.eval_lambda")
  -- (initialValue: a Column or a column name, as PySpark's; F.lit for a value)
  return call("aggregate", { colNode(c), colNode(initial), lambda.ofFunction("aggregate", merge, 2, 2, { "acc", "x" }),
    finish ~= nil and lambda.ofFunction("aggregate", finish, 1, 1, { "acc" }) or nil })
end
F.reduce = F.aggregate

return F
