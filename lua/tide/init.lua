-- tide — the module scripts start from:
--
--   local tide = require("tide")
--   local b = tide.batch.fromRows({{1, "a"}}, "id int, name string")
--   b:show()
--
-- Submodules (tide.types, tide.batch, tide.kafka, tide.pg, tide.broker, ...)
-- load on first use, so a script pays only for what it touches.
local ffi = require("ffi")
local C = require("tide.ffi")

local tide = {}

-- The version of tide (the binary's).
function tide.version() return ffi.string(C.tide_version()) end

-- The path of the running tide binary, to start more tide processes.
function tide.executable() return ffi.string(C.tide_executable()) end

-- True once SIGINT or SIGTERM asked the script to stop.
function tide.stopRequested() return C.tide_stop_requested() ~= 0 end

-- Sleeps; returns false early when a stop is requested, true otherwise.
-- Active streaming queries run their micro-batches meanwhile.
function tide.sleep(seconds)
  local streaming = package.loaded["tide.streaming"]
  if streaming and #streaming.active() > 0 then return streaming.runFor(seconds) end
  return C.tide_sleep(seconds) == 0
end

-- The session, as SparkSession.builder.getOrCreate() (one per script).
function tide.session(options) return require("tide.session").session(options) end

-- Seconds since the epoch, with microseconds.
function tide.now() return C.tide_now() end

return setmetatable(tide, {
  __index = function(t, name)
    if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then return nil end
    -- tide.SparkSession.builder:getOrCreate(), as PySpark's.
    if name == "SparkSession" then return require("tide.session").SparkSession end
    -- tide.Window, as pyspark.sql.window's Window.
    if name == "Window" then return require("tide.window").Window end
    -- tide.Row{name = value} or tide.Row("name", ...)(values), as pyspark.sql's Row.
    if name == "Row" then return require("tide.row").Row end
    -- tide.Observation(name), as pyspark.sql's Observation.
    if name == "Observation" then return require("tide.observation").new end
    local ok, mod = pcall(require, "tide." .. name)
    if not ok then
      if tostring(mod):find("module 'tide." .. name .. "' not found", 1, true) then return nil end
      error(mod, 2)
    end
    rawset(t, name, mod)
    return mod
  end,
})
