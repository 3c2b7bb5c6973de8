-- scripts/gen_ctr.lua: Avazu-shaped rows, deterministic for a seed, with a
-- click rate near Avazu's, ids past 2^63, gzip output, Avazu's shape (sites
-- with their domains, power-law ids, one dominant device_id, nearly unique
-- device_ip) and the true click probability of every row (--truth).
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

local function csv_rows(path)
  local rows, header = {}, nil
  for line in io.lines(path) do
    local fields = {}
    for f in (line .. ","):gmatch("([^,]*),") do fields[#fields + 1] = f end
    if not header then
      header = {}
      for i, name in ipairs(fields) do header[name] = i end
    else
      rows[#rows + 1] = fields
    end
  end
  return rows, header
end

t.test("Avazu's shape: sites with their domains, power-law ids, a dominant device_id, unique ips", function()
  gen("--rows 20000 --out " .. tmp .. "/s.csv --seed 11")
  local rows, col = csv_rows(tmp .. "/s.csv")
  local domain_of, app_domain_of, site_count, app_count = {}, {}, {}, {}
  local common_device, ips, placeholder_sites = 0, {}, 0
  for _, r in ipairs(rows) do
    local site, domain, app = r[col.site_id], r[col.site_domain], r[col.app_id]
    t.eq(domain_of[site] or domain, domain, "site " .. site .. " has one domain")
    domain_of[site] = domain
    t.eq(app_domain_of[app] or r[col.app_domain], r[col.app_domain], "app " .. app .. " has one domain")
    app_domain_of[app] = r[col.app_domain]
    -- a row is on a site or in an app; the other side holds Avazu's placeholders
    if site == "85f751fd" then
      placeholder_sites = placeholder_sites + 1
      t.ok(app ~= "ecad2386", "an in-app row names its app")
      app_count[app] = (app_count[app] or 0) + 1
    else
      t.eq(app, "ecad2386", "a site row has the placeholder app")
      site_count[site] = (site_count[site] or 0) + 1
    end
    if r[col.device_id] == "a99f214a" then common_device = common_device + 1 end
    ips[r[col.device_ip]] = true
  end
  local share = common_device / #rows
  t.ok(share > 0.78 and share < 0.86, "a99f214a share " .. share)
  local distinct_ips = 0
  for _ in pairs(ips) do distinct_ips = distinct_ips + 1 end
  t.ok(distinct_ips > 0.8 * #rows, "distinct device_ip " .. distinct_ips)
  local in_app = placeholder_sites / #rows
  t.ok(in_app > 0.32 and in_app < 0.40, "in-app share " .. in_app)
  -- Power law: log(count) falls linearly with log(rank), slope about -1.2.
  for what, counts in pairs({ site = site_count, app = app_count }) do
    local sorted = {}
    for _, c in pairs(counts) do sorted[#sorted + 1] = c end
    table.sort(sorted, function(a, b) return a > b end)
    local sx, sy, sxx, sxy, n = 0, 0, 0, 0, 30
    for k = 1, n do
      local x, y = math.log(k), math.log(sorted[k])
      sx, sy, sxx, sxy = sx + x, sy + y, sxx + x * x, sxy + x * y
    end
    local slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
    t.ok(slope < -0.9 and slope > -1.6, what .. " rank/frequency slope " .. slope)
    t.ok(#sorted > 300, what .. " ids seen: " .. #sorted)
  end
end)

t.test("--truth adds p_true: the probability each click was drawn with", function()
  gen("--rows 40000 --truth --out " .. tmp .. "/p.csv --seed 9")
  local rows, col = csv_rows(tmp .. "/p.csv")
  t.eq(col.p_true, 25, "p_true is the last column")
  -- Calibration: within each decile of p_true, the click rate is the mean p_true.
  table.sort(rows, function(a, b) return tonumber(a[25]) < tonumber(b[25]) end)
  local lo_mean, hi_mean
  for d = 0, 9 do
    local clicks, sum, n = 0, 0, 0
    for i = d * 4000 + 1, (d + 1) * 4000 do
      local p = tonumber(rows[i][25])
      t.ok(p > 0 and p < 1, "p_true in (0, 1)")
      clicks, sum, n = clicks + tonumber(rows[i][2]), sum + p, n + 1
    end
    local mean, rate = sum / n, clicks / n
    -- 4 standard errors of a binomial rate
    t.ok(math.abs(rate - mean) < 4 * math.sqrt(mean * (1 - mean) / n),
      ("decile %d: click rate %.4f, mean p_true %.4f"):format(d, rate, mean))
    if d == 0 then lo_mean = mean elseif d == 9 then hi_mean = mean end
  end
  t.ok(hi_mean > 3 * lo_mean, ("a signal to learn: deciles from %.3f to %.3f"):format(lo_mean, hi_mean))
  gen("--rows 5 --test --truth --out " .. tmp .. "/q.csv")
  local header = io.lines(tmp .. "/q.csv")()
  t.ok(header:find("^id,hour,") and header:find(",C21,p_true$"), header)
end)

t.test("the rows for a seed stay the same from release to release", function()
  -- A change to the generator that changes these rows must bump
  -- tide.datagen.VERSION and this digest.
  gen("--rows 2000 --truth --out " .. tmp .. "/g.csv --seed 42")
  local out = t.sh("md5sum < " .. tmp .. "/g.csv")
  t.eq(out:match("^(%x+)"), "97d29162f17037a047ed7ec4513cc9e9")
  t.eq(require("tide.datagen").VERSION, 2)
end)

t.run()
