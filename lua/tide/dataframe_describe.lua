-- tide.dataframe_describe — describe and summary on batch DataFrames,
-- Spark's tables of strings, each statistic one C aggregate over a whole
-- column (engine/aggregate.c) or, for percentiles, one sort:
--
--   df:describe("click", "hour")       df:summary()   df:summary("count", "33%")
--
-- tide.dataframe_aggregate installs these into DataFrame's methods.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")

local M = {}
local ID = T.ID
local arglist, name_of, index_of, int32s, batch_only = ops.arglist, ops.name_of, ops.index_of, ops.int32s,
  ops.batch_only
local errbuf, ERRLEN, cerr = ops.errbuf, ops.ERRLEN, ops.cerr

-- AGG: the tide_agg_fn codes by name; NUMERIC: the numeric type ids.
function M.install(methods, AGG, NUMERIC)
  -- One statistic of one column over a whole batch, as show prints it.
  local function statistic(batch, col_index, code, gids)
    local out = batchlib.wrap(C.tide_batch_new(1))
    local n = batch:count()
    if C.tide_aggregate(out, out.columns[0], "s", code, batch.columns[col_index], n, gids, 1, errbuf, ERRLEN) ~= 0 then
      error(cerr(), 0)
    end
    C.tide_batch_finish(out)
    if out.columns[0].validity ~= nil and not (bit.band(out.columns[0].validity[0], 1) ~= 0) then return nil end
    return batchlib.cellText(out.columns[0], 0)
  end

  -- An exact percentile as Spark's percentile_approx reports it: the
  -- smallest value with at least p of the non-null values at or below it.
  local function percentile(sorted_col, order, nulls, n, p)
    local count = n - nulls
    if count == 0 then return nil end
    local rank = math.max(math.ceil(p * count), 1)
    return batchlib.cellText(sorted_col, order[nulls + rank - 1])
  end

  -- describe and summary tail-call it: its errors at level 2 are at their
  -- caller's line.
  local function stats_frame(df, cols, stats, what)
    batch_only(df, what)
    local schema = df._plan.schema
    local indices = {}
    if #cols == 0 then
      for i, f in ipairs(schema.fields) do
        if NUMERIC[f.dataType.id] or (f.dataType.id == ID.string and not f.dataType.void) then
          indices[#indices + 1] = i - 1
        end
      end
    else
      for i, c in ipairs(cols) do indices[i] = index_of(schema, name_of(c, what), what, 2) end
    end
    for _, stat in ipairs(stats) do
      local pct = tonumber(tostring(stat):match("^(%d+%.?%d*)%%$"))
      local known = stat == "count" or stat == "mean" or stat == "stddev" or stat == "min" or stat == "max"
      if not known and not (pct and pct <= 100) then
        error(("%s: unknown statistic %q"):format(what, tostring(stat)), 2)
      end
    end
    local batch = df:toBatch()
    local n = batch:count()
    local gids = ffi.new("int32_t[?]", math.max(n, 1))
    local rows = {}
    for r, stat in ipairs(stats) do rows[r] = { stat } end
    for ci, idx in ipairs(indices) do
      local col = batch.columns[idx]
      local numeric = NUMERIC[col.type]
      local order, nulls
      for r, stat in ipairs(stats) do
        local v
        if stat == "count" then
          v = statistic(batch, idx, AGG.count, gids)
        elseif stat == "mean" then
          v = numeric and statistic(batch, idx, AGG.avg, gids) or nil
        elseif stat == "stddev" then
          v = numeric and statistic(batch, idx, AGG.stddev, gids) or nil
        elseif stat == "min" or stat == "max" then
          v = statistic(batch, idx, AGG[stat], gids)
        else
          local pct = tonumber(stat:match("^(%d+%.?%d*)%%$"))
          if numeric then
            if not order then
              order = ffi.new("int64_t[?]", math.max(n, 1))
              local c1, zero, one = int32s({ idx }), int32s({ 0 }), int32s({ 1 })
              if C.tide_sort_rows(batch, c1, zero, one, 1, order, errbuf, ERRLEN) ~= 0 then error(cerr(), 0) end
              nulls = tonumber(col.null_count)
            end
            v = percentile(col, order, nulls, n, pct / 100)
          end
        end
        rows[r][ci + 1] = v
      end
    end
    local fields = { T.field("summary", T.string) }
    for i, idx in ipairs(indices) do fields[i + 1] = T.field(schema.fields[idx + 1].name, T.string) end
    local result = batchlib.fromRows(rows, T.struct(fields))
    return require("tide.session").localFrame(df._session, result)
  end

  -- describe(cols...): count, mean, stddev, min, max of numeric and string
  -- columns (all of them when none are named), as strings.
  function methods:describe(...)
    return stats_frame(self, arglist("describe", ...), { "count", "mean", "stddev", "min", "max" }, "describe")
  end

  -- summary(stats...): count, mean, stddev, min, 25%, 50%, 75%, max by
  -- default, or the ones named (any "NN%").
  function methods:summary(...)
    local stats = arglist("summary", ...)
    if #stats == 0 then stats = { "count", "mean", "stddev", "min", "25%", "50%", "75%", "max" } end
    return stats_frame(self, {}, stats, "summary")
  end
end

return M
