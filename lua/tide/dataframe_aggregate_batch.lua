-- tide.dataframe_aggregate_batch — grouping and aggregation of one batch,
-- each one C kernel over whole columns (engine/aggregate.c): the rows
-- grouped by key columns, the keys of each group's first row, then a
-- column per aggregate of tide.dataframe_aggregate_specs. Batch DataFrames
-- run it in their plan (tide.dataframe_aggregate_plan); a stream's
-- aggregation runs it on each micro-batch and on its state
-- (tide.stateful_aggregate, tide.state_store).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")

local M = {}
local ID = T.ID
local int32s, take, columns_of = ops.int32s, ops.take, ops.columns_of
local errbuf, ERRLEN, cerr = ops.errbuf, ops.ERRLEN, ops.cerr

-- The rows of batch grouped by the columns key_idx and `also` (0-based):
-- each row's group, the first row of each group, and how many groups
-- there are (tide_group_rows).
local function group_rows(batch, key_idx, also)
  local n = batch:count()
  local cols = {}
  for i, k in ipairs(key_idx) do cols[i] = k end
  for _, c in ipairs(also or {}) do cols[#cols + 1] = c end
  local gids = ffi.new("int32_t[?]", math.max(n, 1))
  local first = ffi.new("int64_t[?]", math.max(n, 1))
  local ng = tonumber(C.tide_group_rows(batch, int32s(cols), #cols, gids, first, errbuf, ERRLEN))
  if ng < 0 then error(cerr(), 0) end
  return gids, first, ng
end

-- count(DISTINCT) of spec per group into dst, a slot of out: the rows
-- grouped by the group's keys and the counted columns together, and
-- each such combination counted once for its group, unless one of its
-- counted values is null (Spark's count(DISTINCT a, b) skips those).
local function count_distinct(batch, key_idx, spec, gids, ng, out, dst)
  local _, first, nc = group_rows(batch, key_idx, spec.distinct)
  -- The counts are written straight into the result column.
  if C.tide_column_init(out, dst, spec.name, ID.long, ng) ~= 0 then error("out of memory in countDistinct", 0) end
  local counts = ffi.cast("int64_t *", dst.values)
  ffi.fill(counts, 8 * ng)
  C.tide_count_valid_combinations(batch, int32s(spec.distinct), #spec.distinct, first, nc, gids, counts)
  dst.length = ng
end

-- The rows of batch that are the first of their (keys, column)
-- combination, as a batch of that column, and their groups: what
-- sum(DISTINCT column) adds up.
local function distinct_rows(batch, key_idx, column, gids)
  local _, first, nc = group_rows(batch, key_idx, { column })
  local groups = ffi.new("int32_t[?]", math.max(nc, 1))
  C.tide_groups_at(gids, first, nc, groups)
  return take(columns_of(batch, { column }), first, nc), groups, nc
end

-- The aggregates `specs` of batch grouped by the columns key_idx
-- (0-based): the keys of each group's first row, then a column per
-- aggregate. grouping, when given, is the rows' groups already made
-- ({gids, first, ng}, as tide_group_rows gives them).
local function aggregate_batch(batch, key_idx, specs, grouping)
  local n, nk = batch:count(), #key_idx
  local gids, first, ng, out
  if grouping then
    gids, first, ng = grouping.gids, grouping.first, grouping.ng
  elseif nk > 0 then
    gids, first, ng = group_rows(batch, key_idx)
  else
    gids = ffi.new("int32_t[?]", math.max(n, 1)) -- every row in group 0
  end
  if nk == 0 then
    ng = 1 -- a global aggregate has one row, even over no rows
    out = batchlib.wrap(C.tide_batch_new(#specs))
  else
    -- The keys of each group's first row, then a slot per aggregate.
    local key_slots = {}
    for i = 1, nk do key_slots[i] = i - 1 end
    out = columns_of(take(columns_of(batch, key_idx), first, ng), key_slots, #specs)
    -- Spark's keys come out as NormalizeFloatingNumbers makes them: -0.0 as 0.0, one NaN.
    C.tide_normalize_float_keys(out, int32s(key_slots), nk, 0)
  end
  for j, s in ipairs(specs) do
    local input = s.column and batch.columns[s.column] or nil
    if s.distinct then
      count_distinct(batch, key_idx, s, gids, ng, out, out.columns[nk + j - 1])
    elseif s.zero then
      local dst = out.columns[nk + j - 1]
      if C.tide_column_init(out, dst, s.name, ID.long, ng) ~= 0 then error("out of memory in count", 0) end
      ffi.fill(dst.values, 8 * ng)
      dst.length = ng
    elseif s.kernel then
      local other = s.column2 and batch.columns[s.column2] or nil
      local np = s.percentages and #s.percentages or 0
      local p = np > 0 and ffi.new("double[?]", np, unpack(s.percentages)) or nil
      if C.tide_aggregate_groups(out, out.columns[nk + j - 1], s.name, s.code, s.stage or 0, input, other, p, np,
          s.asArray and 1 or 0, n, gids, ng, errbuf, ERRLEN) ~= 0 then
        error(cerr(), 0)
      end
    elseif s.distinctRows then
      local rows, groups, nd = distinct_rows(batch, key_idx, s.column, gids)
      if C.tide_aggregate(out, out.columns[nk + j - 1], s.name, s.code, rows.columns[0], nd, groups, ng, errbuf,
          ERRLEN) ~= 0 then
        error(cerr(), 0)
      end
    elseif C.tide_aggregate(out, out.columns[nk + j - 1], s.name, s.code, input, n, gids, ng, errbuf,
        ERRLEN) ~= 0 then
      error(cerr(), 0)
    end
  end
  if C.tide_batch_finish(out) ~= 0 then error("aggregate: columns of different lengths", 0) end
  return out
end
M.aggregateBatch = aggregate_batch

return M
