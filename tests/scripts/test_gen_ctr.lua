-- scripts/gen_ctr.lua: Avazu-shaped rows, deterministic for a seed, with a
-- click rate near Avazu's, ids past 2^63, and gzip output.
local t = require("testing")

local tmp = t.tempdir()
local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or "build/tide"

local function gen(args)
  local out, status = t.sh(("'%s' run '%s/scripts/gen_ctr.lua' %s"):format(bin, root, args))
  t.eq(status, 0, out)
  return out
end

local function lines(path)
  local list = {}
  for line in io.lines(path) do list[#list + 1] = line end
  return list
end

t.test("train rows have Avazu's 24 columns and a ~17% click rate", function()
  gen("--rows 5000 --out " .. tmp .. "/a.csv --seed 7")
  local rows = lines(tmp .. "/a.csv")
  t.eq(#rows, 5001)
  t.eq(rows[1]:sub(1, 30), "id,click,hour,C1,banner_pos,si")
  local clicks, big_ids = 0, 0
  for i = 2, #rows do
    local fields = {}
    for f in (rows[i] .. ","):gmatch("([^,]*),") do fields[#fields + 1] = f end
    t.eq(#fields, 24, "fields in row " .. i)
    t.ok(fields[1]:match("^%d+$"), "numeric id")
    if #fields[1] == 20 or (#fields[1] == 19 and fields[1] > "9223372036854775807") then big_ids = big_ids + 1 end
    clicks = clicks + tonumber(fields[2])
    t.ok(fields[6]:match("^%x%x%x%x%x%x%x%x$"), "site_id is 8 hex digits")
  end
  local rate = clicks / 5000
  t.ok(rate > 0.12 and rate < 0.24, "click rate " .. rate)
  t.ok(big_ids > 1000, "ids beyond 2^63: " .. big_ids)
end)

t.test("the same seed gives the same rows; --test drops click; .gz is gzip", function()
  gen("--rows 300 --out " .. tmp .. "/b1.csv --seed 3")
  gen("--rows 300 --out " .. tmp .. "/b2.csv --seed 3")
  gen("--rows 300 --out " .. tmp .. "/c.csv --seed 4")
  t.same_table(lines(tmp .. "/b1.csv"), lines(tmp .. "/b2.csv"))
  t.ok(lines(tmp .. "/b1.csv")[2] ~= lines(tmp .. "/c.csv")[2], "another seed, other rows")
  gen("--rows 10 --test --out " .. tmp .. "/d.csv.gz")
  local out, status = t.sh("gzip -dc " .. tmp .. "/d.csv.gz | head -1")
  t.eq(status, 0)
  t.eq(out, "id,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,"
    .. "device_id,device_ip,device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21\n")
end)

t.run()
