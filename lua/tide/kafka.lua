-- tide.kafka — one-call Kafka reads and writes, for scripts, demos and tests
-- (streams use spark.readStream:format("kafka")):
--
--   local n = tide.kafka.produce { bootstrap = "127.0.0.1:9092", topic = "t",
--     values = { "a", "b" }, keys = { "k1", nil }, options = { ["linger.ms"] = "0" } }
--   local b = tide.kafka.read { bootstrap = "127.0.0.1:9092", topic = "t",
--     partition = 0, startingOffset = 0, endingOffset = 10, timeout = 30000 }
--   b:show()   -- key, value, topic, partition, offset, timestamp, timestampType
--
-- produce returns how many records the brokers acknowledged (all of them, or
-- it raises an error naming the topic and partition). read takes one
-- partition (default 0; -1 or "all" reads every partition), from
-- startingOffset (default 0; -2 or "earliest" is the earliest offset) to
-- endingOffset (exclusive; default the latest), and raises when records of
-- the range were deleted. Errors end with the bootstrap servers. options
-- are librdkafka properties.
local ffi = require("ffi")
local C = require("tide.ffi")
local batchlib = require("tide.batch")
local T = require("tide.types")
local checks = require("tide.checks")

local M = {}

local errbuf = ffi.new("char[1024]")

-- Raises the C call's error at the caller of produce or read (level 3),
-- naming the bootstrap servers without what precedes an '@'.
local function fail(what, bootstrap)
  error(("%s: %s (bootstrap servers %s)"):format(what, ffi.string(errbuf), checks.shownServers(bootstrap)), 3)
end

-- librdkafka properties as a const char*[]; the strings stay referenced
-- through the returned list until the caller's C call is done.
local function conf_array(bootstrap, options)
  local list = { "bootstrap.servers", tostring(bootstrap) }
  for k, v in pairs(options or {}) do list[#list + 1] = tostring(k); list[#list + 1] = tostring(v) end
  local arr = ffi.new("const char*[?]", #list + 1)
  for i, s in ipairs(list) do arr[i - 1] = s end
  return arr, #list / 2, list
end

-- A binary column of n rows from a Lua list (nil entries are nulls).
local function bytes_column(b, col, name, list, n)
  if C.tide_column_init(b, col, name, T.ID.binary, n) ~= 0 then error("out of memory", 3) end
  for i = 1, n do
    local v = list[i]
    local rc
    if v == nil then
      rc = C.tide_column_append_null(b, col)
    else
      if type(v) ~= "string" then v = tostring(v) end
      rc = C.tide_column_append_bytes(b, col, v, #v)
    end
    if rc ~= 0 then error(("%s %d: out of memory"):format(name, i), 3) end
  end
end

local function need(spec, field, kind)
  local v = spec[field]
  if type(v) ~= kind then error(("kafka: %s must be a %s"):format(field, kind), 3) end
  return v
end

function M.produce(spec)
  local bootstrap = spec.bootstrap
  if type(bootstrap) ~= "string" or not bootstrap:find("%S") then
    error("kafka.produce: bootstrap is required (host:port of a broker)", 2)
  end
  local topic = need(spec, "topic", "string")
  local values = need(spec, "values", "table")
  local n = spec.count or #values
  local b = batchlib.wrap(C.tide_batch_new(2))
  bytes_column(b, b.columns + 1, "value", values, n)
  local keys = nil
  if spec.keys ~= nil then
    bytes_column(b, b.columns, "key", need(spec, "keys", "table"), n)
    keys = b.columns
  end
  local conf, conf_n, strings = conf_array(bootstrap, spec.options)
  local sent = C.tide_kafka_produce(conf, conf_n, topic, keys, b.columns + 1, spec.timeout or 60000, errbuf, 1024)
  if sent < 0 then fail("kafka.produce", bootstrap) end
  local _ = strings
  return tonumber(sent)
end

local function offset_arg(v, named, default)
  if v == nil then return default end
  if named[v] then return named[v] end
  local n = tonumber(v)
  if not n then error(("kafka.read: bad offset %s"):format(tostring(v)), 3) end
  return n
end

function M.read(spec)
  local bootstrap = spec.bootstrap
  if type(bootstrap) ~= "string" or not bootstrap:find("%S") then
    error("kafka.read: bootstrap is required (host:port of a broker)", 2)
  end
  local topic = need(spec, "topic", "string")
  local partition = spec.partition == "all" and -1 or tonumber(spec.partition or 0)
  local start = offset_arg(spec.startingOffset, { earliest = -2 }, 0)
  local finish = offset_arg(spec.endingOffset, { latest = -1 }, -1)
  local conf, conf_n, strings = conf_array(bootstrap, spec.options)
  local ptr = C.tide_kafka_read(conf, conf_n, topic, partition, start, finish, spec.timeout or 30000, errbuf, 1024)
  local _ = strings
  if ptr == nil then fail("kafka.read", bootstrap) end
  return batchlib.wrap(ptr)
end

return M
