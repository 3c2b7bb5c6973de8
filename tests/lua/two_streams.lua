-- Two JSON streams of (key, time) rows for the tests of chained stateful
-- operators (a join or a union of aggregated sides), in three groups of
-- files whose modification times order them, each side read a file a
-- micro-batch, so Spark's batches over the same files are tide's:
--
--   a: k int, ts timestamp       (withWatermark ts, 5 seconds)
--   b: bk bigint, bts timestamp  (withWatermark bts, 5 seconds)
local t = require("testing")
local tide = require("tide")

local M = {}

-- Writes dir/a and dir/b's files of the groups first..last (all three
-- when not given).
function M.fill(dir, first, last)
  local function put(side, name, rows, mtime)
    local group = tonumber(name:match("^%d"))
    if group < (first or 1) or group > (last or 3) then return end
    local lines = {}
    for i, r in ipairs(rows) do
      lines[i] = side == "a" and ('{"k":%d,"ts":"2024-01-01 %s"}'):format(r[1], r[2])
        or ('{"k":%d,"bts":"2024-01-01 %s"}'):format(r[1], r[2])
    end
    t.write_at(("%s/%s/%s"):format(dir, side, name), table.concat(lines, "\n") .. "\n", mtime)
  end
  put("a", "1.json", { { 1, "00:00:01" }, { 1, "00:00:05" }, { 2, "00:00:07" } }, 1000)
  put("b", "1.json", { { 1, "00:00:12" }, { 2, "00:00:03" } }, 1000)
  put("a", "2.json", { { 1, "00:00:31" }, { 2, "00:00:02" } }, 2000)
  put("b", "2.json", { { 2, "00:00:33" }, { 1, "00:00:08" } }, 2000)
  put("a", "3.json", { { 1, "00:00:55" } }, 3000)
  put("b", "3.json", { { 1, "00:00:36" } }, 3000)
end

-- The two streams over dir's files.
function M.streams(dir)
  local spark = tide.session()
  local a = spark.readStream:schema("k int, ts timestamp"):option("maxFilesPerTrigger", 1):json(dir .. "/a")
    :withWatermark("ts", "5 seconds")
  local b = spark.readStream:schema("k bigint, bts timestamp"):option("maxFilesPerTrigger", 1):json(dir .. "/b")
    :withWatermark("bts", "5 seconds"):withColumnRenamed("k", "bk")
  return a, b
end

-- Fresh files (all three groups) and the two streams over them, and the
-- directory.
function M.filled()
  local dir = t.tempdir()
  M.fill(dir)
  local a, b = M.streams(dir)
  return a, b, dir
end

-- a's rows counted per key by flatMapGroupsWithState, each batch the
-- keys' running counts (k int, n long): what Spark's applyInPandasWithState
-- gave in the comparisons.
function M.runningCounts(a)
  return a:groupBy("k"):flatMapGroupsWithState(function(key, rows, state)
    local n = state:exists() and state:get().c or 0
    for _ in rows do n = n + 1 end
    state:update({ n })
    return { { key[1], n } }
  end, "k int, n long", "c long", "append", "NoTimeout")
end

return M
