-- notebooks/ml_training.lua end to end on a small generated data set, as
-- `tide notebook` runs it: every cell succeeds, the report holds the
-- tables, the metrics and the charts, and the saved model loads and scores.
local t = require("testing")
local tide = require("tide")

local root = os.getenv("TIDE_SOURCE_DIR") or "."
local bin = os.getenv("TIDE_BIN") or "build/tide"
local tmp = t.tempdir()

local read = t.read

t.test("the training notebook runs and writes a report with metrics and charts", function()
  local out, status = t.sh(("cd '%s' && CTR_ROWS=20000 TIDE_DATA_DIR=data MODEL_PATH=model/ctr '%s' notebook '%s/notebooks/ml_training.lua' --out report.html")
    :format(tmp, bin, root))
  t.eq(status, 0, out)
  local html = read(tmp .. "/report.html")
  t.ok(html:find("<table", 1, true), "tables")
  t.ok(select(2, html:gsub("<svg", "")) >= 2, "ROC and histogram charts")
  local auc = tonumber(html:match("AUC (%d%.%d+), area under PR"))
  t.ok(auc and auc > 0.55 and auc < 1, "AUC " .. tostring(auc))
  -- (the ROC chart is the test split's summary's curve, its area the
  -- evaluator's: both bin to Spark's 1000 points)
  t.eq(tonumber(html:match("ROC on the test split %(AUC = (%d%.%d+)%)")), auc)
  t.ok(html:find("standardization = false: AUC", 1, true), "the comparison cell ran")
  local svm_auc = tonumber(html:match("LinearSVC: AUC (%d%.%d+)"))
  t.ok(svm_auc and svm_auc > 0.55 and svm_auc < 1, "the LinearSVC cell: AUC " .. tostring(svm_auc))
end)

t.test("an edit to the notebook's LogisticRegression reaches the comparison cell too", function()
  -- As a user edits it: maxIter = 0 leaves the model untrained, so both
  -- fits rank nothing (AUC 0.5) only when the comparison takes the edit.
  local source = read(root .. "/notebooks/ml_training.lua")
  local edited, n = source:gsub("ml%.LogisticRegression { maxIter = 10,", "ml.LogisticRegression { maxIter = 0,", 1)
  t.eq(n, 1, "the notebook's LogisticRegression stage")
  local f = assert(io.open(tmp .. "/edited.lua", "wb"))
  f:write(edited)
  f:close()
  local out, status = t.sh(("cd '%s' && CTR_ROWS=5000 TIDE_DATA_DIR=data_edit MODEL_PATH=model/edit '%s' run %s")
    :format(tmp, bin, "edited.lua"))
  t.eq(status, 0, out)
  t.ok(out:find("\nAUC 0.5000,", 1, true), out)
  t.ok(out:find("\nstandardization = false: AUC 0.5000,", 1, true), out)
end)

t.test("the saved pipeline loads and scores new rows", function()
  local model = tide.ml.PipelineModel.load(tmp .. "/model/ctr")
  local spark = tide.session()
  local rows = spark.read:format("csv"):option("header", "true"):option("inferSchema", "true")
    :load(tmp .. "/data/ctr_train.csv.gz"):limit(50)
  local scored = model:transform(rows):select("probability"):collect()
  t.eq(#scored, 50)
  for _, r in ipairs(scored) do t.ok(r.probability > 0 and r.probability < 1, tostring(r.probability)) end
end)

t.run()
