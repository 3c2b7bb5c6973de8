-- tide.eval_row_context — the functions whose values come from where a
-- row is, not from its columns: monotonically_increasing_id,
-- spark_partition_id and uuid (engine/eval_misc.c); input_file_name and
-- its block start and length (tide.input_files); and the session's
-- constants current_database (current_schema), current_catalog, version,
-- current_user (user, session_user).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local fns = require("tide.eval_functions")

local M = {}
local ID = T.ID

-- The partition of the batch being run, and the rows a function (key, a
-- table of its own) numbered in it before this run. A partition is one
-- micro-batch of a stream, numbered as its batch id (the one
-- foreachBatch gets), or the one batch of a batch query (0); ctx lives
-- for one batch and goes with each of its slices, so the numbering goes
-- on from slice to slice. A union's second side numbers its rows after
-- every row numbered before it (ctx.rowBase, set by tide.execution), as
-- Spark's union gives its sides' partitions numbers of their own.
function M.rowPosition(ctx, key, n)
  if not ctx then return 0, 0 end
  local seen = ctx.rowsNumbered
  if not seen then
    seen = setmetatable({}, { __mode = "k" })
    ctx.rowsNumbered = seen
  end
  local first = (ctx.rowBase or 0) + (seen[key] or 0)
  seen[key] = (seen[key] or 0) + n
  ctx.rowsNext = math.max(ctx.rowsNext or 0, first + n)
  return ctx.epochId or 0, first
end

-- monotonically_increasing_id(): Spark's (partition << 33) + the row's
-- number in its partition (M.rowPosition): unique and increasing over a
-- query's output.
local function monotonically_increasing_id(node, _, compileChild, ev)
  fns.argsOf(node, compileChild, 0, 0, ev)
  local name, key = ev.sqlName(node), {}
  return {
    type = T.long, name = name,
    run = function(input, out, ctx)
      local n = tonumber(input.num_rows)
      local partition, first = M.rowPosition(ctx, key, n)
      local dst = ev.newColumn(out)
      ev.check(C.tide_eval_row_ids(out, partition, first, n, dst, ev.errbuf, ev.errlen), name)
      return dst
    end,
  }
end

-- spark_partition_id(): the batch's partition (M.rowPosition), an int.
local function spark_partition_id(node, _, compileChild, ev)
  fns.argsOf(node, compileChild, 0, 0, ev)
  return {
    type = T.int, name = "SPARK_PARTITION_ID()",
    run = function(input, out, ctx)
      return fns.inEveryRow(ev, input, out, ID.int, "int32_t*", ctx and ctx.epochId or 0, "SPARK_PARTITION_ID()")
    end,
  }
end

-- uuid(): a random version 4 UUID a row.
local function uuid(node, _, compileChild, ev)
  fns.argsOf(node, compileChild, 0, 0, ev)
  local name = ev.sqlName(node)
  return {
    type = T.string, name = name,
    run = function(input, out)
      local dst = ev.newColumn(out)
      ev.check(C.tide_eval_uuid(out, input.num_rows, dst, ev.errbuf, ev.errlen), name)
      return dst
    end,
  }
end

-- input_file_name(), input_file_block_start(), input_file_block_length():
-- the file each row was read from, as a file source's batch in flight
-- says (tide.input_files); "" and -1 where that is not known, as Spark
-- answers where no file is read.
local function input_file(what)
  return function(node, _, compileChild, ev)
    fns.argsOf(node, compileChild, 0, 0, ev)
    local input_files = require("tide.input_files")
    return {
      type = what == "name" and T.string or T.long, name = ev.sqlName(node),
      run = function(input, out, ctx) return input_files.column(what, input, out, ctx, ev) end,
    }
  end
end

-- Functions of the session that are constants here: tide has one
-- database and one catalog, Spark's default names; version() is tide's
-- version.
local function session_constant(value)
  return function(node, _, compileChild, ev)
    fns.argsOf(node, compileChild, 0, 0, ev)
    return fns.constant(node, compileChild, ev, type(value) == "function" and value() or value)
  end
end

-- current_user(), user(), session_user(): the user running tide, as
-- Spark's is the user running the driver.
ffi.cdef [[
  unsigned int geteuid(void);
  struct tide_passwd_name { char *pw_name; };
  struct tide_passwd_name *getpwuid(unsigned int uid);
]]
local function user_name()
  local pw = ffi.C.getpwuid(ffi.C.geteuid())
  if pw ~= nil and pw.pw_name ~= nil then return ffi.string(pw.pw_name) end
  return os.getenv("USER") or ""
end

function M.register(eval)
  eval.register("monotonically_increasing_id", monotonically_increasing_id)
  eval.register("spark_partition_id", spark_partition_id)
  eval.register("uuid", uuid)
  eval.register("input_file_name", input_file("name"))
  eval.register("input_file_block_start", input_file("start"))
  eval.register("input_file_block_length", input_file("length"))
  eval.register("current_database", session_constant("default"))
  eval.register("current_schema", session_constant("default"))
  eval.register("current_catalog", session_constant("spark_catalog"))
  eval.register("version", session_constant(function() return ffi.string(C.tide_version()) end))
  for _, name in ipairs({ "current_user", "user", "session_user" }) do
    eval.register(name, session_constant(user_name))
  end
end

return M
