-- tide.execution — runs a DataFrame's logical plan (tide.dataframe) over
-- batches: whole, or a chain of row-wise operators over slices of its
-- scan's batch (spark.tide.sliceRows), and a streaming micro-batch fetched
-- in pieces, so that a large batch's intermediates are one slice's.
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local optimizer = require("tide.optimizer")
local input_files = require("tide.input_files")
local places = require("tide.row_places")

local M = {}
local shift_row, row_of, place_text = places.shiftRow, places.rowOf, places.placeText

-- Operators whose output rows each come from one input row alone, in
-- order (a row may be dropped; sample's state is a count of rows seen,
-- which goes on from slice to slice as from batch to batch). A chain of
-- them over a scan may run over slices of the scan's batch and give the
-- same rows as over the whole. Limit, sort, aggregate and union see whole
-- batches.
local ROW_WISE = { project = true, filter = true, ml = true, ["ml-watched"] = true,
                   sample = true, randomSplit = true, join = true, time_window = true, watermark = true,
                   generate = true, observe = true }
M.ROW_WISE = ROW_WISE

-- Rows of one slice unless spark.tide.sliceRows says otherwise: small
-- enough that a slice's intermediate columns (strings, sparse vectors)
-- stay a few tens of MB, large enough that the per-slice cost (one pass of
-- the plan's Lua glue, a copy of the slice's result) is lost in the
-- kernels' work.
M.DEFAULT_SLICE_ROWS = 8192
-- Arena bytes a slice may leave to the garbage collector before the next
-- slice starts (tide.batch reclaim). A slice's input and intermediates
-- are released when it is done, and a streaming sink's pieces when it
-- took them, so what the collector has left to free is small (batches
-- viewed by UDFs, what operators made inside them); most of what the
-- arenas gain in a slice is live: the next piece, fetched ahead, and the
-- pieces a sink holds until their records are delivered. At 4 MB those
-- made a full collection every few slices that freed nothing.
local SLICE_SLACK = 16 * 2 ^ 20

-- The slice size of a session: spark.tide.sliceRows (0 runs plans over
-- whole batches). Unset, a streaming query's micro-batches are sliced (a
-- stream's memory is bounded by a slice, not by the batch) and batch
-- actions are not: their input is in memory already, and the copies and
-- collections of slicing cost ML scoring and training 2-5x (bench/ml.lua).
function M.sliceRows(session, streaming)
  local v = session and session.conf and session.conf:get("spark.tide.sliceRows")
  if v == nil then return streaming and M.DEFAULT_SLICE_ROWS or 0 end
  local n = tonumber(v)
  if not n or n < 0 or n ~= math.floor(n) then
    error(("spark.tide.sliceRows must be a whole number >= 0 (0 turns slicing off), not %q"):format(tostring(v)), 0)
  end
  return n
end

-- Whether every operator from plan down to its scan is row-wise.
local function row_wise_to_scan(plan)
  while plan.child do
    if not ROW_WISE[plan.kind] then return false end
    plan = plan.child
  end
  return plan.kind ~= "union"
end

local execute

-- Slicers give the slices of one batch, in order: slicer:next() -> the
-- next slice or nil; slicer.anchor, the batch the slices are views of
-- (nil: none); slicer:describe(row, base) names row `row` of the slice in
-- flight, `base` being the rows its operator saw in earlier slices.

-- Slices of a batch in memory, views of it.
local MemorySlicer = {}
MemorySlicer.__index = MemorySlicer

function MemorySlicer:next()
  if self.first >= self.anchor:count() then return nil end
  local slice = batchlib.wrap(C.tide_batch_slice(self.anchor, self.first, self.size), "out of memory slicing a batch")
  self.sliceFirst = self.first
  self.first = self.first + self.size
  return slice
end

-- As over the whole batch: the operator's row in the whole batch.
function MemorySlicer:describe(row, base) return self.outer(base + row) end

-- Pieces of a micro-batch fetched one after another from a source that
-- can split its offset ranges (src:splitRange): the whole input is never
-- in memory at once (at most two pieces: the next one is fetched ahead
-- when the source can, src:beginBatch).
local FetchSlicer = {}
FetchSlicer.__index = FetchSlicer

function FetchSlicer:next()
  self.k = self.k + 1
  local piece = self.pieces[self.k]
  self.current = nil
  if not piece then return nil end
  local t0 = C.tide_now()
  local src = self.src
  local begun, b = src.begun, nil
  if begun and begun[1] == piece[1] and begun[2] == piece[2] then
    b = src:endBatch(self.ctx)
  else
    b = src:getBatch(piece[1], piece[2], self.ctx)
  end
  -- A source that can fetch on a thread of its own reads the next piece
  -- while the plan runs over this one; after the last, when another batch
  -- follows (ctx.fetchAhead), the first piece of that one.
  local after = self.pieces[self.k + 1]
  if after and src.beginBatch then
    src:beginBatch(after[1], after[2])
  elseif not after and src.fetchAhead and self.ctx.fetchAhead then
    src:fetchAhead(self.finish, self.ctx.sliceRows)
  end
  self.ctx.fetchSeconds = (self.ctx.fetchSeconds or 0) + C.tide_now() - t0
  self.ctx.rowsIn = (self.ctx.rowsIn or 0) + b:count()
  self.current, self.fetched = b, b:count()
  return b
end

-- The record of the piece in flight.
function FetchSlicer:describe(row)
  if self.src.describeRow then return self.src:describeRow(self.current, row) end
  return "row " .. row
end

-- Where the piece in flight came from, for an error whose row cannot be
-- named (tide.execution place_row, Pieces:place), `rows` being the rows
-- of its result: the epoch, the piece, its offset ranges and rows.
function FetchSlicer:placeOf(rows)
  return { epoch = self.ctx.epochId, piece = self.k, of = #self.pieces, range = self.pieces[self.k],
           fetched = self.fetched, rows = rows }
end

-- The slicer in flight, for describe_row (a module function, not a
-- closure per batch: see run_slice).
local slicing = { slicer = nil, base = 0 }
local function describe_row(row)
  slicing.described = true -- the operator named its row's place (place_row)
  return slicing.slicer:describe(row, slicing.base)
end

-- The slicer in flight, swapped by a caller that suspends a run between
-- its slices and runs others meanwhile (tide.streaming_runner: a micro-batch
-- paused between its pieces): returns the state it replaces.
function M.swapSlicing(slicer, base)
  local old_slicer, old_base = slicing.slicer, slicing.base
  slicing.slicer, slicing.base = slicer, base or 0
  return old_slicer, old_base
end

-- err (raw: as the operator raised it, its row counted in the slice) with
-- where its row came from, as from_json's FAILFAST names it: when every
-- row of the slice reached the operator (intact: none was dropped below
-- it), its row is the slice's, which the slicer names (a Kafka record's
-- topic, partition and offset), unless the operator did already
-- (through ctx.describeRow). A row that cannot be named so, in a
-- micro-batch fetched in pieces, gets the epoch, the piece and its offset
-- ranges.
local function place_row(err, raw, intact)
  if type(err) ~= "string" or slicing.described then return err end
  local slicer, row = slicing.slicer, row_of(raw)
  if row and intact then
    local ok, where = pcall(describe_row, row)
    if ok and type(where) == "string" and not where:match("^row %d+$") then
      return ("%s (%s)"):format(err, where)
    end
  end
  if getmetatable(slicer) == FetchSlicer and slicer.pieces[slicer.k] then
    return ("%s (%s)"):format(err, place_text(slicer:placeOf(nil), nil, false))
  end
  return err
end

-- ops (top first) over one slice; before[i] counts the rows ops[i] saw in
-- earlier slices; made[i] is what ops[i] returned. A module function, not
-- a closure per batch: a compiled trace keeps the closures it calls (and
-- their upvalues, here the batch's context and through it the batch)
-- alive until it is flushed.
local function run_slice(ops, before, made, b, ctx)
  local n = b:count()
  for i = #ops, 1, -1 do
    local op = ops[i]
    ctx.state = ctx.stateOf(op)
    slicing.base = before[i]
    local rows = b:count()
    slicing.described = nil
    local ok, out = pcall(op.apply, b, ctx)
    if not ok then error(place_row(shift_row(out, before[i]), out, rows == n), 0) end
    input_files.carry(op, b, out, ctx)
    before[i] = before[i] + rows
    made[i] = out
    b = out
  end
  return b
end

-- A slice done with: its input and what each operator made over it are
-- released (tide.batch release, which lets a batch go once: an operator
-- may return its input).
local function release_slice(slice, made)
  batchlib.release(slice)
  for i = #made, 1, -1 do
    batchlib.release(made[i])
    made[i] = nil
  end
end

-- Where run_slices puts each slice's detached result: a Collector keeps
-- them for tide_batch_concat_slices; a consumer given to executeFetched
-- (any object with take(self, batch)) takes them one by one instead, so
-- that a sink can write a slice while the next one runs. Objects, not
-- closures made per batch (see run_slice).
local Collector = {}
Collector.__index = Collector

function Collector:take(batch)
  self.n = self.n + 1
  self[self.n] = batch
end

-- Runs ops (a row-wise chain, top first) over the slices of slicer one
-- after another: each slice's result is detached (the columns computed in
-- the slice copied out, those that are views of slicer.anchor kept as
-- they are), handed to into:take, and the slice and its intermediates are
-- released (a full collection for each slice took ~1 ms of a 5-ms slice's
-- Lua thread in a Kafka -> Kafka query), so the memory of a batch in
-- flight is its input, its result and one slice's intermediates. Counters
-- add up in ctx as over the whole batch; row numbers in errors count the
-- rows each operator saw in earlier slices, as over the whole batch;
-- ctx.describeRow(row) names the row through the slicer; ctx.sliceIndex
-- is the slice's number (0 first). After each slice ctx.pause(), when
-- set, may let other work run (tide.streaming_runner). Returns the number of
-- slices.
local function run_slices(ops, ctx, slicer, into)
  local before = {} -- rows the input of ops[i] had in earlier slices
  local made = {} -- what ops[i] made over the slice in flight
  for i = 1, #ops do before[i] = 0 end
  local describe, outer = ctx.describeRow, slicing.slicer
  slicing.slicer = slicer
  if describe or getmetatable(slicer) == FetchSlicer then ctx.describeRow = describe_row end
  local k = 0
  local function restore()
    input_files.forget(ctx)
    ctx.describeRow, ctx.sliceIndex = describe, nil
    slicing.slicer = outer
    slicer.current = nil
  end
  while true do
    local ok, slice = pcall(slicer.next, slicer)
    if not ok then
      restore()
      error(slice, 0)
    end
    if not slice then break end
    -- A slice of a file source's batch: its rows' files (input_file_name()).
    if slicer.inputRuns then input_files.slice(ctx, slicer.inputRuns, slicer.sliceFirst, slice) end
    -- The previous slice's intermediates are garbage now. Only between
    -- slices: after the last one the caller reclaims (a stream's loop with
    -- incremental steps), or a one-slice micro-batch would pay a full
    -- collection every few batches.
    if k > 0 then batchlib.reclaim(SLICE_SLACK) end
    ctx.sliceIndex = k
    local result
    ok, result = pcall(run_slice, ops, before, made, slice, ctx)
    if ok then
      k = k + 1
      result = batchlib.wrap(C.tide_batch_detach(result, slicer.anchor, ctx.errbuf, ctx.errlen),
        "keeping a slice's result: " .. ffi.string(ctx.errbuf))
      -- Nothing refers to the slice's intermediates now (the result is a
      -- copy, or views of the anchor), and no row of it is described again.
      slicer.current = nil
      input_files.forget(ctx) -- (what it names is released next)
      release_slice(slice, made)
      slice = nil -- luacheck: ignore
      ok, result = pcall(into.take, into, result)
    end
    if not ok then
      restore()
      error(result, 0)
    end
    result = nil -- luacheck: ignore
    if ctx.pause then ctx.pause() end
  end
  restore()
  return k
end

-- The results a Collector holds joined into one batch (pass-through
-- columns of the anchor joined back without a copy); nil when it holds
-- none.
local function join(results, ctx, anchor)
  local k = results.n
  if k == 0 then return nil end
  local list = ffi.new("tide_batch*[?]", k)
  for i = 1, k do list[i - 1] = results[i] end
  local out
  if anchor ~= nil then
    out = C.tide_batch_concat_slices(list, k, anchor, ctx.errbuf, ctx.errlen)
  else
    out = C.tide_batch_concat(list, k, ctx.errbuf, ctx.errlen)
  end
  return batchlib.wrap(out, "joining the slices' results: " .. ffi.string(ctx.errbuf))
end

-- The operators from plan down to its scan (top first), and the scan.
local function chain(plan)
  local ops = {}
  while plan.child do
    ops[#ops + 1] = plan
    plan = plan.child
  end
  return ops, plan
end

-- Runs the row-wise chain from plan down to its scan over slices of at
-- most `size` rows of the scan's batch (run_slices).
local function execute_sliced(plan, ctx, input, size)
  local ops, scan = chain(plan)
  local batch = execute(scan, ctx, input)
  if batch:count() <= size then
    for i = #ops, 1, -1 do
      ctx.state = ctx.stateOf(ops[i])
      local out = ops[i].apply(batch, ctx)
      input_files.carry(ops[i], batch, out, ctx)
      batch = out
    end
    return batch
  end
  local slicer = setmetatable({ anchor = batch, size = size, first = 0, outer = ctx.describeRow,
    inputRuns = input_files.of(ctx, batch) }, MemorySlicer)
  local results = setmetatable({ n = 0 }, Collector)
  run_slices(ops, ctx, slicer, results)
  return join(results, ctx, slicer.anchor)
end

-- Whether a streaming query may fetch its batch piece by piece and run
-- plan over each: slicing is on (ctx.sliceRows > 0) and the whole plan is
-- a row-wise chain over the scan. A bare scan only when the sink takes
-- the pieces (sinkTakesPieces): joined for a sink that takes whole
-- batches, they would be a copy of what one fetch makes.
function M.fetchesInPieces(plan, ctx, sinkTakesPieces)
  plan = optimizer.optimize(plan)
  local size = ctx.sliceRows
  return size ~= nil and size > 0 and (plan.child ~= nil or sinkTakesPieces) and row_wise_to_scan(plan)
end

-- Runs plan (see fetchesInPieces) over the micro-batch [start, finish) of
-- src, fetched in pieces of about ctx.sliceRows rows (src:splitRange),
-- with ctx.rowsIn the rows fetched and ctx.fetchSeconds the time spent
-- fetching. Without `into`, returns the result, as over the whole batch
-- fetched at once (within a partition rows keep their offset order;
-- across partitions the order of a fetch was never defined). With it,
-- each piece's result goes to into:take(batch) in that order, at least one
-- (an empty batch when the range is), and nothing is returned.
function M.executeFetched(plan, ctx, src, start, finish, into)
  ctx.rowsIn, ctx.fetchSeconds = 0, 0
  local ops = chain(optimizer.optimize(plan))
  local slicer = setmetatable({ src = src, ctx = ctx, k = 0, finish = finish,
    pieces = src:splitRange(start, finish, ctx.sliceRows) }, FetchSlicer)
  local results = into or setmetatable({ n = 0 }, Collector)
  if run_slices(ops, ctx, slicer, results) == 0 then
    -- no piece at all: the plan over an empty fetch, for the output's columns
    slicer.k, slicer.pieces = 0, { { start, finish } }
    run_slices(ops, ctx, slicer, results)
  end
  if not into then return join(results, ctx, nil) end
end

-- A micro-batch run piece by piece (as executeFetched) on demand: a
-- consumer takes the pieces of the result as they are made, so that it
-- can write one while the next is computed (tide.pg_table over a
-- foreachBatch DataFrame). Each piece is made once and kept for the
-- micro-batch: get(k) is the k-th (1-based; nil past the last), all() the
-- whole result as one batch, drain() makes what no consumer took; rows
-- counts the rows made. The plan runs in a coroutine that yields each
-- piece; an error in it is raised by the call that needed the piece, and
-- again by any later one.
local Pieces = {}
Pieces.__index = Pieces

-- The coroutine's body: a module function, not a closure per batch (see
-- run_slice); its arguments come with the first resume.
local function make_pieces(plan, ctx, src, start, finish, into)
  M.executeFetched(plan, ctx, src, start, finish, into)
end

function M.fetchedPieces(plan, ctx, src, start, finish)
  return setmetatable({ n = 0, rows = 0, ctx = ctx, co = coroutine.create(make_pieces),
    args = { plan, ctx, src, start, finish } }, Pieces)
end

-- executeFetched's consumer, inside the coroutine. Where each piece came
-- from is kept (a small table), for errors of plans run over it later
-- (Pieces:place).
function Pieces:take(batch)
  local slicer = slicing.slicer
  if getmetatable(slicer) == FetchSlicer then
    self.places = self.places or {}
    self.places[self.n + 1] = slicer:placeOf(batch:count())
  end
  coroutine.yield(batch)
end

-- err, raised by an operator over the k-th piece (intact: it saw every
-- row of the piece), with where its row came from (place_text): a Kafka
-- record's topic, partition and offset when that can be told from the
-- piece's offset range alone, else the epoch, the piece and its ranges.
function Pieces:place(err, k, intact)
  local place = self.places and self.places[k]
  if type(err) ~= "string" or not place then return err end
  return ("%s (%s)"):format(err, place_text(place, row_of(err), intact))
end

-- Resumes the plan until it yields a piece or ends. The slicer in flight
-- (module state that names rows in errors) is the coroutine's while it
-- runs and the caller's otherwise.
local function resume(self)
  local caller_slicer, caller_base = slicing.slicer, slicing.base
  slicing.slicer, slicing.base = self.slicer, self.base
  local ok, piece
  local args = self.args
  if args then
    self.args = nil
    ok, piece = coroutine.resume(self.co, args[1], args[2], args[3], args[4], args[5], self)
  else
    ok, piece = coroutine.resume(self.co)
  end
  self.slicer, self.base = slicing.slicer, slicing.base
  slicing.slicer, slicing.base = caller_slicer, caller_base
  if not ok then
    self.err = piece
    error(piece, 0)
  end
  if coroutine.status(self.co) == "dead" then self.done = true
  else
    self.n = self.n + 1
    self[self.n] = piece
    self.rows = self.rows + piece:count()
  end
end

function Pieces:get(k)
  if self.err then error(self.err, 0) end
  while self.n < k and not self.done do resume(self) end
  return self[k]
end

function Pieces:drain() self:get(math.huge) end

-- pieces(k) is pieces:get(k), for what takes a function of k (a sink's
-- save): no closure per batch (see PieceChain).
Pieces.__call = Pieces.get

function Pieces:all()
  self:drain()
  if self.n > 1 then
    -- joined once; the joined batch stands for the pieces from now on
    local whole = join(self, self.ctx, nil)
    for k = 2, self.n do self[k] = nil end
    self[1], self.n = whole, 1
  end
  return self[1]
end

-- The chain's result over the k-th piece of a micro-batch (nil past the
-- last), as chain(k): an object whose call is one function for all, not
-- a closure per batch. LuaJIT specializes a trace to the closure it calls
-- while that closure's prototype has made only a few, and the trace then
-- keeps the closure, and with it every piece of its batch, for the
-- trace's life: a batch or two of a query's first ones held to its end.
local PieceChain = {}
PieceChain.__index = PieceChain

function PieceChain:__call(k)
  local pieces, ops = self.pieces, self.ops
  local piece = pieces:get(k)
  if not piece or #ops == 0 then return piece end
  -- the chain over the piece (as execute over it), an error naming where
  -- its row came from
  local ctx, n, b = self.ctx, piece:count(), piece
  for i = #ops, 1, -1 do
    ctx.state = ctx.stateOf(ops[i])
    local rows = b:count()
    local ok, out = pcall(ops[i].apply, b, ctx)
    if not ok then error(pieces:place(out, k, rows == n), 0) end
    b = out
  end
  return b
end

-- When plan is a row-wise chain over a scan of fetched pieces (a
-- foreachBatch DataFrame, tide.session.piecesFrame): its PieceChain.
-- Otherwise nil.
function M.piecesOf(plan)
  plan = optimizer.optimize(plan)
  local ops, scan = chain(plan)
  local pieces = scan.source and scan.source.pieces
  if not pieces then return nil end
  for _, op in ipairs(ops) do
    if not ROW_WISE[op.kind] then return nil end
  end
  return setmetatable({ pieces = pieces, ops = ops, ctx = M.context() }, PieceChain)
end

-- Runs plan over one batch of its source (streaming), or reads the source
-- whole (batch). ctx.stateOf(op) gives each operator its own state.
-- With ctx.sliceRows > 0, a chain of row-wise operators over the scan runs
-- slice by slice (execute_sliced).
execute = function(plan, ctx, input)
  if plan.kind == "union" then
    local left, base = execute(plan.left, ctx, input), ctx.rowBase
    local left_files = input_files.of(ctx, left)
    -- (the right side's row ids after the left's: tide.eval_functions)
    ctx.rowBase = ctx.rowsNext
    -- The right side's operators keep their states apart from the left's,
    -- under the union's own: a DataFrame united with itself (d:union(d))
    -- runs its limit or offset once per side.
    local state_of, scoped = ctx.stateOf, ctx.stateOf(plan)
    ctx.stateOf = function(op)
      scoped[op] = scoped[op] or {}
      return scoped[op]
    end
    local ok, right = pcall(execute, plan.right, ctx, input)
    ctx.stateOf = state_of
    if not ok then error(right, 0) end
    ctx.rowBase = base
    local list = ffi.new("tide_batch*[2]", left, right)
    local out = batchlib.wrap(C.tide_batch_concat(list, 2, ctx.errbuf, ctx.errlen), "union: " .. ffi.string(ctx.errbuf))
    input_files.united(ctx, out, left, left_files, right, input_files.of(ctx, right))
    return out
  end
  if not plan.child then
    -- (a file source says which file each row of its batch came from:
    -- tide.input_files; a streaming input came with that from getBatch)
    if input then
      if not input_files.of(ctx, input) then input_files.forget(ctx) end
      return input
    end
    input_files.forget(ctx)
    return plan.source:read(ctx)
  end
  local size = ctx.sliceRows
  if size and size > 0 and row_wise_to_scan(plan) then return execute_sliced(plan, ctx, input, size) end
  local batch = execute(plan.child, ctx, input)
  ctx.state = ctx.stateOf(plan)
  local out = plan.apply(batch, ctx)
  input_files.carry(plan, batch, out, ctx)
  return out
end

-- A fresh context for one batch. states persists across the batches of one
-- query (a table keyed by operator); sliceRows (nil or 0: none) slices
-- row-wise plans.
function M.context(states, sliceRows)
  states = states or {}
  local errbuf = ffi.new("char[512]")
  return {
    malformed = 0,
    dropped = 0,
    errbuf = errbuf,
    errlen = 512,
    sliceRows = sliceRows,
    stateOf = function(op)
      local s = states[op]
      if not s then
        s = {}
        states[op] = s
      end
      return s
    end,
  }
end

-- Runs plan as tide.optimizer rewrites it.
function M.execute(plan, ctx, input) return execute(optimizer.optimize(plan), ctx, input) end

-- The leaf (scan) of a linear plan, or nil for unions.
function M.sourceOf(plan)
  while plan.child do plan = plan.child end
  return plan.source
end

-- Whether a streaming source's offsets a and b are the same: its own
-- sameOffsets when it has one (a Kafka source's compares the maps without
-- writing them), else their serialized forms.
function M.sameOffsets(src, a, b)
  if src.sameOffsets then return src:sameOffsets(a, b) end
  return src:serialize(a) == src:serialize(b)
end

-- A fresh instance of the source of a linear streaming plan: each query
-- reads with its own (its own Kafka consumer, its own position), as each
-- Spark query instantiates its sources, so two queries over one DataFrame
-- never share or free each other's.
function M.openSource(plan)
  plan = optimizer.optimize(plan) -- (a file stream's source pruned by the query's partition filters)
  while plan.child do plan = plan.child end
  if plan.open then return plan.open() end
  return plan.source
end

return M
