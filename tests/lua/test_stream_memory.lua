-- A stream's memory stays that of about one micro-batch: the arenas of a
-- finished batch are freed before the next ones pile up, whatever the Lua
-- garbage collector's own pace (it sees a few bytes per batch, not the C
-- memory behind it). Counted with tide_arena_stats_get, never timed.
local t = require("testing")
local tide = require("tide")
local batchlib = require("tide.batch")
local F = tide.functions
local C = require("tide.ffi")
local spark = tide.session()

-- A batch of one long column of `rows` rows (8 bytes each), made in C.
local function long_batch(rows)
  local b = batchlib.wrap(C.tide_batch_new(1))
  assert(C.tide_column_init(b, b.columns, "x", 3, rows) == 0)
  return b
end

local BATCH_ROWS = 20000

-- A Lua heap that grows slowly beside the C memory, as in a real stream:
-- the collector's own cycles come far too late to free the batches.
collectgarbage("setpause", 1000)

t.test("the arenas held during a stream of 60 batches stay within one collection's slack", function()
  local before = batchlib.arenaStats()
  local batches, rows, most = 0, 0, 0
  local q = spark.readStream:format("rate"):option("rowsPerSecond", 2000000)
    :option("maxOffsetsPerTrigger", BATCH_ROWS):load()
    :select("value", (F.col("value") * 2):alias("doubled"), F.concat(F.lit("v"), F.col("value")):alias("text"))
    .writeStream:foreachBatch(function(df)
      rows = rows + df:count()
      batches = batches + 1
      local held = batchlib.arenaStats().bytes - before.bytes
      if held > most then most = held end
    end):option("checkpointLocation", t.tempdir() .. "/cp"):start()
  local deadline = tide.now() + 60
  while batches < 60 and tide.now() < deadline do tide.sleep(0.01) end
  q:stop()
  t.ok(batches >= 60, ("60 batches ran (%d)"):format(batches))
  t.ok(rows >= 60 * 1000, "the batches carried rows")
  -- One batch of 20000 rows holds a few MB; the streaming loop collects
  -- once the arenas grew by 16 MB, so 40 MB is never reached unless
  -- batches are kept (60 of them hold well over 100 MB).
  t.ok(most < 40 * 2 ^ 20, ("arena bytes held at most %.1f MB"):format(most / 2 ^ 20))
  collectgarbage("collect")
  local after = batchlib.arenaStats()
  -- (a constant or two of the plan may stay; 60 kept batches are 180 arenas)
  t.ok(after.arenas <= before.arenas + 4, ("the stream's arenas were freed (%d before, %d after)"):format(
    before.arenas, after.arenas))
end)

t.test("batch.wrap collects when dead batches pass its slack, outside any stream", function()
  local before = batchlib.arenaStats()
  local most = 0
  for _ = 1, 300 do
    -- Each batch holds ~1.6 MB and is dropped at once.
    long_batch(200000)
    local held = batchlib.arenaStats().bytes - before.bytes
    if held > most then most = held end
  end
  t.ok(most < 200 * 2 ^ 20, ("arena bytes held at most %.1f MB over 300 dead batches"):format(most / 2 ^ 20))
end)

t.test("below the slack, reclaim's incremental steps free dead batches within a few calls", function()
  collectgarbage("collect")
  local before = batchlib.arenaStats()
  for _ = 1, 20 do long_batch(20000) end -- ~3 MB of dead batches
  t.ok(batchlib.arenaStats().bytes > before.bytes, "the dead batches still hold their arenas")
  local calls, freed = 0, false
  while calls < 1000 and not freed do
    calls = calls + 1
    batchlib.reclaim(2 ^ 40, nil, 64) -- a slack never reached: steps only
    freed = batchlib.arenaStats().bytes <= before.bytes
  end
  t.ok(freed, ("freed after %d steps"):format(calls))
  t.ok(calls < 100, ("within a handful of steps (%d)"):format(calls))
  t.eq(batchlib.reclaim(2 ^ 40, nil, 64), false, "nothing grew since: no step")
end)

t.test("freed chunks are reused by the next arenas, up to the cache's limit", function()
  local saved = batchlib.arenaStats().cacheLimit
  C.tide_arena_cache_set_limit(0)
  C.tide_arena_cache_set_limit(8 * 2 ^ 20)
  long_batch(1000)
  collectgarbage("collect")
  local mid = batchlib.arenaStats()
  t.ok(mid.cachedBytes > 0, "a freed batch's chunks are kept")
  long_batch(1000)
  t.ok(batchlib.arenaStats().reusedChunks > mid.reusedChunks, "the next batch took them")
  C.tide_arena_cache_set_limit(0)
  t.eq(batchlib.arenaStats().cachedBytes, 0, "a limit of 0 releases them all")
  C.tide_arena_cache_set_limit(saved)
end)

t.run()
