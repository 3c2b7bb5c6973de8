-- tide.eval — compiles expression nodes (docs/architecture.md) against a
-- schema once, then runs them over whole batches: one C kernel call per
-- node per batch (engine/eval_*.c), never Lua per row.
--
--   local c = eval.compile(node, schema)   --> { type, name, run }
--   local col = c.run(input, out, ctx)     --> tide_column* of out (or input)
--   local sel = eval.compileSelect(nodes, schema)  --> list of compiled, sel.schema
--   local b = eval.project(batch, sel, ctx)        --> derived batch
--   local f = eval.filter(batch, compiledPredicate, ctx)
--   eval.register("from_json", function(node, schema, compileChild, eval) ... end)
--
-- compile checks everything it can up front: an unknown column fails
-- naming it and listing the input's columns; a type error names the
-- expression ("cannot resolve '(a + s)' due to data type mismatch: ...").
-- Types follow Spark (tide.eval_coerce); names are Spark's column names:
-- an alias, a column's own name (also through a CAST), a struct field's
-- name, else the expression's text ("(a + 1)", "lower(s)"). A column
-- reference (also aliased, or a struct field) keeps its field's ML
-- metadata (`field.ml`, docs/ml.md), as Spark keeps attribute metadata;
-- any other expression has none.
--
-- run(input, out, ctx): input is the batch the schema describes; out is a
-- batch derived from it (tide_batch_derive) whose arena holds every column
-- the run makes; the result may also be one of input's columns (zero
-- copy). ctx is the batch context (docs/architecture.md), possibly nil.
--
-- Here: the nodes that name columns and values (col, field, lit, alias),
-- calls, and the public API. CAST compiles in tide.eval_casts; the
-- operators (op, not, neg, IS NULL, IN, CASE) in tide.eval_operators; the
-- functions a call names, in the modules registered at the end
-- (tide.eval_functions, ...).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local coerce = require("tide.eval_coerce")
local lineage = require("tide.lineage")
local input_files = require("tide.input_files")

local M = {}
package.loaded["tide.eval"] = M -- function modules below require us back

local ID = T.ID
local VOID = coerce.void
local registry = {}
local compilers = {}

local ERRLEN = 1024
local errbuf = ffi.new("char[?]", ERRLEN)
local COLUMN_SIZE = ffi.sizeof("tide_column")
M.errbuf, M.errlen = errbuf, ERRLEN

-- ---- helpers shared with the function modules --------------------------------

-- A column slot in out's arena, so it lives as long as out.
local function new_column(out)
  local p = C.tide_arena_calloc(out.arena, COLUMN_SIZE)
  if p == nil then error("out of memory", 0) end
  return ffi.cast("tide_column*", p)
end
M.newColumn = new_column

-- Raises a kernel's error message, prefixed by the expression's name.
local function check(rc, what)
  if rc ~= 0 then error(("%s: %s"):format(what, ffi.string(errbuf)), 0) end
end
M.check = check

-- Spark's text of an expression (tide.sql, loaded when first needed).
local function sql_name(node) return require("tide.sql").toString(node) end
M.sqlName = sql_name

local function type_error(node, msg)
  error(("cannot resolve '%s' due to data type mismatch: %s"):format(sql_name(node), msg), 0)
end
M.typeError = type_error

local function simple(t) return t:simpleString() end

-- A struct field's index by name (tide.types' resolveField: exact, else
-- the one field equal but for case); a name several fields match is an
-- error naming them, unless they are told apart by the DataFrame the
-- reference came from (`from`, a plan: tide.lineage).
local function find_field(st, name, from)
  local i, ambiguous = st:resolveField(name, lineage.fieldsOf(from))
  if ambiguous then error(ambiguous, 0) end
  return i
end

-- The literal value of a compiled node, when it is a literal.
local function literal_of(c)
  if c.literal then return true, c.literal.value end
  return false
end
M.literalOf = literal_of

-- The Lua value of an integral literal, for decimal widening (nil otherwise).
local function integral_literal(c)
  if c.literal and coerce.isIntegral(c.type) then return c.literal.value end
end

-- A one-row column holding value as type t (nil: NULL), kept alive by the
-- returned holder batch.
local function literal_column(value, t)
  local holder = batchlib.fromRows({ { value } }, T.struct { T.field("literal", t) })
  return holder, holder.columns
end

-- A run of a compiled node: the one-row column col (kept alive by
-- holder) in every row of its input; name in its errors.
local function broadcast_column(holder, col, name)
  return function(input, out)
    local dst = new_column(out)
    check(C.tide_eval_broadcast(out, col, input.num_rows, dst, errbuf, ERRLEN), name)
    local _ = holder
    return dst
  end
end

-- A run of value (of type t) in every row, and the constant it broadcasts.
local function broadcast(value, t, name)
  local holder, col = literal_column(value, t)
  return broadcast_column(holder, col, name), { holder = holder, col = col }
end

-- A compiled NULL of type t.
local function null_of(t, name)
  return { type = t, name = name or "NULL", literal = { value = nil },
           run = broadcast(nil, coerce.materialized(t), "NULL") }
end

-- An empty array or map of type t in every row: array() and map(), whose
-- void elements take the type of what they meet (coalesce(tags, array())).
local EMPTY_ARRAY, EMPTY_MAP = { n = 0 }, {}
local function empty_of(t, name)
  return { type = t, name = name, empty = true,
           run = broadcast(t.id == ID.map and EMPTY_MAP or EMPTY_ARRAY, coerce.materialized(t), name) }
end
M.emptyOf = empty_of

local cast_to = require("tide.eval_casts").install(M, broadcast_column, null_of, empty_of)

-- An array of the given columns, for kernels taking `const tide_column *const *`.
local function column_array(cols)
  return ffi.new("const tide_column*[?]", math.max(#cols, 1), cols)
end
M.columnArray = column_array

-- Runs compiled nodes and returns their columns (a Lua list).
local function run_all(list, input, out, ctx)
  local cols = {}
  for i, c in ipairs(list) do cols[i] = c.run(input, out, ctx) end
  return cols
end
M.runAll = run_all

-- The type a list of compiled nodes shares, or a type error naming node.
local function common_type(node, list, what)
  local types = {}
  for i, c in ipairs(list) do types[i] = c.type end
  local t = coerce.common(types)
  if t == nil then
    local names = {}
    for i, ty in ipairs(types) do names[i] = simple(ty) end
    type_error(node, ("%s must share a type, not %s"):format(what, table.concat(names, ", ")))
  end
  if coerce.isVoid(t) then t = T.null end -- (all NULL: Spark's void, strings of nulls in the kernels)
  return t
end
M.commonType = common_type

-- ---- compiling nodes -------------------------------------------------------------------

local function compile_node(node, scope)
  if type(node) ~= "table" or node.k == nil then
    error("not an expression node: " .. tostring(node), 0)
  end
  local handed = scope and scope.handed and scope.handed[node]
  if handed then
    scope.handed[node] = nil
    return handed
  end
  local compiler = compilers[node.k]
  if node.k == "colregex" then
    error(("colRegex(%q) stands for the columns its regex matches: select them with df:select, not in an"
      .. " expression"):format(tostring(node.pattern)), 0)
  end
  if not compiler then error(("unknown expression kind %q"):format(tostring(node.k)), 0) end
  local c = compiler(node, scope)
  if c.name == nil then c.name = sql_name(node) end
  return c
end

-- A function's compileChild: each node compiled once, so that a compiler
-- wrapping another (tide.eval_intervals' abs, ...) that looks at an
-- argument's type before handing the call on does not compile it again
-- (at every level of nesting: 2^n times at depth n).
local function compile_child(scope)
  local compiled = {}
  return function(n)
    local c = compiled[n]
    if c == nil then
      c = compile_node(n, scope)
      compiled[n] = c
    end
    return c
  end
end

-- Hands c, node compiled in scope, to the next compile of node there: a
-- compiler wrapping another (tide.eval_intervals' operators, ...) that
-- compiled an operand to look at its type and then leaves the node to the
-- compiler it wraps. Compiled again, each operand would be compiled twice
-- at every level of nesting: 2^n times at depth n.
function M.handOver(scope, node, c)
  scope.handed = scope.handed or setmetatable({}, { __mode = "k" })
  scope.handed[node] = c
end

local LITERAL_FUNCTIONS = { current_timestamp = true, current_date = true }

function compilers.col(node, scope)
  local st = scope.schema
  -- A column by position (node.index, 0-based), where its name may not
  -- be unique; else by name.
  local i = node.index and node.index + 1 or find_field(st, node.name, node.from)
  if i then
    local k, f = i - 1, st.fields[i]
    -- (node.shown: the name Spark gives a column a join renamed, tide.sql_support's unqualify)
    -- (a void column, SELECT NULL's, reads as the untyped NULL it holds)
    return {
      type = coerce.voided(f.dataType), name = f.name, outputName = node.shown or f.name, ml = f.ml, field = f,
      run = function(input) return input.columns + k end,
    }
  end
  -- "data.x" is field x of struct column data.
  local parts = {}
  for part in (node.name .. "."):gmatch("([^.]*)%.") do parts[#parts + 1] = part end
  if #parts > 1 and find_field(st, parts[1]) then
    local expr = { k = "col", name = parts[1] }
    for j = 2, #parts do expr = { k = "field", expr = expr, name = parts[j] } end
    local c = compile_node(expr, scope)
    c.name = node.name
    return c
  end
  -- Spark's functions that need no parentheses: a name no column has
  -- that is one of them calls it (Analyzer.resolveLiteralFunction).
  local fn = node.name:lower()
  if LITERAL_FUNCTIONS[fn] then return compile_node({ k = "call", fn = fn, args = {} }, scope) end
  local columns = st:fieldNames()
  error(("cannot resolve '%s' given input columns: [%s]%s"):format(node.name, table.concat(columns, ", "),
    require("tide.suggest").column(node.name, columns)), 0)
end

function compilers.field(node, scope)
  local child = compile_node(node.expr, scope)
  local t = child.type
  -- a field of an array of structs is the array of its values (Spark's GetArrayStructFields)
  local array = t.id == ID.array and t.elementType.id == ID.struct and t or nil
  if array then t = array.elementType end
  if t.id ~= ID.struct then
    type_error(node, ("%s is %s, not a struct"):format(child.name, simple(t)))
  end
  local i = find_field(t, node.name)
  if not i then
    error(("no such struct field %s in %s"):format(node.name, table.concat(t:fieldNames(), ", ")), 0)
  end
  local index, name = i - 1, sql_name(node)
  -- (a dotted name is named by its field, an extraction by its SQL: tide.sql_names)
  local output = require("tide.sql_names").isNestedAttribute(node) and t.fields[i].name or nil
  local f = t.fields[i]
  local kernel = array and C.tide_eval_array_field or C.tide_eval_field
  return {
    type = array and T.array(f.dataType, array.containsNull or f.nullable ~= false) or f.dataType,
    name = name, outputName = output, ml = not array and f.ml or nil,
    run = function(input, out, ctx)
      local s = child.run(input, out, ctx)
      local dst = new_column(out)
      check(kernel(out, s, index, dst, errbuf, ERRLEN), name)
      return dst
    end,
  }
end

local function literal_type(v)
  local tv = type(v)
  if v == nil then return VOID end
  if tv == "boolean" then return T.boolean end
  if tv == "string" then return T.string end
  if tv == "number" then
    if v == 0 and 1 / v < 0 then return T.double end -- (-0.0 is no integer: it keeps its sign)
    if v == math.floor(v) and v >= -2 ^ 31 and v < 2 ^ 31 then return T.int end
    if v == math.floor(v) and v >= -2 ^ 63 and v < 2 ^ 63 then return T.long end
    return T.double
  end
  if tv == "cdata" and ffi.istype("int64_t", v) then return T.long end
  if tv == "cdata" and ffi.istype("uint64_t", v) then return T.decimal(20, 0) end
  error(("a literal must be nil, a boolean, a number or a string, not %s"):format(tostring(v)), 0)
end

function compilers.lit(node)
  local v = node.value
  local t = literal_type(v)
  -- a float or double literal made in its type (-0.0D keeps its sign)
  if type(v) == "number" and node.type and (node.type.id == ID.double or node.type.id == ID.float) then t = node.type end
  -- Named with its type known: 2^40 is the bigint 1099511627776.
  local name = sql_name(node.type and node or { k = "lit", value = v, type = not coerce.isVoid(t) and t or nil })
  if coerce.isVoid(t) then
    if node.type then return null_of(node.type, name) end
    local as_string = null_of(T.string, name)
    return { type = VOID, name = name, literal = { value = nil }, run = as_string.run }
  end
  local run, constant = broadcast(v, t, name)
  local c = { type = t, name = name, literal = { value = v }, run = run, constant = constant }
  if node.type and node.type ~= t then
    local typed = cast_to(c, node.type)
    -- (a decimal literal, kept as its digits, is the number they write to
    -- what reads literals: split(s, ',', 2.0)'s limit, no string)
    local decimal = node.type.id == ID.decimal and type(v) == "string"
    typed.literal = decimal and { value = tonumber(v) } or c.literal
    return typed
  end
  return c
end

-- A window expression outside a select (filter, an aggregate): Spark
-- refuses it there too.
function compilers.window(node)
  error(("%s: window functions are computed in select or withColumn, not here (Spark: It is not allowed to use"
    .. " window functions inside WHERE clause); add the column first, then filter on it"):format(node.text), 0)
end

function compilers.alias(node, scope)
  local c = compile_node(node.expr, scope)
  local copy = {}
  for k, v in pairs(c) do copy[k] = v end
  copy.name, copy.outputName = node.name, node.name
  return copy
end

compilers.cast = require("tide.eval_casts").compiler(compile_node)

function compilers.call(node, scope)
  local fn = node.fn
  local compiler = registry[fn] or (type(fn) == "string" and registry[fn:lower()])
  local registered = not compiler and require("tide.udf").registered(fn)
  if registered then
    return registry.udf({ k = "call", fn = fn, args = node.args, opts = registered }, scope.schema,
      compile_child(scope), M)
  end
  if not compiler then
    if require("tide.window").functionNames[fn] then
      error(("%s() is a window function: F.%s(...):over(Window.partitionBy(...):orderBy(...)) in select or"
        .. " withColumn"):format(fn, fn), 0)
    end
    if require("tide.dataframe_aggregate").hasAggregate(node) then
      error(("%s is an aggregate function: it belongs in groupBy(...):agg(...), or in select(...) to aggregate"
        .. " the whole DataFrame"):format(tostring(fn)), 0)
    end
    error(("undefined function: '%s'"):format(tostring(fn)), 0)
  end
  return compiler(node, scope.schema, compile_child(scope), M)
end

-- x[i]: the element of an array (0-based); split(...)[i] takes the piece
-- without making the array.
function compilers.item(node, scope)
  local e = node.expr
  if e.k == "call" and type(e.fn) == "string" and e.fn:lower() == "split" then
    return require("tide.eval_functions").splitPart(node, scope.schema, compile_child(scope), M)
  end
  local c = compile_node(e, scope)
  if c.type.id == ID.array then
    return require("tide.eval_arrays").item(node, c, node.index, compile_child(scope), M)
  end
  if c.type.id == ID.map then
    local index = node.index
    local key = compile_child(scope)(type(index) == "table" and index or { k = "lit", value = index })
    return require("tide.eval_maps").item(node, c, key, M)
  end
  type_error(node, ("%s is %s, which cannot be indexed (arrays and maps can)"):format(c.name, simple(c.type)))
end

-- A lambda function, or one of its variables, outside a higher-order
-- function (tide.eval_lambda binds them there).
function compilers.lambda(node)
  error(("%s: a lambda function is only an argument of transform, filter, exists or forall"):format(
    sql_name(node)), 0)
end
function compilers.lambdavar(node)
  error(("%s: a lambda variable outside its function"):format(tostring(node.name)), 0)
end

function compilers.star(node)
  error(("invalid usage of '%s' here: * selects columns only in select and struct"):format(sql_name(node)), 0)
end

-- ---- the public API ------------------------------------------------------------------------

local function schema_of(schema)
  if type(schema) == "string" then return T.fromDDL(schema) end
  if not (T.isType(schema) and schema.id == ID.struct) then
    error("tide.eval needs a struct schema, not " .. tostring(schema), 0)
  end
  return schema
end

-- A compiled expression as a column: a void (an untyped NULL, array())
-- as T.null, Spark's void in the schema, kept as strings of nulls; the
-- void also left in voidType for what meets the column later (a union
-- takes the other side's type for it, as Spark's).
local function finish(c, node)
  local kept, void = coerce.materialized(c.type), nil
  if not rawequal(kept, c.type) then c, void = cast_to(c, kept), c.type end
  -- (c.name tells l.a from r.a, a column a join renamed; the output's name
  -- is Spark's, which names both a: tide.sql_names)
  local names = require("tide.sql_names")
  local name = c.outputName or (names.namesShown(node) and names.outputName(node)) or c.name
  return { type = kept, name = name, run = c.run, node = node, ml = c.ml, field = c.field, voidType = void }
end

-- Compiles one expression node against schema (a tide.types struct or a
-- DDL string).
function M.compile(node, schema)
  local scope = { schema = schema_of(schema) }
  return finish(compile_node(node, scope), node)
end

-- nodes with each `star` node replaced by what it stands for: every
-- column of schema (`*`), or every field of a struct column (`data.*`).
function M.expandStars(nodes, schema)
  local scope = { schema = schema_of(schema) }
  local out = {}
  for _, node in ipairs(nodes) do
    if node.k ~= "star" then
      out[#out + 1] = node
    elseif node.prefix then
      local s = compile_node({ k = "col", name = node.prefix }, scope)
      if s.type.id ~= ID.struct then
        error(("cannot expand '%s.*': %s is %s, not a struct"):format(node.prefix, node.prefix, simple(s.type)), 0)
      end
      for _, f in ipairs(s.type.fields) do
        out[#out + 1] = { k = "field", expr = { k = "col", name = node.prefix }, name = f.name }
      end
    else
      for i, f in ipairs(scope.schema.fields) do out[#out + 1] = { k = "col", name = f.name, index = i - 1 } end
    end
  end
  return out
end

-- Compiles the expressions of a select, stars expanded (M.expandStars).
-- Returns the list of compiled columns with .schema, the output struct
-- (whose fields carry the ML metadata of the columns referenced as they
-- are, and a column's origin and qualifier where it is passed through:
-- tide.lineage).
function M.compileSelect(nodes, schema)
  local scope = { schema = schema_of(schema) }
  local list, kept = {}, {}
  for i, node in ipairs(M.expandStars(nodes, scope.schema)) do
    list[i] = finish(compile_node(node, scope), node)
    kept[i] = node.k == "col" and list[i].field
  end
  local fields = {}
  for i, c in ipairs(list) do
    fields[i] = T.field(c.name, c.type, true)
    -- (a column passed on, aliased or not, stays an untyped NULL's)
    fields[i].ml, fields[i].voidType = c.ml, c.voidType or (c.field and c.field.voidType)
    if kept[i] then fields[i].origin, fields[i].qualifier = kept[i].origin, kept[i].qualifier end
  end
  list.schema = T.struct(fields)
  return list
end

-- The rows of `drops` (a list of uint8_t arrays, 1 = drop) removed from
-- out, counted in ctx.dropped.
local function drop_rows(out, drops, ctx)
  local result, dropped = batchlib.dropRows(out, drops)
  ctx.dropped = (ctx.dropped or 0) + dropped
  return result
end

-- Fills out's columns with the compiled columns over batch.
local function project_columns(batch, out, compiled, ctx)
  for i = 1, #compiled do
    local c = compiled[i]
    local col = c.run(batch, out, ctx)
    out.columns[i - 1] = col[0]
    local name = C.tide_arena_strdup(out.arena, c.name)
    if name == nil then error("out of memory", 0) end
    out.columns[i - 1].name = name
  end
end

-- The row drops asked for while a projection runs (ctx.dropRows): one
-- list, emptied by each projection, so that no closure made per batch
-- holds its batches (a compiled trace may keep a closure it called, and
-- with it whatever the closure holds, until the trace is flushed).
local pending_drops = {}
local function ask_drop(status) pending_drops[#pending_drops + 1] = status end

-- The compiled columns over batch, as a batch derived from it: columns
-- taken as they are share the input's buffers.
function M.project(batch, compiled, ctx)
  ctx = ctx or {}
  local out = batchlib.wrap(C.tide_batch_derive(batch, #compiled), "out of memory in a projection")
  local saved, outer = ctx.dropRows, pending_drops
  pending_drops = {}
  ctx.dropRows = ask_drop
  local ok, err = pcall(project_columns, batch, out, compiled, ctx)
  ctx.dropRows = saved
  local drops = pending_drops
  pending_drops = outer
  if not ok then error(err, 0) end
  if #drops > 0 then return drop_rows(out, drops, ctx) end
  return out
end

-- The rows of batch where the compiled predicate is true (NULL is false),
-- copied into a new batch (or shared when every row passes).
function M.filter(batch, pred, ctx)
  local scratch = C.tide_batch_derive(batch, 0)
  if scratch == nil then error("out of memory in a filter", 0) end
  local ok, mask = pcall(pred.run, batch, scratch, ctx or {})
  if not ok then
    C.tide_batch_free(scratch)
    error(mask, 0)
  end
  local result = C.tide_batch_filter(batch, mask, errbuf, ERRLEN)
  if result == nil then
    C.tide_batch_free(scratch)
    error("filter " .. tostring(pred.name) .. ": " .. ffi.string(errbuf), 0)
  end
  result = batchlib.wrap(result)
  -- (the files of a file source's rows follow them: input_file_name())
  if ctx and ctx.inputFiles then input_files.filtered(ctx, batch, mask, result) end
  C.tide_batch_free(scratch)
  return result
end

-- Makes a function of `call` nodes known: compiler(node, schema,
-- compileChild, eval) returns { type, name, run } (name optional), where
-- compileChild(argNode) compiles an argument and eval is this module.
function M.register(name, compiler)
  if type(name) ~= "string" or type(compiler) ~= "function" then
    error("register needs a function name and a compiler function", 2)
  end
  registry[name] = compiler
end

function M.isRegistered(name) return registry[name] ~= nil end
function M.compilerOf(name) return registry[name] end

require("tide.eval_operators").install(M, compilers, compile_node, integral_literal)
-- Whether an expression node holds a call that must run only where it is
-- reached (tide.eval_operators: CASE's branches, AND, OR, coalesce).
M.hasEffects = require("tide.eval_operators").hasEffects
require("tide.eval_functions").register(M)
require("tide.eval_row_context").register(M)
require("tide.eval_math").register(M)
require("tide.eval_text").register(M)
require("tide.eval_aes").register(M)
require("tide.eval_xpath").register(M)
require("tide.eval_bitmap").register(M)
require("tide.eval_datetime").register(M)
require("tide.eval_dates").register(M)
require("tide.eval_arrays").register(M)
require("tide.eval_lambda").register(M)
require("tide.eval_maps").register(M)
require("tide.json_functions").register(M)
require("tide.eval_csv").register(M)
require("tide.eval_number_format").register(M)
require("tide.eval_update_fields").register(M)
-- Spark's ANSI intervals: wraps the operators', CAST's and a few
-- functions' compilers above (tide.eval_intervals).
require("tide.eval_intervals").install(M, compilers, compile_node)
-- Spark's TIMESTAMP_NTZ: wraps them in turn (tide.eval_timestamp_ntz).
require("tide.eval_timestamp_ntz").install(M, compilers, compile_node)

return M
