-- tide.plot: charts are well-formed SVG that renders (rsvg-convert) to an
-- image with the series drawn in it; `tide plot` draws the seed's four
-- progress charts from real Spark progress records.
local t = require("testing")
local png = require("png")
local tide = require("tide")
local plot = tide.plot

local tmp = t.tempdir()
local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or "build/tide"

-- Renders an SVG file and counts pixels near the given colour and pixels
-- that are not white.
local function render(svg_path, color)
  local png_path = svg_path .. ".png"
  local out, status = t.sh(("rsvg-convert -o '%s' '%s'"):format(png_path, svg_path))
  t.eq(status, 0, "rsvg-convert: " .. out)
  local w, h, pixel = png.decode(png_path)
  local colored, inked = 0, 0
  for y = 0, h - 1 do
    for x = 0, w - 1 do
      local r, g, b = pixel(x, y)
      if r < 250 or g < 250 or b < 250 then inked = inked + 1 end
      if color and math.abs(r - color[1]) < 40 and math.abs(g - color[2]) < 40 and math.abs(b - color[3]) < 40 then
        colored = colored + 1
      end
    end
  end
  return { width = w, height = h, colored = colored, inked = inked }
end

local BLUE = { 0x1f, 0x77, 0xb4 }

t.test("a line chart renders with its series drawn", function()
  local xs, ys = {}, {}
  for i = 1, 50 do xs[i], ys[i] = i, math.sin(i / 5) * 100 end
  local chart = plot.line { x = xs, y = ys, title = "sine", xlabel = "i", ylabel = "v" }
  local path = chart:save(tmp .. "/line.svg")
  local img = render(path, BLUE)
  t.eq(img.width, 640)
  t.eq(img.height, 360)
  t.ok(img.colored > 300, "series pixels: " .. img.colored)
  t.ok(img.inked < img.width * img.height / 2, "mostly white background")
end)

t.test("histogram bins count every finite value", function()
  local chart = plot.histogram { values = { 1, 1, 2, 3, 3, 3, 0 / 0, 10 }, bins = 3 }
  t.same_table(chart.bars.counts, { 6, 0, 1 })
  local img = render(chart:save(tmp .. "/hist.svg"), BLUE)
  t.ok(img.colored > 1000, "bars drawn: " .. img.colored)
end)

t.test("scatter and ROC charts render", function()
  local chart = plot.scatter { x = { 1, 2, 3 }, y = { 3, 1, 2 }, title = "s" }
  t.ok(render(chart:save(tmp .. "/scatter.svg"), BLUE).colored > 20)
  local fpr, tpr = plot.rocPoints({ 1, 0, 1, 0, 1 }, { 0.9, 0.8, 0.7, 0.2, 0.1 })
  t.same_table(fpr, { 0, 0, 0.5, 0.5, 1, 1 })
  t.same_table(tpr, { 0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1 })
  local roc = plot.roc { fpr = fpr, tpr = tpr, auc = 0.5 }
  t.ok(roc:svg():find("AUC = 0.5000", 1, true), "AUC in the title")
  t.ok(render(roc:save(tmp .. "/roc.svg"), BLUE).colored > 100)
end)

t.test("text is escaped and mismatched series are refused", function()
  local svg = plot.line { y = { 1, 2 }, title = "<b>&" }:svg()
  t.ok(svg:find("&lt;b&gt;&amp;", 1, true))
  t.raises(function() plot.line { x = { 1 }, y = { 1, 2 } } end, "1 x values and 2 y values")
end)

-- The tick labels of a chart's axis ("x" or "y"), in order, with where
-- each is drawn.
local function ticks(svg, axis)
  local list = {}
  if axis == "x" then
    for at, text in svg:gmatch('<text x="([%d.]+)" y="%d+" text%-anchor="middle">([^<]*)</text>') do
      list[#list + 1] = { at = tonumber(at), text = text }
    end
    table.remove(list) -- the axis title
  else
    local y_label = '<text x="%d+" y="([%d.]+)" text%-anchor="end" dominant%-baseline="middle">([^<]*)</text>'
    for at, text in svg:gmatch(y_label) do
      list[#list + 1] = { at = tonumber(at), text = text }
    end
  end
  return list
end

local function texts(list)
  local out = {}
  for i, tick in ipairs(list) do out[i] = tick.text end
  return table.concat(out, " ")
end

t.test("axis ticks are round steps, each labelled with the digits that tell it apart", function()
  local cases = {
    { { 0.1001, 0.1003 }, "0.10010 0.10015 0.10020 0.10025 0.10030" },
    { { 0.1, 0.3 }, "0.10 0.15 0.20 0.25 0.30" },
    { { 1234567.1, 1234567.9 }, "1234567.0 1234567.2 1234567.4 1234567.6 1234567.8 1234568.0" },
    { { 0, 0.7 }, "0.0 0.2 0.4 0.6 0.8" },
    { { 0.3, 0.7 }, "0.3 0.4 0.5 0.6 0.7" },
    { { -0.001, 0.002 }, "-0.001 0.000 0.001 0.002" },
    { { 0, 1e20 }, "0 2e+19 4e+19 6e+19 8e+19 1e+20" },
    { { 1e-9, 3e-9 }, "1e-09 1.5e-09 2e-09 2.5e-09 3e-09" },
    { { 1.5e15, 1.5e15 + 1e10 }, "1.5e+15 1.500002e+15 1.500004e+15 1.500006e+15 1.500008e+15 1.50001e+15" },
  }
  for _, case in ipairs(cases) do
    local xs = case[1]
    local list = ticks(plot.line { x = { xs[1], xs[2] }, y = { 1.5, 2.5 } }:svg(), "x")
    t.eq(texts(list), case[2], ("x from %.17g to %.17g"):format(xs[1], xs[2]))
    -- Where a tick is drawn is where its label's value belongs.
    local v1, v2 = tonumber(list[1].text), tonumber(list[2].text)
    for i = 3, #list do
      local expected = list[1].at + (tonumber(list[i].text) - v1) / (v2 - v1) * (list[2].at - list[1].at)
      t.ok(math.abs(list[i].at - expected) < 0.02,
        ("tick %s drawn at %s, not %s"):format(list[i].text, list[i].at, expected))
    end
  end
end)

t.test("integer data gets integer ticks; a constant series a band around its value", function()
  local chart = plot.line { x = { 0, 1 }, y = { 20000, 20000 }, xlabel = "batch" }
  local svg = chart:svg()
  t.eq(texts(ticks(svg, "x")), "0 1", "no batch 0.2")
  t.eq(texts(ticks(svg, "y")), "19000 19500 20000 20500 21000", "a constant 20000 rows/s")
  local huge = plot.line { y = { 1e20, 1e20 } }:svg()
  t.ok(huge:match('points="[%d.]+,[%d.]+ [%d.]+,[%d.]+"'), "a constant 1e20 is drawn: " .. huge)
  local hist = plot.histogram { values = { 1, 2, 2 }, bins = 2 }:svg()
  t.eq(texts(ticks(hist, "y")), "0 1 2", "counts are whole")
  t.eq(texts(ticks(plot.roc { fpr = { 0, 1 }, tpr = { 0, 1 } }:svg(), "x")), "0.0 0.2 0.4 0.6 0.8 1.0")
end)

t.test("tide plot draws the four progress charts from Spark's records", function()
  local out, status = t.sh(("'%s' plot '%s/tests/notebook/data/spark_progress_sample.json' --out '%s/charts'")
    :format(bin, root, tmp))
  t.eq(status, 0, out)
  for _, name in ipairs({ "inputRowsPerSecond", "processedRowsPerSecond", "batchDuration", "batchDurationHistogram" }) do
    local img = render(tmp .. "/charts/" .. name .. ".svg", BLUE)
    t.ok(img.colored > 100, name .. " has data drawn")
  end
  local msg, bad = t.sh(("'%s' plot /nonexistent.jsonl"):format(bin))
  t.eq(bad, 1)
  t.ok(msg:find("tide plot: cannot read /nonexistent.jsonl", 1, true), msg)
end)

t.test("tide.plot.readProgress's errors name it, not the tide plot command", function()
  t.raises(function() plot.readProgress("/nonexistent.jsonl") end, "tide.plot.readProgress: cannot read /nonexistent.jsonl")
  local f = assert(io.open(tmp .. "/bad.jsonl", "wb"))
  f:write('{"batchId": 0}\nnot json\n')
  f:close()
  t.raises(function() plot.readProgress(tmp .. "/bad.jsonl") end, "tide.plot.readProgress: " .. tmp .. "/bad.jsonl:2:")
end)

t.test("tide plot of a missing or wrong file says so in a line, exit 1, no traceback", function()
  local dir = t.tempdir()
  local out, status = t.sh(("'%s' plot '%s/none.jsonl' 2>&1"):format(bin, dir))
  t.eq(status, 1, out)
  t.eq(out, ("tide plot: cannot read %s/none.jsonl: No such file or directory\n"):format(dir))
  local f = assert(io.open(dir .. "/notes.txt", "w"))
  f:write("not json\n")
  f:close()
  out, status = t.sh(("'%s' plot '%s/notes.txt' 2>&1"):format(bin, dir))
  t.eq(status, 1, out)
  t.ok(out:find(dir .. "/notes.txt:1: not a progress record (a line of JSON)", 1, true), out)
  t.ok(not out:find("traceback", 1, true), out)
end)

t.run()
