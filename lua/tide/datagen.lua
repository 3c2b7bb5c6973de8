-- tide.datagen — synthetic click-through data in Avazu's format, for the
-- training notebook, the producer and the benchmarks when the real Kaggle
-- files are not at hand (scripts/gen_ctr.lua is its command line).
--
--   tide.datagen.ctr{ rows = 100000, out = "train.csv.gz", test = false, seed = 42 }
--     -> { rows = N, clicks = N (train data only), path = out }
--
-- Columns and value shapes follow Avazu's train.gz (id, click, hour, C1,
-- banner_pos, nine 8-hex-digit categorical ids, device_type,
-- device_conn_type, C14..C21); test = true leaves out `click`, as test.gz
-- does. Clicks are drawn from a hidden logistic model over the categorical
-- and small-integer columns (about 17% ones, as in Avazu), so a model
-- trained on the data has something real to learn; device_id and
-- device_ip are nearly unique per row, as in Avazu, so unseen categories
-- are the norm in a stream. The output is the same for the same seed; a
-- path ending in .gz is gzip-compressed.
local ffi = require("ffi")

local M = {}

function M.ctr(opts)
  opts = opts or {}
  opts = { rows = opts.rows or 100000, out = opts.out or "ctr_train.csv.gz", test = opts.test or false,
           seed = opts.seed or 42 }
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

  -- A categorical column: `size` values with a skewed (Zipf-like) frequency
  -- and a hidden weight each; `common` is the share of one dominant value.
  local function categorical(size, skew, spread, common)
    local values, weights = {}, {}
    for k = 1, size do
      values[k] = hex8()
      weights[k] = (uniform() * 2 - 1) * spread
    end
    return {
      pick = function()
        if common and uniform() < common then return 1 end
        return math.min(size, math.floor(size * uniform() ^ skew) + 1)
      end,
      values = values, weights = weights,
    }
  end

  local function choice(list, skew, spread)
    local c = categorical(#list, skew, spread)
    c.values = list
    return c
  end

  local cols = {
    C1 = choice({ 1005, 1002, 1010, 1012, 1007, 1001, 1008 }, 4, 0.5),
    banner_pos = choice({ 0, 1, 7, 2, 4, 5, 3 }, 5, 0.6),
    site_id = categorical(2000, 3, 0.8),
    site_domain = categorical(1500, 3, 0.3),
    site_category = categorical(20, 3, 0.9),
    app_id = categorical(2500, 3, 0.8, 0.6),
    app_domain = categorical(150, 3, 0.3, 0.6),
    app_category = categorical(25, 3, 0.9, 0.6),
    device_model = categorical(5000, 2, 0.2),
    device_type = choice({ 1, 0, 4, 5, 2 }, 6, 0.5),
    device_conn_type = choice({ 0, 2, 3, 5 }, 4, 0.5),
    C15 = choice({ 320, 300, 216, 728, 120, 1024, 480, 768 }, 5, 0.4),
    C16 = choice({ 50, 250, 36, 480, 90, 20, 768, 1024, 320 }, 5, 0.4),
    C18 = choice({ 0, 3, 2, 1 }, 2, 0.5),
  }
  local app_site = cols.app_id.values[1]
  local hour_weight = {}
  for h = 0, 23 do hour_weight[h] = math.sin(h / 24 * 2 * math.pi) * 0.3 end

  local header = "id,click,hour,C1,banner_pos,site_id,site_domain,site_category,app_id,app_domain,app_category,"
    .. "device_id,device_ip,device_model,device_type,device_conn_type,C14,C15,C16,C17,C18,C19,C20,C21"
  if opts.test then header = header:gsub(",click", "") end

  local out
  if opts.out:match("%.gz$") then
    out = assert(io.popen("gzip -1 > '" .. opts.out:gsub("'", "'\\''") .. "'", "w"))
  else
    out = assert(io.open(opts.out, "wb"))
  end
  out:write(header, "\n")

  local function pick(name)
    local c = cols[name]
    local k = c.pick()
    return c.values[k], c.weights[k]
  end

  local FEATURES = { "C1", "banner_pos", "site_id", "site_domain", "site_category", "app_id", "app_domain",
    "app_category", "device_model", "device_type", "device_conn_type", "C15", "C16", "C18" }

  -- The intercept that gives Avazu's 17% click rate for this seed's hidden
  -- weights: bisection over a sample of the weight sums.
  local BIAS
  do
    local sample = {}
    for k = 1, 4000 do
      local z = hour_weight[math.floor(uniform() * 24)]
      for _, name in ipairs(FEATURES) do z = z + cols[name].weights[cols[name].pick()] end
      sample[k] = z
    end
    local lo, hi = -15, 5
    for _ = 1, 50 do
      BIAS = (lo + hi) / 2
      local sum = 0
      for _, z in ipairs(sample) do sum = sum + 1 / (1 + math.exp(-(z + BIAS))) end
      if sum / #sample > 0.17 then hi = BIAS else lo = BIAS end
    end
  end

  local buffer, clicks = {}, 0
  for _ = 1, opts.rows do
    -- Unsigned 64-bit ids, half of them past 2^63, as Avazu's are.
    local id = tostring(next_u64()):gsub("ULL$", "")
    local day, hour = 21 + math.floor(uniform() * 10), math.floor(uniform() * 24)
    local z = BIAS + hour_weight[hour]
    local fields = {}
    local v = {}
    for _, name in ipairs(FEATURES) do
      local value, w = pick(name)
      v[name] = value
      z = z + w
    end
    -- Rows that are not in an app carry Avazu's placeholder app values.
    if v.app_id == app_site then v.app_domain, v.app_category = cols.app_domain.values[1], cols.app_category.values[1] end
    local device_id = uniform() < 0.82 and "a99f214a" or hex8()
    local click = uniform() < 1 / (1 + math.exp(-z)) and 1 or 0
    clicks = clicks + click
    fields[#fields + 1] = id
    if not opts.test then fields[#fields + 1] = click end
    fields[#fields + 1] = ("14%02d%02d%02d"):format(10, day, hour)
    for _, name in ipairs({ "C1", "banner_pos", "site_id", "site_domain", "site_category", "app_id", "app_domain",
      "app_category" }) do
      fields[#fields + 1] = v[name]
    end
    fields[#fields + 1] = device_id
    fields[#fields + 1] = hex8()
    fields[#fields + 1] = v.device_model
    fields[#fields + 1] = v.device_type
    fields[#fields + 1] = v.device_conn_type
    fields[#fields + 1] = 15000 + math.floor(uniform() * 9000)
    fields[#fields + 1] = v.C15
    fields[#fields + 1] = v.C16
    fields[#fields + 1] = 1700 + math.floor(uniform() * 1000)
    fields[#fields + 1] = v.C18
    fields[#fields + 1] = 35 + math.floor(uniform() * 8) * 4
    fields[#fields + 1] = uniform() < 0.45 and -1 or 100000 + math.floor(uniform() * 200)
    fields[#fields + 1] = 13 + math.floor(uniform() * 100)
    buffer[#buffer + 1] = table.concat(fields, ",")
    if #buffer == 10000 then
      out:write(table.concat(buffer, "\n"), "\n")
      buffer = {}
    end
  end
  if #buffer > 0 then out:write(table.concat(buffer, "\n"), "\n") end
  out:close()
  return { rows = opts.rows, clicks = not opts.test and clicks or nil, path = opts.out }
end

return M
