-- The Kafka source, with Spark's options and columns:
--
--   spark.readStream:format("kafka")
--     :option("kafka.bootstrap.servers", "host:9092")
--     :option("subscribe", "to_predict")          -- or subscribePattern, assign
--     :option("startingOffsets", "latest")        -- earliest | latest | JSON
--     :load()
--
-- Columns: key binary, value binary, topic string, partition int, offset
-- long, timestamp timestamp, timestampType int (and headers with
-- includeHeaders). Offsets are tide's own, kept in the checkpoint as
-- {"topic":{"0":next_offset}}; the consumer is assigned partitions
-- explicitly, and the processed offsets of committed epochs are also
-- committed to a consumer group named after the query, at most once a
-- second, so that lag tools see it. Every other kafka.* option goes to
-- librdkafka. The options are read and checked by tide.sources.kafka_options.
local ffi = require("ffi")
local C = require("tide.ffi")
local json = require("tide.json")
local batchlib = require("tide.batch")
local progresslib = require("tide.progress")
local checkpoint = require("tide.checkpoint")
local opts = require("tide.sources.kafka_options")
local plan = require("tide.sources.kafka_plan")

local M = {}
local Source = {}
Source.__index = Source

local EARLIEST, LATEST = opts.EARLIEST, opts.LATEST
local errbuf = ffi.new("char[1024]")
local function cerr() return ffi.string(errbuf) end

-- A source (its C consumer made, its topics subscribed or assigned) from
-- the options of readStream or read.
local function new_source(options, streaming)
  local self = setmetatable(opts.parse(options, streaming), Source)
  self.lastTriggerMs = -math.huge
  -- As Spark's: groupIdPrefix names the consumer group unless
  -- kafka.group.id does (Spark's prefix is spark-kafka-source).
  local group = options["kafka.group.id"] or ((options.groupidprefix or "tide") .. "-" .. checkpoint.uuid())
  local conf, n, conf_strings = opts.clientConf(options, not options["kafka.group.id"] and { ["group.id"] = group } or nil)
  self.c = C.tide_kafka_source_new(conf, n, errbuf, 1024)
  self.confStrings = conf_strings
  if self.c == nil then error(cerr(), 0) end -- named "kafka source: ..." by the engine
  self.c = ffi.gc(self.c, C.tide_kafka_source_free)
  local rc
  if options.subscribe then
    local topics = {}
    for t in options.subscribe:gmatch("[^,%s]+") do topics[#topics + 1] = t end
    if #topics == 0 then error("option subscribe names no topic", 0) end
    self.topicsRead = {} -- (the topics the options name, for whyGone; none for a pattern)
    for _, t in ipairs(topics) do self.topicsRead[t] = true end
    rc = C.tide_kafka_source_subscribe(self.c, table.concat(topics, ","), errbuf, 1024)
    self.description = ("KafkaV2[Subscribe[%s]]"):format(table.concat(topics, ","))
  elseif options.subscribepattern then
    rc = C.tide_kafka_source_subscribe_pattern(self.c, options.subscribepattern, errbuf, 1024)
    self.description = ("KafkaV2[SubscribePattern[%s]]"):format(options.subscribepattern)
  else
    local ok, spec = pcall(json.decode, options.assign)
    if not ok or type(spec) ~= "table" then
      error('option assign must be JSON such as {"topicA":[0,1],"topicB":[2,4]}', 0)
    end
    rc = 0
    local names = {}
    self.topicsRead = {} -- (the topics the options name, for whyGone; none for a pattern)
    if next(spec) == nil then error("option assign names no partition", 0) end
    for topic, parts in pairs(spec) do
      self.topicsRead[topic] = true
      if type(parts) ~= "table" then error(("option assign: topic %s needs a list of partitions"):format(topic), 0) end
      for _, p in ipairs(parts) do
        if type(p) ~= "number" or p ~= math.floor(p) or p < 0 then
          error(("option assign: topic %s: %s is not a partition (a whole number >= 0)"):format(topic, json.encode(p)), 0)
        end
      end
      local arr = ffi.new("int32_t[?]", math.max(#parts, 1), parts)
      rc = C.tide_kafka_source_assign(self.c, topic, arr, #parts, errbuf, 1024)
      if rc ~= 0 then break end
      for _, p in ipairs(parts) do names[#names + 1] = topic .. "-" .. p end
    end
    table.sort(names)
    self.description = ("KafkaV2[Assign[%s]]"):format(table.concat(names, ", "))
  end
  if rc ~= 0 then error("kafka source: " .. cerr(), 0) end
  return self
end

-- ---- offsets -------------------------------------------------------------------

-- Raises an error of the C source (metadata, offsets, fetches) naming the
-- bootstrap servers it was talking to.
function Source:fail(msg)
  error(("kafka source: %s (kafka.bootstrap.servers %s)"):format(msg, self.servers), 0)
end

-- Partitions now in the subscription: a list of {topic, partition, low,
-- high} (watermarks from the broker).
function Source:partitions(refresh_ms)
  local max = 4096
  local out = ffi.new("tide_partition_info[?]", max)
  local n = C.tide_kafka_source_partitions(self.c, out, max, refresh_ms or 0, errbuf, 1024)
  if n < 0 then self:fail(cerr()) end
  local list = {}
  for i = 0, n - 1 do
    local p = out[i]
    list[#list + 1] = { topic = ffi.string(C.tide_kafka_source_topic_name(self.c, p.topic)), topicIndex = p.topic,
      partition = p.partition, low = tonumber(p.low), high = tonumber(p.high) }
  end
  self.topicIndex = self.topicIndex or {}
  for _, p in ipairs(list) do self.topicIndex[p.topic] = p.topicIndex end
  return list
end

-- Resolves an offsets option (offsets_option) against the partitions that
-- exist now. An offset below a partition's earliest is left for the fetch,
-- which reports the records deleted (failOnDataLoss).
function Source:resolve(option)
  local parts = self:partitions(0)
  -- A pattern that matches no topic yet reads none: as Spark's, a stream
  -- reads the topics that come to match it from their earliest offsets.
  if #parts == 0 and not self.options.subscribepattern then
    error(("kafka source %s: no partitions found (does the topic exist?); create it with Kafka's kafka-topics.sh"
      .. " or tide.admin.client(\"%s\"):createTopic(name, partitions)"):format(self.description, self.servers), 0)
  end
  if option.timestamp or option.timestamps then return self:resolveTimes(option, parts) end
  local spec, name = option.offsets, option.name
  local offsets = {}
  for _, p in ipairs(parts) do
    local want = spec == "earliest" and EARLIEST or LATEST
    if type(spec) == "table" then
      want = spec[p.topic] and spec[p.topic][tostring(p.partition)]
      if want == nil then
        error(("option %s does not give an offset for topic %s partition %d"):format(name, p.topic, p.partition), 0)
      end
    end
    if want == EARLIEST then want = p.low elseif want == LATEST then want = p.high end
    if want > p.high then error(opts.beyondEnd(option, p, want), 0) end
    offsets[p.topic] = offsets[p.topic] or {}
    offsets[p.topic][tostring(p.partition)] = want
  end
  -- As Spark: the JSON names exactly the partitions read.
  self:onlyPartitionsRead(name, "an offset", type(spec) == "table" and spec or {}, offsets)
  return offsets
end

-- An offsets or timestamps JSON of an option (given) naming a partition
-- the query does not read (none in `offsets`) fails, as Spark's.
function Source:onlyPartitionsRead(name, what, given, offsets)
  for topic, parts in pairs(given) do
    for p in pairs(parts) do
      if not (offsets[topic] and offsets[topic][p]) then
        error(("option %s gives %s for topic %s partition %s, which %s does not read (no such partition, "
          .. "or a topic it does not subscribe to)"):format(name, what, topic, p, self.description), 0)
      end
    end
  end
end

-- The offsets of a timestamp option (tide.sources.kafka_options) over
-- `parts`: each partition's earliest offset whose record's timestamp is at
-- or after the option's, as Spark's. A partition without such a record ends
-- at its latest offset; starts there with startingOffsetsByTimestampStrategy
-- latest, and fails the start by default (error).
function Source:resolveTimes(option, parts)
  local name, per = option.name, option.timestamps
  local entries = ffi.new("tide_partition_offset[?]", math.max(#parts, 1))
  for i, p in ipairs(parts) do
    local ms = option.timestamp or (per[p.topic] and per[p.topic][tostring(p.partition)])
    if ms == nil then
      error(("option %s does not give a timestamp for topic %s partition %d (it must name every partition read)")
        :format(name, p.topic, p.partition), 0)
    end
    entries[i - 1].topic, entries[i - 1].partition, entries[i - 1].offset = p.topicIndex, p.partition, ms
  end
  if C.tide_kafka_source_offsets_for_times(self.c, entries, #parts, errbuf, 1024) ~= 0 then self:fail(cerr()) end
  local offsets = {}
  for i, p in ipairs(parts) do
    local offset = tonumber(entries[i - 1].offset)
    if offset < 0 then
      if name:find("^starting") and option.strategy == "error" then
        error(("kafka source: option %s: topic %s partition %d has no record at or after timestamp %d (its "
          .. "latest offset is %d); set startingOffsetsByTimestampStrategy to latest to start such partitions "
          .. "there"):format(name, p.topic, p.partition, option.timestamp or per[p.topic][tostring(p.partition)],
          p.high), 0)
      end
      offset = p.high
    end
    offsets[p.topic] = offsets[p.topic] or {}
    offsets[p.topic][tostring(p.partition)] = offset
  end
  self:onlyPartitionsRead(name, "a timestamp", per or {}, offsets)
  return offsets
end

function Source:initialOffsets() return self:resolve(self.starting) end
function Source:serialize(offsets) return checkpoint.offsetsJson(offsets) end

-- Whether two offset maps are the same (what comparing their JSON tells,
-- without building it: the loop asks once per trigger).
function Source:sameOffsets(a, b)
  for topic, parts in pairs(a) do
    local other = b[topic]
    if not other then return false end
    for p, off in pairs(parts) do if other[p] ~= off then return false end end
  end
  for topic, parts in pairs(b) do
    local other = a[topic]
    if not other then return false end
    for p in pairs(parts) do if other[p] == nil then return false end end
  end
  return true
end
function Source:deserialize(value) return value end
function Source:toProgress(offsets) return offsets end

local function to_array(self, offsets)
  local list = {}
  for topic, parts in pairs(offsets) do
    local ti = self.topicIndex and self.topicIndex[topic]
    if ti then
      for p, off in pairs(parts) do list[#list + 1] = { ti, tonumber(p), off } end
    end
  end
  local arr = ffi.new("tide_partition_offset[?]", math.max(#list, 1))
  for i, e in ipairs(list) do
    arr[i - 1].topic, arr[i - 1].partition, arr[i - 1].offset = e[1], e[2], e[3]
  end
  return arr, #list
end

local function from_array(self, arr, n)
  local offsets = {}
  self.topicIndex = self.topicIndex or {}
  for i = 0, n - 1 do
    local topic = ffi.string(C.tide_kafka_source_topic_name(self.c, arr[i].topic))
    -- A topic that matched the pattern since the last listing: remember its
    -- index, or its offsets would be left out of the next fetch.
    self.topicIndex[topic] = arr[i].topic
    offsets[topic] = offsets[topic] or {}
    offsets[topic][tostring(arr[i].partition)] = tonumber(arr[i].offset)
  end
  return offsets
end

function Source:seek(offsets)
  if not self.topicIndex then self:partitions(0) end
  local arr, n = to_array(self, offsets)
  if C.tide_kafka_source_seek(self.c, arr, n, errbuf, 1024) ~= 0 then self:fail(cerr()) end
end

-- A descriptor readable once records reach the consumer: the query loop
-- waits on several queries' at once (tide.streaming), then serves the
-- woken one's queues. An error of serving is left to the batch's own
-- calls, which raise it where the query handles it.
function Source:wakeFd() return C.tide_kafka_source_wake_fd(self.c) end
function Source:serveReady() C.tide_kafka_source_serve(self.c, errbuf, 1024) end

-- Metadata asked for afresh by the next latestOffsets.
function Source:refresh() C.tide_kafka_source_refresh(self.c) end

-- Latest available offsets; partitions that appeared since `after` are
-- included (and read from their earliest offset).
function Source:latestOffsets(after, wait_ms)
  local arr, n = to_array(self, after)
  local max = 4096
  -- one buffer for every call: 64 KB zeroed per trigger otherwise
  self.latestBuf = self.latestBuf or ffi.new("tide_partition_offset[?]", max)
  local out = self.latestBuf
  local m = C.tide_kafka_source_latest(self.c, arr, n, out, max, wait_ms or 0, errbuf, 1024)
  if m < 0 then
    local msg = cerr()
    if msg:find("Unknown topic or partition", 1, true) then msg = msg .. " (was the topic deleted?)" end
    self:fail(msg)
  end
  local latest = from_array(self, out, m)
  self:checkGone(after, latest)
  self:checkLogEnds(after, latest)
  return latest
end

-- Partitions of the query's position that the subscription no longer
-- holds: their topic was deleted. As Spark: failOnDataLoss=true fails
-- naming them; false warns and goes on with the others (the next batch's
-- offsets leave them out; a topic created again under that name is read
-- from its earliest offset, as any new partition).
-- Why partitions of the checkpoint's offsets are not in the query's now:
-- a topic the options no longer read (the checkpoint is another query's,
-- or this one's options changed) or one deleted.
function Source:whyGone(after, latest)
  local dropped = {}
  for topic in pairs(after) do
    if not latest[topic] and self.topicsRead and not self.topicsRead[topic] then dropped[#dropped + 1] = topic end
  end
  if #dropped > 0 then
    table.sort(dropped)
    return ("the checkpoint has offsets of %s %s, which this query's options (%s) do not read: a checkpoint"
      .. " belongs to one query, so give a changed query a new checkpointLocation"):format(
      #dropped == 1 and "topic" or "topics", table.concat(dropped, ", "), self.description)
  end
  local pattern = self.options.subscribepattern
  return ("the topic was deleted%s; records not yet read may have been lost"):format(
    pattern and (", or no longer matches the pattern %s"):format(pattern) or "")
end

function Source:checkGone(after, latest)
  local gone = {}
  for topic, parts in pairs(after) do
    for p, pos in pairs(parts) do
      if not (latest[topic] and latest[topic][p]) then
        gone[#gone + 1] = ("topic %s partition %s (at offset %d)"):format(topic, p, pos)
      end
    end
  end
  if #gone == 0 then return end
  table.sort(gone)
  local what = table.concat(gone, ", ") .. (#gone == 1 and " is" or " are") .. " gone: " .. self:whyGone(after, latest)
  if self.failOnDataLoss then
    error("kafka source: " .. what .. ". Set failOnDataLoss to false to go on with the other partitions.", 0)
  end
  self.warnedGone = self.warnedGone or {}
  if not self.warnedGone[what] then
    self.warnedGone[what] = true
    io.stderr:write("tide: warning: kafka source: ", what, "; going on without them (failOnDataLoss=false)\n")
  end
end

-- A partition whose log now ends before the query's position was deleted
-- and recreated, or truncated (an unclean leader election; deleting
-- records moves a log's start, never its end): reading on from the old
-- position would wait forever (or skip the new records without a word).
-- failOnDataLoss=true fails naming it; false warns and reads it again
-- from its earliest offset (planEnd ends the batch there, so the next
-- batch starts at the earliest offset; a replay of that batch reads
-- nothing of it, as the first run did).
function Source:checkLogEnds(after, latest)
  local behind = {}
  for topic, parts in pairs(after) do
    for p, pos in pairs(parts) do
      local last = latest[topic] and latest[topic][p]
      if last and last < pos then behind[#behind + 1] = { topic = topic, partition = p, pos = pos, last = last } end
    end
  end
  if #behind == 0 then return end
  local lows = {}
  if not self.failOnDataLoss then
    for _, info in ipairs(self:partitions(0)) do lows[info.topic .. "\0" .. info.partition] = info.low end
  end
  self.resets = {}
  for _, b in ipairs(behind) do
    local what = ("topic %s partition %s ends at offset %d, before offset %d where the query is: the topic was deleted and recreated, or its log truncated; records may have been lost")
      :format(b.topic, b.partition, b.last, b.pos)
    if self.failOnDataLoss then
      error("kafka source: " .. what .. ". Set failOnDataLoss to false to read the partition again from its earliest offset.", 0)
    end
    local low = lows[b.topic .. "\0" .. b.partition] or 0
    -- (an availableNow query asks twice, for its end and its first batch)
    self.warnedReset = self.warnedReset or {}
    if not self.warnedReset[what] then
      self.warnedReset[what] = true
      io.stderr:write(("tide: warning: kafka source: %s; reading it again from its earliest offset %d (failOnDataLoss=false)\n")
        :format(what, low))
    end
    self.resets[b.topic] = self.resets[b.topic] or {}
    self.resets[b.topic][b.partition] = low
  end
end

-- The batch plan over offsets (minOffsets, planEnd, delayBatch,
-- splitRange): tide.sources.kafka_plan.
for name, fn in pairs(plan.methods) do Source[name] = fn end
local start_of = plan.startOf

-- The C arrays of a fetch of [start, finish).
local function fetch_ranges(self, start, finish)
  local starts, n = to_array(self, finish)
  local ends = ffi.new("tide_partition_offset[?]", math.max(n, 1))
  for i = 0, n - 1 do
    ends[i] = starts[i]
    local topic = ffi.string(C.tide_kafka_source_topic_name(self.c, starts[i].topic))
    -- a batch that reset a partition to its earliest offset ends below
    -- its start: nothing of it is read
    starts[i].offset = math.min(start_of(start, topic, tostring(starts[i].partition)), tonumber(ends[i].offset))
  end
  -- Spark's kafkaConsumer.pollTimeoutMs bounds the same wait
  local timeout = self.options.fetchtimeoutms or self.options["kafkaconsumer.polltimeoutms"]
  return starts, ends, n, tonumber(timeout) or 60000
end

-- A fetch's batch, with the records Kafka no longer had reported (or
-- counted in ctx.dropped when failOnDataLoss=false).
local function fetched(self, b, lost, ctx)
  if b == nil then self:fail(cerr()) end
  b = batchlib.wrap(b)
  if lost > 0 then
    local what = ("%d records of %s are no longer in Kafka (deleted by retention, or the topic was recreated): %s")
      :format(lost, self.description, cerr())
    if self.failOnDataLoss then
      error(what .. ". Set failOnDataLoss to false to skip them and go on.", 0)
    end
    io.stderr:write("tide: warning: ", what, "; skipped (failOnDataLoss=false)\n")
    if ctx then ctx.dropped = ctx.dropped + lost end
  end
  return b
end

local lost_out = ffi.new("int64_t[1]")

function Source:getBatch(start, finish, ctx)
  self.begun = nil -- (the fetch drops it)
  local starts, ends, n, timeout = fetch_ranges(self, start, finish)
  local b = C.tide_kafka_source_fetch(self.c, starts, ends, n, self.includeHeaders and 1 or 0, timeout, lost_out,
    errbuf, 1024)
  return fetched(self, b, tonumber(lost_out[0]), ctx)
end

-- getBatch in two halves: begin reads [start, finish) on the source's own
-- thread while the caller works on what it fetched before; end waits for
-- the batch. self.begun is {start, finish} until then; another fetch drops it.
function Source:beginBatch(start, finish)
  self.begun = nil
  local starts, ends, n, timeout = fetch_ranges(self, start, finish)
  if C.tide_kafka_source_fetch_begin(self.c, starts, ends, n, self.includeHeaders and 1 or 0, timeout, errbuf, 1024) ~= 0 then
    self:fail(cerr())
  end
  self.begun = { start, finish }
end

function Source:endBatch(ctx)
  self.begun = nil
  local b = C.tide_kafka_source_fetch_end(self.c, lost_out, errbuf, 1024)
  return fetched(self, b, tonumber(lost_out[0]), ctx)
end

-- After a micro-batch's last piece: begins fetching the next batch's first
-- piece, about `rows` records from `start` (where this batch ends) of what
-- the broker last reported to be there, so that it is read while this
-- batch finishes and the next one is planned. splitRange takes it as the
-- next batch's first piece when it fits that batch's range; otherwise the
-- next fetch drops it. Nothing when no new record is known.
function Source:fetchAhead(start, rows)
  local arr, n = to_array(self, start)
  if n == 0 or C.tide_kafka_source_known_ends(self.c, arr, n) == 0 then return end
  local known = from_array(self, arr, n)
  for topic, parts in pairs(known) do
    for p, off in pairs(parts) do parts[p] = math.max(off, start_of(start, topic, p)) end
  end
  local finish = self:planEnd(start, known, rows)
  if not self:sameOffsets(finish, start) then self:beginBatch(start, finish) end
end

-- Where row i (0-based) of a fetched batch came from, for error messages.
function Source:describeRow(batch, i)
  local topic, partition, offset = batch:column("topic"):get(i), batch:column("partition"):get(i), batch:column("offset"):get(i)
  return ("topic %s partition %d offset %d"):format(topic, partition, offset)
end

-- Offsets behind latest, per partition, as Spark's metrics.
function Source:behindLatest(finish, latest)
  local sum, n, max, min = 0, 0, 0, math.huge
  for topic, parts in pairs(latest) do
    for p, off in pairs(parts) do
      local behind = off - start_of(finish, topic, p)
      sum, n = sum + behind, n + 1
      max, min = math.max(max, behind), math.min(min, behind)
    end
  end
  if n == 0 then return nil end
  -- (Spark writes the average with Double.toString: "0.0", "1.3333333333333333")
  return { avgOffsetsBehindLatest = progresslib.javaDouble(sum / n), maxOffsetsBehindLatest = tostring(max),
           minOffsetsBehindLatest = tostring(min) }
end

-- Consumer-group commits are for lag tools only, so they are best effort
-- and at most once a second: one per micro-batch would, at hundreds of
-- small batches a second, queue commits faster than the broker answers
-- them and hold their requests in librdkafka's memory.
local GROUP_COMMIT_INTERVAL = 1.0

local STOP_COMMIT_WAIT_MS = 2000

local function send_commit(self, wait_ms)
  local arr, n = to_array(self, self.uncommitted)
  C.tide_kafka_source_commit(self.c, arr, n, wait_ms, errbuf, 1024)
  self.uncommitted, self.lastGroupCommit = nil, C.tide_now()
end

function Source:commit(finish)
  self.uncommitted = finish
  if C.tide_now() - (self.lastGroupCommit or -math.huge) >= GROUP_COMMIT_INTERVAL then send_commit(self, 0) end
end

function Source:stop()
  if self.c ~= nil then
    -- The last offsets are worth a short wait, as a Kafka consumer's close
    -- commits: a lag tool would otherwise show a stopped query behind.
    if self.uncommitted then send_commit(self, STOP_COMMIT_WAIT_MS) end
    C.tide_kafka_source_free(ffi.gc(self.c, nil))
    self.c = nil
  end
end

-- ---- entry points ------------------------------------------------------------------

M.knownOptions, M.optionPrefix = opts.knownOptions, opts.optionPrefix


function M.stream(options)
  return new_source(options, true)
end

-- spark.read: the offsets [startingOffsets, endingOffsets) once.
function M.batch(options)
  local probe = new_source(options, false)
  local src = { schema = probe.schema, description = probe.description }
  probe:stop()
  function src.read()
    local s = new_source(options, false)
    local ok, result = pcall(function()
      local start = s:resolve(s.starting)
      local finish = s:resolve(s.ending)
      -- As Spark: a range cannot end before it starts.
      for topic, parts in pairs(start) do
        for p, from in pairs(parts) do
          local to = finish[topic] and finish[topic][p]
          if to and to < from then
            error(("kafka source: topic %s partition %s: %s gives offset %d, after %s's %d")
              :format(topic, p, s.starting.name, from, s.ending.name, to), 0)
          end
        end
      end
      s:seek(start)
      return s:getBatch(start, finish)
    end)
    s:stop()
    if not ok then error(result, 0) end
    return result
  end
  return src
end

return M
