-- tide.plot — line, scatter, histogram and ROC charts as standalone SVG,
-- with no dependency: the notebooks' plots and `tide plot`.
--
--   local plot = tide.plot
--   local c = plot.line { x = xs, y = ys, title = "rows/s", xlabel = "batch" }
--   c:save("rate.svg")       -- or c:show(): inline in a `tide notebook` report
--   plot.line { series = { { name = "input", x = xs, y = a }, { name = "processed", x = xs, y = b } } }
--   plot.histogram { values = durations, bins = 20 }
--   plot.roc { fpr = fpr, tpr = tpr, auc = 0.73 }
--
-- Every chart takes title, xlabel, ylabel, width (640) and height (360).
local M = {}

local Chart = {}
Chart.__index = Chart

local PALETTE = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b" }
local MARGIN = { left = 64, right = 16, top = 36, bottom = 48 }

local function escape(s)
  return (tostring(s):gsub("[&<>\"]", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;" }))
end

local function num(v) return ("%.2f"):format(v) end

-- The ticks of an axis over [lo, hi]: about five steps of 1, 2 or 5 times
-- a power of ten (at least 1 when the values are all integers: no batch
-- 0.5), and their labels, each with the digits its step needs, so that no
-- two ticks read the same (0.10010 0.10015 0.10020, not 0.1001 0.1001
-- 0.1002). Returns { values, labels } and the axis' ends (the first and
-- last tick).
local function ticks(lo, hi, integers)
  if hi <= lo then
    -- One value: a band of 5% around it (20000 rows/s reads 19000 ...
    -- 21000, not 19999.6 ... 20000.4), or of 0.5 around 0.
    local pad = lo ~= 0 and math.abs(lo) * 0.05 or 0.5
    lo, hi = lo - pad, hi + pad
  end
  local raw = (hi - lo) / 5
  local power = math.floor(math.log10(raw))
  local step
  for _, f in ipairs({ 1, 2, 5, 10 }) do
    step = f * 10 ^ power
    if step >= raw then
      if f == 10 then power = power + 1 end
      break
    end
  end
  if integers and step < 1 then step, power = 1, 0 end
  -- Tick i is i * step, not a running sum that drifts; the slack keeps
  -- lo = 0.3 (0.3 / 0.1 = 2.9999999999999996) from starting a tick lower.
  local first, last = math.floor(lo / step + 1e-6), math.ceil(hi / step - 1e-6)
  local values = {}
  for i = first, last do values[#values + 1] = i == 0 and 0 or i * step end
  local biggest = math.max(math.abs(values[1]), math.abs(values[#values]))
  local format
  if biggest >= 1e15 or biggest < 1e-4 then
    -- Scientific, with the significant digits from the biggest value's
    -- down to the step's.
    format = ("%%.%dg"):format(math.min(17, math.max(1, math.floor(math.log10(biggest)) - power + 1)))
  else
    format = ("%%.%df"):format(math.max(0, -power))
  end
  local labels = {}
  for i, v in ipairs(values) do labels[i] = format:format(v) end
  return { values = values, labels = labels }, values[1], values[#values]
end

local function finite(v) return type(v) == "number" and v == v and v ~= math.huge and v ~= -math.huge end

-- The range of the finite values of several lists, and whether they are
-- all integers.
local function range(lists)
  local lo, hi, integers = math.huge, -math.huge, true
  for _, list in ipairs(lists) do
    for _, v in ipairs(list) do
      if finite(v) then
        if v < lo then lo = v end
        if v > hi then hi = v end
        if integers and v ~= math.floor(v) then integers = false end
      end
    end
  end
  if lo > hi then return 0, 1, false end
  return lo, hi, integers
end

local function new(kind, opts)
  local c = setmetatable({
    kind = kind,
    title = opts.title or "",
    xlabel = opts.xlabel or "",
    ylabel = opts.ylabel or "",
    width = opts.width or 640,
    height = opts.height or 360,
    series = {},
    bars = nil,
  }, Chart)
  return c
end

local function check_series(name, x, y)
  if type(y) ~= "table" then error(("plot: series %s needs a list of y values"):format(name), 3) end
  if x == nil then
    x = {}
    for i = 1, #y do x[i] = i end
  end
  if #x ~= #y then error(("plot: series %s has %d x values and %d y values"):format(name, #x, #y), 3) end
  return x, y
end

local function series_of(opts)
  local list = {}
  if opts.series then
    for i, s in ipairs(opts.series) do
      local x, y = check_series(s.name or tostring(i), s.x, s.y)
      list[i] = { name = s.name or ("series " .. i), x = x, y = y, dashed = s.dashed }
    end
  else
    local x, y = check_series(opts.name or "1", opts.x, opts.y)
    list[1] = { name = opts.name, x = x, y = y }
  end
  return list
end

function M.line(opts)
  local c = new("line", opts)
  c.series = series_of(opts)
  return c
end

function M.scatter(opts)
  local c = new("scatter", opts)
  c.series = series_of(opts)
  return c
end

-- Equal-width bins over the finite values (bins = 10 by default).
function M.histogram(opts)
  local values = opts.values or error("plot.histogram needs values", 2)
  local c = new("histogram", opts)
  local nbins = opts.bins or 10
  local lo, hi = range({ values })
  if hi == lo then hi = lo + 1 end
  local width = (hi - lo) / nbins
  local counts = {}
  for i = 1, nbins do counts[i] = 0 end
  for _, v in ipairs(values) do
    if finite(v) then
      local i = math.min(nbins, math.floor((v - lo) / width) + 1)
      counts[i] = counts[i] + 1
    end
  end
  c.bars = { lo = lo, width = width, counts = counts }
  if c.ylabel == "" then c.ylabel = "count" end
  return c
end

-- A ROC curve from fpr/tpr lists, or from labels (0/1) and scores.
function M.roc(opts)
  local fpr, tpr = opts.fpr, opts.tpr
  if not fpr then
    local labels, scores = opts.labels, opts.scores
    if not (labels and scores) then error("plot.roc needs fpr and tpr, or labels and scores", 2) end
    fpr, tpr = M.rocPoints(labels, scores)
  end
  local title = opts.title or "ROC curve"
  if opts.auc then title = ("%s (AUC = %.4f)"):format(title, opts.auc) end
  local c = new("line", {
    title = title, xlabel = opts.xlabel or "false positive rate", ylabel = opts.ylabel or "true positive rate",
    width = opts.width or 420, height = opts.height or 420,
  })
  c.series = { { name = "model", x = fpr, y = tpr }, { name = "chance", x = { 0, 1 }, y = { 0, 1 }, dashed = true } }
  c.fixed = { 0, 1, 0, 1 }
  return c
end

-- The points of a ROC curve: scores sorted descending, ties taken together.
function M.rocPoints(labels, scores, max_points)
  local n = #labels
  local order = {}
  for i = 1, n do order[i] = i end
  table.sort(order, function(a, b) return scores[a] > scores[b] end)
  local pos, neg = 0, 0
  for i = 1, n do
    if labels[i] == 1 or labels[i] == true then pos = pos + 1 else neg = neg + 1 end
  end
  -- A chart needs no more points than it has pixels: thresholds are taken
  -- every `step` rows (as Spark's BinaryClassificationMetrics bins them),
  -- always at a change of score, so the curve keeps its shape.
  local step = math.max(1, math.floor(n / (max_points or 1000)))
  local fpr, tpr = { 0 }, { 0 }
  local tp, fp, i, since = 0, 0, 1, 0
  while i <= n do
    local s = scores[order[i]]
    while i <= n and scores[order[i]] == s do
      local l = labels[order[i]]
      if l == 1 or l == true then tp = tp + 1 else fp = fp + 1 end
      i = i + 1
      since = since + 1
    end
    if since >= step or i > n then
      fpr[#fpr + 1] = neg > 0 and fp / neg or 0
      tpr[#tpr + 1] = pos > 0 and tp / pos or 0
      since = 0
    end
  end
  return fpr, tpr
end

-- ---- rendering -------------------------------------------------------------

local function frame(c, xlo, xhi, ylo, yhi)
  local plot_w = c.width - MARGIN.left - MARGIN.right
  local plot_h = c.height - MARGIN.top - MARGIN.bottom
  local function px(v) return MARGIN.left + (v - xlo) / (xhi - xlo) * plot_w end
  local function py(v) return MARGIN.top + plot_h - (v - ylo) / (yhi - ylo) * plot_h end
  return px, py, plot_w, plot_h
end

local function axes(out, c, xt, yt, px, py, plot_w, plot_h)
  local bottom, left = MARGIN.top + plot_h, MARGIN.left
  for i, v in ipairs(yt.values) do
    local y = num(py(v))
    out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e0e0e0"/>'):format(left, y, num(left + plot_w), y)
    out[#out + 1] = ('<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>')
      :format(left - 6, y, escape(yt.labels[i]))
  end
  for i, v in ipairs(xt.values) do
    local x = num(px(v))
    out[#out + 1] = ('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e0e0e0"/>'):format(x, MARGIN.top, x, bottom)
    out[#out + 1] = ('<text x="%s" y="%d" text-anchor="middle">%s</text>'):format(x, bottom + 16, escape(xt.labels[i]))
  end
  out[#out + 1] = ('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>')
    :format(left, MARGIN.top, plot_w, plot_h)
  out[#out + 1] = ('<text x="%d" y="%d" text-anchor="middle" font-size="14" font-weight="bold">%s</text>')
    :format(c.width / 2, 22, escape(c.title))
  out[#out + 1] = ('<text x="%s" y="%d" text-anchor="middle">%s</text>')
    :format(num(left + plot_w / 2), c.height - 10, escape(c.xlabel))
  out[#out + 1] = ('<text x="14" y="%s" text-anchor="middle" transform="rotate(-90 14 %s)">%s</text>')
    :format(num(MARGIN.top + plot_h / 2), num(MARGIN.top + plot_h / 2), escape(c.ylabel))
end

local function legend(out, c, plot_w)
  local named = {}
  for i, s in ipairs(c.series) do
    if s.name then named[#named + 1] = { s.name, PALETTE[(i - 1) % #PALETTE + 1] } end
  end
  if #named < 2 then return end
  local x, y = MARGIN.left + plot_w - 150, MARGIN.top + 8
  for i, entry in ipairs(named) do
    local ly = y + (i - 1) * 16
    out[#out + 1] = ('<rect x="%d" y="%d" width="12" height="4" fill="%s"/>'):format(x, ly + 4, entry[2])
    out[#out + 1] = ('<text x="%d" y="%d" dominant-baseline="middle">%s</text>'):format(x + 18, ly + 6, escape(entry[1]))
  end
end

local function render_series(out, c, px, py)
  for i, s in ipairs(c.series) do
    local color = PALETTE[(i - 1) % #PALETTE + 1]
    if c.kind == "scatter" then
      for j = 1, #s.x do
        if finite(s.x[j]) and finite(s.y[j]) then
          out[#out + 1] = ('<circle cx="%s" cy="%s" r="2.5" fill="%s" fill-opacity="0.7"/>')
            :format(num(px(s.x[j])), num(py(s.y[j])), color)
        end
      end
    else
      local points = {}
      for j = 1, #s.x do
        if finite(s.x[j]) and finite(s.y[j]) then points[#points + 1] = num(px(s.x[j])) .. "," .. num(py(s.y[j])) end
      end
      out[#out + 1] = ('<polyline fill="none" stroke="%s" stroke-width="1.8"%s points="%s"/>')
        :format(color, s.dashed and ' stroke-dasharray="5,4"' or "", table.concat(points, " "))
    end
  end
end

function Chart:svg()
  local out = {
    ('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
      .. 'font-family="sans-serif" font-size="11">'):format(self.width, self.height, self.width, self.height),
    ('<rect width="%d" height="%d" fill="white"/>'):format(self.width, self.height),
  }
  local xlo, xhi, ylo, yhi, x_integers, y_integers
  if self.bars then
    local b = self.bars
    xlo, xhi = b.lo, b.lo + b.width * #b.counts
    local _, most = range({ b.counts })
    ylo, yhi, y_integers = 0, math.max(1, most), true
  elseif self.fixed then
    xlo, xhi, ylo, yhi = self.fixed[1], self.fixed[2], self.fixed[3], self.fixed[4]
  else
    local xs, ys = {}, {}
    for i, s in ipairs(self.series) do xs[i], ys[i] = s.x, s.y end
    xlo, xhi, x_integers = range(xs)
    ylo, yhi, y_integers = range(ys)
  end
  local xt, yt
  xt, xlo, xhi = ticks(xlo, xhi, x_integers)
  yt, ylo, yhi = ticks(ylo, yhi, y_integers)
  local px, py, plot_w, plot_h = frame(self, xlo, xhi, ylo, yhi)
  axes(out, self, xt, yt, px, py, plot_w, plot_h)
  if self.bars then
    local b = self.bars
    for i, count in ipairs(b.counts) do
      local x0, x1 = px(b.lo + (i - 1) * b.width), px(b.lo + i * b.width)
      local y = py(count)
      out[#out + 1] = ('<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="white"/>')
        :format(num(x0), num(y), num(math.max(0, x1 - x0)), num(py(0) - y), PALETTE[1])
    end
  else
    render_series(out, self, px, py)
    legend(out, self, plot_w)
  end
  out[#out + 1] = "</svg>"
  return table.concat(out, "\n") .. "\n"
end

function Chart:save(path)
  local f, err = io.open(path, "wb")
  if not f then error("plot: cannot write " .. tostring(err), 2) end
  f:write(self:svg())
  f:close()
  return path
end

-- In a `tide notebook` run the chart goes into the report; elsewhere a
-- line says what it is (save it with :save(path)).
function Chart:show()
  local display = require("tide.display")
  if display.handler then return display.handler("svg", self:svg(), self) end
  print(tostring(self))
end

Chart.__tostring = function(c)
  local points = 0
  for _, s in ipairs(c.series) do points = points + #s.x end
  if c.bars then points = #c.bars.counts end
  return ("<%s chart%s: %d %s; :save(path) writes the SVG>"):format(c.kind,
    c.title ~= "" and (" '" .. c.title .. "'") or "", points, c.bars and "bins" or "points")
end

function M.isChart(v) return getmetatable(v) == Chart end

-- ---- the seed's four progress charts ----------------------------------------

-- Progress records (tables as StreamingQuery.lastProgress gives, or JSON
-- lines) → the four charts the seed drew from Spark's progress.
function M.progressCharts(records)
  local batch, input, processed, duration = {}, {}, {}, {}
  for i, p in ipairs(records) do
    batch[i] = tonumber(p.batchId) or i - 1
    input[i] = tonumber(p.inputRowsPerSecond) or 0
    processed[i] = tonumber(p.processedRowsPerSecond) or 0
    duration[i] = tonumber(p.durationMs and p.durationMs.triggerExecution) or 0
  end
  return {
    inputRowsPerSecond = M.line { x = batch, y = input, title = "Input rows per second", xlabel = "batch",
      ylabel = "rows/s" },
    processedRowsPerSecond = M.line { x = batch, y = processed, title = "Processed rows per second",
      xlabel = "batch", ylabel = "rows/s" },
    batchDuration = M.line { x = batch, y = duration, title = "Batch duration", xlabel = "batch", ylabel = "ms" },
    batchDurationHistogram = M.histogram { values = duration, bins = 20, title = "Batch durations",
      xlabel = "ms", ylabel = "batches" },
  }
end

-- Reads a progress log: JSON lines (tide's progressLog) or one JSON array
-- (as Spark's recentProgress is often saved).
function M.readProgress(path)
  local json = require("tide.json")
  local f, err = io.open(path, "rb")
  if not f then error("tide.plot.readProgress: cannot read " .. tostring(err), 0) end
  local text = f:read("*a")
  f:close()
  if text:match("^%s*%[") then
    local ok, list = pcall(json.decode, text)
    if not ok then error(("tide.plot.readProgress: %s: %s"):format(path, list), 0) end
    return list
  end
  local records, line_no = {}, 0
  for line in (text .. "\n"):gmatch("(.-)\n") do
    line_no = line_no + 1
    if line:match("%S") then
      local ok, rec = pcall(json.decode, line)
      if not ok then
        error(("tide.plot.readProgress: %s:%d: not a progress record (a line of JSON): %s"):format(path, line_no,
          rec), 0)
      end
      records[#records + 1] = rec
    end
  end
  return records
end

M.usage = [[
usage: tide plot PROGRESS [--out DIR]

Draws the four charts of a streaming query's progress as SVG files:
input rows/s, processed rows/s and batch duration per batch, and a
histogram of batch durations. PROGRESS is a progress log (one JSON record
per line, as the progressLog option writes) or a JSON array of records.

  --out DIR   where the SVG files go (default: the current directory)
]]

-- `tide plot`: returns the exit status.
function M.main(args)
  local path, out = nil, "."
  local i = 1
  while i <= #args do
    local a = args[i]
    if a == "--out" or a == "-o" then
      out = args[i + 1] or error("tide plot: --out needs a directory", 0)
      i = i + 1
    elseif a == "--help" or a == "-h" then
      io.write(M.usage)
      return 0
    elseif not path then
      path = a
    else
      io.stderr:write("tide plot: unexpected argument " .. a .. "\n" .. M.usage)
      return 2
    end
    i = i + 1
  end
  if not path then
    io.stderr:write(M.usage)
    return 2
  end
  -- A file that cannot be read or holds no records is the user's to fix:
  -- a line saying so, no traceback.
  local ok, records = pcall(M.readProgress, path)
  if not ok then
    io.stderr:write((tostring(records):gsub("^tide%.plot%.readProgress: ", "tide plot: ")), "\n")
    return 1
  end
  if #records == 0 then
    io.stderr:write("tide plot: " .. path .. " holds no progress records\n")
    return 1
  end
  os.execute(("mkdir -p '%s'"):format(out:gsub("'", "'\\''")))
  local names = { "inputRowsPerSecond", "processedRowsPerSecond", "batchDuration", "batchDurationHistogram" }
  local charts = M.progressCharts(records)
  for _, name in ipairs(names) do
    local file = out .. "/" .. name .. ".svg"
    charts[name]:save(file)
    print(file)
  end
  return 0
end

return M
