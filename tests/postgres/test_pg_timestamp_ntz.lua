-- A TIMESTAMP_NTZ column written to PostgreSQL: a new table's column is
-- TIMESTAMP (timestamp without time zone), as Spark's PostgreSQL dialect
-- makes it, and it gets the local date-time itself whatever the session
-- time zone, as Spark's JDBC writer sends it; an existing timestamp
-- column takes it alike.
local t = require("testing")
local tide = require("tide")
local pg = require("tide.pg")

local ci = t.pg_conninfo()
local spark = tide.session()

local function texts(tbl)
  local out = {}
  for _, r in ipairs(pg.query(ci, "SELECT id, t::text AS t FROM " .. tbl .. " ORDER BY id"):collect()) do
    out[#out + 1] = r.id .. "|" .. tostring(r.t)
  end
  return out
end

local function df()
  return spark:sql("SELECT id, CAST(s AS TIMESTAMP_NTZ) AS t FROM VALUES (1, '2024-01-01 10:00:00'), "
    .. "(2, '2024-07-01 23:30:00.5'), (3, NULL) AS v(id, s)")
end

t.test("a new table's TIMESTAMP column gets the local date-time, in any session time zone", function()
  for _, zone in ipairs({ "UTC", "America/Los_Angeles", "Asia/Tokyo" }) do
    t.in_zone(zone, function()
      local tbl = t.unique("ntz_new")
      df().write:format("jdbc"):option("url", ci):option("dbtable", tbl):save()
      local kind = pg.query(ci, [[SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
        WHERE attrelid = $1::regclass AND attname = 't']], tbl):collect()[1].type
      t.eq(kind, "timestamp without time zone", zone)
      t.same_table(texts(tbl), { "1|2024-01-01 10:00:00", "2|2024-07-01 23:30:00.5", "3|nil" }, zone)
    end)
  end
end)

t.test("an existing timestamp column takes it alike", function()
  local tbl = t.unique("ntz_old")
  pg.execute(ci, ("CREATE TABLE %s (id int, t timestamp)"):format(tbl))
  t.in_zone("Europe/Paris", function()
    df().write:format("jdbc"):option("url", ci):option("dbtable", tbl):mode("append"):save()
  end)
  t.same_table(texts(tbl), { "1|2024-01-01 10:00:00", "2|2024-07-01 23:30:00.5", "3|nil" })
end)

t.run()
