-- tide.progress — StreamingQueryProgress, one per micro-batch, with Spark's
-- field names and order (compare ../shared/data/spark_progress_sample.json),
-- plus tide's own counters numMalformedRows and numDroppedRows, and
-- df:observe's metrics (observedMetrics: name -> Row, tide.observation).
--
-- A progress is a Lua table (progress.numInputRows, progress.sources[1]...)
-- whose :json() gives the one-line JSON Spark logs and whose tostring is
-- the indented form PySpark prints.
local json = require("tide.json")

local M = {}
local Progress = {}
Progress.__index = Progress

-- Key order of each object, as Spark writes it. Empty maps and NaN rates
-- are left out, as Spark does.
local ORDER = {
  top = { "id", "runId", "name", "timestamp", "batchId", "batchDuration", "numInputRows",
          "inputRowsPerSecond", "processedRowsPerSecond", "numMalformedRows", "numDroppedRows",
          "durationMs", "eventTime", "stateOperators", "sources", "sink", "observedMetrics" },
  durationMs = { "addBatch", "commitOffsets", "getBatch", "latestOffset", "queryPlanning",
                 "triggerExecution", "walCommit" },
  source = { "description", "startOffset", "endOffset", "latestOffset", "numInputRows",
             "inputRowsPerSecond", "processedRowsPerSecond", "metrics" },
  metrics = { "avgOffsetsBehindLatest", "maxOffsetsBehindLatest", "minOffsetsBehindLatest" },
  sink = { "description", "numOutputRows" },
  eventTime = { "avg", "max", "min", "watermark" },
  stateOperator = { "operatorName", "numRowsTotal", "numRowsUpdated", "allUpdatesTimeMs", "numRowsRemoved",
                    "allRemovalsTimeMs", "commitTimeMs", "memoryUsedBytes", "numRowsDroppedByWatermark",
                    "numShufflePartitions", "numStateStoreInstances", "customMetrics" },
}
local CHILD = { durationMs = "durationMs", sources = "source", sink = "sink", metrics = "metrics",
                eventTime = "eventTime", stateOperators = "stateOperator" }

-- Fields Spark keeps as doubles, which its JSON writes as Java's
-- Double.toString does: 1500.0, not 1500 (tide.json writes a whole number
-- as an integer).
local DOUBLE = { inputRowsPerSecond = true, processedRowsPerSecond = true }

-- x as Java's Double.toString: the shortest digits that read back as x;
-- in plain notation with at least one decimal (1500.0, 0.001) from 10^-3
-- up to 10^7, in Java's scientific notation (1.0E7, 2.5E-4) outside.
local function java_double(x)
  if x == 0 then return 1 / x < 0 and "-0.0" or "0.0" end
  local s
  for digits = 1, 17 do
    s = ("%." .. (digits - 1) .. "e"):format(x)
    if tonumber(s) == x then break end
  end
  local sign, first, rest, exp = s:match("^(%-?)(%d)%.?(%d*)e([-+]%d+)$")
  local mantissa = (first .. rest):gsub("0+$", "")
  if mantissa == "" then mantissa = "0" end
  exp = tonumber(exp)
  if exp >= 7 or exp < -3 then
    local tail = mantissa:sub(2)
    return ("%s%s.%sE%d"):format(sign, mantissa:sub(1, 1), tail ~= "" and tail or "0", exp)
  end
  if exp < 0 then return sign .. "0." .. ("0"):rep(-exp - 1) .. mantissa end
  if #mantissa <= exp + 1 then return sign .. mantissa .. ("0"):rep(exp + 1 - #mantissa) .. ".0" end
  return sign .. mantissa:sub(1, exp + 1) .. "." .. mantissa:sub(exp + 2)
end
M.javaDouble = java_double

local function is_array(t) return type(t) == "table" and (t[1] ~= nil or next(t) == nil) end

-- The fields of observed metrics' Rows that are doubles (row -> {name =
-- true}), for Java's Double.toString in the JSON (tide.observation).
M.doubleFields = setmetatable({}, { __mode = "k" })
-- ... and the fields written as text (a timestamp: row -> {name = text}).
M.textFields = setmetatable({}, { __mode = "k" })

-- A Row (tide.row) as Spark's Row.jsonValue: its fields in order, a null
-- one as null.
local function encode_row(row, indent, depth)
  local names = getmetatable(row).__fields
  local doubles, texts = M.doubleFields[row] or {}, M.textFields[row] or {}
  local nl, pad, pad_in = "", "", ""
  if indent then
    nl, pad, pad_in = "\n", (" "):rep(indent * depth), (" "):rep(indent * (depth + 1))
  end
  local parts = {}
  for i, name in ipairs(names) do
    local v, text = row[name], nil
    if v == nil then
      text = "null"
    elseif texts[name] then
      text = json.encode(texts[name])
    elseif type(v) == "number" and doubles[name] and v == v and v ~= math.huge and v ~= -math.huge then
      text = java_double(v)
    elseif type(v) == "number" or type(v) == "string" or type(v) == "boolean" then
      text = json.encode(v)
    else
      text = json.encode(tostring(v))
    end
    parts[i] = pad_in .. json.encode(name) .. (indent and " : " or ":") .. text
  end
  if #parts == 0 then return "{ }" end
  return "{" .. nl .. table.concat(parts, "," .. nl) .. nl .. pad .. "}"
end

local function encode(value, order, indent, depth)
  local nl, pad, pad_in = "", "", ""
  if indent then
    nl = "\n"
    pad = (" "):rep(indent * depth)
    pad_in = (" "):rep(indent * (depth + 1))
  end
  local colon = indent and " : " or ":"
  if type(value) ~= "table" then
    if value == json.null then return "null" end
    return json.encode(value)
  end
  local mt = getmetatable(value)
  if mt and mt.__fields then return encode_row(value, indent, depth) end
  if is_array(value) then
    if #value == 0 then return indent and "[ ]" or "[]" end -- Jackson's pretty and compact forms
    local parts = {}
    for i, v in ipairs(value) do parts[i] = pad_in .. encode(v, order, indent, depth + 1) end
    return "[" .. (indent and " " or "") .. nl .. table.concat(parts, "," .. nl) .. nl .. pad .. "]"
  end
  local keys = {}
  local seen = {}
  for _, k in ipairs(ORDER[order] or {}) do
    if value[k] ~= nil then keys[#keys + 1] = k; seen[k] = true end
  end
  local rest = {}
  for k in pairs(value) do if not seen[k] and type(k) == "string" then rest[#rest + 1] = k end end
  table.sort(rest, function(a, b)
    local na, nb = tonumber(a), tonumber(b)
    if na and nb then return na < nb end
    return a < b
  end)
  for _, k in ipairs(rest) do keys[#keys + 1] = k end
  local parts = {}
  for _, k in ipairs(keys) do
    local v = value[k]
    local skip = (type(v) == "number" and v ~= v) or (type(v) == "table" and not is_array(v) and next(v) == nil)
    if not skip then
      local text
      if DOUBLE[k] and type(v) == "number" and v ~= math.huge and v ~= -math.huge then
        text = java_double(v)
      else
        text = encode(v, CHILD[k] or order, indent, depth + 1)
      end
      parts[#parts + 1] = pad_in .. json.encode(k) .. colon .. text
    end
  end
  if #parts == 0 then return "{ }" end
  return "{" .. nl .. table.concat(parts, "," .. nl) .. nl .. pad .. "}"
end

function Progress:json() return encode(self, "top", nil, 0) end
function Progress:prettyJson() return encode(self, "top", 2, 0) end
Progress.__tostring = Progress.prettyJson
-- q.lastProgress is a property in PySpark and a method in tide: a
-- progress called gives itself, so q:lastProgress() is q.lastProgress.
Progress.__call = function(p) return p end

function M.new(t) return setmetatable(t, Progress) end

-- Rows per second, or nil when the time is zero: absent, as in the
-- progress PySpark hands over (Spark leaves NaN out of its JSON), so that
-- tide.json.encode(progress) works too.
function M.rate(rows, ms)
  if not ms or ms <= 0 then return nil end
  return rows * 1000 / ms
end

-- processedRowsPerSecond: as Spark's ProgressReporter, a trigger that took
-- under a millisecond counts as one (Math.max(1L, processingTimeMills)),
-- so that every progress has the rate.
function M.processedRate(rows, ms) return rows * 1000 / math.max(1, ms or 0) end

-- ISO 8601 UTC with milliseconds, as Spark's timestamp field.
function M.timestamp(ms)
  local secs = math.floor(ms / 1000)
  return os.date("!%Y-%m-%dT%H:%M:%S", secs) .. (".%03dZ"):format(ms - secs * 1000)
end

return M
