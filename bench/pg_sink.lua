-- bench/pg_sink.lua — tide's PostgreSQL writer against `psql \copy` of the
-- same rows, on the test server (scripts/postgres start):
--   build/tide run bench/pg_sink.lua [ROWS]
-- The rows are the seed's predictions table: id decimal(38,0) (beyond
-- 2^63), probability double, processed_at timestamp. tide's time covers
-- the whole save (one transaction: table checks, binary COPY, commit);
-- psql's covers `\copy ... FROM` a CSV file of the same rows (the file is
-- written beforehand and is in the page cache). Budget (DESIGN.md): tide
-- >= 80% of psql's rows per second.
local tide = require("tide")
local pg = require("tide.pg")

local rows = tonumber(arg and arg[1]) or 1000000
local root = os.getenv("TIDE_SOURCE_DIR") or "."
local p = io.popen(root .. "/scripts/postgres status")
local ci = p:read("*l")
p:close()
assert(ci and ci:find("host="), "scripts/postgres is not running (scripts/postgres start)")
local password = ci:match("password=(%S+)")
local spark = tide.session()

pg.execute(ci, [[DROP TABLE IF EXISTS bench_src, bench_tide, bench_psql;
CREATE TABLE bench_src AS SELECT (g + 18446744073709551615)::numeric(38,0) AS id,
  random() AS probability, timestamp '2024-01-01' + g * interval '1 millisecond' AS processed_at
FROM generate_series(1, ]] .. rows .. [[) g;
CREATE TABLE bench_tide (id numeric(38,0), probability double precision, processed_at timestamp);
CREATE TABLE bench_psql (LIKE bench_tide)]])
local batch = pg.queryBatch(ci, "SELECT * FROM bench_src")
local df = spark:createDataFrame(batch)
local csv = os.tmpname()
local function psql(cmd)
  local rc = os.execute(("PGPASSWORD=%s psql %q -q -v ON_ERROR_STOP=1 -c %q"):format(password,
    ci:gsub(" password=%S+", ""), cmd))
  assert(rc == 0, "psql failed: " .. cmd)
end
psql("\\copy bench_src TO '" .. csv .. "' CSV")

local function best_of(n, fn)
  local best = math.huge
  for _ = 1, n do
    local t0 = tide.now()
    fn()
    best = math.min(best, tide.now() - t0)
  end
  return best
end

local t_tide = best_of(3, function()
  pg.execute(ci, "TRUNCATE bench_tide")
  df.write:format("jdbc"):option("url", ci):option("dbtable", "bench_tide"):mode("append"):save()
end)
local t_psql = best_of(3, function()
  pg.execute(ci, "TRUNCATE bench_psql")
  psql("\\copy bench_psql FROM '" .. csv .. "' CSV")
end)
local same = pg.query(ci, "SELECT count(*) AS n FROM (SELECT * FROM bench_src EXCEPT ALL SELECT * FROM bench_tide) d")
  :collect()[1].n == 0
os.remove(csv)
pg.execute(ci, "DROP TABLE bench_src, bench_tide, bench_psql")
print(("rows %d: tide %.0f rows/s (%.3f s), psql \\copy %.0f rows/s (%.3f s): %.0f%% of psql%s"):format(
  rows, rows / t_tide, t_tide, rows / t_psql, t_psql, 100 * t_psql / t_tide, same and "" or " — ROWS DIFFER"))
