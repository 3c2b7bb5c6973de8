-- scripts/producer.lua — the seed's producer in tide: reads a CSV (or
-- CSV.gz) file in chunks, drops rows with nulls, and sends every row as one
-- JSON object to a Kafka topic: ids (and other decimals) as decimal
-- strings, numbers as numbers, strings as strings.
--
--   tide run scripts/producer.lua [FILE] [options]
--
-- FILE defaults to data/ctr_test.csv.gz, generated in Avazu's test format
-- (tide.datagen) when missing. `--help` lists the options with their
-- defaults (usage_text below). Without --rate or --wait it sends as fast
-- as it can, unless $WAIT_TIME (the seed's variable, set by
-- deploy/k8s/configmap.yaml) gives the seconds between messages: then it
-- says so on stderr. Prints messages/s while it runs (on a terminal) and a
-- summary at the end; exits 1 if any delivery failed, 2 for a usage error.
local tide = require("tide")
local ffi = require("ffi")
local C = require("tide.ffi")
local F = tide.functions
local csv = require("tide.sources.csv")
local batchlib = require("tide.batch")

local usage_text = [[
usage: tide run scripts/producer.lua [FILE] [options]

Sends each row of FILE (CSV, or CSV.gz) that has no null as one JSON object
to a Kafka topic: decimals (Avazu's ids) as strings, numbers as numbers.
FILE defaults to data/ctr_test.csv.gz, generated (200,000 rows in Avazu's
test format) when missing.

options (default in brackets):
  --bootstrap HOST:PORT   the broker [$KAFKA_HOST; one of them is required]
  --topic NAME            the topic [$KAFKA_TOPIC, else to_predict]
  --rate N                messages per second, 0 for as fast as possible
                          [as fast as possible, unless $WAIT_TIME is set]
  --wait SECONDS          seconds between messages (a rate of 1/SECONDS),
                          as the seed's WAIT_TIME; 0 for as fast as possible
                          [$WAIT_TIME]. --rate and --wait override $WAIT_TIME;
                          of the two, the last one given counts
  --replicas N            N producers at once, each sending the whole file [1]
  --loop                  start over at the end of the file, until stopped
                          or --limit [send the file once]
  --limit N               stop after N messages, per replica [no limit]
  --key COLUMN            the record key is this column's value [no key]
  --quiet                 no live messages/s on stderr; the summary line
                          ("sent N messages to T ...") is still printed on
                          stdout, as --replicas reads it [live rate on a
                          terminal]
  --producer-option K=V   a librdkafka producer property, over the defaults
                          (repeatable) [linger.ms 20 (1 when paced),
                          batch.num.messages 10000, compression.codec none,
                          queue.buffering.max.kbytes 65536]
  -h, --help              this help

librdkafka's warnings come out in tide's words, each once and only when
it lasts (5 s): those of a fresh broker settling, such as "Coordinator
load in progress: retrying", do not; --producer-option log_level=7
prints librdkafka's own lines instead. A delivery that fails is reported
by the producer itself.

Exits 0 when every message was acknowledged, 1 when a delivery failed, 2
for a usage error.
]]

local function usage(status, message)
  if message then
    io.stderr:write("producer: ", message, "\n", "(tide run scripts/producer.lua --help lists the options)\n")
  else
    io.write(usage_text)
  end
  os.exit(status)
end

local opts = {
  bootstrap = os.getenv("KAFKA_HOST"), topic = os.getenv("KAFKA_TOPIC") or "to_predict",
  rate = 0, replicas = 1, loop = false, quiet = false, producer = {},
}
local rate_given = false -- --rate or --wait: $WAIT_TIME does not count then
local i = 1
while i <= #arg do
  local a, v = arg[i], arg[i + 1]
  local function value(convert)
    local x = v
    if x ~= nil and convert then x = convert(x) end
    if x == nil then usage(2, a .. (convert and v ~= nil and " needs a number, not " .. v or " needs a value")) end
    i = i + 1
    return x
  end
  if a == "--bootstrap" then opts.bootstrap = value()
  elseif a == "--topic" then opts.topic = value()
  elseif a == "--rate" then
    opts.rate, rate_given = value(tonumber), true
    if opts.rate < 0 then usage(2, "--rate must be >= 0 (0: as fast as possible)") end
  elseif a == "--wait" then
    local w = value(tonumber)
    if w < 0 then usage(2, "--wait must be >= 0 (0: as fast as possible)") end
    opts.rate, rate_given = w > 0 and 1 / w or 0, true
  elseif a == "--replicas" then opts.replicas = value(tonumber)
  elseif a == "--limit" then opts.limit = value(tonumber)
  elseif a == "--key" then opts.key = value()
  elseif a == "--loop" then opts.loop = true
  elseif a == "--quiet" then opts.quiet = true
  elseif a == "--producer-option" then
    local k, v = value():match("^([^=]+)=(.*)$")
    if not k then usage(2, "--producer-option needs KEY=VALUE") end
    opts.producer[k] = v
  elseif a == "--replica" then opts.replica = value(tonumber) -- internal: one of --replicas
  elseif a == "--help" or a == "-h" then usage(0)
  elseif a:sub(1, 2) == "--" then usage(2, "unknown option " .. a)
  elseif not opts.file then opts.file = a
  else usage(2, "one file only") end
  i = i + 1
end
-- The seed's WAIT_TIME, when no flag gave the pace: said on stderr, as a
-- variable left set in the environment otherwise slows the producer
-- without a word (WAIT_TIME=0.01 is 100 messages/s).
local env_wait = os.getenv("WAIT_TIME")
if not rate_given and tonumber(env_wait) and tonumber(env_wait) > 0 then
  opts.rate = 1 / tonumber(env_wait)
  io.stderr:write(("producer: WAIT_TIME=%s: %g messages/s%s (--rate 0 sends as fast as possible)\n")
    :format(env_wait, opts.rate, opts.replicas > 1 and " per replica" or ""))
end
if not opts.bootstrap or opts.bootstrap == "" then usage(2, "no broker: give --bootstrap or set KAFKA_HOST") end

if not opts.file then
  opts.file = "data/ctr_test.csv.gz"
  local f = io.open(opts.file, "rb")
  if f then
    f:close()
  elseif not opts.replica then
    os.execute("mkdir -p data")
    local made = tide.datagen.ctr { rows = 200000, out = opts.file, test = true, seed = 7 }
    io.stderr:write(("producer: generated %d rows in Avazu's test format into %s\n"):format(made.rows, made.path))
  end
end

-- ---- replicas: N copies of this script, each sending the whole file -----------

if opts.replicas > 1 and not opts.replica then
  local function q(x) return "'" .. tostring(x):gsub("'", "'\\''") .. "'" end
  local cmd = { q(tide.executable()), "run", q(arg[0]), q(opts.file), "--bootstrap", q(opts.bootstrap),
    "--topic", q(opts.topic), "--rate", opts.rate, "--quiet" }
  if opts.loop then cmd[#cmd + 1] = "--loop" end
  if opts.limit then cmd[#cmd + 1] = "--limit " .. opts.limit end
  if opts.key then cmd[#cmd + 1] = "--key " .. q(opts.key) end
  for k, v in pairs(opts.producer) do cmd[#cmd + 1] = "--producer-option " .. q(k .. "=" .. v) end
  local procs = {}
  for r = 1, opts.replicas do
    procs[r] = assert(io.popen(table.concat(cmd, " ") .. " --replica " .. r .. " 2>&1"))
  end
  local failed = 0
  for r, p in ipairs(procs) do
    local out = p:read("*a")
    p:close()
    io.write(("replica %d: %s"):format(r, out))
    if not out:find("^sent") then failed = failed + 1 end
  end
  os.exit(failed == 0 and 0 or 1)
end

-- ---- one producer ------------------------------------------------------------------

-- Rows read, encoded and enqueued at a time. 16384 rather than 65536:
-- a chunk's JSON (~6 MB) is written into arena chunks the cache hands
-- back warm, where 26 MB ones were faulted in afresh; alternating 1M-message
-- runs on the test broker gave 359-642k (mean 480k) against 314-571k (mean
-- 414k) messages/s, with a third less system time and resident size.
local CHUNK = 16384
-- A bulk loader reuses the same memory chunk after chunk: the arenas of
-- the chunks in flight (up to the 64 MB queue below, the records pointing
-- into them) and librdkafka's 1 MB request buffers. tide's streaming
-- defaults give such blocks back to the system at once (a stream's
-- resident size stays flat); here they are kept, which cut the page
-- faults of 1M messages from 254k to 96k and the system time by half.
C.tide_arena_cache_set_limit(160 * 2 ^ 20)
C.tide_memory_keep(32 * 2 ^ 20)
local tty = not opts.quiet and C.tide_stderr_is_tty() ~= 0
local spark = tide.session()
local options = { header = "true", inferschema = "true", samplingratio = "0.05" }

local sink_opts = {
  ["kafka.bootstrap.servers"] = opts.bootstrap, topic = opts.topic,
  -- Throughput, measured against the real broker on this 2-core machine
  -- (docs/performance.md, "Knobs", and docs/performance-notes.md,
  -- "Producer, second pass"):
  -- no compression: lz4 cost the producer ~0.5-0.9 CPU s per million
  -- records and saved the broker no CPU (~1.7 s per million records
  -- either way), so uncompressed requests went faster end to end;
  -- linger 20 ms fills the 1 MB requests (a larger batch.size is
  -- refused by a default broker's message.max.bytes); a 64 MB queue is
  -- ~150k records in flight, a third of a second at 500k/s, instead of the
  -- sink's default of 1M records (400 MB of copies of Avazu's JSON).
  -- A paced producer (--rate, --wait) stands for events as they happen:
  -- the produce timestamp starts the end-to-end latency bench/run
  -- measures, so its records leave within 1 ms (linger 1). It hands them
  -- over in ticks of at least 1 ms (see send), so that is about one request
  -- a tick; linger 0 sent several per tick, which cost the producer 30-40%
  -- more CPU (and the broker more requests) on cores the query shares.
  ["kafka.linger.ms"] = opts.rate > 0 and "1" or "20", ["kafka.batch.num.messages"] = "10000",
  ["kafka.compression.codec"] = "none", ["kafka.queue.buffering.max.kbytes"] = "65536",
}
for k, v in pairs(opts.producer) do sink_opts["kafka." .. k] = v end
local sink = require("tide.sinks.kafka").new({ opts = sink_opts }, tide.types.fromDDL("key string, value string"))

-- The JSON of each row: decimals (Avazu's ids pass 2^63) as strings.
local function json_rows(df)
  local fields = {}
  for k, f in ipairs(df.schema.fields) do
    local c = F.col(f.name)
    if f.dataType.id == tide.types.ID.decimal then c = c:cast("string"):alias(f.name) end
    fields[k] = c
  end
  local cols = { F.to_json(F.struct(unpack(fields))):alias("value") }
  if opts.key then cols[#cols + 1] = F.col(opts.key):cast("string"):alias("key") end
  return df:select(unpack(cols))
end

local sent, dropped, started = 0, 0, tide.now()
-- A paced run's schedule starts at its first send, once the first chunk
-- is read and encoded: from the script's start, the records due during
-- that start-up would leave in one burst.
local pacer = opts.rate > 0 and require("tide.pacer").new(opts.rate)
local last_report = started
local function report(final)
  local now = tide.now()
  local rate = sent / math.max(now - started, 1e-9)
  if final then
    if tty then io.stderr:write("\r\027[K") end
    print(("sent %d messages to %s in %.2f s (%.0f messages/s); %d rows with nulls dropped")
      :format(sent, opts.topic, now - started, rate, dropped))
  elseif tty and now - last_report >= 0.5 then
    io.stderr:write(("\r\027[Ksent %d messages, %.0f messages/s"):format(sent, rate))
    last_report = now
  end
end

-- Sends one chunk; false once the script should stop (limit, signal).
local function send(batch)
  local clean = spark:createDataFrame(batch).na:drop()
  local json = json_rows(clean):toBatch()
  dropped = dropped + batch:count() - json:count()
  local n = json:count()
  if opts.limit then n = math.min(n, opts.limit - sent) end
  local offset = 0
  while offset < n do
    local step = n - offset
    if pacer then
      local wake
      step, wake = pacer:take(tide.now(), step)
      if step == 0 and not tide.sleep(math.min(0.05, math.max(0, wake - tide.now()))) then return false end
    end
    if step > 0 then
      local part = (offset == 0 and step == json:count()) and json
        or batchlib.wrap(C.tide_batch_slice(json, offset, step), "out of memory")
      -- Enqueued only: delivery overlaps reading and encoding the next
      -- chunk; the flush at the end confirms every record.
      sent = sent + sink:send(part)
      offset = offset + step
      report(false)
    end
    if tide.stopRequested() then return false end
  end
  return not (opts.limit and sent >= opts.limit)
end

local ok, err = pcall(function()
  -- The schema is inferred once: every pass over the file (--loop) reads
  -- it with the same types, and the inference (a full pass over the file)
  -- is not paid again per loop.
  local schema
  repeat
    -- Paced, a chunk holds 20 ms of records: reading and encoding the next
    -- chunk delays the records due meanwhile, which then leave in a burst
    -- (one second's chunk at 50k/s held them back ~100 ms).
    local next_batch
    next_batch, schema = csv.chunks(options, schema, opts.file, opts.rate > 0 and math.min(CHUNK, math.max(1, math.ceil(opts.rate / 50))) or CHUNK)
    local going = true
    for batch in next_batch do
      going = send(batch)
      if not going then break end
    end
  until not going or not opts.loop
end)
if ok then
  ok, err = pcall(function()
    local delivered = sink:flush()
    if delivered ~= sent then error(("%d of %d messages acknowledged"):format(delivered, sent), 0) end
  end)
end
sink:stop()
report(true)
if not ok then
  io.stderr:write("producer: ", tostring(err), "\n")
  os.exit(1)
end
