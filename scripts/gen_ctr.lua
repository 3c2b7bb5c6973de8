-- scripts/gen_ctr.lua — synthetic click-through data in Avazu's format
-- (tide.datagen.ctr), from the command line.
--
--   tide run scripts/gen_ctr.lua [--rows N] [--out FILE[.gz]] [--test] [--seed S] [--truth]
--
-- --truth appends a p_true column: the click probability each row's click
-- was drawn with (the planted model's; see lua/tide/datagen.lua).
local datagen = require("tide.datagen")

local function usage(status)
  io.stderr:write("usage: tide run scripts/gen_ctr.lua [--rows N] [--out FILE[.gz]] [--test] [--seed S] [--truth]\n")
  os.exit(status)
end

local opts = { rows = 100000, out = "ctr_train.csv.gz", test = false, seed = 42, truth = false }
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--rows" then opts.rows = tonumber(arg[i + 1]) or usage(2); i = i + 1
  elseif a == "--out" then opts.out = arg[i + 1] or usage(2); i = i + 1
  elseif a == "--seed" then opts.seed = tonumber(arg[i + 1]) or usage(2); i = i + 1
  elseif a == "--test" then opts.test = true
  elseif a == "--truth" then opts.truth = true
  elseif a == "--help" or a == "-h" then usage(0)
  else io.stderr:write("gen_ctr: unknown argument " .. a .. "\n"); usage(2) end
  i = i + 1
end

local result = datagen.ctr(opts)
io.stderr:write(("gen_ctr: %d rows%s to %s; Bayes log loss %.4f\n"):format(result.rows,
  result.clicks and (" (%.1f%% clicks)"):format(result.clicks / math.max(result.rows, 1) * 100) or "", result.path,
  result.bayesLogLoss or 0))
