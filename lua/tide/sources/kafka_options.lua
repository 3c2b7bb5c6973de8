-- tide.sources.kafka_options — the Kafka source's options, read and
-- checked at load() as Spark checks them (tide.sources.kafka makes the
-- source from what they say):
--
--   opts.parse(options, streaming)  -> the settings: schema, servers,
--     failOnDataLoss, max/minOffsetsPerTrigger, maxTriggerDelayMs, and
--     starting / ending ({name, streaming, offsets = "earliest" | "latest"
--     | {topic = {["0"] = offset}}}, or of the timestamp options {name,
--     streaming, timestamp = ms | timestamps = {topic = {["0"] = ms}},
--     strategy})
--   opts.clientConf(options, extra) -> librdkafka's properties for the FFI
--   opts.beyondEnd(option, partition, offset) -> the error of an offset
--     past a partition's log
--   opts.knownOptions, opts.optionPrefix: for tide.reader's typo warnings
local ffi = require("ffi")
local T = require("tide.types")
local json = require("tide.json")
local checks = require("tide.checks")

local M = {}

local EARLIEST, LATEST = -2, -1
M.EARLIEST, M.LATEST = EARLIEST, LATEST

-- Spark's headers column: a record's headers in order, null without any.
M.HEADERS = T.array(T.struct { T.field("key", T.string), T.field("value", T.binary) })

local function schema(with_headers)
  local fields = {
    T.field("key", T.binary), T.field("value", T.binary), T.field("topic", T.string),
    T.field("partition", T.int), T.field("offset", T.long), T.field("timestamp", T.timestamp),
    T.field("timestampType", T.int),
  }
  if with_headers then fields[#fields + 1] = T.field("headers", M.HEADERS) end
  return T.struct(fields)
end

local function is_true(name, v, default)
  if v == nil then return default end
  v = tostring(v):lower()
  if v ~= "true" and v ~= "false" then error(("option %s must be true or false, not %q"):format(name, v), 0) end
  return v == "true"
end

-- librdkafka properties: every kafka.* option without its prefix.
local function client_conf(options, extra)
  local kv = {}
  for k, v in pairs(options) do
    local key = k:match("^kafka%.(.+)$")
    if key then kv[#kv + 1] = key; kv[#kv + 1] = v end
  end
  for k, v in pairs(extra or {}) do kv[#kv + 1] = k; kv[#kv + 1] = v end
  local arr = ffi.new("const char*[?]", #kv + 1)
  for i, s in ipairs(kv) do arr[i - 1] = s end
  -- The strings (keys are new substrings) stay referenced through kv until
  -- the caller's C call has read them.
  return arr, #kv / 2, kv
end

-- The special offsets of startingOffsets and endingOffsets, as in Spark's
-- JSON: -2 earliest, -1 latest. A batch read (spark.read) may neither start
-- at latest nor end at earliest: Spark refuses both, as they read nothing.
local SPECIAL = { [EARLIEST] = "earliest", [LATEST] = "latest" }
local function special_allowed(name, streaming, offset)
  if streaming then return true end
  return (name == "startingOffsets" and offset == EARLIEST) or (name == "endingOffsets" and offset == LATEST)
end

-- What an option's JSON may give besides a partition's own offsets, for
-- its errors: "-2 (earliest) or -1 (latest)".
local function specials_text(name, streaming)
  local allowed = {}
  for _, offset in ipairs({ EARLIEST, LATEST }) do
    if special_allowed(name, streaming, offset) then
      allowed[#allowed + 1] = ("%d (%s)"):format(offset, SPECIAL[offset])
    end
  end
  return table.concat(allowed, " or ")
end

-- startingOffsets or endingOffsets, parsed and checked at load() as Spark
-- does: {name = option, streaming = bool, offsets = "earliest" | "latest" |
-- {topic = {["0"] = offset}}}.
local function offsets_option(name, text, streaming)
  local word = tostring(text):match("^%s*(.-)%s*$"):lower()
  local offsets
  if word == "earliest" or word == "latest" then
    offsets = word
  else
    local ok, value = pcall(json.decode, text)
    if not ok or type(value) ~= "table" then
      local near = not word:find("[{%[]") and require("tide.suggest").closest(word, { "earliest", "latest" }, 2)
      if near then
        error(("option %s must be earliest, latest or JSON of offsets, not %q; did you mean %q?"):format(name, text,
          near), 0)
      end
      error(("option %s must be earliest, latest or JSON such as {\"topic\":{\"0\":23,\"1\":-2}}: %s"):format(
        name, ok and "not an object" or tostring(value)), 0)
    end
    for topic, parts in pairs(value) do
      if type(parts) ~= "table" then error(("option %s: topic %s needs an object of partitions"):format(name, topic), 0) end
      for p, off in pairs(parts) do
        local n = tonumber(off)
        if not tonumber(p) or not n or n ~= math.floor(n) or n < EARLIEST then
          error(("option %s: topic %s partition %s: %s is not an offset (a whole number >= 0, or %s)"):format(
            name, topic, tostring(p), json.encode(off), specials_text(name, streaming)), 0)
        end
        parts[p] = n
      end
    end
    offsets = value
  end
  if type(offsets) == "string" then
    local special = offsets == "earliest" and EARLIEST or LATEST
    if not special_allowed(name, streaming, special) then
      error(("option %s cannot be %s in a batch read (spark.read): it would read nothing; use %s or JSON offsets")
        :format(name, offsets, offsets == "latest" and "earliest" or "latest"), 0)
    end
  else
    for topic, parts in pairs(offsets) do
      for p, off in pairs(parts) do
        if SPECIAL[off] and not special_allowed(name, streaming, off) then
          error(("option %s: topic %s partition %s: %d (%s) is not allowed in a batch read (spark.read): it would "
            .. "read nothing; use %s or an offset"):format(name, topic, p, off, SPECIAL[off],
            specials_text(name, streaming)), 0)
        end
      end
    end
  end
  return { name = name, streaming = streaming, offsets = offsets }
end

-- A timestamp in ms, as the timestamp options take it (Spark's: a long
-- in a string).
local function timestamp_ms(name, value, where)
  local n = tonumber(value)
  if not n or n ~= math.floor(n) or n < 0 then
    error(("option %s%s: %s is not a timestamp (milliseconds since 1970, a whole number >= 0)"):format(
      name, where or "", json.encode(value)), 0)
  end
  return n
end

-- startingTimestamp / startingOffsetsByTimestamp (endingTimestamp /
-- endingOffsetsByTimestamp: `which` "ending"), as Spark takes them: the
-- first that is given, over the offsets option; nil when neither is.
-- {name, timestamp = ms for every partition | timestamps = {topic = {["0"]
-- = ms}}, strategy = "error" | "latest" (what a partition without a record
-- at or after its timestamp does: fail, or start at its latest offset; an
-- ending one always ends at its latest)}.
local function timestamp_option(options, which, streaming)
  local global, per = options[which .. "timestamp"], options[which .. "offsetsbytimestamp"]
  if not global and not per then return nil end
  if streaming and which == "ending" then
    error(("option %s is for batch reads (spark.read), not streams"):format(
      global and "endingTimestamp" or "endingOffsetsByTimestamp"), 0)
  end
  local strategy = (options.startingoffsetsbytimestampstrategy or "error"):lower()
  if strategy ~= "error" and strategy ~= "latest" then
    error(("option startingOffsetsByTimestampStrategy must be error or latest, not %q"):format(
      options.startingoffsetsbytimestampstrategy), 0)
  end
  if global then
    local name = which .. "Timestamp"
    return { name = name, streaming = streaming, timestamp = timestamp_ms(name, global), strategy = strategy }
  end
  local name = which .. "OffsetsByTimestamp"
  local ok, value = pcall(json.decode, per)
  if not ok or type(value) ~= "table" then
    error(("option %s must be JSON such as {\"topic\":{\"0\":1700000000000}}: %s"):format(
      name, ok and "not an object" or tostring(value)), 0)
  end
  for topic, parts in pairs(value) do
    if type(parts) ~= "table" then error(("option %s: topic %s needs an object of partitions"):format(name, topic), 0) end
    for p, ms in pairs(parts) do
      if not tonumber(p) then error(("option %s: topic %s: %s is not a partition"):format(name, topic, p), 0) end
      parts[p] = timestamp_ms(name, ms, (" topic %s partition %s"):format(topic, p))
    end
  end
  return { name = name, streaming = streaming, timestamps = value, strategy = strategy }
end

-- Spark's tuning options that have no counterpart in tide: they change
-- neither the records read nor the batches, so they are accepted with a
-- warning. (Spark splits a batch into tasks by minPartitions and
-- maxRecordsPerPartition; tide reads it with one consumer. tide retries
-- offset requests on its own schedule.)
local NO_EFFECT = {
  minpartitions = { "minPartitions", "tide reads a batch with one consumer, not in Spark tasks" },
  maxrecordsperpartition = { "maxRecordsPerPartition", "tide reads a batch with one consumer, not in Spark tasks" },
  ["fetchoffset.numretries"] = { "fetchOffset.numRetries", "tide retries offset requests on its own" },
  ["fetchoffset.retryintervalms"] = { "fetchOffset.retryIntervalMs", "tide retries offset requests on its own" },
}

local function check_options(options)
  local names = {}
  for key in pairs(options) do names[#names + 1] = key end
  table.sort(names)
  for _, key in ipairs(names) do
    local what = NO_EFFECT[key]
    if what then
      io.stderr:write(("tide: warning: kafka source option %q has no effect in tide (%s)\n"):format(what[1], what[2]))
    end
  end
end

-- maxTriggerDelay: Spark's time string ("15m", "30s", "500ms"), in ms.
local function trigger_delay_ms(text)
  if text == nil then return 15 * 60000 end
  local ok, ms = pcall(require("tide.stream_writer").parseInterval, text)
  if not ok or ms < 0 then
    error(("option maxTriggerDelay must be a duration such as \"15m\", \"30 seconds\" or \"500ms\", not %q")
      :format(tostring(text)), 0)
  end
  return ms
end

function M.parse(options, streaming)
  local bootstrap = checks.bootstrapServers(options["kafka.bootstrap.servers"], "the kafka source")
  check_options(options)
  local given = {}
  for _, k in ipairs({ "subscribe", "subscribepattern", "assign" }) do
    if options[k] then given[#given + 1] = k end
  end
  if #given ~= 1 then
    error("the kafka source needs exactly one of the options subscribe, subscribePattern or assign", 0)
  end
  local headers = is_true("includeHeaders", options.includeheaders, false)
  local settings = {
    options = options, schema = schema(headers), includeHeaders = headers, servers = checks.shownServers(bootstrap),
    failOnDataLoss = is_true("failOnDataLoss", options.failondataloss, true),
    maxOffsetsPerTrigger = checks.recordCount(options.maxoffsetspertrigger, "option maxOffsetsPerTrigger"),
    minOffsetsPerTrigger = checks.recordCount(options.minoffsetspertrigger, "option minOffsetsPerTrigger"),
    maxTriggerDelayMs = trigger_delay_ms(options.maxtriggerdelay),
  }
  local min, max = settings.minOffsetsPerTrigger, settings.maxOffsetsPerTrigger
  if min and max and min > max then
    -- (Spark's message, its spelling included)
    error(("The value of minOffsetPerTrigger(%d) is higher than the maxOffsetsPerTrigger(%d)."):format(min, max), 0)
  end
  if streaming and options.endingoffsets then
    error("option endingOffsets is for batch reads (spark.read), not streams", 0)
  end
  -- (as Spark: a timestamp option wins over the offsets option)
  settings.starting = timestamp_option(options, "starting", streaming) or offsets_option("startingOffsets",
    options.startingoffsets or (streaming and "latest" or "earliest"), streaming)
  settings.ending = timestamp_option(options, "ending", streaming)
    or offsets_option("endingOffsets", options.endingoffsets or "latest", streaming)
  return settings
end

M.clientConf = client_conf

-- An offset of an option beyond the end of its partition's log: one the
-- partition does not have (yet). Spark fails at the start too.
function M.beyondEnd(option, p, offset)
  return ("kafka source: option %s: offset %d of topic %s partition %d is beyond the end of its log "
    .. "(earliest offset %d, latest %d); give an offset from %d to %d, or %s"):format(option.name, offset, p.topic,
    p.partition, p.low, p.high, p.low, p.high, specials_text(option.name, option.streaming))
end

-- The source's options, as Spark spells them: tide.reader warns of an
-- option a letter or two from one of these (a typo Spark would silently
-- ignore). Spark's options tide does not use are known too, so that they
-- are not taken for typos of others (minOffsetsPerTrigger is two letters
-- from maxOffsetsPerTrigger). kafka.* options go to librdkafka, which
-- checks them.
M.knownOptions = {
  "subscribe", "subscribePattern", "assign", "startingOffsets", "endingOffsets", "maxOffsetsPerTrigger",
  "failOnDataLoss", "includeHeaders", "fetchTimeoutMs",
  "minOffsetsPerTrigger", "maxTriggerDelay", "startingTimestamp", "endingTimestamp",
  "startingOffsetsByTimestamp", "endingOffsetsByTimestamp", "startingOffsetsByTimestampStrategy",
  "kafkaConsumer.pollTimeoutMs", "fetchOffset.numRetries", "fetchOffset.retryIntervalMs", "groupIdPrefix",
  "minPartitions", "maxRecordsPerPartition",
}
M.optionPrefix = "kafka."

return M
