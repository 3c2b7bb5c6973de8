-- tide.input_files — which file each row of the batch in flight was read
-- from: input_file_name() (the file's URI, file:///dir/part.csv),
-- input_file_block_start() (0) and input_file_block_length() (the file's
-- size), as Spark gives them with one split per file.
--
-- A file source that reads files into one batch records the runs of rows
-- each file gave, in order (M.record):
--   ctx.inputFiles = { batch = b, runs = { { rows = n, uri = "file:///...", size = bytes }, ... } }
-- The runs describe that batch alone (compared by identity), so a function
-- run over any other batch finds no file and gives Spark's answer where no
-- file is read ("", -1; as after a shuffle), never another row's file.
-- The batch in flight moves on with the operators that keep its rows in
-- order (M.carry, after each operator; tide.execution): project and
-- withWatermark (the same rows), filter (the rows its mask keeps:
-- M.filtered, from tide.eval's filter), limit (its first rows), sample
-- and randomSplit (the rows they draw: M.picked), the
-- slices of a large batch (M.slice) and a union (each side's rows,
-- M.united); any other operator ends it.
local ffi = require("ffi")
local C = require("tide.ffi")
local files = require("tide.files")

local M = {}

local ERRLEN = 512
local errbuf = ffi.new("char[?]", ERRLEN)

-- A file's run of rows in a batch: rows of it, read from path (size:
-- bytes of the file, for input_file_block_length()).
function M.run(path, rows, size)
  return { rows = rows, uri = files.uri(path), size = size or -1 }
end

local function total(runs)
  local n = 0
  for _, r in ipairs(runs) do n = n + r.rows end
  return n
end

-- batch's rows came from the files of runs (in order); ctx may be nil (a
-- read outside a query). Runs that do not add up to the batch's rows
-- describe nothing.
function M.record(ctx, batch, runs)
  if not ctx then return end
  if runs and total(runs) == batch:count() then
    ctx.inputFiles = { batch = batch, runs = runs }
  else
    ctx.inputFiles = nil
  end
end

-- The runs of batch when they are known, else nil.
function M.of(ctx, batch)
  local f = ctx and ctx.inputFiles
  if f and f.batch == batch and total(f.runs) == batch:count() then return f.runs end
  return nil
end

-- Forgets the batch in flight (a scan starts another; slices are released).
function M.forget(ctx)
  if ctx then ctx.inputFiles = nil end
end

-- The runs of rows [first, first + n) of runs.
local function clip(runs, first, n)
  local out, at, stop = {}, 0, first + n
  for _, r in ipairs(runs) do
    local lo, hi = math.max(at, first), math.min(at + r.rows, stop)
    if hi > lo then out[#out + 1] = { rows = hi - lo, uri = r.uri, size = r.size } end
    at = at + r.rows
    if at >= stop then break end
  end
  return out
end

-- A slice of the batch in flight, rows [first, first + slice:count()) of
-- it, is in flight now (tide.execution's slicing).
function M.slice(ctx, runs, first, slice)
  if runs then M.record(ctx, slice, clip(runs, first, slice:count())) end
end

-- out holds the rows of batch that mask (a boolean column over batch)
-- keeps: when batch was in flight, out is now, each run counting the rows
-- it kept (one C count a run).
function M.filtered(ctx, batch, mask, out)
  local runs = M.of(ctx, batch)
  if not runs then return end
  local kept, first = {}, 0
  for _, r in ipairs(runs) do
    local n = tonumber(C.tide_mask_kept(mask, first, r.rows))
    if n > 0 then kept[#kept + 1] = { rows = n, uri = r.uri, size = r.size } end
    first = first + r.rows
  end
  M.record(ctx, out, kept)
end

-- out holds rows[0 .. k-1] of batch (increasing row indices, as a
-- sample picks them): when batch was in flight, out is now, each run
-- counting the picks in its range (a binary search a run, no loop a row).
function M.picked(ctx, batch, rows, k, out)
  local runs = M.of(ctx, batch)
  if not runs then return end
  -- how many picks are below row index `limit`
  local function below(limit)
    local lo, hi = 0, k
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if rows[mid] < limit then lo = mid + 1 else hi = mid end
    end
    return lo
  end
  local kept, first, before = {}, 0, 0
  for _, r in ipairs(runs) do
    first = first + r.rows
    local upto = below(first)
    if upto > before then kept[#kept + 1] = { rows = upto - before, uri = r.uri, size = r.size } end
    before = upto
  end
  M.record(ctx, out, kept)
end

-- A union's rows (out: left's, then right's) come from the files of each
-- side's runs (nil: a side whose files are not known, "" for its rows).
function M.united(ctx, out, left, left_runs, right, right_runs)
  if not left_runs and not right_runs then return M.forget(ctx) end
  local runs = {}
  for _, side in ipairs({ { left, left_runs }, { right, right_runs } }) do
    local batch, side_runs = side[1], side[2]
    if side_runs then
      for _, r in ipairs(side_runs) do runs[#runs + 1] = r end
    elseif batch:count() > 0 then
      runs[#runs + 1] = { rows = batch:count(), uri = "", size = -1, unknown = true }
    end
  end
  M.record(ctx, out, runs)
end

-- Operators whose output is their input's rows, all of them, in order;
-- and those that keep some of them in order and move the batch in flight
-- themselves (M.filtered, M.picked) or here (limit).
local SAME_ROWS = { project = true, watermark = true, observe = true }
-- (stream_part: a side's rows of one of a query's sources, which it put
-- in flight: tide.sources.composite)
local SOME_ROWS = { filter = true, limit = true, sample = true, randomSplit = true, stream_part = true }

-- After operator op made output from input: the batch in flight moves to
-- output when op keeps its rows in order (a filter moved it already), and
-- is forgotten otherwise.
function M.carry(op, input, output, ctx)
  local f = ctx.inputFiles
  if not f then return end
  local kind = op.kind
  if f.batch == output and (SAME_ROWS[kind] or SOME_ROWS[kind]) then return end
  if f.batch == input and SAME_ROWS[kind] and output:count() == input:count() then
    M.record(ctx, output, f.runs)
  elseif f.batch == input and kind == "limit" then
    M.record(ctx, output, clip(f.runs, 0, output:count()))
  else
    ctx.inputFiles = nil
  end
end

-- The column of `what` ("name", "start" or "length") over input, in out's
-- arena: each run's file, or where the rows' file is not known Spark's
-- answer without one ("", -1).
function M.column(what, input, out, ctx, ev)
  local runs = M.of(ctx, input)
  local n = tonumber(input.num_rows)
  if not runs then runs = { { rows = n, uri = "", size = -1, unknown = true } } end
  local k = #runs
  local counts = ffi.new("int64_t[?]", math.max(k, 1))
  for i, r in ipairs(runs) do counts[i - 1] = r.rows end
  local dst = ev.newColumn(out)
  local rc
  if what == "name" then
    local values = ffi.new("const char*[?]", math.max(k, 1))
    for i, r in ipairs(runs) do values[i - 1] = r.uri end
    rc = C.tide_input_file_names(out, values, counts, k, dst, errbuf, ERRLEN)
  else
    local values = ffi.new("int64_t[?]", math.max(k, 1))
    for i, r in ipairs(runs) do
      if r.unknown then values[i - 1] = -1
      elseif what == "start" then values[i - 1] = 0
      else values[i - 1] = r.size end
    end
    rc = C.tide_input_file_longs(out, values, counts, k, dst, errbuf, ERRLEN)
  end
  if rc ~= 0 then error(ffi.string(errbuf), 0) end
  return dst
end

return M
