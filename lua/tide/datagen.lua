-- tide.datagen — synthetic click-through data in Avazu's format, for the
-- training notebook, the producer, the tests and the benchmarks when the
-- real Kaggle files are not at hand (scripts/gen_ctr.lua is its command line).
--
--   tide.datagen.ctr{ rows = 100000, out = "train.csv.gz", test = false, seed = 42, truth = false }
--     -> { rows = N, clicks = N (train data only), path = out, bayesLogLoss = mean entropy of p_true }
--
-- Columns and value shapes follow Avazu's train.gz (id, click, hour, C1,
-- banner_pos, nine 8-hex-digit categorical ids, device_type,
-- device_conn_type, C14..C21); test = true leaves out `click`, as test.gz
-- does; truth = true appends `p_true`, the click probability the row's
-- click was drawn with (%.17g, so it reads back exactly).
--
-- The shape, as Avazu's: a row is shown on a site (64%) or in an app; the
-- other side carries Avazu's placeholder values (site 85f751fd, app
-- ecad2386, with their domains and categories). Site and app ids are
-- power-law (Zipf) distributed; each site has its own domain (a few share
-- one) and category, each app its domain and category. device_id is
-- a99f214a in 82% of rows and unique otherwise; device_ip is nearly
-- unique (85% of rows; the rest come from 2,000 busy ips).
--
-- The planted model: logit P(click) = bias + Σ w[column][value] over hour
-- of day, C1, banner_pos, site_id, site_category, app_id, app_category,
-- device_model, device_type, device_conn_type, C15 (each width is one ad
-- size, C15 x C16) and C18. The weights sit on each column's most frequent
-- values (the top 60 of the id columns); rarer values have no effect of
-- their own. The bias gives Avazu's 17% click rate. Nothing else — device
-- ids and ips, domains, C14, C17, C19..C21 — carries signal.
--
-- The output is the same for the same seed (the generator is xorshift64*,
-- the same on every platform); a path ending in .gz is gzip-compressed.
local ffi = require("ffi")

local M = {}

M.VERSION = 2 -- bumped whenever the rows for a seed change

-- Avazu's placeholders: the site side of in-app rows and the app side of
-- site rows.
local SITE_NONE = { "85f751fd", "c4e18dd6", "50e219e0" }
local APP_NONE = { "ecad2386", "7801e8d9", "07d7df22" }
local COMMON_DEVICE_ID = "a99f214a"

local SITES, APPS, MODELS, TOP = 3000, 4000, 5000, 60

function M.ctr(opts)
  opts = opts or {}
  opts = { rows = opts.rows or 100000, out = opts.out or "ctr_train.csv.gz", test = opts.test or false,
           seed = opts.seed or 42, truth = opts.truth or false }
  -- xorshift64*: the same sequence on every platform and LuaJIT build.
  local state = ffi.new("uint64_t[1]", 0x9E3779B97F4A7C15ULL + opts.seed)
  local function next_u64()
    local x = state[0]
    x = bit.bxor(x, bit.rshift(x, 12))
    x = bit.bxor(x, bit.lshift(x, 25))
    x = bit.bxor(x, bit.rshift(x, 27))
    state[0] = x
    return x * 0x2545F4914F6CDD1DULL
  end
  local function uniform() return tonumber(bit.rshift(next_u64(), 11)) / 9007199254740992 end
  local function hex8() return bit.tohex(tonumber(bit.rshift(next_u64(), 32) % 4294967296)) end
  local function gauss()
    local u = uniform()
    return math.sqrt(-2 * math.log(1 - u)) * math.cos(2 * math.pi * uniform())
  end

  -- A sampler of ranks 1..n: Zipf with exponent s (probability ∝ 1/k^s),
  -- or given probabilities. Inverse CDF by binary search.
  local function sampler(n, s, probs)
    local cdf = ffi.new("double[?]", n + 1)
    local total = 0
    for k = 1, n do
      total = total + (probs and probs[k] or 1 / k ^ s)
      cdf[k] = total
    end
    return function()
      local u = uniform() * total
      local lo, hi = 1, n
      while lo < hi do
        local mid = math.floor((lo + hi) / 2)
        if cdf[mid] > u then hi = mid else lo = mid + 1 end
      end
      return lo
    end
  end

  -- Hidden weights: Gaussian with standard deviation `spread` on the `top`
  -- most frequent values, none on the rest.
  local function weights(n, spread, top)
    local w = {}
    for k = 1, n do w[k] = k <= (top or n) and gauss() * spread or 0 end
    return w
  end

  -- A small column: values with given shares, a weight each.
  local function column(values, probs, spread)
    return { values = values, pick = sampler(#values, nil, probs), weights = weights(#values, spread) }
  end

  local small = {
    C1 = column({ 1005, 1002, 1010, 1012, 1007, 1001, 1008 }, { 92, 5.5, 2.2, 0.3, 0.04, 0.03, 0.01 }, 0.4),
    banner_pos = column({ 0, 1, 7, 2, 4, 5, 3 }, { 72, 27.8, 0.1, 0.03, 0.02, 0.01, 0.005 }, 0.3),
    device_type = column({ 1, 0, 4, 5, 2 }, { 92, 5.5, 1.9, 0.6, 0.01 }, 0.3),
    device_conn_type = column({ 0, 2, 3, 5 }, { 86, 8.3, 5.4, 0.3 }, 0.4),
    -- ad sizes (C15 x C16): each width is one size
    size = column({ { 320, 50 }, { 300, 250 }, { 216, 36 }, { 728, 90 }, { 120, 600 }, { 1024, 768 },
      { 480, 320 }, { 768, 1024 } }, { 93, 5.3, 0.8, 0.5, 0.3, 0.05, 0.04, 0.01 }, 0.4),
    C18 = column({ 0, 3, 2, 1 }, { 42, 34, 17, 7 }, 0.4),
  }
  local SMALL = { "C1", "banner_pos", "device_type", "device_conn_type", "size", "C18" }

  -- Sites: an id, a domain (mostly its own) and a category each.
  local categories = {}
  for k = 1, 26 do categories[k] = hex8() end
  local category_pick = sampler(#categories, 1.3)
  local site = { pick = sampler(SITES, 1.2), weights = weights(SITES, 0.6, TOP), id = {}, domain = {}, category = {} }
  for k = 1, SITES do
    site.id[k] = hex8()
    site.domain[k] = (k > 1 and uniform() < 0.15) and site.domain[math.floor(uniform() * (k - 1)) + 1] or hex8()
    site.category[k] = category_pick()
  end
  -- Apps: an id, one of 300 domains and a category each.
  local app_domains = {}
  for k = 1, 300 do app_domains[k] = hex8() end
  local app_domain_pick = sampler(#app_domains, 1.2)
  local app = { pick = sampler(APPS, 1.2), weights = weights(APPS, 0.6, TOP), id = {}, domain = {}, category = {} }
  for k = 1, APPS do
    app.id[k], app.domain[k], app.category[k] = hex8(), app_domains[app_domain_pick()], category_pick()
  end
  local site_category_weight, app_category_weight = weights(#categories, 0.4), weights(#categories, 0.4)
  local device_model = { pick = sampler(MODELS, 1.0), weights = weights(MODELS, 0.3, TOP), values = {} }
  for k = 1, MODELS do device_model.values[k] = hex8() end
  -- Most device ips are seen once; 15% of rows come from a few busy ones.
  local busy_ip = { pick = sampler(2000, 1.0), values = {} }
  for k = 1, 2000 do busy_ip.values[k] = hex8() end
  local hour_weight = {}
  for h = 0, 23 do hour_weight[h] = math.sin(h / 24 * 2 * math.pi) * 0.25 end

  -- The logit of a row without the bias, from its ranks (and the small
  -- columns' ranks in `picks`).
  local picks = {}
  local function logit(hour, in_app, s, a, m)
    local z = hour_weight[hour] + device_model.weights[m]
    if in_app then z = z + app.weights[a] + app_category_weight[app.category[a]]
    else z = z + site.weights[s] + site_category_weight[site.category[s]] end
    for i, name in ipairs(SMALL) do z = z + small[name].weights[picks[i]] end
    return z
  end

  local function draw()
    local hour, in_app = math.floor(uniform() * 24), uniform() < 0.36
    local s, a = site.pick(), app.pick() -- both drawn, so the sequence does not depend on in_app
    local m = device_model.pick()
    for i, name in ipairs(SMALL) do picks[i] = small[name].pick() end
    return hour, in_app, s, a, m
  end

  -- The bias that gives Avazu's 17% click rate: bisection over a sample.
  local BIAS
  do
    local sample = {}
    for k = 1, 4000 do sample[k] = logit(draw()) end
    local lo, hi = -15, 5
    for _ = 1, 60 do
      BIAS = (lo + hi) / 2
      local sum = 0
      for _, z in ipairs(sample) do sum = sum + 1 / (1 + math.exp(-(z + BIAS))) end
      if sum / #sample > 0.17 then hi = BIAS else lo = BIAS end
    end
  end

  local header = "id,click,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,"
    .. "device_id,device_ip,device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21"
  if opts.test then header = header:gsub(",click", "") end
  if opts.truth then header = header .. ",p_true" end

  local out
  if opts.out:match("%.gz$") then
    out = assert(io.popen("gzip -1 > '" .. opts.out:gsub("'", "'\\''") .. "'", "w"))
  else
    out = assert(io.open(opts.out, "wb"))
  end
  out:write(header, "\n")

  local buffer, clicks, entropy = {}, 0, 0
  local fields = {}
  for _ = 1, opts.rows do
    -- Unsigned 64-bit ids, half of them past 2^63, as Avazu's are.
    local id = tostring(next_u64()):gsub("ULL$", "")
    local day = 21 + math.floor(uniform() * 10)
    local hour, in_app, s, a, m = draw()
    local p = 1 / (1 + math.exp(-(BIAS + logit(hour, in_app, s, a, m))))
    local click = uniform() < p and 1 or 0
    clicks = clicks + click
    entropy = entropy - (p * math.log(p) + (1 - p) * math.log(1 - p))
    local f = fields
    local n = 1
    f[1] = id
    if not opts.test then n = n + 1; f[n] = click end
    f[n + 1] = ("14%02d%02d%02d"):format(10, day, hour)
    f[n + 2] = small.C1.values[picks[1]]
    f[n + 3] = small.banner_pos.values[picks[2]]
    if in_app then
      f[n + 4], f[n + 5], f[n + 6] = SITE_NONE[1], SITE_NONE[2], SITE_NONE[3]
      f[n + 7], f[n + 8], f[n + 9] = app.id[a], app.domain[a], categories[app.category[a]]
    else
      f[n + 4], f[n + 5], f[n + 6] = site.id[s], site.domain[s], categories[site.category[s]]
      f[n + 7], f[n + 8], f[n + 9] = APP_NONE[1], APP_NONE[2], APP_NONE[3]
    end
    f[n + 10] = uniform() < 0.82 and COMMON_DEVICE_ID or hex8()
    f[n + 11] = uniform() < 0.15 and busy_ip.values[busy_ip.pick()] or hex8()
    f[n + 12] = device_model.values[m]
    f[n + 13] = small.device_type.values[picks[3]]
    f[n + 14] = small.device_conn_type.values[picks[4]]
    local size = small.size.values[picks[5]]
    f[n + 15] = 15000 + math.floor(uniform() * 9000)
    f[n + 16], f[n + 17] = size[1], size[2]
    f[n + 18] = 1700 + math.floor(uniform() * 1000)
    f[n + 19] = small.C18.values[picks[6]]
    f[n + 20] = 35 + math.floor(uniform() * 8) * 4
    f[n + 21] = uniform() < 0.45 and -1 or 100000 + math.floor(uniform() * 200)
    f[n + 22] = 13 + math.floor(uniform() * 100)
    n = n + 22
    if opts.truth then n = n + 1; f[n] = ("%.17g"):format(p) end
    buffer[#buffer + 1] = table.concat(fields, ",", 1, n)
    if #buffer == 10000 then
      out:write(table.concat(buffer, "\n"), "\n")
      buffer = {}
    end
  end
  if #buffer > 0 then out:write(table.concat(buffer, "\n"), "\n") end
  local ok, how, code = out:close()
  if not ok then error(("datagen: writing %s failed (%s %s)"):format(opts.out, tostring(how), tostring(code)), 2) end
  return { rows = opts.rows, clicks = not opts.test and clicks or nil, path = opts.out,
           bayesLogLoss = opts.rows > 0 and entropy / opts.rows or nil }
end

return M
