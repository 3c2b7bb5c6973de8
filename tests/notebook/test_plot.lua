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

t.run()
