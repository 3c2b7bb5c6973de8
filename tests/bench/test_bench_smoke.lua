-- bench/run --quick against the real services: every figure of the table
-- is measured (no failures, counts right) and the report is appended to
-- the results file with its header. Timings are not asserted.
local t = require("testing")

local root = os.getenv("TIDE_SOURCE_DIR")
local build = os.getenv("TIDE_BIN"):match("^(.*)/[^/]+$")

t.test("bench/run --quick measures every figure beside its baseline", function()
  t.kafka_bootstrap()
  t.pg_conninfo()
  local dir = t.tempdir()
  local results = dir .. "/RESULTS.md"
  local out, status = t.sh(("cd '%s' && TIDE_BUILD_DIR='%s' TIDE_BENCH_DATA='%s/bench-data' bench/run --quick --results '%s'")
    :format(root, build, build, results))
  t.eq(status, 0, out)
  local f = assert(io.open(results))
  local text = f:read("*a")
  f:close()
  t.ok(text:find("^\n## %d%d%d%d%-%d%d%-%d%d") ~= nil, "a dated header")
  t.ok(text:find("- machine: %d+ cores") ~= nil, "the machine")
  t.ok(text:find("- command: `bench/run --quick --results", 1, true) ~= nil, "the command")
  t.ok(text:find("\n%- broker: Apache Kafka, JVM `%-X[^`]*GC`") ~= nil, "the broker's heap and collector")
  for _, figure in ipairs({
    "producer, msg/s", "Kafka %-> count, rows/s", "Kafka %-> from_json %-> model %-> to_json %-> Kafka",
    "Kafka %-> from_json %-> model %-> PostgreSQL", "PostgreSQL sink alone",
    "latency at 10000 msg/s", "latency at 50000 msg/s", "latency at 200000 msg/s",
    "resident memory", "from `tide run` to the first batch",
  }) do
    local line = text:match("\n(| [^\n]*" .. figure .. "[^\n]*)")
    t.ok(line ~= nil, "the table has " .. figure)
    -- The tide column holds a number (latency: "p50 / p99 / p999 (wal, sink; whole, start-up)").
    t.ok(line and line:match("^| [^|]+ | [%d,./ ();]*%d[%d,./ ();]* |") ~= nil, "a figure for " .. figure .. ": " .. tostring(line))
  end
  -- Kafka -> Kafka's CPU a million rows, the query's and the baseline's,
  -- each with the broker's beside it.
  local cpu = text:match("\n(|   CPU s a million rows[^\n]*)")
  t.ok(cpu and cpu:match("^| [^|]+ | [%d.]+ %+ [%d.]+ | [%d.]+ %+ [%d.]+ |") ~= nil, "CPU a million rows: " .. tostring(cpu))
  for rate in ("10000 50000 200000"):gmatch("%d+") do
    local line = text:match("\n(| latency at " .. rate .. " msg/s[^\n]*)")
    -- The steady state's percentiles, then the whole run's p99 and the
    -- start-up's (its first tenth here), for the query and the baseline.
    t.ok(line and line:match("| [%d.]+ / [%d.]+ / [%d.]+ %(%d+, %d+; [%d.]+, [%d.]+%) |") ~= nil,
      "the query's steady state, whole run and start-up at " .. rate .. ": " .. tostring(line))
    -- Beside the baseline, the broker's GC pauses during the run, read from
    -- the GC log scripts/kafka has the broker write.
    t.ok(line and line:match("| [%d.]+ / [%d.]+ / [%d.]+ %([%d.]+, [%d.]+%) %[[%d.]+ of %d+%] |") ~= nil,
      "the baseline's start-up split and the broker's GC pauses at " .. rate .. ": " .. tostring(line))
  end
  t.ok(not text:find("Failures:"), "no failures")
end)

t.run()
