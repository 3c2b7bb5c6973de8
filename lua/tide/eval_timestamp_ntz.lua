-- tide.eval_timestamp_ntz — Spark's TIMESTAMP_NTZ (TimestampNTZType,
-- tide.types' T.timestampNTZ) in expressions: a local date-time without a
-- zone, never shifted by the session time zone.
--
--   TIMESTAMP_NTZ '2024-01-01 10:00:00'    CAST(x AS TIMESTAMP_NTZ)    to_timestamp_ntz(s[, pattern])
--   make_timestamp_ntz(y, mo, d, h, mi, s)  localtimestamp()    convert_timezone([from, ]to, ntz)
--   ntz + INTERVAL 1 DAY    ntz - ntz    ntz < ts    hour(ntz)    timestampadd(HOUR, 1, ntz)
--
-- A TIMESTAMP_NTZ column is a timestamp column whose microseconds are the
-- local date-time read as if it were UTC. So what Spark computes of one
-- without a zone (its text, fields, truncation, moves by intervals) is
-- the timestamp kernels' own with the session time zone set to UTC for
-- the kernel (in_utc: engine/timestamp_ntz.c swaps it), its arguments
-- still computed in the session's. Where Spark wants a TIMESTAMP
-- (date_format, date_trunc, from_utc_timestamp, a comparison with a
-- TIMESTAMP), a TIMESTAMP_NTZ is cast to one, its local date-time taken in
-- the session time zone, as Spark's implicit cast does.
--
-- install(eval, compilers, compileNode) wraps tide.eval's compilers of
-- operators and CAST and a few functions, handing what holds no
-- TIMESTAMP_NTZ to them, and registers the functions that make one.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local coerce = require("tide.eval_coerce")

local M = {}
local ID = T.ID
local NTZ = T.timestampNTZ

local ev, compile_node -- tide.eval and its compile_node, set by install

local function is_ntz(t) return t ~= nil and t.ntz == true end
M.isNtz = is_ntz

local function simple(t) return t:simpleString() end

-- fn(...) with the session time zone set to UTC, then put back.
local function in_utc(fn, ...)
  local saved = C.tide_time_zone_swap_session(nil)
  local ok, v = pcall(fn, ...)
  C.tide_time_zone_swap_session(saved)
  if not ok then error(v, 0) end
  return v
end
M.inUtc = in_utc

-- The session time zone (NULL: UTC), as the kernels read it now.
local function session_zone()
  local z = C.tide_time_zone_swap_session(nil)
  C.tide_time_zone_swap_session(z)
  return z
end

-- c as type t whose values are the same numbers (a TIMESTAMP_NTZ and the
-- timestamp column it is held in).
local function retyped(c, t, name)
  local copy = {}
  for k, v in pairs(c) do copy[k] = v end
  copy.type, copy.outputName, copy.field, copy.ml = t, nil, nil, nil
  copy.name = name or c.name
  return copy
end

local function lit(v, t) return { k = "lit", value = v, type = t } end
-- A node standing for an expression compiled already, named as `shown`
-- (a node) is where given.
local function raw(c, shown) return { k = "compiled", c = c, sqlText = shown and ev.sqlName(shown) } end

-- build(raws) compiled and run in UTC over args, which are computed in
-- the session time zone first; each raw is its arg, a TIMESTAMP_NTZ seen
-- as a timestamp. (A constant built here is folded in UTC too.)
local function zoneless(args, build)
  local slots, raws = {}, {}
  for i, a in ipairs(args) do
    local slot = {}
    slots[i] = slot
    local r = retyped(a, is_ntz(a.type) and T.timestamp or a.type, a.name)
    r.run = function() return slot.col end
    raws[i] = r
  end
  local c = in_utc(build, raws)
  local run, copy = c.run, {}
  for k, v in pairs(c) do copy[k] = v end
  copy.run = function(input, out, ctx)
    for i, a in ipairs(args) do slots[i].col = a.run(input, out, ctx) end
    return in_utc(run, input, out, ctx)
  end
  return copy
end
M.zoneless = zoneless

-- A TIMESTAMP_NTZ's microseconds seen as a TIMESTAMP's, and a type with
-- its TIMESTAMPs as TIMESTAMP_NTZ (tide.time_window: a window's bounds
-- are computed on the microseconds alone).
function M.asInstant(c) return retyped(c, T.timestamp) end
function M.localType(t)
  if t.id == ID.timestamp then return NTZ end
  if t.id == ID.struct then
    local fields = {}
    for i, f in ipairs(t.fields) do fields[i] = T.field(f.name, M.localType(f.dataType), f.nullable) end
    return T.struct(fields)
  end
  return t
end

-- ---- text ---------------------------------------------------------------------------------

-- The microseconds of a local date-time's text (TIMESTAMP_NTZ '...'), or
-- nil when it is none.
function M.parse(text)
  local micros = ffi.new("int64_t[1]")
  if C.tide_timestamp_ntz_parse(text, #text, 1, micros) ~= 0 then return nil end
  return micros[0]
end

-- The text Spark shows of a local date-time's microseconds.
local text_buf = ffi.new("char[64]")
function M.format(micros)
  return in_utc(function() return ffi.string(text_buf, C.tide_timestamp_format(micros, text_buf)) end)
end

-- ---- CAST --------------------------------------------------------------------------------

-- A kernel over one column: f(out, col, dst).
local function unary(t, name, a, f) return ev.unaryKernel(t, name, a, f) end

-- A string as a TIMESTAMP_NTZ (Spark's stringToTimestampWithoutTimeZone:
-- any zone after the time ignored; a time alone is NULL). A literal's is
-- read once, here.
local function from_text(c)
  local is_lit, v = ev.literalOf(c)
  if is_lit and c.constant then
    local micros = type(v) == "string" and M.parse(v)
    if not micros then return ev.castTo({ type = coerce.void, name = c.name, run = function() end }, NTZ) end
    local text = compile_node(lit(M.format(micros)))
    local typed = in_utc(ev.castTo, text, T.timestamp)
    return retyped(typed, NTZ, c.name)
  end
  return unary(NTZ, c.name, c, function(out, x, dst)
    return C.tide_eval_timestamp_ntz_parse(out, x, 1, dst, ev.errbuf, ev.errlen)
  end)
end

-- A TIMESTAMP (an instant) and a TIMESTAMP_NTZ one into the other in the
-- session time zone: its local date-time there, or the instant of a local
-- date-time there (a gap's moved forward, an overlap's earlier offset, as
-- java.time's): Spark's casts, from_utc_timestamp's and to_utc_timestamp's
-- convertTz.
local function shifted(c, op, t)
  return unary(t, c.name, c, function(out, x, dst)
    local z = session_zone()
    if z == nil then
      ffi.copy(dst, x, ffi.sizeof("tide_column"))
      return 0
    end
    return C.tide_eval_utc_shift(out, op, x, nil, z, dst, ev.errbuf, ev.errlen)
  end)
end

-- Whether Spark casts between a TIMESTAMP_NTZ and t (Cast.canCast: strings,
-- dates, timestamps, and NULL; no numbers, booleans or binary).
local function castable(t)
  return coerce.isVoid(t) or t.id == ID.string or t.id == ID.date or t.id == ID.timestamp
end
M.castable = castable

-- Set while M.jsonTexts casts: a TIMESTAMP_NTZ's text is then the JSON
-- and CSV writers'.
local json_text = false

-- The casts tide.eval_casts makes where c or t is a TIMESTAMP_NTZ (and
-- they are not of one type); nil where Spark has none.
function M.castTo(c, t, try)
  local from = c.type
  if is_ntz(t) then
    if from.id == ID.string then return from_text(c) end
    if from.id == ID.date then
      return retyped(zoneless({ c }, function(r) return ev.castTo(r[1], T.timestamp) end), t)
    end
    if from.id == ID.timestamp then return shifted(c, C.TIDE_FROM_UTC, t) end
    return nil
  end
  if t.id == ID.timestamp then return shifted(c, C.TIDE_TO_UTC, t) end
  if t.id == ID.string and json_text then
    -- (what Spark's JSON and CSV writers write: M.jsonTexts)
    return zoneless({ c }, function(r)
      return compile_node({ k = "call", fn = "date_format", args = { raw(r[1]), lit("yyyy-MM-dd'T'HH:mm:ss.SSS") } },
        {})
    end)
  end
  if t.id == ID.string or t.id == ID.date then
    return zoneless({ c }, function(r) return ev.castTo(r[1], t, try) end)
  end
end

-- t with each TIMESTAMP_NTZ in it (a struct's field, an array's element)
-- as a string: what show and to_json write of it.
local function texts_of(t)
  return coerce.mapLeaves(t, function(v) return is_ntz(v) and T.string or v end)
end
M.textsOf = texts_of

-- t with each TIMESTAMP_NTZ in it as a TIMESTAMP (what a JDBC sink writes:
-- tide.interval_values).
local function instants_of(t)
  return coerce.mapLeaves(t, function(v) return is_ntz(v) and T.timestamp or v end)
end
M.instantsOf = instants_of

-- ---- operators ---------------------------------------------------------------------------

local COMPARE = { ["="] = true, ["=="] = true, ["!="] = true, ["<>"] = true, ["<"] = true, ["<="] = true,
                  [">"] = true, [">="] = true, ["<=>"] = true }

-- The operator node when an operand is a TIMESTAMP_NTZ, else nil.
local function operator(node, scope, op_compiler)
  local op = type(node.op) == "string" and node.op:lower() or node.op
  if not (op == "+" or op == "-" or COMPARE[op]) then return nil end
  local l, r = compile_node(node.left, scope), compile_node(node.right, scope)
  local ln, rn = is_ntz(l.type), is_ntz(r.type)
  if not (ln or rn) then
    -- (the operands, for the compiler this one wraps: tide.eval's handOver)
    ev.handOver(scope, node.left, l)
    ev.handOver(scope, node.right, r)
    return nil
  end
  local name = ev.sqlName(node)
  local pair = ("%s and %s"):format(simple(l.type), simple(r.type))
  local function over(a, b, keep_interval)
    -- (an INTERVAL literal kept as its node: tide.eval_operators names and moves by it)
    local left = (keep_interval and node.left.k == "interval") and node.left or raw(a, node.left)
    local right = (keep_interval and node.right.k == "interval") and node.right or raw(b, node.right)
    return op_compiler({ k = "op", op = node.op, left = left, right = right, try = node.try }, scope)
  end
  local other = ln and r.type or l.type
  if (op == "+" or op == "-") and other.interval then
    if op == "-" and rn then ev.typeError(node, ("- cannot take %s"):format(pair)) end
    local c = zoneless({ l, r }, function(x) return over(x[1], x[2], true) end)
    return retyped(c, NTZ, c.name) -- (named as a TIMESTAMP's move is: x + INTERVAL '1' DAY, no parentheses)
  end
  if other.id == ID.timestamp and not is_ntz(other) then
    -- a TIMESTAMP_NTZ meets a TIMESTAMP as the TIMESTAMP of its local date-time
    if op == "+" then ev.typeError(node, ("+ cannot take %s"):format(pair)) end
    local c = over(ln and ev.castTo(l, T.timestamp) or l, rn and ev.castTo(r, T.timestamp) or r)
    return retyped(c, c.type, name)
  end
  if other.id == ID.date or (COMPARE[op] and (other.id == ID.string or coerce.isVoid(other))) or is_ntz(other) then
    -- a date (a string, NULL) meets a TIMESTAMP_NTZ as one: the same microseconds as timestamps
    if op == "+" then ev.typeError(node, ("+ cannot take %s"):format(pair)) end
    local a, b = ev.castTo(l, NTZ), ev.castTo(r, NTZ)
    local c = over(retyped(a, T.timestamp), retyped(b, T.timestamp))
    return retyped(c, c.type, name)
  end
  if COMPARE[op] then ev.typeError(node, ("cannot compare %s"):format(pair)) end
  ev.typeError(node, ("%s cannot take %s (Spark: the left and right operands of the binary operator have"
    .. " incompatible types)"):format(op, pair))
end

-- ---- functions -----------------------------------------------------------------------------

-- The compiler of a function over TIMESTAMP_NTZ arguments in UTC, where
-- Spark takes either timestamp (AnyTimestampType: hour, timestampadd,
-- ...): original's over the arguments seen as timestamps, a timestamp
-- result a TIMESTAMP_NTZ when ntz_result. A TIMESTAMP_NTZ with a
-- TIMESTAMP among the arguments is cast to one, as Spark widens them.
local function local_compiler(original, ntz_result)
  return function(node, schema, compileChild, e)
    local args, ntz, instant = {}, false, false
    for i, a in ipairs(node.args or {}) do
      args[i] = compileChild(a)
      ntz = ntz or is_ntz(args[i].type)
      instant = instant or (args[i].type.id == ID.timestamp and not is_ntz(args[i].type))
    end
    if not ntz then return original(node, schema, compileChild, e) end
    local function call(xs)
      local copy = {}
      for k, v in pairs(node) do copy[k] = v end
      copy.args = {}
      for i, x in ipairs(xs) do copy.args[i] = raw(x) end
      return original(copy, schema, compileChild, e)
    end
    local name = ev.sqlName(node)
    if instant then
      for i, a in ipairs(args) do
        if is_ntz(a.type) then args[i] = ev.castTo(a, T.timestamp) end
      end
      local c = call(args)
      return retyped(c, c.type, name)
    end
    local c = zoneless(args, call)
    return retyped(c, (ntz_result and c.type.id == ID.timestamp) and NTZ or c.type, name)
  end
end

-- to_timestamp_ntz(x[, pattern]): a string read as a local date-time (by
-- the pattern, in UTC), a date's midnight, a TIMESTAMP's local date-time
-- in the session time zone; a number is NULL, as Spark's.
local function to_timestamp_ntz(node, _, compileChild, e)
  local args = node.args or {}
  if #args < 1 or #args > 2 then
    e.typeError(node, ("to_timestamp_ntz takes 1 or 2 arguments, not %d"):format(#args))
  end
  local x = compileChild(args[1])
  local t, name = x.type, ev.sqlName(node)
  if coerce.isNumeric(t) or coerce.isVoid(t) then
    local null = ev.castTo({ type = coerce.void, name = name, run = function() end }, NTZ)
    null.name = name
    return null
  end
  if not (t.id == ID.string or t.id == ID.date or t.id == ID.timestamp) then
    e.typeError(node, ("to_timestamp_ntz needs a string, a date or a timestamp, not %s (%s)"):format(simple(t),
      x.name))
  end
  if args[2] and t.id == ID.string then
    local fmt = compileChild(args[2])
    local parse = require("tide.eval_datetime").parseCall
    local c = zoneless({ x, fmt }, function(r) return parse(node, r[1], r[2], 1, ev) end)
    return retyped(c, NTZ, name)
  end
  return retyped(ev.castTo(x, NTZ), NTZ, name)
end

-- make_timestamp_ntz(year, month, day, hour, min, sec): make_timestamp's
-- fields in UTC; no time zone argument (Spark's six parameters).
local function make_timestamp_ntz(original)
  return function(node, schema, compileChild, e)
    local args = node.args or {}
    if #args ~= 6 then
      error(("%s: [WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `make_timestamp_ntz` requires 6 parameters but the"
        .. " actual number is %d."):format(ev.sqlName(node), #args), 0)
    end
    local compiled = {}
    for i, a in ipairs(args) do compiled[i] = compileChild(a) end
    local c = zoneless(compiled, function(r)
      local raws = {}
      for i, x in ipairs(r) do raws[i] = raw(x) end
      return original({ k = "call", fn = "make_timestamp", args = raws }, schema, compileChild, e)
    end)
    return retyped(c, NTZ, ev.sqlName(node))
  end
end

-- localtimestamp(): the batch's current_timestamp() as a local date-time
-- in the session time zone.
local function localtimestamp(node, _, compileChild, e)
  if #(node.args or {}) > 0 then e.typeError(node, "localtimestamp takes no arguments") end
  local now = compileChild({ k = "call", fn = "current_timestamp", args = {} })
  return retyped(ev.castTo(now, NTZ), NTZ, ev.sqlName(node))
end

-- convert_timezone([sourceTz, ]targetTz, ntz): the local date-time in
-- sourceTz (the session's when left out) as it reads in targetTz.
local function convert_timezone(node, _, compileChild, e)
  local args = node.args or {}
  if #args < 2 or #args > 3 then
    e.typeError(node, ("convert_timezone takes 2 or 3 arguments, not %d"):format(#args))
  end
  local nodes = { args[1], args[2], args[3] }
  if #args == 2 then nodes = { { k = "call", fn = "current_timezone", args = {} }, args[1], args[2] } end
  local from, to, x = compileChild(nodes[1]), compileChild(nodes[2]), compileChild(nodes[3])
  x = ev.castTo(x, NTZ)
  local c = zoneless({ from, to, x }, function(r)
    local instant = { k = "call", fn = "to_utc_timestamp", args = { raw(r[3]), raw(r[1]) } }
    return compile_node({ k = "call", fn = "from_utc_timestamp", args = { instant, raw(r[2]) } }, {})
  end)
  return retyped(c, NTZ, ev.sqlName(node))
end

-- ---- install -------------------------------------------------------------------------------

function M.install(eval, compilers, compileNode)
  ev, compile_node = eval, compileNode

  -- an expression with its intervals and TIMESTAMP_NTZs as the CSV and JSON
  -- writers' text (tide.interval_values)
  compilers.ntz_text = function(node, scope)
    local c = compile_node(node.expr, scope)
    return M.jsonTexts(ev.castTo(c, require("tide.eval_intervals").textsOf(c.type)))
  end

  local op_compiler = compilers.op
  compilers.op = function(node, scope)
    return operator(node, scope, op_compiler) or op_compiler(node, scope)
  end

  -- CAST: Spark's refusals of numbers, booleans and binary to and from a
  -- TIMESTAMP_NTZ, with its message
  local cast_compiler = compilers.cast
  compilers.cast = function(node, scope)
    local to = node.to
    if type(to) == "string" then to = T.parse(to) end
    if not node.fromVoid and T.isType(to) then
      local c = compile_node(node.expr, scope)
      if (is_ntz(to) and not (castable(c.type) or c.type == to)) or (is_ntz(c.type) and not castable(to)) then
        ev.typeError(node, ('[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] cannot cast "%s" to "%s"')
          :format(simple(c.type):upper(), simple(to):upper()))
      end
      ev.handOver(scope, node.expr, c)
    end
    return cast_compiler(node, scope)
  end

  -- what Spark computes of a TIMESTAMP_NTZ's own local date-time
  -- (timestampdiff is not: Spark casts its arguments to TIMESTAMPs)
  for fn, ntz_result in pairs({ hour = false, minute = false, second = false, date_part = false,
                                datepart = false, extract = false, timestampadd = true }) do
    eval.register(fn, local_compiler(eval.compilerOf(fn), ntz_result))
  end
  -- window_time of a TIMESTAMP_NTZ's window: its last TIMESTAMP_NTZ
  local window_time = eval.compilerOf("window_time")
  eval.register("window_time", function(node, schema, compileChild, e)
    local c = window_time(node, schema, compileChild, e)
    local w = compileChild(node.args[1])
    if w.type.fields and is_ntz(w.type.fields[1].dataType) then return retyped(c, NTZ, c.name) end
    return c
  end)
  -- unix_seconds, unix_millis, unix_micros: a TIMESTAMP only (Spark's ExpectsInputTypes casts none)
  for _, fn in ipairs({ "unix_seconds", "unix_millis", "unix_micros" }) do
    local original = eval.compilerOf(fn)
    eval.register(fn, function(node, schema, compileChild, e)
      local x = node.args and node.args[1] and compileChild(node.args[1])
      if x and is_ntz(x.type) then
        e.typeError(node, ('[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] %s needs a TIMESTAMP, not "TIMESTAMP_NTZ"'
          .. " (%s); CAST it AS TIMESTAMP first"):format(fn, x.name))
      end
      return original(node, schema, compileChild, e)
    end)
  end

  -- to_json and to_csv write a TIMESTAMP_NTZ as Spark's JSON and CSV
  -- writers do: yyyy-MM-dd'T'HH:mm:ss.SSS
  for _, fn in ipairs({ "to_json", "to_csv" }) do
    local original = eval.compilerOf(fn)
    eval.register(fn, function(node, schema, compileChild, e)
      local args = node.args or {}
      local c = args[1] and compileChild(args[1])
      if not (c and texts_of(c.type) ~= c.type) then return original(node, schema, compileChild, e) end
      local copy = {}
      for k, v in pairs(node) do copy[k] = v end
      copy.args = { raw(M.jsonTexts(c)), unpack(args, 2) }
      local out = original(copy, schema, compileChild, e)
      return retyped(out, out.type, ev.sqlName(node))
    end)
  end

  eval.register("to_timestamp_ntz", to_timestamp_ntz)
  eval.register("make_timestamp_ntz", make_timestamp_ntz(eval.compilerOf("make_timestamp")))
  eval.register("localtimestamp", localtimestamp)
  eval.register("convert_timezone", convert_timezone)
end

-- c with each TIMESTAMP_NTZ in it as the text Spark's JSON and CSV
-- writers write (yyyy-MM-dd'T'HH:mm:ss.SSS), of type texts_of(c.type).
function M.jsonTexts(c)
  json_text = true
  local ok, v = pcall(ev.castTo, c, texts_of(c.type))
  json_text = false
  if not ok then error(v, 0) end
  return v
end

return M
