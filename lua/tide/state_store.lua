-- tide.state_store — what a stateful streaming operator keeps across
-- micro-batches, versioned by epoch as Spark's HDFS-backed state store is:
-- state/0/ a streaming aggregation's groups (tide.stateful_aggregate),
-- state/1/ dropDuplicates' keys (tide.stateful_dedup), state/2/ and
-- state/3/ the left and right rows a join of two streams keeps
-- (tide.stream_join), state/4/ dropDuplicatesWithinWatermark's keys and
-- when they expire (tide.stateful_dedup), state/6/ a session window's
-- open sessions (tide.session_window), state/7/ flatMapGroupsWithState's
-- groups (tide.stateful_map); a second operator of a kind in one query
-- takes the first number past 4 that no operator below it uses
-- (operatorNumbers).
--
--   local store = state_store.new(schema, 0, num_keys, session)  -- state/0/
--   local rows = store:before(ctx)                   -- the rows after epoch - 1
--   store:commit(ctx, "stateStoreSave", rows, upserted, removed, late)  -- after this epoch, and the change
--
-- After epoch N the checkpoint gets the change, state/<op>/N.delta: the
-- rows the epoch upserted, then the keys it removed (a removed-flag
-- column); every K-th epoch (N divisible by K, Spark's
-- spark.sql.streaming.stateStore.minDeltasForSnapshot, 10 by default) the
-- whole state instead, state/<op>/N.snapshot. So a batch writes what it
-- changed, not a state of a million groups. Files are JSON lines
-- (timestamps as their microseconds), written atomically before any sink
-- sees the batch. Dates need no such encoding: to_json writes them as
-- yyyy-MM-dd (+10000-01-01 past four digits), which the JSON source reads
-- back to the same day in any session time zone, a date being no instant.
-- Between batches the rows stay in memory; a restart or a
-- replayed epoch rebuilds the rows after N-1 from the latest snapshot at
-- or before it and the deltas after it, so its output is the same and each
-- record counts once. A plain state/<op>/N (the whole state, as tide wrote
-- it before deltas) reads as a snapshot.
--
-- Also what the three operators share: commit's progress entry (Spark's
-- stateOperators), the nodes of a kind on a plan's chain (find,
-- watermarkNode), and the watermark's part: which rows it has passed
-- (byTime, evict).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")

local M = {}
local ID = T.ID
local errbuf, ERRLEN, cerr, take = ops.errbuf, ops.ERRLEN, ops.cerr, ops.take

local SNAPSHOT_CONF, SNAPSHOT_DEFAULT = "spark.sql.streaming.stateStore.minDeltasForSnapshot", "10"
local LAST = 11 -- tide_agg_fn: the value of a group's last row, null or not

local Store = {}
Store.__index = Store

local function col(name) return { k = "col", name = name } end
local function alias(name, expr) return { k = "alias", name = name, expr = expr } end
local function call(fn, ...) return { k = "call", fn = fn, args = { ... } } end
-- (timestamps inside structs and arrays keep their microseconds: to_json's
-- default text has milliseconds; top-level ones are written as numbers)
local function to_json(fields)
  local node = call("to_json", call("struct", unpack(fields)))
  node.opts = { timestampFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX" }
  return { alias("value", node) }
end

-- The batches of list (same columns) one after another.
function M.concat(list)
  if #list == 1 then return list[1] end
  return batchlib.wrap(C.tide_batch_concat(ffi.new("tide_batch*[?]", #list, list), #list, errbuf, ERRLEN), cerr())
end

-- schema: the rows' (a struct) whose first num_keys columns are the key;
-- op: the operator's number in state/; session: whose conf sets how often
-- a snapshot is written; legacy (or nil): { columns = { [i] = the type
-- column i had in files an earlier tide wrote }, upgrade = function(rows)
-- giving such rows in this schema }, for files that do not read in it.
function M.new(schema, op, num_keys, session, legacy)
  local eval = require("tide.eval")
  local taken = {}
  for _, f in ipairs(schema.fields) do taken[f.name] = true end
  -- The removed flag, under a name no column has (files of one schema
  -- always use the same).
  local flag = "__removed"
  while taken[flag] do flag = "_" .. flag end
  local encode, decode, file_fields, removed = {}, {}, {}, {}
  for i, f in ipairs(schema.fields) do
    local c = col(f.name)
    if f.dataType.id == ID.timestamp then
      encode[i] = alias(f.name, call("unix_micros", c))
      decode[i] = alias(f.name, call("timestamp_micros", c))
    else
      encode[i], decode[i] = c, c
    end
    file_fields[i] = T.field(f.name, f.dataType.id == ID.timestamp and T.long or f.dataType, true)
    if i <= num_keys then removed[i] = encode[i] end
  end
  removed[#removed + 1] = alias(flag, { k = "lit", value = true })
  file_fields[#file_fields + 1] = T.field(flag, T.boolean, true)
  local file_schema = T.struct(file_fields)
  local legacy_schema
  if legacy then
    local fields = {}
    for i, f in ipairs(file_fields) do
      fields[i] = legacy.columns[i] and T.field(f.name, legacy.columns[i], true) or f
    end
    legacy_schema = T.struct(fields)
  end
  -- The merge of a snapshot and its deltas: per key, the last row of each
  -- other column (the flag among them).
  local keys, latest = {}, {}
  for i = 1, num_keys do keys[i] = i - 1 end
  for i = num_keys + 1, #file_fields do
    latest[#latest + 1] = { code = LAST, column = i - 1, name = file_fields[i].name }
  end
  return setmetatable({
    op = op, session = session, fileSchema = file_schema, keys = keys, latest = latest,
    legacySchema = legacy_schema, upgrade = legacy and legacy.upgrade,
    encode = eval.compileSelect(to_json(encode), schema),
    encodeRemoved = eval.compileSelect(to_json(removed), schema),
    decode = eval.compileSelect(decode, file_schema),
    kept = eval.compile({ k = "isnull", expr = col(flag) }, file_schema),
  }, Store)
end

-- The store's state/<n> in checkpoint cp: its operator number, unless the
-- query numbered it otherwise (M.numbering: cp.stateNumbers).
function Store:number(cp) return cp.stateNumbers and cp.stateNumbers[self] or self.op end
function Store:dir(cp) return ("%s/state/%d"):format(cp.dir, self:number(cp)) end
-- kind: "delta", "snapshot", or "plain" (the whole state under a bare N).
function Store:file(cp, epoch, kind)
  local n = self:number(cp)
  return kind == "plain" and ("state/%d/%d"):format(n, epoch) or ("state/%d/%d.%s"):format(n, epoch, kind)
end
function Store:path(cp, epoch, kind) return cp.dir .. "/" .. self:file(cp, epoch, kind) end

-- Epochs between snapshots, read once a run, as Spark reads its conf when
-- a query starts (spark.conf:set checked the value: tide.session).
local function snapshot_every(self, st)
  if st.snapshotEvery then return st.snapshotEvery end
  local conf = self.session and self.session.conf
  st.snapshotEvery = tonumber(conf and conf:get(SNAPSHOT_CONF, SNAPSHOT_DEFAULT) or SNAPSHOT_DEFAULT)
  return st.snapshotEvery
end

-- The operator's files in the checkpoint, epoch -> { delta = true, ... }:
-- listed once a run, then kept as this process (the checkpoint's only
-- writer, under its lock) writes and deletes them.
local function index(self, ctx)
  local st = ctx.state
  if st.files then return st.files end
  local ok, names = pcall(require("tide.files").list, self:dir(ctx.checkpoint))
  if not ok then error("checkpoint: " .. tostring(names), 0) end
  local files = {}
  for _, name in ipairs(names) do
    local epoch, kind = name:match("^(%d+)$"), "plain"
    if not epoch then epoch, kind = name:match("^(%d+)%.(%a+)$") end
    if epoch and (kind == "plain" or kind == "delta" or kind == "snapshot") then
      epoch = tonumber(epoch)
      files[epoch] = files[epoch] or {}
      files[epoch][kind] = true
    end
  end
  st.files = files
  return files
end

local function whole(f) return f and (f.snapshot or f.plain) and true or false end

-- One state file, in the file schema; an unreadable one fails naming it.
function Store:read(cp, epoch, kind)
  local path = self:path(cp, epoch, kind)
  local function read_as(schema)
    return pcall(function() return require("tide.sources.json").batch({ mode = "FAILFAST" }, schema, path):read() end)
  end
  local ok, rows = read_as(self.fileSchema)
  if not ok and self.legacySchema then
    local old_ok, old = read_as(self.legacySchema)
    if old_ok then return self.upgrade(old) end
  end
  if not ok then
    error(("checkpoint %s: %s is corrupt or unreadable: %s"):format(cp.dir, self:file(cp, epoch, kind), tostring(rows)),
      0)
  end
  return rows
end

-- The rows after epoch `version`, from the checkpoint: the latest snapshot
-- at or before it, then the deltas after it, merged by key in C (a key's
-- latest row wins; those it marks removed go). Keys keep the order they
-- entered the state, as the rows kept in memory do, so a restarted query
-- writes its groups as an uninterrupted one would.
function Store:rebuild(ctx, version)
  local cp = ctx.checkpoint
  local files = index(self, ctx)
  local every = snapshot_every(self, ctx.state)
  local deltas, base = {}, version
  while base >= 0 and not whole(files[base]) do
    if not (files[base] and files[base].delta) then
      error(("checkpoint %s: %s is missing: it is needed to rebuild the state after batch %d, which batch %d"
        .. " starts from"):format(cp.dir, self:file(cp, base, base % every == 0 and "snapshot" or "delta"), version,
        version + 1), 0)
    end
    deltas[#deltas + 1] = base
    base = base - 1
  end
  local parts = {}
  if base >= 0 then parts[1] = self:read(cp, base, files[base].snapshot and "snapshot" or "plain") end
  for i = #deltas, 1, -1 do parts[#parts + 1] = self:read(cp, deltas[i], "delta") end
  local rows = M.concat(parts)
  local eval = require("tide.eval")
  -- (a global aggregation's merge over no rows would make up a row)
  if #deltas > 0 and rows:count() > 0 then
    rows = require("tide.dataframe_aggregate").aggregateBatch(rows, self.keys, self.latest)
    rows = eval.filter(rows, self.kept, ctx)
  end
  return eval.project(rows, self.decode, ctx)
end

-- The rows after epoch - 1 for a batch of ctx.epochId (nil at epoch 0):
-- the ones kept after the last batch, or rebuilt from the checkpoint.
function Store:before(ctx)
  local st, epoch = ctx.state, ctx.epochId
  if st.epoch == epoch - 1 then return st.rows end
  if epoch == 0 then return nil end
  return self:rebuild(ctx, epoch - 1)
end

-- Deletes the files that rebuild no version from oldest on: everything
-- before the latest snapshot at or before oldest.
local function prune(self, cp, files, oldest)
  local base
  for epoch, f in pairs(files) do
    if epoch <= oldest and whole(f) and (not base or epoch > base) then base = epoch end
  end
  if not base then return end
  for epoch, f in pairs(files) do
    if epoch < base then
      for kind in pairs(f) do C.tide_fs_remove(self:path(cp, epoch, kind), errbuf, ERRLEN) end
      files[epoch] = nil
    end
  end
end

-- Writes the state after ctx.epochId, rows (upserted: the rows the epoch
-- changed or added; removed: those it dropped, or nil), keeps it for the
-- next batch, and deletes the files no kept version needs. Returns the
-- milliseconds it took (Spark's commitTimeMs).
function Store:save(ctx, rows, upserted, removed)
  local cp, st, epoch = ctx.checkpoint, ctx.state, ctx.epochId
  local t0 = C.tide_now()
  local files = index(self, ctx)
  local kind = epoch % snapshot_every(self, st) == 0 and "snapshot" or "delta"
  if C.tide_fs_mkdirs(self:dir(cp), errbuf, ERRLEN) ~= 0 then error("checkpoint: " .. cerr(), 0) end
  local eval = require("tide.eval")
  local lines
  if kind == "snapshot" then
    lines = eval.project(rows, self.encode, ctx)
  else
    -- Removals after the upserts: of a key in both, the later line wins.
    lines = eval.project(upserted, self.encode, ctx)
    if removed and removed:count() > 0 then
      lines = M.concat({ lines, eval.project(removed, self.encodeRemoved, ctx) })
    end
  end
  -- A replayed epoch overwrites its own file (a rename over it).
  if C.tide_write_lines(self:path(cp, epoch, kind), nil, lines.columns, errbuf, ERRLEN) ~= 0 then
    error("checkpoint: " .. cerr(), 0)
  end
  -- Its other file, from an attempt before the replay under another
  -- snapshot interval (or in the old format), would shadow or duplicate it.
  for other in pairs(files[epoch] or {}) do
    if other ~= kind then C.tide_fs_remove(self:path(cp, epoch, other), errbuf, ERRLEN) end
  end
  files[epoch] = { [kind] = true }
  -- The state of every batch the logs hold while batch N runs (N - retain
  -- to N - 1, as pruned at commit N-1) stays rebuildable: a crash before
  -- offsets/N and commits/N-1 reach the disk replays N-1 from the state
  -- after N-2.
  prune(self, cp, files, epoch - (cp.retain or 100))
  st.epoch, st.rows = epoch, rows
  return math.floor((C.tide_now() - t0) * 1000 + 0.5)
end

-- save, and the batch's progress entry for the operator (Spark's
-- StateOperatorProgress, named `name`): late is how many rows the
-- watermark dropped as late; counted, when given, the rows the entry
-- counts as { updated = n, removed = n } (the upserts and removals
-- saved otherwise).
function Store:commit(ctx, name, rows, upserted, removed, late, counted)
  local commit_ms = self:save(ctx, rows, upserted, removed)
  counted = counted or { updated = upserted:count(), removed = removed and removed:count() or 0 }
  ctx.stateOperators = ctx.stateOperators or {}
  local order = ctx.checkpoint.stateOrder
  ctx.stateOperators[#ctx.stateOperators + 1] = {
    order = order and order[self], -- (tide.streaming_batch sorts the entries by it, then drops it)
    operatorName = name, numRowsTotal = rows:count(), numRowsUpdated = counted.updated,
    numRowsRemoved = counted.removed, commitTimeMs = commit_ms,
    memoryUsedBytes = M.memoryUsed(rows), numRowsDroppedByWatermark = late,
  }
end

-- The bytes the kept rows hold in memory: their arenas and those of the
-- batches they share buffers with (Spark's memoryUsedBytes).
function M.memoryUsed(rows)
  local bytes, b = 0, rows
  while b ~= nil do
    bytes = bytes + tonumber(C.tide_arena_bytes(b.arena))
    b = b.parent
  end
  return bytes
end

-- ---- watermarks ---------------------------------------------------------------------------

-- The nodes of kind `kind` on a plan's chain (it and its children): the
-- first from the top, and how many. (A join of two streams is one node
-- whose sides' operators are not on its chain: tide.stream_join.)
function M.find(plan, kind)
  local first, n = nil, 0
  while plan do
    if plan.kind == kind then first, n = first or plan, n + 1 end
    plan = plan.child
  end
  return first, n
end

-- Calls visit(node) once for each node of a plan: its chain, and the
-- sides of a join or a union on it (whose operators run inside it); top
-- down (a node before those below it) or bottom up, a left side before
-- its right either way.
local function each_node(plan, top_down, visit)
  local seen = {}
  local function walk(p)
    if type(p) ~= "table" or seen[p] then return end
    seen[p] = true
    if top_down then visit(p) end
    if top_down then
      walk(p.left)
      walk(p.right)
      walk(p.child)
    else
      walk(p.child)
      walk(p.left)
      walk(p.right)
    end
    if not top_down then visit(p) end
  end
  walk(plan)
end

-- Every operator of a kind in a plan (each_node's), top down.
function M.findAll(plan, kind)
  local list = {}
  each_node(plan, true, function(p) if p.kind == kind then list[#list + 1] = p end end)
  return list
end

-- The state/<op>/ numbers a new stateful operator over plan takes: its
-- kind's own (wanted: a list, as a join's sides take two) when no
-- operator below has them, else the least numbers past the kinds' own
-- (from 5, as when 4 was the last kind's; numbers a kind took later are
-- skipped only where an operator below uses them) that none below has,
-- so that two deduplications in one query keep their state apart. Plans
-- are built bottom-up, so a query's operators get the same numbers at
-- every start.
local KINDS_OWN = 4
function M.operatorNumbers(plan, wanted)
  local used = {}
  each_node(plan, false, function(p) for _, n in ipairs(p.stateOps or {}) do used[n] = true end end)
  local clash = false
  for _, n in ipairs(wanted) do clash = clash or used[n] end
  if not clash then return wanted end
  local out, n = {}, KINDS_OWN
  for i = 1, #wanted do
    repeat n = n + 1 until not used[n]
    out[i] = n
  end
  return out
end

-- The stores of a plan's stateful operators (node.stores), each once:
-- bottom up (an operator's after those below it), or top down (before);
-- a join's or a union's left side before its right either way.
local function stores_of(plan, top_down)
  local list, seen = {}, {}
  each_node(plan, top_down, function(p)
    for _, store in ipairs(p.stores or {}) do
      if not seen[store] then list[#list + 1], seen[store] = store, true end
    end
  end)
  return list
end

-- The state/<n> numbers of a query's stores (the stores of its plan's
-- stateful operators, node.stores) that it numbers otherwise than their
-- operators did: a store whose number another took first, lower in the
-- plan or on a join's or a union's left side, takes the least free
-- number past the kinds' own. (The operators of one chain are numbered
-- apart when built: operatorNumbers; the two sides of a join, built
-- apart, may hold a deduplication each, both state/1.) The same plan
-- gives the same numbers at every start. nil when none is renumbered.
function M.numbering(plan)
  local used, clashing = {}, {}
  for _, store in ipairs(stores_of(plan, false)) do
    if used[store.op] then clashing[#clashing + 1] = store else used[store.op] = true end
  end
  if #clashing == 0 then return nil end
  local numbers, n = {}, KINDS_OWN
  for _, store in ipairs(clashing) do
    repeat n = n + 1 until not used[n]
    used[n], numbers[store] = true, n
  end
  return numbers
end

-- Each store's place among a query's progress entries, as Spark lists its
-- stateful operators: top down, a join's left side before its right.
function M.progressOrder(plan)
  local order = {}
  for i, store in ipairs(stores_of(plan, true)) do order[store] = i end
  return order
end

-- withWatermark's node below a plan (a chain), or nil.
function M.watermarkNode(plan) return (M.find(plan, "watermark")) end

-- The latest event time (ms) in rows' column `column` (0-based), a
-- timestamp's, or nil when it holds none.
function M.latestTimeMs(rows, column)
  local latest = ffi.new("int64_t[1]")
  if C.tide_latest_time(rows.columns[column], rows:count(), latest) == 0 then return nil end
  return math.floor(tonumber(latest[0]) / 1000)
end

-- The watermark (µs) a stateful operator finds a batch's rows late by:
-- the one the last batch ran with, as Spark 3.5's operators do (their
-- watermark for late events); their state goes by the batch's own
-- (ctx.watermarkMs, for eviction). So a row the last batch would have
-- taken is taken, and its group may be final at once.
-- Above a join of two streams, both are the ones the join gives
-- (ctx.inputWatermarkMs, ctx.lateInputWatermarkMs: tide.stream_join), as
-- Spark 3.5 propagates watermarks through its operators.
function M.lateWatermarkUs(ctx)
  return (ctx.lateInputWatermarkMs or ctx.lateWatermarkMs or ctx.watermarkMs or 0) * 1000
end
function M.evictionWatermarkUs(ctx) return (ctx.inputWatermarkMs or ctx.watermarkMs or 0) * 1000 end

-- The rows of batch whose time (its column col) is after the watermark or
-- null (after), or at or before it; and how many are not. The batch
-- itself when that is every row. A window's time is its end, as Spark's
-- watermark expressions read a window struct marked as event time.
function M.byTime(batch, col_index, watermark_us, after)
  local n = batch:count()
  local rows = ffi.new("int64_t[?]", math.max(n, 1))
  local time = batch.columns[col_index]
  if time.type == ID.struct then time = time.children[1] end
  local k = tonumber(C.tide_rows_by_time(time, n, watermark_us, after and 1 or 0, rows))
  return k == n and batch or take(batch, rows, k), n - k
end

-- The rows the watermark has not passed by column col, and those it has
-- (nil when none: nothing is copied for them).
function M.evict(rows, col_index, watermark_us)
  local kept, gone = M.byTime(rows, col_index, watermark_us, true)
  if gone == 0 then return rows, nil end
  return kept, (M.byTime(rows, col_index, watermark_us, false))
end

return M
