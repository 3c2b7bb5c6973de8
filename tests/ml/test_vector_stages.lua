-- Spark ML's stages that reshape vectors (tide.ml.feature_vectors):
-- Normalizer, ElementwiseProduct, MaxAbsScaler, VectorSlicer,
-- PolynomialExpansion and Interaction, and the feature names and
-- category slots VectorAssembler and OneHotEncoder put in a vector's
-- metadata. Every expected vector is what Apache Spark 3.5.3 gives for the
-- same rows (PySpark, local), printed as PySpark's repr prints numbers.
local t = require("testing")
local tide = require("tide")
local ml = tide.ml
local V = ml.Vectors
local spark = tide.session()
local python_float = require("tide.row").pythonFloat

-- A vector as Spark prints it ([1.0,2.0]; (3,[0],[1.0])), numbers as
-- Python's repr.
local function shown(v)
  local values = {}
  for i, x in ipairs(v.values) do values[i] = x ~= x and "nan" or python_float(x) end
  if v.dense then return "[" .. table.concat(values, ",") .. "]" end
  return ("(%d,[%s],[%s])"):format(v.size, table.concat(v.indices, ","), table.concat(values, ","))
end

local function column(df, name)
  local out = {}
  for i, r in ipairs(df:orderBy("id"):collect()) do out[i] = shown(r[name]) end
  return out
end

local function meta(df, name) return df.schema.fields[df.schema:fieldIndex(name)].ml end

-- dense and sparse rows, zeros stored and not, negatives, an empty row
local ROWS = { { 1, V.dense({ 1.0, -2.0, 3.0 }) }, { 2, V.sparse(3, { 0, 2 }, { 4.0, -0.5 }) },
               { 3, V.dense({ 0.0, 0.0, 0.0 }) }, { 4, V.sparse(3, { 1 }, { 0.0 }) },
               { 5, V.dense({ 0.1, 0.2, -0.3 }) }, { 6, V.sparse(3, {}, {}) },
               { 7, V.sparse(3, { 1, 2 }, { -7.25, 1e-3 }) } }
local df = spark:createDataFrame(ROWS, "id long, v vector")

-- Spark's output for ROWS, stage by stage
local SPARK = {
  ["Normalizer p=1.0"] = {
    "[0.16666666666666666,-0.3333333333333333,0.5]",
    "(3,[0,2],[0.8888888888888888,-0.1111111111111111])",
    "[0.0,0.0,0.0]",
    "(3,[1],[0.0])",
    "[0.16666666666666666,0.3333333333333333,-0.4999999999999999]",
    "(3,[],[])",
    "(3,[1,2],[-0.9998620879878637,0.00013791201213625708])",
  },
  ["Normalizer p=2.0"] = {
    "[0.2672612419124244,-0.5345224838248488,0.8017837257372732]",
    "(3,[0,2],[0.9922778767136677,-0.12403473458920847])",
    "[0.0,0.0,0.0]",
    "(3,[1],[0.0])",
    "[0.2672612419124244,0.5345224838248488,-0.8017837257372731]",
    "(3,[],[])",
    "(3,[1,2],[-0.999999990487515,0.00013793103317069172])",
  },
  ["Normalizer p=3.0"] = {
    "[0.30285343213869,-0.60570686427738,0.90856029641607]",
    "(3,[0,2],[0.9993498047581746,-0.12491872559477182])",
    "[0.0,0.0,0.0]",
    "(3,[1],[0.0])",
    "[0.30285343213869,0.60570686427738,-0.9085602964160698]",
    "(3,[],[])",
    "(3,[1,2],[-0.9999999999991254,0.00013793103448263798])",
  },
  ["Normalizer p=inf"] = {
    "[0.3333333333333333,-0.6666666666666666,1.0]",
    "(3,[0,2],[1.0,-0.125])",
    "[0.0,0.0,0.0]",
    "(3,[1],[0.0])",
    "[0.33333333333333337,0.6666666666666667,-1.0]",
    "(3,[],[])",
    "(3,[1,2],[-1.0,0.00013793103448275863])",
  },
  ["Normalizer p=1.5"] = {
    "[0.23070057753660797,-0.46140115507321594,0.6921017326098239]",
    "(3,[0,2],[0.9715813197845613,-0.12144766497307016])",
    "[0.0,0.0,0.0]",
    "(3,[1],[0.0])",
    "[0.23070057753660794,0.4614011550732159,-0.6921017326098238]",
    "(3,[],[])",
    "(3,[1,2],[-0.9999989200562267,0.00013793088552499678])",
  },
  ["ElementwiseProduct"] = {
    "[2.0,-0.0,-4.5]",
    "(3,[0,2],[8.0,0.75])",
    "[0.0,0.0,-0.0]",
    "(3,[1],[0.0])",
    "[0.2,0.0,0.44999999999999996]",
    "(3,[],[])",
    "(3,[1,2],[-0.0,-0.0015])",
  },
  ["MaxAbsScaler"] = {
    "[0.25,-0.27586206896551724,1.0]",
    "(3,[0,2],[1.0,-0.16666666666666666])",
    "[0.0,0.0,0.0]",
    "(3,[1],[0.0])",
    "[0.025,0.027586206896551724,-0.09999999999999999]",
    "(3,[],[])",
    "(3,[1,2],[-1.0,0.0003333333333333333])",
  },
  ["VectorSlicer [2,0]"] = {
    "[3.0,1.0]",
    "(2,[0,1],[-0.5,4.0])",
    "[0.0,0.0]",
    "(2,[],[])",
    "[-0.3,0.1]",
    "(2,[],[])",
    "(2,[0],[0.001])",
  },
  ["VectorSlicer [0,2]"] = {
    "[1.0,3.0]",
    "(2,[0,1],[4.0,-0.5])",
    "[0.0,0.0]",
    "(2,[],[])",
    "[0.1,-0.3]",
    "(2,[],[])",
    "(2,[1],[0.001])",
  },
  ["VectorSlicer [1]"] = {
    "[-2.0]",
    "(1,[],[])",
    "[0.0]",
    "(1,[],[])",
    "[0.2]",
    "(1,[],[])",
    "(1,[0],[-7.25])",
  },
  ["PolynomialExpansion 2"] = {
    "[1.0,1.0,-2.0,-2.0,4.0,3.0,3.0,-6.0,9.0]",
    "(9,[0,1,5,6,8],[4.0,16.0,-0.5,-2.0,0.25])",
    "[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0]",
    "(9,[],[])",
    "[0.1,0.010000000000000002,0.2,0.020000000000000004,0.04000000000000001,-0.3,-0.03,-0.06,0.09]",
    "(9,[],[])",
    "(9,[2,4,5,7,8],[-7.25,52.5625,0.001,-0.00725,1e-06])",
  },
  ["PolynomialExpansion 3"] = {
    "[1.0,1.0,1.0,-2.0,-2.0,-2.0,4.0,4.0,-8.0,3.0,3.0,3.0,-6.0,-6.0,12.0,9.0,9.0,-18.0,27.0]",
    "(19,[0,1,2,9,10,11,15,16,18],[4.0,16.0,64.0,-0.5,-2.0,-8.0,0.25,1.0,-0.125])",
    "[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0]",
    "(19,[],[])",
    "[0.1,0.010000000000000002,0.0010000000000000002,0.2,0.020000000000000004,0.0020000000000000005," ..
      "0.04000000000000001,0.004000000000000001,0.008000000000000002,-0.3,-0.03,-0.003,-0.06,-0.006," ..
      "-0.012,0.09,0.009,0.018,-0.027]",
    "(19,[],[])",
    "(19,[3,6,8,9,12,14,15,17,18],[-7.25,52.5625,-381.078125,0.001,-0.00725,0.052562500000000005," ..
      "1e-06,-7.25e-06,1e-09])",
  },
  ["PolynomialExpansion 1"] = {
    "[1.0,-2.0,3.0]",
    "(3,[0,2],[4.0,-0.5])",
    "[0.0,0.0,0.0]",
    "(3,[],[])",
    "[0.1,0.2,-0.3]",
    "(3,[],[])",
    "(3,[1,2],[-7.25,0.001])",
  },
}

-- Spark's for a sparse row that holds zeros (8) and a dense row with a
-- negative zero (9), and Interaction's over INTERACTION_ROWS
local SPARK_MORE = {
  ["VectorSlicer [0, 2]"] = {
    "(2,[],[])",
    "[0.0,2.0]",
  },
  ["VectorSlicer [2, 0]"] = {
    "(2,[],[])",
    "[2.0,0.0]",
  },
  ["VectorSlicer [1]"] = {
    "(1,[0],[5.0])",
    "[-0.0]",
  },
  ["VectorSlicer [0, 1, 2]"] = {
    "(3,[1],[5.0])",
    "[0.0,-0.0,2.0]",
  },
  ["VectorSlicer [2, 1, 0]"] = {
    "(3,[1],[5.0])",
    "[2.0,-0.0,0.0]",
  },
  ["PolynomialExpansion 2"] = {
    "(9,[2,4],[5.0,25.0])",
    "[0.0,0.0,0.0,0.0,0.0,2.0,0.0,0.0,4.0]",
  },
  ["Interaction ['x', 'vec']"] = {
    "[2.0,-2.0]",
    "(2,[],[])",
    "(2,[],[])",
    "[2.0,12.0]",
    "[nan,nan]",
  },
  ["Interaction ['si', 'vec']"] = {
    "(6,[0,1],[1.0,-1.0])",
    "(6,[2],[2.0])",
    "(6,[],[])",
    "(6,[4,5],[0.5,3.0])",
    "(6,[2,3],[1.0,1.0])",
  },
  ["Interaction ['si', 'x']"] = {
    "[2.0,0.0,0.0]",
    "(3,[],[])",
    "[-1.5,0.0,0.0]",
    "[0.0,0.0,4.0]",
    "[0.0,nan,0.0]",
  },
  ["Interaction ['x', 'si']"] = {
    "[2.0,0.0,0.0]",
    "(3,[],[])",
    "[-1.5,0.0,0.0]",
    "[0.0,0.0,4.0]",
    "[0.0,nan,0.0]",
  },
  ["Interaction ['vec', 'si', 'x']"] = {
    "(6,[0,3],[2.0,-2.0])",
    "(6,[],[])",
    "(6,[],[])",
    "(6,[2,5],[2.0,12.0])",
    "(6,[1,4],[nan,nan])",
  },
  ["Interaction ['n', 'x']"] = {
    "[6.0]",
    "[0.0]",
    "[-0.0]",
    "[8.0]",
    "[nan]",
  },
  ["Interaction ['si']"] = {
    "[1.0,0.0,0.0]",
    "[0.0,1.0,0.0]",
    "[1.0,0.0,0.0]",
    "[0.0,0.0,1.0]",
    "[0.0,1.0,0.0]",
  },
  ["Interaction ['x']"] = {
    "[2.0]",
    "[0.0]",
    "[-1.5]",
    "[4.0]",
    "[nan]",
  },
}

local function check(name, actual, expected)
  t.eq(#actual, #expected, name)
  for i = 1, #expected do t.eq(actual[i], expected[i], ("%s, row %d"):format(name, i)) end
end

t.test("Normalizer, ElementwiseProduct, MaxAbsScaler: Spark's values, bit for bit, dense and sparse kept", function()
  for _, p in ipairs({ 1.0, 2.0, 3.0, math.huge, 1.5 }) do
    local name = ("Normalizer p=%s"):format(p == math.huge and "inf" or python_float(p))
    check(name, column(ml.Normalizer { p = p, inputCol = "v", outputCol = "o" }:transform(df), "o"), SPARK[name])
  end
  local product = ml.ElementwiseProduct { scalingVec = V.dense({ 2.0, 0.0, -1.5 }), inputCol = "v", outputCol = "o" }
  check("ElementwiseProduct", column(product:transform(df), "o"), SPARK.ElementwiseProduct)
  -- (a list of numbers is a dense vector, as PySpark's toVector)
  t.eq(tostring(ml.ElementwiseProduct { scalingVec = { 1, 2 } }:getScalingVec()), "[1.0,2.0]")
  local model = ml.MaxAbsScaler { inputCol = "v", outputCol = "o" }:fit(df)
  t.eq(tostring(model.maxAbs), "[4.0,7.25,3.0]")
  check("MaxAbsScaler", column(model:transform(df), "o"), SPARK.MaxAbsScaler)
  -- a feature that is 0 everywhere is left as it is
  local zeros = spark:createDataFrame({ { 1, V.dense({ 0.0, 2.0 }) }, { 2, V.dense({ 0.0, -4.0 }) } },
    "id long, v vector")
  check("MaxAbsScaler of zeros", column(ml.MaxAbsScaler { inputCol = "v", outputCol = "o" }:fit(zeros)
    :transform(zeros), "o"), { "[0.0,0.5]", "[0.0,-1.0]" })
  -- the size in the output's metadata, a null row stays null
  t.eq(meta(model:transform(df), "o").size, 3)
  local nulls = spark:createDataFrame({ { 1, V.dense({ 3.0, 4.0 }) }, { 2, nil } }, "id long, v vector")
  local normalized = ml.Normalizer { inputCol = "v", outputCol = "o" }:transform(nulls):orderBy("id"):collect()
  t.eq(shown(normalized[1].o), "[0.6,0.8]")
  t.eq(normalized[2].o, nil)
end)

t.test("VectorSlicer: Spark's slices of dense and sparse rows; a sparse row's zeros left out", function()
  -- (each row its own frame: a vector column whose rows are all sparse
  -- prints them sparse, as Spark, while a column of both kinds prints a
  -- row that holds every entry dense)
  for _, picks in ipairs({ { 2, 0 }, { 0, 2 }, { 1 } }) do
    local name = ("VectorSlicer [%s]"):format(table.concat(picks, ","))
    local slicer = ml.VectorSlicer { indices = picks, inputCol = "v", outputCol = "o" }
    local rows = {}
    for i, r in ipairs(ROWS) do rows[i] = column(slicer:transform(spark:createDataFrame({ r }, "id long, v vector")),
      "o")[1] end
    check(name, rows, SPARK[name])
  end
  -- a sparse row holding zeros, a dense row with -0.0
  local sparse = spark:createDataFrame({ { 8, V.sparse(3, { 0, 1, 2 }, { 0.0, 5.0, 0.0 }) } }, "id long, v vector")
  local dense = spark:createDataFrame({ { 9, V.dense({ 0.0, -0.0, 2.0 }) } }, "id long, v vector")
  for _, picks in ipairs({ { 0, 2 }, { 2, 0 }, { 1 }, { 0, 1, 2 }, { 2, 1, 0 } }) do
    local name = ("VectorSlicer [%s]"):format(table.concat(picks, ", "))
    local slicer = ml.VectorSlicer { indices = picks, inputCol = "v", outputCol = "o" }
    check(name, { column(slicer:transform(sparse), "o")[1], column(slicer:transform(dense), "o")[1] },
      SPARK_MORE[name])
  end
end)

t.test("PolynomialExpansion: Spark's terms in Spark's order, dense and sparse", function()
  for _, degree in ipairs({ 1, 2, 3 }) do
    local name = "PolynomialExpansion " .. degree
    local poly = ml.PolynomialExpansion { degree = degree, inputCol = "v", outputCol = "o" }
    check(name, column(poly:transform(df), "o"), SPARK[name])
    t.eq(meta(poly:transform(ml.VectorSizeHint { inputCol = "v", size = 3 }:transform(df)), "o").size,
      ({ 3, 9, 19 })[degree])
  end
  local both = spark:createDataFrame({ { 8, V.sparse(3, { 0, 1, 2 }, { 0.0, 5.0, 0.0 }) } }, "id long, v vector")
  local dense = spark:createDataFrame({ { 9, V.dense({ 0.0, -0.0, 2.0 }) } }, "id long, v vector")
  local poly = ml.PolynomialExpansion { inputCol = "v", outputCol = "o" }
  check("PolynomialExpansion 2, zeros", { column(poly:transform(both), "o")[1], column(poly:transform(dense), "o")[1] },
    SPARK_MORE["PolynomialExpansion 2"])
  t.has(t.raises(function() ml.PolynomialExpansion { degree = 0 } end), "degree must be >= 1, not 0")
end)

-- a category (StringIndexer's), numbers, a vector (VectorAssembler's), a NaN
local INTERACTION_ROWS = { { 1, "a", 2.0, 1.0, -1.0, 3 }, { 2, "b", 0.0, 2.0, 0.0, 1 }, { 3, "a", -1.5, 0.0, 0.0, 0 },
                           { 4, "c", 4.0, 0.5, 3.0, 2 }, { 5, "b", 0 / 0, 1.0, 1.0, 7 } }

local function interaction_frame()
  local frame = spark:createDataFrame(INTERACTION_ROWS, "id long, s string, x double, a double, b double, n long")
  frame = ml.StringIndexer { inputCol = "s", outputCol = "si" }:fit(frame):transform(frame)
  return ml.VectorAssembler { inputCols = { "a", "b" }, outputCol = "vec" }:transform(frame)
end

t.test("Interaction: Spark's products, categories one-hot, compressed as Spark's; its feature names", function()
  local frame = interaction_frame()
  local names = {
    ["x vec"] = "x:vec_a x:vec_b",
    ["si vec"] = "si_a:vec_a si_a:vec_b si_b:vec_a si_b:vec_b si_c:vec_a si_c:vec_b",
    ["si x"] = "si_a:x si_b:x si_c:x", ["x si"] = "x:si_a x:si_b x:si_c",
    ["vec si x"] = "vec_a:si_a:x vec_a:si_b:x vec_a:si_c:x vec_b:si_a:x vec_b:si_b:x vec_b:si_c:x",
    ["n x"] = "n:x", si = "si_a si_b si_c", x = "x",
  }
  for _, cols in ipairs({ { "x", "vec" }, { "si", "vec" }, { "si", "x" }, { "x", "si" }, { "vec", "si", "x" },
                          { "n", "x" }, { "si" }, { "x" } }) do
    local out = ml.Interaction { inputCols = cols, outputCol = "o" }:transform(frame)
    local name = ("Interaction ['%s']"):format(table.concat(cols, "', '"))
    check(name, column(out, "o"), SPARK_MORE[name])
    t.eq(table.concat(meta(out, "o").names, " "), names[table.concat(cols, " ")], name)
    t.same_table(out.columns, { "id", "s", "x", "a", "b", "n", "si", "vec", "o" })
  end
  -- a category inside an assembled vector is one-hot too (Spark:
  -- [2.0,0.0,0.0,2.0], (4,[],[]), (4,[],[]), [0.0,0.0,4.0,2.0], NaN row
  -- left out here), a dense row's category 0 counted, named by its label
  local sv = ml.VectorAssembler { inputCols = { "si", "a" }, outputCol = "sv" }:transform(frame:filter("id < 5"))
  local out = ml.Interaction { inputCols = { "sv", "x" }, outputCol = "o" }:transform(sv)
  check("category in a vector", column(out, "o"), { "[2.0,0.0,0.0,2.0]", "(4,[],[])", "(4,[],[])",
                                                     "[0.0,0.0,4.0,2.0]" })
  t.eq(table.concat(meta(out, "o").names, " "), "sv_si_a:x sv_si_b:x sv_si_c:x sv_a:x")
  -- booleans and whole numbers are read as doubles
  local typed = spark:createDataFrame({ { 1, 2.0, true, 5 }, { 2, 3.0, false, -1 } },
    "id long, x double, b boolean, i int")
  check("typed", column(ml.Interaction { inputCols = { "x", "b", "i" }, outputCol = "o" }:transform(typed), "o"),
    { "[10.0]", "[-0.0]" })
end)

t.test("Interaction: Spark's errors, naming the column and row", function()
  local frame = interaction_frame()
  local raw = spark:createDataFrame({ { 1, V.dense({ 1.0, 2.0 }), 3.0 } }, "id long, v vector, x double")
  t.has(t.raises(function() ml.Interaction { inputCols = { "v", "x" }, outputCol = "o" }:transform(raw) end),
    "Vector attributes must be defined for interaction.")
  t.has(t.raises(function() ml.Interaction { inputCols = { "s", "x" }, outputCol = "o" }:transform(frame) end),
    "Interaction: Data type string of column s is not supported.")
  local nulls = spark:createDataFrame({ { 1, 1.0, 2.0 }, { 2, 1.0, nil } }, "id long, x double, y double")
  local interaction = ml.Interaction { inputCols = { "x", "y" }, outputCol = "o" }
  t.has(t.raises(function() interaction:transform(nulls):collect() end),
    "column y, row 1: Values to interact cannot be null.")
end)

t.test("VectorSlicer: by name (VectorAssembler's and OneHotEncoder's names, as Spark's); Spark's checks", function()
  local frame = spark:createDataFrame({ { 1, "a", 2.0, 3 }, { 2, "b", 1.0, 4 }, { 3, "a", 0.5, 5 } },
    "id long, s string, x double, n long")
  frame = ml.StringIndexer { inputCol = "s", outputCol = "si" }:fit(frame):transform(frame)
  local function assembled(encoder)
    local encoded = encoder:fit(frame):transform(frame)
    return ml.VectorAssembler { inputCols = { "oh", "x", "n", "si" }, outputCol = "f" }:transform(encoded)
  end
  -- Spark's names: the labels, "invalidValues" under keep, the last left
  -- out under dropLast, after the column's name
  local cases = {
    { { dropLast = true, handleInvalid = "error" }, "oh_a x n si" },
    { { dropLast = false, handleInvalid = "error" }, "oh_a oh_b x n si" },
    { { dropLast = true, handleInvalid = "keep" }, "oh_a oh_b x n si" },
    { { dropLast = false, handleInvalid = "keep" }, "oh_a oh_b oh_invalidValues x n si" },
  }
  for _, case in ipairs(cases) do
    local params = case[1]
    params.inputCol, params.outputCol = "si", "oh"
    local f = assembled(ml.OneHotEncoder(params))
    t.eq(table.concat(meta(f, "f").names, " "), case[2])
    -- (si, a category index, keeps its labels in the vector)
    t.eq(meta(f, "f").slots[#meta(f, "f").names - 1].numValues, 2)
  end
  -- indices without labels: the category indices
  local raw = ml.OneHotEncoder { inputCol = "n", outputCol = "oh" }:fit(frame):transform(frame)
  local f = ml.VectorAssembler { inputCols = { "oh" }, outputCol = "f" }:transform(raw)
  t.eq(table.concat(meta(f, "f").names, " "), "oh_0 oh_1 oh_2 oh_3 oh_4")
  local g = ml.VectorAssembler { inputCols = { "f", "x" }, outputCol = "g" }:transform(f)
  t.eq(table.concat(meta(g, "g").names, " "),
    "f_oh_0 f_oh_1 f_oh_2 f_oh_3 f_oh_4 x")

  local w = ml.VectorAssembler { inputCols = { "x", "n", "si" }, outputCol = "w" }:transform(frame)
  local sliced = ml.VectorSlicer { names = { "si", "x" }, inputCol = "w", outputCol = "o" }:transform(w)
  check("by name", column(sliced, "o"), { "[0.0,2.0]", "[1.0,1.0]", "[0.0,0.5]" })
  t.eq(table.concat(meta(sliced, "o").names, " "), "si x")
  t.eq(meta(sliced, "o").slots[0].numValues, 2)
  local both = ml.VectorSlicer { indices = { 1 }, names = { "si" }, inputCol = "w", outputCol = "o" }:transform(w)
  check("by index and name", column(both, "o"), { "[3.0,0.0]", "[4.0,1.0]", "[5.0,0.0]" })

  local function fails(params, text, input)
    params.inputCol, params.outputCol = params.inputCol or "w", "o"
    t.has(t.raises(function() ml.VectorSlicer(params):transform(input or w) end), text)
  end
  fails({ names = { "x" }, indices = { 0 } }, "VectorSlicer requires indices and names to be disjoint sets of "
    .. "features, but they overlap. indices: [0]. names: [0:x]")
  fails({ names = { "zz" } }, "getFeatureIndicesFromNames found no feature with name zz in column w.")
  fails({ indices = { 7 } }, "Selected feature index 7 invalid for only 3 input features.")
  fails({}, "VectorSlicer requires that at least one feature be selected.")
  fails({ indices = { 0 }, inputCol = "x" }, "Column x must be of type vector but was actually double.")
  fails({ names = { "a" }, inputCol = "v" }, "no feature with name a in column v.", df)
  -- (size unknown until the rows come: checked on each batch)
  local unsized = spark:createDataFrame({ { 1, V.dense({ 1.0 }) } }, "id long, v vector")
  t.has(t.raises(function()
    ml.VectorSlicer { indices = { 4 }, inputCol = "v", outputCol = "o" }:transform(unsized):collect()
  end), "Selected feature index 4 invalid for only 1 input features.")
  local slicer = ml.VectorSlicer {}
  t.has(t.raises(function() slicer:setIndices({ -1 }) end),
    slicer.uid .. " parameter indices given invalid value [-1].")
  t.has(t.raises(function() slicer:setIndices({ 1, 1 }) end), "parameter indices given invalid value [1,1].")
  t.has(t.raises(function() slicer:setNames({ "a", "a" }) end), 'parameter names given invalid value ["a","a"].')
end)

t.test("the stages' errors: a vector's size, a missing scaling vector, p below 1", function()
  local product = ml.ElementwiseProduct { scalingVec = V.dense({ 1.0, 2.0 }), inputCol = "v", outputCol = "o" }
  t.has(t.raises(function() product:transform(df):collect() end), "vector sizes do not match: Expected 2 but found 3")
  t.has(t.raises(function() ml.ElementwiseProduct { inputCol = "v", outputCol = "o" }:transform(df) end),
    "Failed to find a default value for scalingVec")
  t.has(t.raises(function() ml.Normalizer { p = 0.5 } end), "p must be >= 1, not 0.5")
  t.has(t.raises(function() ml.Normalizer { inputCol = "id", outputCol = "o" }:transform(df) end),
    "Column id must be of type vector but was actually bigint.")
end)

t.test("saved and loaded in Spark's layout; in a Pipeline over a stream as over a batch", function()
  local frame = interaction_frame():filter("id < 5")
  local stages = {
    ml.VectorAssembler { inputCols = { "si", "a", "b" }, outputCol = "f" },
    ml.Interaction { inputCols = { "f", "x" }, outputCol = "fx" },
    ml.VectorSlicer { indices = { 0, 3 }, names = { "f_b:x" }, inputCol = "fx", outputCol = "sl" },
    ml.PolynomialExpansion { degree = 2, inputCol = "sl", outputCol = "p" },
    ml.MaxAbsScaler { inputCol = "p", outputCol = "m" },
    ml.ElementwiseProduct { scalingVec = V.dense({ 1, 2, 3, 4, 5, 6, 7, 8, 9 }), inputCol = "m", outputCol = "e" },
    ml.Normalizer { p = 1.0, inputCol = "e", outputCol = "out" },
  }
  local model = ml.Pipeline { stages = stages }:fit(frame)
  local expected = column(model:transform(frame), "out")
  local dir = t.tempdir() .. "/vectors"
  model:write():save(dir)
  local loaded = ml.PipelineModel.load(dir)
  check("loaded", column(loaded:transform(frame), "out"), expected)
  t.eq(tostring(loaded.stages[5].maxAbs), tostring(model.stages[5].maxAbs))
  t.ok(t.read(dir .. "/stages/2_" .. stages[3].uid .. "/metadata/part-00000"):find('"indices":[0,3]', 1, true),
    "indices saved as Spark's int array")
  t.ok(t.read(dir .. "/stages/5_" .. stages[6].uid .. "/metadata/part-00000"):find(
    '"scalingVec":{"type":1,"values":[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0]}', 1, true), "scalingVec as Spark's")
  -- the same plan over a stream of the rows
  local input = t.tempdir()
  local lines = {}
  for i = 1, 4 do
    local r = INTERACTION_ROWS[i]
    lines[i] = ('{"id":%d,"s":"%s","x":%s,"a":%s,"b":%s,"n":%d}'):format(r[1], r[2], r[3], r[4], r[5], r[6])
  end
  t.write(input .. "/rows.json", table.concat(lines, "\n") .. "\n")
  local stream = spark.readStream:schema("id long, s string, x double, a double, b double, n long"):json(input)
  stream = ml.StringIndexer { inputCol = "s", outputCol = "si" }:fit(frame):transform(stream)
  local want = t.rows(model:transform(frame):select("id", "out"))
  table.sort(want)
  t.same_table(t.rows_available(loaded:transform(stream):select("id", "out"), t.tempdir() .. "/cp"), want)
end)

t.run()
