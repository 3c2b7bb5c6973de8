-- The Kafka sink, as Spark's: the DataFrame has a value column (string or
-- binary), optionally key (string or binary), topic (string), partition
-- (int) and headers (array<struct<key:string,value:binary>>) columns;
-- option topic names the topic for every row (overriding a topic
-- column). The
-- producer is idempotent unless the user's kafka.* options rule it out,
-- and every delivery is confirmed before the epoch commits, so the sink is
-- at least once: a replayed epoch may write its records again, never lose
-- them. With option kafka.transactional.id (librdkafka's) it is exactly
-- once for read_committed readers: each epoch is one transaction, which
-- also marks the epoch committed, so a replayed epoch the marker shows is
-- not written again (Txn below; engine/kafka_sink_txn.c).
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local checks = require("tide.checks")

local M = {}
local Sink = {}
Sink.__index = Sink

local errbuf = ffi.new("char[1024]")

local BYTES = { [T.ID.string] = true, [T.ID.binary] = true }

-- An error of writing (delivery, timeouts), naming the bootstrap servers:
-- an unreachable broker is otherwise only "Local: Message timed out".
-- Whatever precedes an '@' is left out, so no credentials are shown.
local function fail(self)
  error(("kafka sink: %s (kafka.bootstrap.servers %s)"):format(ffi.string(errbuf), self.servers), 0)
end

local Txn = setmetatable({}, { __index = Sink })
Txn.__index = Txn

function M.new(writer, schema, query)
  local opts = writer.opts
  local bootstrap = checks.bootstrapServers(opts["kafka.bootstrap.servers"], "the kafka sink")
  local idx = {}
  for i, f in ipairs(schema.fields) do idx[f.name] = { i, f.dataType } end
  if not idx.value then error("the kafka sink needs a value column (string or binary)", 0) end
  for _, name in ipairs({ "value", "key" }) do
    if idx[name] and (not BYTES[idx[name][2].id] or idx[name][2].void) then -- (void: SELECT NULL's)
      error(("the kafka sink's %s column must be string or binary, not %s"):format(name, idx[name][2]:simpleString()), 0)
    end
  end
  if idx.topic and (idx.topic[2].id ~= T.ID.string or idx.topic[2].void) then
    error("the kafka sink's topic column must be a string", 0)
  end
  -- Spark's sink schema: partition int, headers array<struct<key string,
  -- value binary>>.
  if idx.partition and idx.partition[2].id ~= T.ID.int then
    error(("the kafka sink's partition column must be int, not %s"):format(idx.partition[2]:simpleString()), 0)
  end
  local HEADERS = require("tide.sources.kafka_options").HEADERS
  if idx.headers and idx.headers[2] ~= HEADERS then
    error(("the kafka sink's headers column must be %s (as a kafka source's with includeHeaders), not %s")
      :format(HEADERS:simpleString(), idx.headers[2]:simpleString()), 0)
  end
  -- As Spark, the option is trimmed; an empty one names no topic at all.
  local topic = opts.topic and opts.topic:match("^%s*(.-)%s*$")
  if topic == "" then
    error(('the kafka sink\'s option "topic" is empty (%q): give a topic name, or leave the option out '
      .. "and give a topic column"):format(opts.topic), 0)
  end
  if not topic and not idx.topic then
    error('the kafka sink needs option "topic" or a topic column', 0)
  end
  local txid = opts["kafka.transactional.id"]
  if txid and not txid:find("%S") then
    error('the kafka sink\'s option "kafka.transactional.id" is empty: give the id of this query\'s producer '
      .. "(the same at every restart), or leave the option out", 0)
  end
  local kv = {}
  for k, v in pairs(opts) do
    local key = k:match("^kafka%.(.+)$")
    if key then kv[#kv + 1] = key; kv[#kv + 1] = v end
  end
  local conf = ffi.new("const char*[?]", #kv + 1)
  for i, s in ipairs(kv) do conf[i - 1] = s end
  local c = C.tide_kafka_sink_new(conf, #kv / 2, errbuf, 1024)
  -- (The C error already begins "kafka sink: ".)
  if c == nil then error(ffi.string(errbuf), 0) end
  return setmetatable({
    c = ffi.gc(c, C.tide_kafka_sink_free), topic = topic, hasTopicColumn = idx.topic ~= nil,
    hasKey = idx.key ~= nil, hasPartition = idx.partition ~= nil, hasHeaders = idx.headers ~= nil,
    rows = ffi.new("tide_kafka_rows"), timeout = tonumber(opts.deliverytimeoutms) or 60000,
    servers = checks.shownServers(bootstrap),
    description = "org.apache.spark.sql.kafka010.KafkaSourceProvider$KafkaTable",
    transactionalId = txid, queryId = query and query.id, queryName = query and query.name,
  }, txid and Txn or Sink)
end

local function column_ptr(batch, name)
  for i = 0, batch.num_columns - 1 do
    if ffi.string(batch.columns[i].name) == name then return batch.columns + i end
  end
  return nil
end

-- The sink's columns of batch, in the struct the C sink takes (one per
-- sink: C copies the pointers it keeps).
function Sink:columns(batch)
  local r = self.rows
  -- As Spark: the topic option, when set, overrides the topic column.
  r.topics = self.hasTopicColumn and not self.topic and column_ptr(batch, "topic") or nil
  r.keys = self.hasKey and column_ptr(batch, "key") or nil
  r.values = column_ptr(batch, "value")
  r.partitions = self.hasPartition and column_ptr(batch, "partition") or nil
  r.headers = self.hasHeaders and column_ptr(batch, "headers") or nil
  return r
end

function Sink:addBatch(_, batch)
  if batch:count() == 0 then return 0 end
  self:send(batch)
  return self:flush()
end

-- addBatch in two halves, for bulk loaders (scripts/producer.lua): send
-- hands the batch's rows to the sink's thread and returns at once (their
-- count; the records point into the batch, which the sink keeps alive
-- until they are reported, so the caller need not; a failure to enqueue
-- them is raised by the next send or flush);
-- flush waits for every record sent since the last flush and returns the
-- count acknowledged. Encoding the next batch then overlaps delivering
-- this one.
function Sink:send(batch)
  if batch:count() == 0 then return 0 end
  local n = C.tide_kafka_sink_send_rows(self.c, batch, self.topic, self:columns(batch), self.timeout, errbuf, 1024)
  if n < 0 then fail(self) end
  return tonumber(n)
end

function Sink:flush()
  local n = C.tide_kafka_sink_flush(self.c, self.timeout, errbuf, 1024)
  if n < 0 then fail(self) end
  return tonumber(n)
end

-- A streaming micro-batch in pieces (tide.streaming_batch): each piece is
-- enqueued as it comes, so the brokers receive the first while the next
-- one runs and a piece's memory goes once its records are delivered;
-- endPieces waits for them all, so the epoch commits only once every
-- record is acknowledged, as with addBatch.
function Sink:addPiece(_, batch) self:send(batch) end

-- The C sink holds its own reference on a piece it sent until the piece's
-- records are reported, and nothing here keeps one: tide.streaming_batch
-- releases the piece once addPiece returns (tide.batch release).
Sink.piecesHeldInC = true

function Sink:endPieces() return self:flush() end

-- ---- exactly once: kafka.transactional.id ----------------------------------
-- Every write is a transaction. An epoch's (addBatch, or addPiece ...
-- endPieces) opens with begin and ends with commit, which waits for every
-- record, marks the epoch committed in the same transaction and commits
-- it; only then does the query commit the epoch to its checkpoint. A
-- replayed epoch that the marker shows committed (the query died between
-- the two commits) writes nothing: 0 rows, and one line on stderr, as the
-- PostgreSQL sink's. A failure aborts the transaction and fails the epoch,
-- which the restart writes again.

-- Opens the transaction of epoch (nil: a write that is no epoch's); false
-- when the epoch is already committed.
local function begin(self, epoch)
  local rc = C.tide_kafka_sink_begin(self.c, self.queryId, epoch or -1, self.timeout, errbuf, 1024)
  if rc < 0 then fail(self) end
  if rc == 1 then
    local where = ("Kafka %s (transactional.id %s)"):format(
      self.topic and "topic " .. self.topic or "topics", self.transactionalId)
    require("tide.writer").reportSkipped({ queryId = self.queryId, epochId = epoch }, where, self.queryName)
    return false
  end
  self.open = true
  return true
end

local function commit(self)
  self.open = false
  local n = C.tide_kafka_sink_commit(self.c, self.timeout, errbuf, 1024)
  if n < 0 then fail(self) end
  return tonumber(n)
end

function Txn:addBatch(epoch, batch)
  if batch:count() == 0 or not begin(self, epoch) then return 0 end
  Sink.send(self, batch)
  return commit(self)
end

-- The first piece of an epoch opens its transaction, or finds the epoch
-- committed: its pieces are still made (its input is counted, an error
-- in the plan fails it, as on its first run), and none is sent.
function Txn:addPiece(epoch, batch)
  if self.pieceEpoch ~= epoch then self.pieceEpoch, self.skipping = epoch, not begin(self, epoch) end
  if not self.skipping then Sink.send(self, batch) end
end

function Txn:endPieces()
  self.pieceEpoch = nil
  if self.skipping then
    self.skipping = false
    return 0
  end
  return commit(self)
end

-- A bulk loader's send opens a transaction when none is open, and flush
-- commits it: what one flush acknowledges is read all together or not at
-- all. (Stopping the sink aborts a transaction still open.)
function Txn:send(batch)
  if not self.open then begin(self, nil) end
  return Sink.send(self, batch)
end

function Txn:flush()
  if not self.open then return 0 end
  return commit(self)
end

function Sink:stop()
  if self.c then
    C.tide_kafka_sink_free(ffi.gc(self.c, nil))
    self.c = nil
  end
end

return M
