-- tide.admin — Kafka topic administration, for tests, demos and scripts:
--
--   local admin = tide.admin.client("127.0.0.1:9092")   -- or {bootstrap=..., options={...}}
--   admin:createTopic("to_predict", 3, { ["retention.ms"] = "60000" })
--   admin:createPartitions("to_predict", 6)   -- the new total
--   admin:deleteRecords("to_predict", 0, 100) -- partition 0, offsets below 100
--   admin:deleteTopic("to_predict")
local ffi = require("ffi")
local C = require("tide.ffi")

local M = {}
local Admin = {}
Admin.__index = Admin

local errbuf = ffi.new("char[1024]")

-- Returns the array, its pair count, and the list of strings, which the
-- caller keeps referenced until the C call has read them.
local function kv_array(map)
  local list = {}
  for k, v in pairs(map or {}) do list[#list + 1] = k; list[#list + 1] = tostring(v) end
  local arr = ffi.new("const char*[?]", #list + 1)
  for i, s in ipairs(list) do arr[i - 1] = s end
  return arr, #list / 2, list
end

function M.client(spec)
  if type(spec) == "string" then spec = { bootstrap = spec } end
  local conf = { ["bootstrap.servers"] = spec.bootstrap }
  for k, v in pairs(spec.options or {}) do conf[k] = v end
  return setmetatable({ conf = conf, timeout = (spec.timeout or 30) * 1000 }, Admin)
end

-- Takes the string lists too, so that they stay referenced until the
-- call's result is checked. An error names the bootstrap servers (a
-- broker that cannot be reached is otherwise only "Local: Timed out"),
-- without what precedes an '@'.
local function check(self, rc, ...)
  if rc ~= 0 then
    local servers = tostring(self.conf["bootstrap.servers"]):gsub("[^,%s]*@", "")
    error(("%s (bootstrap servers %s)"):format(ffi.string(errbuf), servers), 3)
  end
  return ...
end

function Admin:createTopic(topic, partitions, config)
  local cfg, m, cfg_strings = kv_array(config)
  local conf, n, conf_strings = kv_array(self.conf)
  local rc = C.tide_kafka_create_topic(conf, n, topic, partitions or 1, cfg, m, self.timeout, errbuf, 1024)
  check(self, rc, cfg_strings, conf_strings)
  return self
end

function Admin:deleteTopic(topic)
  local conf, n, strings = kv_array(self.conf)
  check(self, C.tide_kafka_delete_topic(conf, n, topic, self.timeout, errbuf, 1024), strings)
  return self
end

function Admin:createPartitions(topic, total)
  local conf, n, strings = kv_array(self.conf)
  check(self, C.tide_kafka_create_partitions(conf, n, topic, total, self.timeout, errbuf, 1024), strings)
  return self
end

function Admin:deleteRecords(topic, partition, before)
  local conf, n, strings = kv_array(self.conf)
  check(self, C.tide_kafka_delete_records(conf, n, topic, partition, before, self.timeout, errbuf, 1024), strings)
  return self
end

return M
