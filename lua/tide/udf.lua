-- tide.udf — Lua functions as expressions (F.udf), for tide.eval.
--
-- The default form runs once per batch over whole columns:
--   local scale = F.udf(function(n, out, x)       -- x: a column view
--     local xs, o = x:values(), out:values()
--     for i = 0, n - 1 do
--       if x:isNull(i) then out:setNull(i) else o[i] = xs[i] * 2 end
--     end
--   end, "double")
-- n is the number of rows; arguments are zero-copy column views (see
-- tide.batch: values(), data(), isNull(i), get(i), length()); out is the
-- result, of the declared type, with values() (a writable typed pointer,
-- zeroed, fixed-width types only), setNull(i) and set(i, v) (a Lua value;
-- for strings and binary, rows must be set in increasing order). Instead
-- of filling out, fn may return a Lua list of n values (t[1] is row 0,
-- nil is NULL) or a column view of n rows of the declared type.
--
-- F.udf(fn, type, { perRow = true }) calls fn(v1, v2, ...) once per row
-- with Lua values (as collect() gives them) and takes its return value:
-- simpler, and much slower, since every row crosses into Lua.
--
-- spark.udf:register(name, fn, returnType[, options]) makes fn (either
-- form) a function of SQL, as PySpark's spark.udf.register: spark:sql,
-- selectExpr, F.expr and F.call_udf(name, ...) call it by name (case does
-- not matter; a name of a built-in function is refused). It returns a
-- function of Columns, as F.udf does, whose columns are named name(args).
--
-- Dates: a date argument's get(i) (and a perRow argument) is its
-- "yyyy-MM-dd" text, as collect() gives it; its values() are int32 days
-- since 1970-01-01. A date result takes such text or whole days in
-- set(i, v) and in a returned list, and days in values().
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")

local M = {}
local ID = T.ID

local POINTER = {
  [ID.boolean] = "uint8_t*", [ID.int] = "int32_t*", [ID.long] = "int64_t*",
  [ID.float] = "float*", [ID.double] = "double*", [ID.timestamp] = "int64_t*",
  [ID.decimal] = "uint8_t*", [ID.date] = "int32_t*",
}

-- ---- the result being built ------------------------------------------------------

local Output = {}
Output.__index = Output

local function new_output(ev, out, t, n, name)
  local dst = ev.newColumn(out)
  local o = setmetatable({ out = out, dst = dst, t = t, n = n, name = name, next = 0 }, Output)
  if t.id == ID.string or t.id == ID.binary then
    ev.check(C.tide_column_init(out, dst, "", t.id, math.max(n, 1)), name)
    o.varlen = true
  else
    ev.check(C.tide_eval_alloc(out, dst, "", t.id, t.precision or 0, t.scale or 0, n), name)
    o.ptr = ffi.cast(POINTER[t.id], dst.values)
  end
  return o
end

function Output:values()
  if self.varlen then error(("udf %s: a %s result has no values(): use set(i, v)"):format(self.name, self.t:simpleString()), 2) end
  return self.ptr
end

local function check_row(self, i)
  if type(i) ~= "number" or i < 0 or i >= self.n or i ~= math.floor(i) then
    error(("udf %s: row %s is out of range 0..%d"):format(self.name, tostring(i), self.n - 1), 3)
  end
end

-- Fills null rows of a string result up to (not including) row i.
local function pad_to(self, i)
  while self.next < i do
    if C.tide_column_append_null(self.out, self.dst) ~= 0 then error("out of memory", 0) end
    self.next = self.next + 1
  end
end

function Output:setNull(i)
  check_row(self, i)
  if self.varlen then
    if i < self.next then error(("udf %s: row %d was set already (set string rows in order)"):format(self.name, i), 2) end
    pad_to(self, i + 1)
  else
    C.tide_column_set_null(self.out, self.dst, i)
  end
end

local scratch16 = ffi.new("uint8_t[16]")
local ts = ffi.new("int64_t[1]")
local day = ffi.new("int32_t[1]")

function Output:set(i, v)
  check_row(self, i)
  if v == nil then return self:setNull(i) end
  local id = self.t.id
  if self.varlen then
    if i < self.next then error(("udf %s: row %d was set already (set string rows in order)"):format(self.name, i), 2) end
    if type(v) ~= "string" then v = tostring(v) end
    pad_to(self, i)
    if C.tide_column_append_bytes(self.out, self.dst, v, #v) ~= 0 then error("out of memory", 0) end
    self.next = i + 1
  elseif id == ID.boolean then
    self.ptr[i] = v and 1 or 0
  elseif id == ID.decimal then
    local text = type(v) == "string" and v or tostring(v):gsub("U?LL$", "")
    if C.tide_decimal_parse(text, #text, self.t.scale, scratch16) ~= 0 then
      error(("udf %s: row %d: %s is not a %s"):format(self.name, i, text, self.t:simpleString()), 2)
    end
    ffi.copy(self.ptr + 16 * i, scratch16, 16)
  elseif id == ID.timestamp and type(v) == "string" then
    if C.tide_timestamp_parse(v, #v, ts) ~= 0 then
      error(("udf %s: row %d: %q is not a timestamp"):format(self.name, i, v), 2)
    end
    self.ptr[i] = ts[0]
  elseif id == ID.date then
    if type(v) == "string" then
      if C.tide_date_parse(v, #v, day) ~= 0 then
        error(("udf %s: row %d: %q is not a date"):format(self.name, i, v), 2)
      end
      self.ptr[i] = day[0]
    elseif type(v) == "number" and v == math.floor(v) and v >= -2 ^ 31 and v < 2 ^ 31 then
      self.ptr[i] = v
    else
      error(("udf %s: row %d: %s is not a date (\"yyyy-MM-dd\" or whole days since 1970-01-01)")
        :format(self.name, i, tostring(v)), 2)
    end
  else
    if type(v) ~= "number" and type(v) ~= "cdata" then
      error(("udf %s: row %d: %s is not a %s"):format(self.name, i, tostring(v), self.t:simpleString()), 2)
    end
    self.ptr[i] = v
  end
end

function Output:finish()
  if self.varlen then
    pad_to(self, self.n)
  else
    C.tide_eval_finish(self.dst)
  end
  return self.dst
end

-- ---- compiling a udf call ---------------------------------------------------------

function M.compile(node, _, compileChild, ev)
  local opts = node.opts or {}
  local fn, t = opts.fn, opts.returnType or T.string
  if type(fn) ~= "function" then ev.typeError(node, "udf needs a Lua function") end
  if type(t) == "string" then t = T.parse(t) end
  if t.id == ID.struct then ev.typeError(node, "a udf cannot return a struct yet") end
  local args = {}
  for i, a in ipairs(node.args or {}) do args[i] = compileChild(a) end
  local name = ev.sqlName(node)
  local per_row = opts.perRow
  return {
    type = t, name = name,
    run = function(input, out, ctx)
      local n = tonumber(input.num_rows)
      local cols = ev.runAll(args, input, out, ctx)
      local views = {}
      for i, c in ipairs(cols) do views[i] = batchlib.columnView(c, out) end
      local result = new_output(ev, out, t, n, name)
      if per_row then
        local values = {}
        for r = 0, n - 1 do
          for i, v in ipairs(views) do values[i] = v:get(r) end
          result:set(r, fn(unpack(values, 1, #views)))
        end
        return result:finish()
      end
      local ok, ret = pcall(fn, n, result, unpack(views))
      if not ok then
        -- PySpark's udf gets one row's values; this one the batch's. A
        -- ported function indexing its first argument finds the row count.
        local msg = tostring(ret)
        if msg:find("a number value", 1, true) then
          msg = msg .. (" (udf %s: F.udf's function is called once a batch, with (n, out, columns...);"
            .. " for PySpark's call per row, F.udf(fn, type, {perRow = true}))"):format(name)
        end
        error(msg, 0)
      end
      if ret == nil then return result:finish() end
      if type(ret) == "table" and ret.col ~= nil then ret = ret.col end
      if type(ret) == "cdata" then
        local col = ffi.cast("tide_column*", ret)
        if col.length ~= n or col.type ~= t.id then
          error(("udf %s returned a column of %d rows and type id %d, not %d rows of %s"):format(
            name, tonumber(col.length), col.type, n, t:simpleString()), 0)
        end
        return col
      end
      if type(ret) ~= "table" then
        error(("udf %s returned %s: return nothing (fill out), a list or a column"):format(name, type(ret)), 0)
      end
      for r = 0, n - 1 do result:set(r, ret[r + 1]) end
      return result:finish()
    end,
  }
end


-- ---- spark.udf: functions of SQL ---------------------------------------------------

-- name (lower case) -> { fn =, returnType =, perRow = }, for the one
-- session of a Lua state.
local registered = {}

-- The udf node's options of a function registered by that name, or nil.
function M.registered(name)
  return type(name) == "string" and registered[name:lower()] or nil
end

local Registration = {}
Registration.__index = Registration

function Registration:register(name, fn, returnType, options)
  if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
    error(("udf.register: the name must be a SQL identifier, not %s"):format(tostring(name)), 2)
  end
  if type(fn) ~= "function" then error("udf.register needs a Lua function", 2) end
  if require("tide.eval").isRegistered(name:lower()) then
    error(("udf.register: %s is a built-in function; pick another name"):format(name), 2)
  end
  local ok, t = pcall(T.parse, returnType or "string")
  if not ok then error(t, 2) end
  registered[name:lower()] = { fn = fn, returnType = t, perRow = options and options.perRow or false }
  local F = require("tide.functions")
  return function(...) return F.call_udf(name, ...) end
end

-- spark.udf
function M.registration() return setmetatable({}, Registration) end

return M
