-- tide.ml.params — Spark's Params, as every ML stage has them: a stage
-- class made from a spec (defaults, choices, ranges, docs), uids, the
-- constructor table, setX/getX, values checked as PySpark's
-- TypeConverters check them, PySpark's Params API (explainParam, isSet,
-- hasDefault, extractParamMap, copy, ...) and a param's value as Spark's
-- JSON of it (a saved stage's paramMap). tide.ml.base gives all of it to
-- the stages.
local ffi = require("ffi")
local C = require("tide.ffi")
local checks = require("tide.checks")
local json = require("tide.json")

local M = {}

-- Raises msg at the line of the user's script (tide.ml.base's fail).
local fail = checks.failAtUser

-- ---- uids ------------------------------------------------------------------------

local uid_state = ffi.new("uint64_t[1]", 0x2545F4914F6CDD1DULL + math.floor(C.tide_now() * 1e6) % 1000003)
function M.uid(prefix)
  local x = uid_state[0]
  x = bit.bxor(x, bit.rshift(x, 12)); x = bit.bxor(x, bit.lshift(x, 25)); x = bit.bxor(x, bit.rshift(x, 27))
  uid_state[0] = x
  return prefix .. "_" .. bit.tohex(tonumber(bit.rshift(x, 32) % 4294967296)) .. bit.tohex(tonumber(x % 65536), 4)
end

-- ---- Params ------------------------------------------------------------------------

local REQUIRED = setmetatable({}, { __tostring = function() return "<required>" end })
M.REQUIRED = REQUIRED
local NONE = setmetatable({}, { __tostring = function() return "<none>" end })
M.NONE = NONE

local Params = {}
M.Params = Params

-- ---- what each param is (explainParam) ------------------------------------------------

-- Each param's doc, PySpark 3.5's words (pyspark.ml.param.shared and the
-- stage classes); a class's own (CLASS_DOCS, or the docs of its spec)
-- come first, for names whose meaning differs between classes.
local DOCS = {
  maxIter = "max number of iterations (>= 0).",
  regParam = "regularization parameter (>= 0).",
  featuresCol = "features column name.",
  labelCol = "label column name.",
  predictionCol = "prediction column name.",
  probabilityCol = "Column name for predicted class conditional probabilities. Note: Not all models output "
    .. "well-calibrated probability estimates! These probabilities should be treated as confidences, not "
    .. "precise probabilities.",
  rawPredictionCol = "raw prediction (a.k.a. confidence) column name.",
  inputCol = "input column name.",
  inputCols = "input column names.",
  outputCol = "output column name.",
  outputCols = "output column names.",
  numFeatures = "Number of features. Should be greater than 0.",
  seed = "random seed.",
  tol = "the convergence tolerance for iterative algorithms (>= 0).",
  relativeError = "the relative target precision for the approximate quantile algorithm. Must be in the range "
    .. "[0, 1]",
  handleInvalid = "how to handle invalid entries. Options are skip (which will filter out rows with bad values), "
    .. "or error (which will throw an error). More options may be added later.",
  elasticNetParam = "the ElasticNet mixing parameter, in range [0, 1]. For alpha = 0, the penalty is an L2 "
    .. "penalty. For alpha = 1, it is an L1 penalty.",
  fitIntercept = "whether to fit an intercept term.",
  standardization = "whether to standardize the training features before fitting the model.",
  threshold = "threshold in binary classification prediction, in range [0, 1]",
  thresholds = "Thresholds in multi-class classification to adjust the probability of predicting each class. "
    .. "Array must have length equal to the number of classes, with values > 0, excepting that at most one value "
    .. "may be 0. The class with largest value p/t is predicted, where p is the original probability of that "
    .. "class and t is the class's threshold.",
  weightCol = "weight column name. If this is not set or empty, we treat all instance weights as 1.0.",
  aggregationDepth = "suggested depth for treeAggregate (>= 2).",
  lowerBoundsOnCoefficients = "The lower bounds on coefficients if fitting under bound constrained optimization. "
    .. "The bound matrix must be compatible with the shape (1, number of features) for binomial regression, or "
    .. "(number of classes, number of features) for multinomial regression.",
  upperBoundsOnCoefficients = "The upper bounds on coefficients if fitting under bound constrained optimization. "
    .. "The bound matrix must be compatible with the shape (1, number of features) for binomial regression, or "
    .. "(number of classes, number of features) for multinomial regression.",
  lowerBoundsOnIntercepts = "The lower bounds on intercepts if fitting under bound constrained optimization. The "
    .. "bounds vector size must beequal with 1 for binomial regression, or the number oflasses for multinomial "
    .. "regression.",
  upperBoundsOnIntercepts = "The upper bounds on intercepts if fitting under bound constrained optimization. The "
    .. "bound vector size must be equal with 1 for binomial regression, or the number of classes for multinomial "
    .. "regression.",
  maxBlockSizeInMB = "maximum memory in MB for stacking input data into blocks. Data is stacked within "
    .. "partitions. If more than remaining data size in a partition then it is adjusted to the data size. Default "
    .. "0.0 represents choosing optimal value, depends on specific algorithm. Must be >= 0.",
  parallelism = "the number of threads to use when running parallel algorithms (>= 1).",
  collectSubModels = "Param for whether to collect a list of sub-models trained during tuning. If set to false, "
    .. "then only the single best sub-model will be available after fitting. If set to true, then all "
    .. "sub-models will be available. Warning: For large models, collecting all sub-models can cause OOMs on "
    .. "the Spark driver.",
  stringOrderType = "How to order labels of string column. The first label after ordering is assigned an index "
    .. "of 0. Supported options: frequencyDesc, frequencyAsc, alphabetDesc, alphabetAsc. Default is "
    .. "frequencyDesc. In case of equal frequency when under frequencyDesc/Asc, the strings are further sorted "
    .. "alphabetically",
  dropLast = "whether to drop the last category",
  min = "Lower bound of the output feature range",
  max = "Upper bound of the output feature range",
  withMean = "Center data with mean",
  withStd = "Scale to unit standard deviation",
  categoricalCols = "numeric columns to treat as categorical",
  labels = "Optional array of labels specifying index-string mapping. If not provided or if empty, then "
    .. "metadata from inputCol is used instead.",
  strategy = "strategy for imputation. If mean, then replace missing values using the mean value of the "
    .. "feature. If median, then replace missing values using the median value of the feature. If mode, then "
    .. "replace missing using the most frequent value of the feature.",
  missingValue = "The placeholder for the missing values. All occurrences of missingValue will be imputed.",
  family = "The name of family which is a description of the label distribution to be used in the model. "
    .. "Supported options: auto, binomial, multinomial",
  numBins = "Number of bins to down-sample the curves (ROC curve, PR curve) in area computation. If 0, no "
    .. "down-sampling will occur. Must be >= 0.",
  eps = "log-loss is undefined for p=0 or p=1, so probabilities are clipped to max(eps, min(1 - eps, p)). Must "
    .. "be in range (0, 0.5). The default value is 1e-15.",
  metricLabel = "The class whose metric will be computed in truePositiveRateByLabel|falsePositiveRateByLabel|"
    .. "precisionByLabel|recallByLabel|fMeasureByLabel. Must be >= 0. The default value is 0.",
  beta = "The beta value used in weightedFMeasure|fMeasureByLabel. Must be > 0. The default value is 1.",
  estimator = "estimator to be cross-validated",
  estimatorParamMaps = "estimator param maps",
  evaluator = "evaluator used to select hyper-parameters that maximize the validator metric",
  numFolds = "number of folds for cross validation",
  foldCol = "Param for the column name of user specified fold number. Once this is specified, "
    .. ":py:class:`CrossValidator` won't do random k-fold split. Note that this column should be integer type "
    .. "with range [0, numFolds) and Spark will throw exception on out-of-range fold numbers.",
  trainRatio = "Param for ratio between train and     validation data. Must be between 0 and 1.",
  stages = "a list of pipeline stages",
  -- tide's own (OnlineLogisticRegression's FTRL-Proximal)
  alpha = "FTRL-Proximal learning rate alpha (> 0).",
  beta = "FTRL-Proximal learning rate beta (>= 0).",
  l1 = "L1 regularization strength (>= 0).",
  l2 = "L2 regularization strength (>= 0).",
}

local LR_THRESHOLD = "Threshold in binary classification prediction, in range [0, 1]. If threshold and "
  .. "thresholds are both set, they must match.e.g. if threshold is p, then thresholds must be equal to [1-p, p]."
local INDEXER_INVALID = "how to handle invalid data (unseen or NULL values) in features and label column of "
  .. "string type. Options are 'skip' (filter out rows with invalid data), error (throw an error), or 'keep' "
  .. "(put invalid data in a special additional bucket, at index numLabels)."
local ENCODER_INVALID = "How to handle invalid data during transform(). Options are 'keep' (invalid data "
  .. "presented as an extra categorical feature) or error (throw an error). Note that this Param is only used "
  .. "during transform; during fitting, invalid data will result in an error."
local CLASS_DOCS = {
  StringIndexer = { handleInvalid = INDEXER_INVALID },
  StringIndexerModel = { handleInvalid = INDEXER_INVALID },
  OneHotEncoder = { handleInvalid = ENCODER_INVALID },
  OneHotEncoderModel = { handleInvalid = ENCODER_INVALID },
  VectorAssembler = { handleInvalid = "How to handle invalid data (NULL and NaN values). Options are 'skip' "
    .. "(filter out rows with invalid data), 'error' (throw an error), or 'keep' (return relevant number of NaN "
    .. "in the output). Column lengths are taken from the size of ML Attribute Group, which can be set using "
    .. "`VectorSizeHint` in a pipeline before `VectorAssembler`. Column lengths can also be inferred from first "
    .. "rows of the data since it is safe to do so but only in case of 'error' or 'skip')." },
  LogisticRegression = { threshold = LR_THRESHOLD },
  LogisticRegressionModel = { threshold = LR_THRESHOLD },
  OnlineLogisticRegression = { threshold = LR_THRESHOLD },
  BinaryClassificationEvaluator = { metricName = "metric name in evaluation (areaUnderROC|areaUnderPR)" },
  MulticlassClassificationEvaluator = { metricName = "metric name in evaluation (f1|accuracy|weightedPrecision|"
    .. "weightedRecall|weightedTruePositiveRate| weightedFalsePositiveRate|weightedFMeasure|"
    .. "truePositiveRateByLabel| falsePositiveRateByLabel|precisionByLabel|recallByLabel|fMeasureByLabel| "
    .. "logLoss|hammingLoss)" },
}

-- A param as PySpark's Param describes it: name and doc (tide names a
-- param by its string everywhere; these are for reading, as
-- stage.params and stage:getParam(name) give them).
local PARAM_MT = { __tostring = function(p) return p.parent and (p.parent .. "__" .. p.name) or p.name end }

local TAKES_PARAM_MAP, taking_param_map

local function setter_name(p) return "set" .. p:sub(1, 1):upper() .. p:sub(2) end
local function getter_name(p) return "get" .. p:sub(1, 1):upper() .. p:sub(2) end

-- A stage's fit(df, params) and transform(df, params), as PySpark's:
-- params is a param map (PySpark's dict of Params, { [lr.maxIter] = 5 };
-- by name, { maxIter = 5 }; or a ParamGridBuilder's map) applied to a
-- copy of the stage, which does the work; fit also takes a list of maps
-- and returns a model for each, in order (PySpark's fit of a list).
TAKES_PARAM_MAP = { fit = true, transform = true }
taking_param_map = function(kind, method)
  return function(self, df, extra)
    if extra == nil then return method(self, df) end
    local grid = require("tide.ml.param_grid")
    local who = ("%s.%s"):format(self._name, kind)
    if type(extra) ~= "table" then
      fail(("%s: params must be a param map or a list of param maps, got %s"):format(who, type(extra)))
    end
    if kind == "fit" and extra[1] ~= nil then
      local models = {}
      for i, map in ipairs(extra) do models[i] = method(grid.withMap(self, map, who), df) end
      return models
    end
    return method(grid.withMap(self, extra, who), df)
  end
end

-- A stage class: name (Spark's simple name), sparkClass (the class its
-- metadata names), params (name -> default; NONE for no default),
-- choices (name -> list of allowed values) and ranges (name -> { lowest,
-- highest or nil }, inclusive: Spark's ParamValidators.gtEq and inRange).
function M.class(spec)
  local cls = { _name = spec.name, _sparkClass = spec.sparkClass, _defaults = spec.params or {},
                _choices = spec.choices or {}, _ranges = spec.ranges or {}, _order = {} }
  for k in pairs(cls._defaults) do cls._order[#cls._order + 1] = k end
  table.sort(cls._order)
  -- stage.params: the params sorted by name, as PySpark's
  cls._docs, cls.params = {}, {}
  for i, k in ipairs(cls._order) do
    local doc = (spec.docs and spec.docs[k]) or (CLASS_DOCS[spec.name] or {})[k] or DOCS[k] or ""
    cls._docs[k] = doc
    cls.params[i] = setmetatable({ name = k, doc = doc }, PARAM_MT)
  end
  -- (stage.regParam: the Param, as PySpark's attribute)
  cls.__index = function(self, key)
    local v = cls[key]
    if v ~= nil then return v end
    return M.paramAttribute(self, key)
  end
  cls.__tostring = function(self) return self.uid end
  for name in pairs(cls._defaults) do
    cls[setter_name(name)] = function(self, v) self:set(name, v); return self end
    cls[getter_name(name)] = function(self) return self:getOrDefault(name) end
  end
  setmetatable(cls, { __index = Params, __call = function(c, args) return c.new(args) end,
                      __newindex = function(c, key, value)
                        if TAKES_PARAM_MAP[key] and type(value) == "function" then
                          value = taking_param_map(key, value)
                        end
                        rawset(c, key, value)
                      end })
  cls.new = function(args)
    local self = setmetatable({ uid = M.uid(spec.name), _set = {} }, cls)
    if args ~= nil and type(args) ~= "table" then
      fail(("%s takes a table of parameters, e.g. %s{...}"):format(spec.name, spec.name))
    end
    for k, v in pairs(args or {}) do
      if k == "uid" then self.uid = v else self:set(k, v, 4) end
    end
    if cls._init then cls._init(self) end
    return self
  end
  return cls
end

-- (PySpark's hasParam takes a name only)
function Params:hasParam(name)
  if type(name) ~= "string" then fail("hasParam(): paramName must be a string") end
  return self._defaults[name] ~= nil
end

-- The name of a param given by name or as a stage.params entry; an
-- unknown one fails naming the stage's params.
local function param_name(self, p)
  local name = type(p) == "table" and p.name or p
  if type(name) ~= "string" or self._defaults[name] == nil then
    fail(("%s has no parameter %q (parameters: %s)"):format(self._name, tostring(name),
      table.concat(self._order, ", ")))
  end
  return name
end

-- Params whose kind the default cannot tell (it is NONE, or a number that
-- must be whole), checked as PySpark's TypeConverters check them, with
-- their messages: VectorAssembler{inputCols = "s"} fails at the
-- constructor, not inside transform with "bad argument #1 to 'ipairs'".
local STRING_LIST = { inputCols = true, outputCols = true, categoricalCols = true }
local STRING = { inputCol = true, outputCol = true, weightCol = true }
local INT = { maxIter = true, numFeatures = true, aggregationDepth = true, numBins = true, size = true, degree = true }
-- (PySpark's toMatrix and toVector: a Matrix; a Vector or a list of numbers)
local MATRIX = { lowerBoundsOnCoefficients = true, upperBoundsOnCoefficients = true }
local VECTOR = { lowerBoundsOnIntercepts = true, upperBoundsOnIntercepts = true, scalingVec = true }
local function linalg() return require("tide.ml.linalg") end
-- (and Spark's ParamValidators.checkThresholds: none below 0, one 0 at most)
local THRESHOLDS = { thresholds = true }

local function converted(name, value)
  if STRING_LIST[name] then
    local ok = type(value) == "table"
    if ok then
      for k, v in pairs(value) do
        if type(k) ~= "number" or k < 1 or k > #value or k ~= math.floor(k) or type(v) ~= "string" then ok = false end
      end
    end
    if not ok then return ("Could not convert %s to list of strings"):format(tostring(value)) end
  elseif STRING[name] then
    if type(value) ~= "string" then return ("Could not convert %s to string"):format(tostring(value)) end
  elseif THRESHOLDS[name] then
    local ok, zeros = type(value) == "table" and #value > 0, 0
    for k, v in pairs(ok and value or {}) do
      if type(k) ~= "number" or k < 1 or k > #value or type(v) ~= "number" or v ~= v then ok = false end
    end
    if not ok then return ("Could not convert %s to list of floats"):format(tostring(value)) end
    for _, v in ipairs(value) do
      if v < 0 then ok = false end
      if v == 0 then zeros = zeros + 1 end
    end
    if not ok or zeros > 1 then
      local texts = {}
      for i, v in ipairs(value) do texts[i] = tostring(v) end
      return ("thresholds given invalid value [%s]: each must be >= 0, and at most one 0"):format(
        table.concat(texts, ","))
    end
  elseif MATRIX[name] then
    if not linalg().isMatrix(value) then
      return ("Could not convert %s to matrix (ml.Matrices.dense(numRows, numCols, values))"):format(
        type(value) == "table" and "a Lua table" or tostring(value))
    end
  elseif VECTOR[name] then
    local ok = linalg().isVector(value) or type(value) == "table" and #value > 0
    if ok and not linalg().isVector(value) then
      for k, v in pairs(value) do
        if type(k) ~= "number" or k < 1 or k > #value or type(v) ~= "number" then ok = false end
      end
    end
    if not ok then return ("Could not convert %s to vector"):format(tostring(value)) end
  elseif INT[name] then
    if type(value) == "cdata" then value = tonumber(value) end
    if type(value) ~= "number" or value ~= math.floor(value) or value ~= value then
      return ("Could not convert %s to int"):format(tostring(value))
    end
  end
end

-- (errors are raised at the user's line, whoever called set)
function Params:set(name, value)
  if getmetatable(name) == PARAM_MT then name = name.name end
  if self._defaults[name] == nil then
    local known = table.concat(self._order, ", ")
    fail(("%s has no parameter %q (parameters: %s)"):format(self._name, tostring(name), known))
  end
  -- A value of the default's kind (a number where the default is one),
  -- so that a typo fails here and not inside fit.
  local default = self._defaults[name]
  local want = (default ~= NONE and default ~= REQUIRED) and type(default) or nil
  local got = type(value) == "cdata" and "number" or type(value)
  if want and value ~= nil and got ~= want then
    fail(("%s: %s must be a %s, not %s %q"):format(self._name, name, want, type(value), tostring(value)))
  end
  local bad = value ~= nil and converted(name, value)
  if bad then
    fail(("%s: Invalid param value given for param %q. %s"):format(self._name, name, bad))
  end
  local allowed = self._choices[name]
  if allowed and value ~= nil then
    local ok = false
    for _, a in ipairs(allowed) do if a == value then ok = true end end
    if not ok then
      fail(("%s: %s must be one of %s, not %q"):format(self._name, name,
        table.concat(allowed, ", "), tostring(value)))
    end
  end
  if VECTOR[name] and value ~= nil and not linalg().isVector(value) then value = linalg().dense(value) end
  local range = self._ranges[name]
  if range and value ~= nil and not (value >= range[1] and (range[2] == nil or value <= range[2])) then
    local want = range[2] and ("in [%s, %s]"):format(range[1], range[2]) or (">= %s"):format(range[1])
    fail(("%s: %s must be %s, not %s"):format(self._name, name, want, tostring(value)))
  end
  self._set[name] = value
  return self
end

function Params:isSet(name) return self._set[param_name(self, name)] ~= nil end
function Params:hasDefault(name)
  local d = self._defaults[param_name(self, name)]
  return d ~= NONE and d ~= REQUIRED
end
function Params:isDefined(name) return self:isSet(name) or self:hasDefault(name) end

-- Forgets a value set on the stage (its default, if any, applies again).
function Params:clear(name)
  self._set[param_name(self, name)] = nil
  return self
end

-- The param `name` as stage.params lists it, with this stage as parent.
function Params:getParam(name)
  name = param_name(self, name)
  return setmetatable({ name = name, doc = self._docs[name], parent = self.uid, _stage = self }, PARAM_MT)
end

-- stage.<a param's name>: the Param (name, doc, parent), as PySpark's
-- attribute, so that ParamGridBuilder():addGrid(lr.regParam, {...}) and
-- lr:getOrDefault(lr.maxIter) read as they do there; nil for other keys.
-- A stage class with an __index of its own ends with it.
function M.paramAttribute(self, key)
  if type(key) ~= "string" or self._defaults[key] == nil then return nil end
  return self:getParam(key)
end

-- Whether v is a Param that knows its stage (a stage's attribute).
function M.isParam(v) return getmetatable(v) == PARAM_MT and rawget(v, "_stage") ~= nil end

-- Defaults, then the values set, then extra ({ name = value }): a table
-- name -> value of every defined param, as PySpark's extractParamMap (a
-- dict keyed by Param objects there).
function Params:extractParamMap(extra)
  local out = {}
  for _, k in ipairs(self._order) do
    local d = self._defaults[k]
    if d ~= NONE and d ~= REQUIRED then out[k] = d end
    if self._set[k] ~= nil then out[k] = self._set[k] end
  end
  for k, v in pairs(extra or {}) do out[param_name(self, k)] = v end
  return out
end

function Params:getOrDefault(name)
  if type(name) == "table" then name = param_name(self, name) end
  local v = self._set[name]
  if v ~= nil then return v end
  v = self._defaults[name]
  if v == NONE or v == REQUIRED then return nil end
  return v
end

-- The value of a parameter the stage cannot do without.
function Params:need(name)
  local v = self:getOrDefault(name)
  if v == nil then fail(("%s: parameter %s is not set"):format(self._name, name)) end
  return v
end

-- Params set explicitly, and the defaults: Spark's paramMap/defaultParamMap.
function Params:paramMaps()
  local set, defaults = {}, {}
  for _, k in ipairs(self._order) do
    if self._set[k] ~= nil then set[k] = self._set[k] end
    local d = self._defaults[k]
    if d ~= NONE and d ~= REQUIRED then defaults[k] = d end
  end
  return set, defaults
end

-- A number as Python's repr prints a float (tide.row's, as Rows print).
local python_float = require("tide.row").pythonFloat

-- Params whose numbers are whole (PySpark's toInt and toListInt).
local WHOLE = { maxIter = true, numFeatures = true, aggregationDepth = true, numBins = true, numBuckets = true,
                numBucketsArray = true, numFolds = true, seed = true, parallelism = true, size = true, degree = true,
                indices = true }

-- A param's value as Spark's JSON of it (Param.jsonEncode), for a saved
-- stage's paramMap: whole numbers as they are; other numbers, alone or in
-- lists, as DoubleParam and DoubleArrayParam write them, a double (0.0,
-- not 0, which Spark cannot read back as one) or "NaN", "Inf", "-Inf".
local NON_FINITE_TEXT = { [math.huge] = "Inf", [-math.huge] = "-Inf" }
function M.paramJson(name, v)
  if WHOLE[name] then return v end
  -- (Spark's JsonMatrixConverter and JsonVectorConverter)
  local la = linalg()
  if la.isMatrix(v) then
    return { class = "matrix", type = 1, numRows = v.numRows, numCols = v.numCols,
             values = M.paramJson(name, v.values), isTransposed = false }
  end
  if la.isVector(v) then
    if v.dense then return { type = 1, values = M.paramJson(name, v.values) } end
    return { type = 0, size = v.size, indices = v.indices, values = M.paramJson(name, v.values) }
  end
  if type(v) == "number" then
    if v ~= v then return "NaN" end
    return NON_FINITE_TEXT[v] or json.double(v)
  end
  if type(v) == "table" and getmetatable(v) == nil and #v > 0 then
    local out = {}
    for i, x in ipairs(v) do out[i] = M.paramJson(name, x) end
    return out
  end
  return v
end

-- The value of stage's param `name` back from Spark's JSON: "NaN",
-- "Inf", "-Inf" (and the "Infinity" older saves wrote) as numbers where
-- the param is a double or a list of them.
local NON_FINITE = { NaN = 0 / 0, Inf = math.huge, ["-Inf"] = -math.huge, Infinity = math.huge,
                     ["-Infinity"] = -math.huge }
local DOUBLE_LISTS = { splits = true, splitsArray = true }
local function non_finite(v)
  if type(v) == "string" and NON_FINITE[v] then return NON_FINITE[v] end
  if type(v) == "table" then
    local out = {}
    for i, x in ipairs(v) do out[i] = non_finite(x) end
    return out
  end
  return v
end
function M.paramFromJson(stage, name, v)
  if (MATRIX[name] or VECTOR[name]) and type(v) == "table" then
    local values, la = non_finite(v.values or {}), linalg()
    local function count(x) return type(x) == "number" and x >= 0 and x == math.floor(x) end
    if MATRIX[name] and not (count(v.numRows) and count(v.numCols)) then
      error("not a matrix: numRows and numCols are not counts", 0)
    end
    if MATRIX[name] then
      if v.isTransposed then -- (row-major values: Spark writes them so for a transposed matrix)
        local t = {}
        for i = 0, v.numRows - 1 do
          for j = 0, v.numCols - 1 do t[j * v.numRows + i + 1] = values[i * v.numCols + j + 1] end
        end
        values = t
      end
      return la.denseMatrix(v.numRows, v.numCols, values)
    end
    if v.type == 0 then return la.sparse(v.size, v.indices, values) end
    return la.dense(values)
  end
  if WHOLE[name] or not (type(stage._defaults[name]) == "number" or DOUBLE_LISTS[name]) then return v end
  return non_finite(v)
end

-- A param's value as PySpark's explainParam prints it ("%s" of the
-- Python value): True, 0.001, 10, [-inf, 0.5, inf], ['a', 'b'], a
-- stage's uid.
local function python_text(v, whole, inside)
  if type(v) == "cdata" then v = tonumber(v) end
  local kind = type(v)
  if v == nil then return "None" end
  if kind == "boolean" then return v and "True" or "False" end
  if kind == "number" then
    if whole and v == math.floor(v) and math.abs(v) < 2 ^ 53 then return ("%d"):format(v) end
    return python_float(v)
  end
  if kind == "string" then return inside and ("'" .. v .. "'") or v end
  local mt = getmetatable(v)
  if kind == "table" and not (mt and mt.__tostring) then
    local items = {}
    for i = 1, #v do items[i] = python_text(v[i], whole, true) end
    return "[" .. table.concat(items, ", ") .. "]"
  end
  return tostring(v)
end

-- "name: doc (default: x, current: y)", or "(undefined)", as PySpark's
-- (and Spark's) Params.explainParam.
function Params:explainParam(name)
  name = param_name(self, name)
  local values = {}
  local d, v = self._defaults[name], self._set[name]
  if d ~= NONE and d ~= REQUIRED then values[#values + 1] = "default: " .. python_text(d, WHOLE[name]) end
  if v ~= nil then values[#values + 1] = "current: " .. python_text(v, WHOLE[name]) end
  if #values == 0 then values[1] = "undefined" end
  return ("%s: %s (%s)"):format(name, self._docs[name] or "", table.concat(values, ", "))
end

-- Every param explained, one a line, sorted by name.
function Params:explainParams()
  local lines = {}
  for i, k in ipairs(self._order) do lines[i] = self:explainParam(k) end
  return table.concat(lines, "\n")
end

-- A copy with the same uid and params, plus extra ones.
function Params:copy(extra)
  local c = setmetatable({}, getmetatable(self))
  for k, v in pairs(self) do c[k] = v end
  c._set = {}
  for k, v in pairs(self._set) do c._set[k] = v end
  for k, v in pairs(extra or {}) do c:set(k, v) end
  return c
end

-- Copies the params both classes know from an estimator to its model.
function M.inherit(model, estimator)
  for k, v in pairs(estimator._set) do
    if model._defaults[k] ~= nil then model._set[k] = v end
  end
  model.uid = estimator.uid
  return model
end

return M
