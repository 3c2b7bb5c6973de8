-- tide.admin — Kafka topic administration, for tests, demos and scripts
-- (docs/kafka.md, "Topic administration"):
--
--   local admin = tide.admin.client("127.0.0.1:9092")   -- or {bootstrap=..., options={...}, timeout=30}
--   admin:createTopic("to_predict", 3, { ["retention.ms"] = "60000" })
--   admin:ensureTopic("to_predict", 3)       -- created unless it exists
--   admin:partitionCount("to_predict")       -- 3, or nil when there is no such topic
--   admin:createPartitions("to_predict", 6)   -- the new total
--   admin:deleteRecords("to_predict", 0, 100) -- partition 0, offsets below 100
--   admin:deleteTopic("to_predict")
--
-- Each call waits for the broker's answer and returns the client, so calls
-- chain; a failure raises an error naming the topic and the bootstrap
-- servers. Arguments are checked first, naming the one that is wrong.
local ffi = require("ffi")
local C = require("tide.ffi")
local checks = require("tide.checks")

local M = {}
local Admin = {}
Admin.__index = Admin

local errbuf = ffi.new("char[1024]")

-- Returns the array, its pair count, and the list of strings, which the
-- caller keeps referenced until the C call has read them.
local function kv_array(map)
  local list = {}
  for k, v in pairs(map or {}) do list[#list + 1] = tostring(k); list[#list + 1] = tostring(v) end
  local arr = ffi.new("const char*[?]", #list + 1)
  for i, s in ipairs(list) do arr[i - 1] = s end
  return arr, #list / 2, list
end

-- Argument checks: each fails at the caller of the method (level 3: the
-- check, the method, its caller; the colon-call wrapper tail-calls).
local function need_topic(method, topic)
  if type(topic) ~= "string" or topic == "" then
    error(("admin:%s needs a topic name (a non-empty string), not %s"):format(method,
      type(topic) == "string" and '""' or tostring(topic)), 3)
  end
end

local function need_count(method, name, v, min)
  if type(v) ~= "number" or v ~= math.floor(v) or v < min then
    error(("admin:%s: %s must be a whole number >= %d, not %s"):format(method, name, min,
      type(v) == "string" and ("%q"):format(v) or tostring(v)), 3)
  end
end

local function need_table(method, name, v)
  if v ~= nil and type(v) ~= "table" then
    error(("admin:%s: %s must be a table of strings, not %s"):format(method, name, type(v)), 3)
  end
end

-- spec: "host:port[,host:port]" or {bootstrap = ..., options = {librdkafka
-- properties}, timeout = seconds (30)}.
function M.client(spec)
  if type(spec) == "string" then spec = { bootstrap = spec } end
  if type(spec) ~= "table" then
    error(("tide.admin.client needs \"host:port\" or {bootstrap = \"host:port\"}, not %s"):format(tostring(spec)), 2)
  end
  local bootstrap = spec.bootstrap
  if type(bootstrap) ~= "string" or bootstrap:match("^[%s,]*$") then
    error(("tide.admin.client needs bootstrap servers (\"host:port[,host:port]\"), not %s"):format(
      type(bootstrap) == "string" and ("%q"):format(bootstrap) or tostring(bootstrap)), 2)
  end
  if spec.options ~= nil and type(spec.options) ~= "table" then
    error(("tide.admin.client: options must be a table of librdkafka properties, not %s"):format(
      type(spec.options)), 2)
  end
  local timeout = spec.timeout or 30
  if type(timeout) ~= "number" or timeout <= 0 then
    error(("tide.admin.client: timeout must be a number of seconds > 0, not %s"):format(tostring(timeout)), 2)
  end
  local conf = { ["bootstrap.servers"] = bootstrap }
  for k, v in pairs(spec.options or {}) do conf[k] = v end
  return setmetatable({ conf = conf, timeout = math.floor(timeout * 1000) }, Admin)
end

-- Takes the string lists too, so that they stay referenced until the
-- call's result is checked. An error names the bootstrap servers (a
-- broker that cannot be reached is otherwise only "Local: Timed out"),
-- without what precedes an '@'.
-- A cluster without a controller (tide broker's embedded one) answers no
-- admin request: librdkafka waits for one until the timeout.
local NO_CONTROLLER = "; a broker without a controller, as tide broker's embedded one, answers no admin"
  .. " requests: start it with --topics NAME,NAME to have the topics, or let a producer make them"

local function check(self, rc, ...)
  if rc ~= 0 then
    local servers = checks.shownServers(self.conf["bootstrap.servers"])
    local message = ffi.string(errbuf)
    -- (a broker that cannot be reached has no controller either: its
    -- message names the connection that failed, and needs no hint)
    local reached = not (message:find("Connect to", 1, true) or message:find("resolve", 1, true)
      or message:find("transport failure", 1, true))
    local hint = reached and message:find("waiting for controller", 1, true) and NO_CONTROLLER or ""
    error(("%s (bootstrap servers %s%s)"):format(message, servers, hint), 3)
  end
  return ...
end

-- A topic of `partitions` partitions (default 1), replication factor 1,
-- with topic configs `config` ({["retention.ms"] = "60000"}); returns once
-- every partition has a leader.
function Admin:createTopic(topic, partitions, config)
  need_topic("createTopic", topic)
  if partitions ~= nil then need_count("createTopic", "partitions", partitions, 1) end
  need_table("createTopic", "config", config)
  local cfg, m, cfg_strings = kv_array(config)
  local conf, n, conf_strings = kv_array(self.conf)
  local rc = C.tide_kafka_create_topic(conf, n, topic, partitions or 1, cfg, m, self.timeout, errbuf, 1024)
  check(self, rc, cfg_strings, conf_strings)
  return self
end

-- The number of partitions of topic, or nil when the cluster has no such
-- topic (from the cluster's metadata, which the mock broker has too).
local function topic_partitions(self, topic) -- (-1 with errbuf)
  local conf, n, strings = kv_array(self.conf)
  return C.tide_kafka_topic_partition_count(conf, n, topic, self.timeout, errbuf, 1024), strings
end

function Admin:partitionCount(topic)
  need_topic("partitionCount", topic)
  local count = topic_partitions(self, topic)
  check(self, count < 0 and -1 or 0)
  return count > 0 and count or nil
end

-- createTopic unless the topic exists (kafka-topics.sh --if-not-exists):
-- a topic there already is left as it is, whatever its partitions.
function Admin:ensureTopic(topic, partitions, config)
  need_topic("ensureTopic", topic)
  local count = topic_partitions(self, topic)
  check(self, count < 0 and -1 or 0)
  if count == 0 then
    -- (createTopic's errors name the caller's line from here, as ensureTopic's)
    local ok, err = pcall(self.createTopic, self, topic, partitions, config)
    if not ok then error(err, 2) end
  end
  return self
end

function Admin:deleteTopic(topic)
  need_topic("deleteTopic", topic)
  local conf, n, strings = kv_array(self.conf)
  check(self, C.tide_kafka_delete_topic(conf, n, topic, self.timeout, errbuf, 1024), strings)
  return self
end

-- Adds partitions: `total` is the new count (Kafka's CreatePartitions),
-- more than the topic has.
function Admin:createPartitions(topic, total)
  need_topic("createPartitions", topic)
  need_count("createPartitions", "total (the new partition count)", total, 1)
  local conf, n, strings = kv_array(self.conf)
  check(self, C.tide_kafka_create_partitions(conf, n, topic, total, self.timeout, errbuf, 1024), strings)
  return self
end

-- Deletes the records of one partition below offset `before` (Kafka's
-- DeleteRecords: the partition's earliest offset becomes `before`); -1
-- deletes every record, up to the high watermark.
function Admin:deleteRecords(topic, partition, before)
  need_topic("deleteRecords", topic)
  need_count("deleteRecords", "partition", partition, 0)
  if before ~= -1 then
    need_count("deleteRecords", "before (the offset records are deleted below, or -1 for all)", before, 0)
  end
  local conf, n, strings = kv_array(self.conf)
  check(self, C.tide_kafka_delete_records(conf, n, topic, partition, before, self.timeout, errbuf, 1024), strings)
  return self
end

-- admin.createTopic("t") fails naming the method.
checks.colonCalls("Admin", "admin", function(v) return getmetatable(v) == Admin end, Admin)

return M
