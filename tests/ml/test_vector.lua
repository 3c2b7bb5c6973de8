-- The vector column: building, Spark's show form, collect, schema, and
-- dropping rows of batches that hold vectors.
local t = require("testing")
local tide = require("tide")
local ffi = require("ffi")
local C = require("tide.ffi")
local V = tide.ml.linalg.Vectors

t.test("vector columns show as Spark prints vectors", function()
  local b = tide.batch.fromRows({
    { 1, V.sparse(4, { 0, 3 }, { 1.0, -2.5 }) },
    { 2, V.sparse(4, {}, {}) },
    { 3, nil },
  }, "id int, v vector")
  t.eq(b:showString(), [[
+---+--------------------+
| id|                   v|
+---+--------------------+
|  1|(4,[0,3],[1.0,-2.5])|
|  2|           (4,[],[])|
|  3|                NULL|
+---+--------------------+
]])
  t.eq(b:schema():simpleString(), "struct<id:int,v:vector>")
  t.eq(tide.types.parse("vector"), tide.types.vector)
end)

t.test("dense vectors print as [v,...] and collect as linalg vectors", function()
  local b = tide.batch.fromRows({ { V.dense { 1, 0, 1e-5 } }, { V.dense { 0.1, 2, 3 } } }, "v vector")
  t.eq(b:showString(1, false), "+----------------+\n|v               |\n+----------------+\n" ..
    "|[1.0,0.0,1.0E-5]|\n+----------------+\nonly showing top 1 row\n")
  local rows = b:collect()
  t.ok(rows[2].v == V.dense { 0.1, 2, 3 }, "equal vectors")
  t.eq(rows[2].v[1], 2)
  t.eq(rows[1].v.size, 3)
  t.eq(tostring(rows[1].v:toSparse()), "(3,[0,2],[1.0,1.0E-5])")
end)

t.test("layout: int64 offsets into indices and values children", function()
  local b = tide.batch.fromRows({ { V.sparse(5, { 1, 4 }, { 2, 3 }) }, { V.sparse(5, { 0 }, { 7 }) } }, "v vector")
  local col = b.columns[0]
  t.eq(col.vector_size, 5)
  local off = ffi.cast("int64_t*", col.values)
  t.eq(tonumber(off[0]), 0); t.eq(tonumber(off[1]), 2); t.eq(tonumber(off[2]), 3)
  t.eq(ffi.cast("int32_t*", col.children[0].values)[1], 4)
  t.eq(ffi.cast("double*", col.children[1].values)[2], 7)
end)

t.test("vectors of a different size in one column are refused", function()
  t.raises(function() tide.batch.fromRows({ { V.dense { 1 } }, { V.dense { 1, 2 } } }, "v vector") end,
    "size 1")
  t.raises(function() V.sparse(3, { 2, 1 }, { 1, 1 }) end, "increasing")
  t.raises(function() V.sparse(3, { 3 }, { 1 }) end, "out of range")
end)

t.test("dropping rows keeps every column type intact", function()
  local b = tide.batch.fromRows({
    { 1, "a", V.sparse(3, { 1 }, { 1 }), "12.5", { x = 1 } },
    { 2, nil, nil, "-1", nil },
    { 3, "ccc", V.dense { 1, 2, 3 }, nil, { x = 3 } },
  }, "id int, s string, v vector, d decimal(10,1), st struct<x:int>")
  local drop = ffi.new("uint8_t[3]", { 0, 1, 0 })
  local out, dropped = tide.batch.dropRows(b, { drop })
  t.eq(dropped, 1)
  t.eq(out:count(), 2)
  local rows = out:collect()
  t.eq(rows[2].s, "ccc")
  t.eq(tostring(rows[2].v), "[1.0,2.0,3.0]")
  t.eq(rows[1].d, "12.5")
  t.eq(rows[2].d, nil)
  t.eq(rows[2].st.x, 3)
  t.eq(tostring(rows[1].v), "(3,[1],[1.0])")
end)

t.run()
