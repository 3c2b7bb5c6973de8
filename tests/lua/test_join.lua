-- Joins: df:join(other, on, how) and df:crossJoin(other) on batch
-- DataFrames, and a stream joined with a static DataFrame (the rate
-- source into a memory table), as Spark 3.5's.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

-- Every row as "a|b|c" (show's cells: duplicate names kept, nulls as null).
local rows_of = t.rows

local function sorted(list)
  table.sort(list)
  return list
end

local function schema_of(df)
  local out = {}
  for i, f in ipairs(df.schema.fields) do
    out[i] = ("%s:%s%s"):format(f.name, f.dataType:simpleString(), f.nullable and "" or " not null")
  end
  return table.concat(out, ", ")
end

local function people()
  return spark:createDataFrame({ { 1, "ann" }, { 2, "bob" }, { 3, "cy" }, { nil, "nobody" } }, "id int, name string")
end

local function orders()
  return spark:createDataFrame({ { 1, 10.5 }, { 3, 30.0 }, { 1, 11.5 }, { 4, 40.0 }, { nil, 0.0 } },
    "id bigint, amount double")
end

t.test("USING joins of every type: key once and first, rows in a fixed order, nulls for missing sides", function()
  local p, o = people(), orders()
  local inner = p:join(o, "id")
  t.eq(schema_of(inner), "id:int, name:string, amount:double")
  t.same_table(rows_of(inner), { "1|ann|10.5", "1|ann|11.5", "3|cy|30.0" })
  t.same_table(rows_of(p:join(o, "id", "inner")), rows_of(inner))
  t.same_table(rows_of(p:join(o, { "id" }, "left")),
    { "1|ann|10.5", "1|ann|11.5", "2|bob|null", "3|cy|30.0", "null|nobody|null" })
  -- right: the right's key (bigint), unmatched right rows last in their order
  local right = p:join(o, "id", "right")
  t.eq(schema_of(right), "id:bigint, name:string, amount:double")
  t.same_table(rows_of(right), { "1|ann|10.5", "1|ann|11.5", "3|cy|30.0", "4|null|40.0", "null|null|0.0" })
  -- full: coalesce(left, right) of the wider type
  local full = p:join(o, "id", "full")
  t.eq(schema_of(full), "id:bigint, name:string, amount:double")
  t.same_table(rows_of(full), { "1|ann|10.5", "1|ann|11.5", "2|bob|null", "3|cy|30.0", "null|nobody|null",
    "4|null|40.0", "null|null|0.0" })
  t.same_table(rows_of(p:join(o, { on = "id", how = "left" })), rows_of(p:join(o, { "id" }, "left")))
  t.same_table(rows_of(p:join(o, "id", "left_semi")), { "1|ann", "3|cy" })
  t.same_table(rows_of(p:join(o, "id", "left_anti")), { "2|bob", "null|nobody" })
  -- every spelling Spark takes, in any case
  for how, n in pairs({ leftouter = 5, LEFT_OUTER = 5, rightOuter = 5, right_outer = 5, outer = 7, fullouter = 7,
                        full_outer = 7, semi = 2, leftsemi = 2, anti = 2, LeftAnti = 2, INNER = 3 }) do
    t.eq(p:join(o, "id", how):count(), n, how)
  end
end)

t.test("outer joins make the other side's columns nullable", function()
  local a = spark:createDataFrame({ { 1, "x" } }, "k int, v string")
  -- a source whose columns are not nullable
  local T = tide.types
  local rows = tide.batch.fromRows({ { 1, "y" }, { 2, "z" } }, "k int, w string")
  local schema = T.struct { T.field("k", T.int, false), T.field("w", T.string, false) }
  local b = require("tide.dataframe").new(spark, { kind = "scan", schema = schema,
    source = { read = function() return rows end } }, false)
  t.eq(schema_of(a:join(b, "k", "inner")), "k:int, v:string, w:string not null")
  t.eq(schema_of(a:join(b, "k", "left")), "k:int, v:string, w:string")
  t.eq(schema_of(b:join(a, "k", "right")), "k:int, w:string, v:string")
  t.same_table(rows_of(b:join(a, "k", "right")), { "1|y|x" })
  t.same_table(rows_of(b:join(a, "k", "left")), { "1|y|x", "2|z|null" })
end)

t.test("keys are equal as Spark's =: null never matches, NaN matches NaN, -0.0 matches 0.0", function()
  local nan = 0 / 0
  local a = spark:createDataFrame({ { nan, "a-nan" }, { -0.0, "a-negzero" }, { nil, "a-null" }, { 1.5, "a-1.5" } },
    "d double, a string")
  local b = spark:createDataFrame({ { 0.0, "b-zero" }, { nan, "b-nan" }, { nil, "b-null" } }, "d double, b string")
  t.same_table(rows_of(a:join(b, "d"):select("a", "b")), { "a-nan|b-nan", "a-negzero|b-zero" })
  t.same_table(rows_of(a:join(b, "d", "left_anti"):select("a")), { "a-null", "a-1.5" })
  -- a null-safe condition matches null with null
  local b2 = b:withColumnRenamed("d", "d2")
  t.same_table(rows_of(a:join(b2, F.col("d"):eqNullSafe(F.col("d2"))):select("a", "b")),
    { "a-nan|b-nan", "a-negzero|b-zero", "a-null|b-null" })
end)

t.test("several keys, strings, decimals of different scales, and widened numbers", function()
  local a = spark:createDataFrame({ { "x", 1, "a1" }, { "x", 2, "a2" }, { "y", 1, "a3" }, { "", 1, "a4" } },
    "s string, n int, a string")
  local b = spark:createDataFrame({ { "x", 2, "b1" }, { "y", 1, "b2" }, { "x", 2, "b3" }, { "", 1, "b4" } },
    "s string, n bigint, b string")
  t.same_table(rows_of(a:join(b, { "s", "n" })), { "x|2|a2|b1", "x|2|a2|b3", "y|1|a3|b2", "|1|a4|b4" })
  -- decimal(10,2) with decimal(12,4): compared by value
  local d1 = spark:createDataFrame({ { "1.50" }, { "2.00" } }, "s string")
    :select(F.col("s"):cast("decimal(10,2)"):alias("v"))
  local d2 = spark:createDataFrame({ { "1.5000" }, { "3.0000" } }, "s string")
    :select(F.col("s"):cast("decimal(12,4)"):alias("w"))
  t.same_table(rows_of(d1:join(d2, F.col("v"):eq(F.col("w")))), { "1.50|1.5000" })
  -- int with double
  local i = spark:createDataFrame({ { 1 }, { 2 } }, "k int")
  local f = spark:createDataFrame({ { 1.0, "one" }, { 2.5, "two and a half" } }, "k double, s string")
  t.same_table(rows_of(i:join(f, "k")), { "1|one" })
  t.eq(schema_of(i:join(f, "k", "full")), "k:double, s:string")
  t.same_table(rows_of(i:join(f, "k", "full")), { "1.0|one", "2.0|null", "2.5|two and a half" })
end)

t.test("condition joins: every column of both sides, names repeated as Spark's", function()
  local p = people()
  local o = orders():withColumnRenamed("id", "person")
  local j = p:join(o, F.col("id"):eq(F.col("person")), "left")
  t.eq(schema_of(j), "id:int, name:string, person:bigint, amount:double")
  t.same_table(rows_of(j), { "1|ann|1|10.5", "1|ann|1|11.5", "2|bob|null|null", "3|cy|3|30.0",
    "null|nobody|null|null" })
  -- a list of conditions is their AND; df.col columns work
  local a = spark:createDataFrame({ { 1, 1, "a" }, { 1, 2, "b" } }, "x int, y int, a string")
  local b = spark:createDataFrame({ { 1, 2, "c" }, { 1, 1, "d" } }, "u int, v int, b string")
  t.same_table(rows_of(a:join(b, { a.x:eq(b.u), a.y:eq(b.v) })), { "1|1|a|1|1|d", "1|2|b|1|2|c" })
  t.same_table(rows_of(a:join(b, a.x:eq(b.u):and_(F.col("v"):eq(F.col("y"))), "left_semi")), { "1|1|a", "1|2|b" })
  -- the same name on both sides, told apart by aliases
  local l, r = people():alias("l"), people():alias("r")
  local self_join = l:join(r, F.col("l.id"):eq(F.col("r.id")))
  t.eq(schema_of(self_join), "id:int, name:string, id:int, name:string")
  t.same_table(rows_of(self_join), { "1|ann|1|ann", "2|bob|2|bob", "3|cy|3|cy" })
  -- a full outer condition join keeps both keys
  t.same_table(rows_of(p:join(o, F.col("id"):eq(F.col("person")), "full"):select("name", "person")),
    { "ann|1", "ann|1", "bob|null", "cy|3", "nobody|null", "null|4", "null|null" })
end)

t.test("the joined DataFrame goes on like any other", function()
  local j = people():join(orders(), "id")
  local sums = j:groupBy("name"):agg(F.sum("amount"):alias("total")):orderBy("name")
  t.same_table(rows_of(sums), { "ann|22.0", "cy|30.0" })
  t.same_table(rows_of(j:filter(F.col("amount"):gt(11)):select("name")), { "ann", "cy" })
  t.eq(j:count(), 3)
  t.eq(j:join(people(), "id"):count(), 3)
  local row = j:collect()[1]
  t.eq(row.id, 1)
  t.eq(row.name, "ann")
end)

t.test("crossJoin pairs every row, as an inner join without a condition does", function()
  local a = spark:createDataFrame({ { 1 }, { 2 } }, "a int")
  local b = spark:createDataFrame({ { "x" }, { "y" }, { "z" } }, "b string")
  t.same_table(rows_of(a:crossJoin(b)), { "1|x", "1|y", "1|z", "2|x", "2|y", "2|z" })
  t.same_table(rows_of(a:join(b, nil, "cross")), rows_of(a:crossJoin(b)))
  t.eq(a:crossJoin(b:filter(F.col("b"):eq("none"))):count(), 0)
  t.eq(a:filter(F.col("a"):gt(5)):crossJoin(b):count(), 0)
  -- a million pairs
  local rows = {}
  for i = 1, 1000 do rows[i] = { i } end
  local big = spark:createDataFrame(rows, "n int")
  t.eq(big:crossJoin(big:withColumnRenamed("n", "m")):count(), 1000000)
  t.same_table(rows_of(a:join(b)), rows_of(a:crossJoin(b)))
  local err = t.raises(function() a:join(b, nil, "left") end)
  t.has(err, "a left join needs the columns to join on")
  t.at_caller(err)
end)

t.test("a join of many rows matches a nested loop", function()
  local left, right = {}, {}
  local seed = 7
  local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  end
  for i = 1, 3000 do left[i] = { rand(400), i } end
  for i = 1, 1000 do right[i] = { rand(500), i } end
  local expected_inner, expected_left, matched = 0, 0, {}
  for _, l in ipairs(left) do
    local hits = 0
    for _, r in ipairs(right) do
      if r[1] == l[1] then hits = hits + 1; matched[r[2]] = true end
    end
    expected_inner = expected_inner + hits
    expected_left = expected_left + math.max(hits, 1)
  end
  local unmatched_right = 0
  for _, r in ipairs(right) do if not matched[r[2]] then unmatched_right = unmatched_right + 1 end end
  local l = spark:createDataFrame(left, "k int, i int")
  local r = spark:createDataFrame(right, "k int, j int")
  t.eq(l:join(r, "k"):count(), expected_inner)
  t.eq(l:join(r, "k", "left"):count(), expected_left)
  t.eq(l:join(r, "k", "full"):count(), expected_left + unmatched_right)
  t.eq(l:join(r, "k", "semi"):count() + l:join(r, "k", "anti"):count(), 3000)
  -- sliced execution (spark.tide.sliceRows) gives the same rows, outer joins too
  local whole = { rows_of(l:join(r, "k", "left")), rows_of(l:join(r, "k", "full")) }
  spark.conf:set("spark.tide.sliceRows", 128)
  local ok, err = pcall(function()
    t.same_table(rows_of(l:join(r, "k", "left")), whole[1])
    t.same_table(rows_of(l:join(r, "k", "full")), whole[2])
  end)
  spark.conf:unset("spark.tide.sliceRows")
  if not ok then error(err, 0) end
end)

t.test("explain shows the join and both sides", function()
  local p, o = people(), orders():withColumnRenamed("id", "person")
  local out = {}
  local write = io.write
  io.write = function(...) for _, s in ipairs({ ... }) do out[#out + 1] = s end end
  local ok, err = pcall(function()
    p:join(orders(), "id", "left"):explain()
    p:join(o, F.col("id"):eq(F.col("person")), "anti"):explain()
    p:crossJoin(o):explain()
  end)
  io.write = write
  if not ok then error(err, 0) end
  local text = table.concat(out)
  t.has(text, "Join LeftOuter, (id = id), BuildRight\n:- LocalRelation [id, name]\n+- LocalRelation [id, amount]")
  t.has(text, "Join LeftAnti, (id = person), BuildRight")
  t.has(text, "Join Cross, BuildRight")
end)

t.test("bad joins fail at the caller's line, as Spark's analysis", function()
  local p, o = people(), orders()
  local structs = spark:createDataFrame({ { 1 } }, "n int"):select(F.struct("n"):alias("id"))
  t.raises_at_caller({
    { function() p:join(o, "id", "sideways") end, "Unsupported join type 'sideways'. Supported join types include: "
      .. "'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer'" },
    { function() p:join(o, "nope") end, "USING column \"nope\" cannot be resolved on the left side of the join" },
    { function() p:join(o, "name") end, "cannot be resolved on the right side of the join. The right-side columns: id," },
    { function() p:join(o, F.col("id"):eq(F.col("id"))) end, "reference \"id\" is ambiguous" },
    { function() p:join(structs:withColumnRenamed("id", "s"), F.col("name"):eq(F.col("s"))) end,
      "cannot be compared" },
    { function() p:join(structs, "id") end, "the key columns id (int) and id (struct<n:int>) cannot be compared" },
    { function() p:join(o, F.col("id"):isNull()) end, "reference \"id\" is ambiguous" },
    { function() p:join(o:withColumnRenamed("id", "k"), F.col("zz"):eq(F.col("k"))) end, "cannot resolve column \"zz\"" },
    { function() p:join("orders", "id") end, "join needs a DataFrame to join with, not a string" },
    { function() p:crossJoin(nil) end, "crossJoin needs a DataFrame" },
    { function() p:join(o, 42) end, "on must be a column name" },
    { function() p:join(o, "id", 3) end, "how must be a join type" },
  })
end)

-- ---- conditions beyond the keys, every join type ----------------------------------------------

-- Small random tables (k, t, s) with nulls in every column, from a seeded
-- generator: the same tables every run.
local function random_tables(seed)
  local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return math.floor(seed / 65536) % n
  end
  local function table_of(n)
    local rows = {}
    for i = 1, n do
      local k, tt, s = rand(4), rand(6), ({ "x", "y", "z" })[rand(3) + 1]
      rows[i] = { rand(6) > 0 and k or nil, rand(6) > 0 and tt or nil, rand(5) > 0 and s or nil }
    end
    return rows
  end
  return table_of(rand(9)), table_of(rand(9))
end

local function cell(v) return v == nil and "null" or tostring(v) end
local function row_text(r) return cell(r[1]) .. "|" .. cell(r[2]) .. "|" .. cell(r[3]) end
local NULLS = "null|null|null"

-- SQL's comparisons: nil (unknown) when an operand is null.
local function cmp(a, b, f) if a == nil or b == nil then return nil end return f(a, b) end
local function ge(a, b) return a >= b end
local function gt(a, b) return a > b end
local function ne(a, b) return a ~= b end
local function le(a, b) return a <= b end
local function eq(a, b) return a == b end

-- Conditions: the Column condition over aliased sides l and r, whether a
-- pair's keys match, and whether the pair passes the rest (null: no).
local CONDITIONS = {
  { name = "k = k AND t >= t",
    column = function() return F.col("l.k"):eq(F.col("r.k")):and_(F.col("r.t"):ge(F.col("l.t"))) end,
    keys = function(l, r) return cmp(l[1], r[1], eq) end,
    rest = function(l, r) return cmp(r[2], l[2], ge) end },
  { name = "k <=> k AND (t > t OR s = 'x')",
    column = function()
      return F.col("l.k"):eqNullSafe(F.col("r.k")):and_(F.col("r.t"):gt(F.col("l.t")):or_(F.col("r.s"):eq("x")))
    end,
    keys = function(l, r) return l[1] == r[1] end,
    rest = function(l, r) return cmp(r[2], l[2], gt) or cmp(r[3], "x", eq) end },
  { name = "k = k AND s != s AND t <= t + 1 (SQL text)",
    column = function() return F.expr("l.k = r.k AND l.s != r.s AND r.t <= l.t + 1") end,
    keys = function(l, r) return cmp(l[1], r[1], eq) end,
    rest = function(l, r) return cmp(l[3], r[3], ne) and cmp(r[2], l[2] ~= nil and l[2] + 1 or nil, le) end },
}

-- A nested loop's rows of every join type, in the order tide documents:
-- the left's rows in order, each with its passing matches in the right's
-- order (or alone, nulls for the right, in a left or full join), then the
-- right rows nothing passed (right and full joins), in order.
local function nested_loop(left, right, cond, how)
  local out, right_hit = {}, {}
  for _, l in ipairs(left) do
    local hits = 0
    for j, r in ipairs(right) do
      if cond.keys(l, r) and cond.rest(l, r) then
        hits, right_hit[j] = hits + 1, true
        if how ~= "semi" and how ~= "anti" then out[#out + 1] = row_text(l) .. "|" .. row_text(r) end
      end
    end
    if (how == "semi" and hits > 0) or (how == "anti" and hits == 0) then out[#out + 1] = row_text(l) end
    if (how == "left" or how == "full") and hits == 0 then out[#out + 1] = row_text(l) .. "|" .. NULLS end
  end
  if how == "right" or how == "full" then
    for j, r in ipairs(right) do
      if not right_hit[j] then out[#out + 1] = NULLS .. "|" .. row_text(r) end
    end
  end
  return out
end

local JOIN_TYPES = { "inner", "left", "right", "full", "semi", "anti" }

t.test("outer, semi and anti joins with conditions beyond the keys match a nested loop, in its order", function()
  local checked = 0
  for seed = 1, 25 do
    local lrows, rrows = random_tables(seed)
    local l = spark:createDataFrame(lrows, "k int, t int, s string"):alias("l")
    local r = spark:createDataFrame(rrows, "k int, t int, s string"):alias("r")
    for _, cond in ipairs(CONDITIONS) do
      for _, how in ipairs(JOIN_TYPES) do
        local what = ("seed %d, %s join on %s"):format(seed, how, cond.name)
        local joined = l:join(r, cond.column(), how)
        t.same_table(rows_of(joined), nested_loop(lrows, rrows, cond, how), what)
        checked = checked + 1
      end
    end
  end
  t.eq(checked, 25 * #CONDITIONS * #JOIN_TYPES)
  -- sliced execution gives the same rows (outer joins see their probe side whole or row by row)
  local lrows, rrows = random_tables(99)
  local l = spark:createDataFrame(lrows, "k int, t int, s string"):alias("l")
  local r = spark:createDataFrame(rrows, "k int, t int, s string"):alias("r")
  spark.conf:set("spark.tide.sliceRows", 2)
  local ok, err = pcall(function()
    for _, how in ipairs(JOIN_TYPES) do
      t.same_table(rows_of(l:join(r, CONDITIONS[1].column(), how)), nested_loop(lrows, rrows, CONDITIONS[1], how),
        "sliced " .. how)
    end
  end)
  spark.conf:unset("spark.tide.sliceRows")
  if not ok then error(err, 0) end
end)

t.test("a residual keeps Spark's output columns, types and nullability", function()
  local a = spark:createDataFrame({ { 1, 10, "a1" }, { 2, 5, "a2" } }, "ad int, t int, x string")
  local T = tide.types
  local rows = tide.batch.fromRows({ { 1, 15, "b1" }, { 2, 1, "b2" } }, "ad bigint, t int, y string")
  local schema = T.struct { T.field("ad", T.long, false), T.field("t", T.int, false), T.field("y", T.string, false) }
  local b = require("tide.dataframe").new(spark, { kind = "scan", schema = schema,
    source = { read = function() return rows end } }, false)
  local cond = a.ad:eq(b.ad):and_(b.t:gt(a.t))
  t.eq(schema_of(a:join(b, cond, "left")), "ad:int, t:int, x:string, ad:bigint, t:int, y:string")
  t.eq(schema_of(a:join(b, cond, "inner")), "ad:int, t:int, x:string, ad:bigint not null, t:int not null,"
    .. " y:string not null")
  t.eq(schema_of(a:join(b, cond, "left_semi")), "ad:int, t:int, x:string")
  t.eq(schema_of(a:join(b, cond, "left_anti")), "ad:int, t:int, x:string")
  t.same_table(rows_of(a:join(b, cond, "left")), { "1|10|a1|1|15|b1", "2|5|a2|null|null|null" })
  t.same_table(rows_of(a:join(b, cond, "left_anti")), { "2|5|a2" })
  -- SQL's ON takes them too, and explain shows the whole condition
  a:createOrReplaceTempView("rj_a")
  b:createOrReplaceTempView("rj_b")
  t.same_table(rows_of(spark:sql("SELECT rj_a.x, rj_b.y FROM rj_a LEFT JOIN rj_b ON rj_a.ad = rj_b.ad"
    .. " AND rj_b.t > rj_a.t")), { "a1|b1", "a2|null" })
  local out, write = {}, io.write
  io.write = function(...) for _, s in ipairs({ ... }) do out[#out + 1] = s end end
  local ok, err = pcall(function() a:join(b, cond, "full"):explain() end)
  io.write = write
  if not ok then error(err, 0) end
  t.has(table.concat(out), "Join FullOuter, ((ad = ad) AND (t > t)), BuildRight")
end)

-- ---- streams joined with static DataFrames ---------------------------------------------------

local function rate(rows_per_second)
  return spark.readStream:format("rate"):option("rowsPerSecond", rows_per_second or 2000):load()
end

-- A static DataFrame of k (bigint) 0..2 and its name, counting its reads.
local function lookup()
  local reads = 0
  local b = tide.batch.fromRows({ { 0, "zero" }, { 1, "one" }, { 5, "five" } }, "k bigint, label string")
  local plan = { kind = "scan", schema = b:schema(), source = {
    description = "LocalRelation", read = function() reads = reads + 1; return b end } }
  return require("tide.dataframe").new(spark, plan, false), function() return reads end
end

t.test("a stream joined with a static DataFrame: each micro-batch joined, the static side read once", function()
  local static, reads = lookup()
  local stream = rate(2000):select("value", (F.col("value") % 3):alias("k"))
  local joined = stream:join(static, "k", "left")
  t.ok(joined.isStreaming, "the join of a stream is a stream")
  t.eq(schema_of(joined), "k:bigint, value:bigint, label:string")
  local q = joined.writeStream:format("memory"):queryName("join_left"):start()
  t.wait_for(function() return spark:table("join_left"):count() > 300 and q.lastProgress ~= nil end)
  tide.sleep(0.2)
  q:stop()
  local rows = spark:table("join_left"):collect()
  local names = { [0] = "zero", [1] = "one" }
  local seen = {}
  for _, r in ipairs(rows) do
    t.eq(r.k, r.value % 3)
    t.eq(r.label, names[r.k])
    seen[r.value] = (seen[r.value] or 0) + 1
  end
  for v = 0, #rows - 1 do t.eq(seen[v], 1, "value " .. v) end
  t.eq(reads(), 1, "the static side is read once for the query")
end)

t.test("stream-static inner, semi and anti joins, sliced micro-batches, and the static side on the left", function()
  spark.conf:set("spark.tide.sliceRows", 64)
  local ok, err = pcall(function()
    local static, reads = lookup()
    local stream = rate(5000):select("value", (F.col("value") % 3):alias("k"))
    local queries = {
      inner = stream:join(static, "k"),
      semi = stream:join(static, "k", "left_semi"),
      anti = stream:join(static, "k", "left_anti"),
      right = static:join(stream, "k", "right"),
      cross = stream:filter(F.col("value"):lt(10)):crossJoin(static),
    }
    local started = {}
    for name, df in pairs(queries) do
      started[name] = df.writeStream:format("memory"):queryName("join_" .. name):start()
    end
    t.wait_for(function()
      for name in pairs(queries) do
        if spark:table("join_" .. name):count() < 30 then return false end
      end
      return true
    end)
    for _, q in pairs(started) do q:stop() end
    for _, r in ipairs(spark:table("join_inner"):collect()) do
      t.ok(r.k ~= 2 and r.label == (r.k == 0 and "zero" or "one"), "inner row " .. tostring(r))
    end
    for _, r in ipairs(spark:table("join_semi"):collect()) do t.ok(r.k ~= 2 and r.label == nil) end
    for _, r in ipairs(spark:table("join_anti"):collect()) do t.eq(r.k, 2) end
    t.eq(schema_of(queries.right), "k:bigint, label:string, value:bigint")
    for _, r in ipairs(spark:table("join_right"):collect()) do
      t.eq(r.label, ({ [0] = "zero", [1] = "one" })[r.k])
    end
    t.eq(spark:table("join_cross"):count(), 30)
    t.eq(reads(), 5, "the static side is read once by each query, whatever its slices and batches")
  end)
  spark.conf:unset("spark.tide.sliceRows")
  if not ok then error(err, 0) end
end)

t.test("joins a stream cannot run with a static DataFrame fail at the call, as Spark's", function()
  local static = lookup()
  local stream = rate():select("value", (F.col("value") % 3):alias("k"))
  t.raises_at_caller({
    { function() stream:join(stream, "k", "left") end,
      "Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not supported without a watermark" },
    { function() stream:join(static, "k", "right") end,
      "RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet on the right" },
    { function() stream:join(static, "k", "full") end, "FullOuter joins with streaming DataFrames/Datasets on the left" },
    { function() static:join(stream, "k", "left") end,
      "LeftOuter join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left" },
    { function() static:join(stream, "k", "semi") end, "LeftSemi join with a streaming DataFrame/Dataset on the right" },
    { function() static:join(stream, "k", "anti") end, "LeftAnti joins with a streaming DataFrame/Dataset on the right" },
    { function() static:join(stream, "k", "outer") end, "FullOuter joins with streaming DataFrames/Datasets on the right" },
    { function() stream:join(static, "k"):count() end, "must be executed with writeStream:start()" },
  })
end)

t.test("a stream joined with a static DataFrame on a condition beyond the keys, every type Spark allows", function()
  local dir = t.tempdir()
  local stream_rows = {}
  for f = 1, 3 do
    local rows = random_tables(f * 7)
    local lines = {}
    for i, r in ipairs(rows) do
      stream_rows[#stream_rows + 1] = r
      lines[i] = ("%s,%s,%s"):format(r[1] or "", r[2] or "", r[3] or "")
    end
    t.write(("%s/%d.csv"):format(dir, f), table.concat(lines, "\n") .. "\n")
  end
  local _, static_rows = random_tables(5)
  local static = spark:createDataFrame(static_rows, "k int, t int, s string"):alias("r")
  local stream = spark.readStream:csv(dir, { schema = "k int, t int, s string", maxFilesPerTrigger = 1 }):alias("l")
  local batch = spark.read:csv(dir, { schema = "k int, t int, s string" }):alias("l")
  t.eq(batch:count(), #stream_rows)
  local cond = CONDITIONS[1].column()
  local queries = {
    left = function(l) return l:join(static, cond, "left") end,
    semi = function(l) return l:join(static, cond, "left_semi") end,
    anti = function(l) return l:join(static, cond, "left_anti") end,
    inner = function(l) return l:join(static, cond) end,
    -- the static side on the left: the stream's rows each with its passing matches, or alone
    right = function(l) return static:join(l, F.col("r.k"):eq(F.col("l.k")):and_(F.col("l.t"):ge(F.col("r.t"))),
      "right") end,
  }
  for how, make in pairs(queries) do
    local q = make(stream).writeStream:format("memory"):queryName("rj_stream_" .. how):start()
    q:processAllAvailable()
    q:stop()
    t.ok(#q:recentProgress() >= 3, "a micro-batch a file")
    local expected = sorted(rows_of(make(batch)))
    t.ok(#expected > 0, how .. " has rows")
    t.same_table(sorted(rows_of(spark:table("rj_stream_" .. how))), expected, how)
  end
  -- what Spark refuses, with or without a residual
  t.raises_at_caller({
    { function() stream:join(static, cond, "right") end,
      "RightOuter join with a streaming DataFrame/Dataset on the left" },
    { function() static:join(stream, cond, "left_anti") end,
      "LeftAnti joins with a streaming DataFrame/Dataset on the right" },
  })
end)

t.test("inside foreachBatch a micro-batch joins as a batch DataFrame, right outer too", function()
  local static = lookup()
  local checked = 0
  local q = rate(2000).writeStream:option("checkpointLocation", t.tempdir() .. "/join_fb"):foreachBatch(function(df)
    local keyed = df:select("value", (F.col("value") % 3):alias("k"))
    local n = { [0] = 0, [1] = 0, [2] = 0 }
    for _, r in ipairs(keyed:collect()) do n[r.k] = n[r.k] + 1 end
    -- each static row with its matches, or once alone (5 never matches)
    t.eq(keyed:join(static, "k", "right"):count(), math.max(n[0], 1) + math.max(n[1], 1) + 1)
    checked = checked + 1
  end):start()
  t.wait_for(function() return checked >= 2 or not q:isActive() end)
  q:stop()
  t.eq(q:exception(), nil, "the query ran")
  t.ok(checked >= 2, "batches checked")
end)

t.test("a.x and b.x tell a join's same-named columns apart, as Spark's; the bare name is ambiguous", function()
  local a = spark:createDataFrame({ { 1, "x" }, { 2, "y" } }, "id int, site string")
  local b = spark:createDataFrame({ { 1, "s1" }, { 3, "s3" } }, "id int, site string")
  -- PySpark's a.join(b, a.id == b.id): each side's own id.
  local j = a:join(b, a.id:eq(b.id), "full")
  t.same_table(rows_of(j), { "1|x|1|s1", "2|y|null|null", "null|null|3|s3" })
  t.same_table(rows_of(j:select(a.id, b.id, b.site)), { "1|1|s1", "2|null|null", "null|3|s3" })
  t.same_table(rows_of(j:filter(b.id:isNull()):select(a.site)), { "y" })
  t.same_table(rows_of(j:select(F.coalesce(a.id, b.id):alias("id"), F.concat(a.site, F.lit("/"), b.site))),
    { "1|x/s1", "2|null", "3|null" })
  -- A DataFrame built on a side keeps telling it apart; so do * and
  -- columns passed through a select.
  local a2 = a:filter(F.col("id"):gt(1))
  t.same_table(rows_of(a2:join(b, a2.id:eq(b.id), "left"):select(a.site, b.site)), { "y|null" })
  local kept = j:select("*"):withColumn("n", F.lit(1)):filter(a.id:isNotNull())
  t.same_table(kept.columns, { "id", "site", "id", "site", "n" })
  t.same_table(rows_of(kept:select(b.site, "n")), { "s1|1", "null|1" })
  -- Aliased sides: F.col("l.site"), as in Spark SQL; a self-join needs them.
  local l, r = a:alias("l"), a:alias("r")
  t.same_table(rows_of(l:join(r, F.col("l.id"):eq(F.col("r.id"))):select("l.site", F.col("r.id"))),
    { "x|1", "y|2" })
  -- As Spark's: drop(name), withColumn(name) and withColumnRenamed(name)
  -- act on both columns of the name; drop(b.site) on b's.
  t.same_table(j:drop("site").columns, { "id", "id" })
  t.same_table(rows_of(j:drop(b.site):drop(b.id)), { "1|x", "2|y", "null|null" })
  t.same_table(j:withColumnRenamed("site", "s").columns, { "id", "s", "id", "s" })
  t.same_table(rows_of(j:withColumn("site", F.upper(a.site))), { "1|X|1|X", "2|Y|null|Y", "null|null|3|null" })
  -- df.na keeps each column by position too.
  t.same_table(rows_of(j.na:fill("-")), { "1|x|1|s1", "2|y|null|-", "null|-|3|s3" })
  t.same_table(rows_of(j.na:drop()), { "1|x|1|s1" })
  -- The bare name, or a self-join's unaliased columns, are ambiguous.
  local ambiguous = "Reference 'site' is ambiguous, could be: site, site. In an expression, name one DataFrame's"
    .. " column as df.site"
  t.raises_at_caller({
    { function() local _ = j:select("site") end, ambiguous },
    { function() local _ = j.site end, ambiguous },
    { function() local _ = j:filter(F.col("site"):isNull()) end, ambiguous },
    { function() local _ = l:join(r, F.col("l.id"):eq(F.col("r.id"))):select("site") end,
      "could be: l.site, r.site" },
    { function() local _ = a:join(a, a.id:eq(a.id)) end, 'reference "id" is ambiguous in the join condition' },
  })
end)

t.test("groupBy, agg, orderBy, dropDuplicates and windows take a.x after a join, the result keeping the name", function()
  local a = spark:createDataFrame({ { 1, "x" }, { 2, "y" }, { 3, "x" } }, "id int, site string")
  local b = spark:createDataFrame({ { 1, "s1" }, { 3, "s1" }, { 2, "s2" } }, "id int, site string")
  local j = a:join(b, a.id:eq(b.id))
  local by_a = j:groupBy(a.site):count()
  t.same_table(by_a.columns, { "site", "count" })
  t.same_table(rows_of(by_a:orderBy("site")), { "x|2", "y|1" })
  -- Both sides' columns as keys: two columns named site, as in Spark.
  local both = j:groupBy(a.site, b.site):agg(F.sum(a.id):alias("s"), F.max(b.id), F.countDistinct(a.id))
  t.same_table(both.columns, { "site", "site", "s", "max(id)", "count(DISTINCT id)" })
  t.same_table(sorted(rows_of(both)), { "x|s1|4|3|2", "y|s2|2|2|1" })
  t.same_table(rows_of(j:orderBy(F.desc(b.site), a.id)), { "2|y|2|s2", "1|x|1|s1", "3|x|3|s1" })
  t.same_table(rows_of(j:dropDuplicates(b.site)), { "1|x|1|s1", "2|y|2|s2" })
  t.same_table(rows_of(j:dropDuplicates({ a.site, b.site })), { "1|x|1|s1", "2|y|2|s2" })
  t.same_table(sorted(rows_of(j:select(a.site, b.site):distinct())), { "x|s1", "y|s2" })
  t.same_table(rows_of(j:distinct():orderBy(a.id)), { "1|x|1|s1", "2|y|2|s2", "3|x|3|s1" })
  local W = tide.Window
  t.same_table(rows_of(j:withColumn("rn", F.row_number():over(W.partitionBy(a.site):orderBy(F.desc(b.id))))),
    { "3|x|3|s1|1", "1|x|1|s1|2", "2|y|2|s2|1" })
  t.same_table(sorted(rows_of(j:select(a.id, F.sum(b.id):over(W.partitionBy(b.site))))), { "1|4", "2|2", "3|4" })
  -- Aliased sides and SQL's qualified names alike.
  local l, r = a:alias("l"), b:alias("r")
  local lr = l:join(r, F.col("l.id"):eq(F.col("r.id")))
  t.same_table(rows_of(lr:groupBy("r.site"):agg(F.max("l.site")):orderBy("site")), { "s1|x", "s2|y" })
  a:createOrReplaceTempView("ta")
  b:createOrReplaceTempView("tb")
  t.same_table(rows_of(spark:sql("SELECT tb.site, count(*) AS n FROM ta JOIN tb ON ta.id = tb.id"
    .. " GROUP BY tb.site ORDER BY tb.site")), { "s1|2", "s2|1" })
  -- The bare name stays ambiguous there too.
  local ambiguous = "Reference 'site' is ambiguous, could be: site, site"
  t.raises_at_caller({
    { function() local _ = j:groupBy("site") end, ambiguous },
    { function() local _ = j:orderBy(F.col("site")) end, ambiguous },
    { function() local _ = j:dropDuplicates("site") end, ambiguous },
    { function() local _ = j:groupBy(a.site):agg(F.max("id")) end, "Reference 'id' is ambiguous" },
    { function() local _ = j:withColumn("n", F.count("*"):over(W.partitionBy("site"))) end, ambiguous },
  })
end)

t.test("toDF after a join keeps each of two same-named columns' own values", function()
  local l = spark:createDataFrame({ { 1, "a" }, { 2, "b" } }, "id int, site string"):alias("l")
  local r = spark:createDataFrame({ { 1, "x" }, { 2, "y" } }, "id int, site string"):alias("r")
  local joined = l:join(r, F.col("l.id"):eq(F.col("r.id"))):toDF("lid", "lsite", "rid", "rsite")
  t.same_table(rows_of(joined), { "1|a|1|x", "2|b|2|y" })
end)

t.run()
