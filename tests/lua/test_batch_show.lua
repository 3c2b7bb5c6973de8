-- A batch's show takes what a DataFrame's show takes: show(n, truncate,
-- vertical) or show{n = ..., truncate = ..., vertical = ...}, and prints
-- the same text.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

local LONG = "a cell longer than twenty characters"

local function batch()
  return tide.batch.fromRows({ { 1, LONG }, { 2, "short" }, { 3, "third" } }, "id int, s string")
end

-- What fn writes with io.write.
local function printed(fn)
  local parts, write = {}, io.write
  io.write = function(...) for _, v in ipairs({ ... }) do parts[#parts + 1] = tostring(v) end end
  local ok, err = pcall(fn)
  io.write = write
  if not ok then error(err, 0) end
  return table.concat(parts)
end

t.test("show takes a table of keywords, as a DataFrame's show", function()
  local b = batch()
  local full = printed(function() b:show{ truncate = false } end)
  t.has(full, "|" .. LONG .. "|")
  local cut = printed(function() b:show{ n = 1 } end)
  t.has(cut, "a cell longer tha...")
  t.has(cut, "only showing top 1 row")
  t.ok(not cut:find("short", 1, true), cut)
  local vertical = printed(function() b:show{ n = 2, vertical = true, truncate = 6 } end)
  t.has(vertical, "-RECORD 1")
  t.has(vertical, " s   | a c... ")
  t.has(vertical, "only showing top 2 rows")
end)

t.test("a batch prints what a DataFrame of it prints, for every form of the arguments", function()
  local b = batch()
  local df = spark:createDataFrame(b)
  for _, args in ipairs({ {}, { 2 }, { 2, false }, { 1, 5, true }, { { truncate = false } },
                          { { n = 0 } }, { { vertical = true } }, { -1 } }) do
    local from_batch = printed(function() b:show(unpack(args, 1, 3)) end)
    local from_frame = printed(function() df:show(unpack(args, 1, 3)) end)
    t.eq(from_batch, from_frame, "show(" .. require("tide.pretty")(args) .. ")")
  end
  -- show prints the table and a blank line, as Spark's println of showString
  t.eq(b:showString{ truncate = false } .. "\n", printed(function() df:show(20, false) end))
end)

t.test("show's arguments are checked, at the line that called show", function()
  local b = batch()
  local err = t.raises(function() b:show{ rows = 2 } end, "show has no parameter rows")
  t.at_caller(err)
  t.raises(function() b:show({ n = 2 }, false) end, "arguments or one table of them")
  t.raises(function() b:show(1.5) end, "n must be a whole number")
  -- Scala's show(false)
  t.has(t.raises(function() b:show(false) end), "not false (untruncated: show(20, false) or show{truncate = false})")
  t.raises(function() b:show{ truncate = "no" } end, "truncate must be a boolean or a number")
  t.raises(function() b:show{ vertical = 1 } end, "vertical must be a boolean")
end)

t.test("the table is Spark 3.5's: NULL at any depth, control characters escaped, wide characters counted twice",
  function()
  -- (the expected texts are what Spark 3.5.3's show prints for this query)
  local df = spark:sql("SELECT 'a\\nbcdefghijklmnopqrstuvwxyz' AS `x\\ty`, '日本語テキスト' AS w, NULL AS n, "
    .. "array('p\\nq', NULL) AS arr, map('k', CAST(NULL AS INT)) AS m, 'ab\\u0007c' AS bell, '😀x' AS emoji")
  t.eq(df:toBatch():showString(), [[
+--------------------+--------------+----+------------+-----------+-----+-----+
|                x\ty|             w|   n|         arr|          m| bell|emoji|
+--------------------+--------------+----+------------+-----------+-----+-----+
|a\nbcdefghijklmno...|日本語テキスト|NULL|[p\nq, NULL]|{k -> NULL}|ab\ac|  😀x|
+--------------------+--------------+----+------------+-----------+-----+-----+
]])
  t.eq(df:toBatch():showString(20, false), [[
+----------------------------+--------------+----+------------+-----------+-----+-----+
|x\ty                        |w             |n   |arr         |m          |bell |emoji|
+----------------------------+--------------+----+------------+-----------+-----+-----+
|a\nbcdefghijklmnopqrstuvwxyz|日本語テキスト|NULL|[p\nq, NULL]|{k -> NULL}|ab\ac|😀x  |
+----------------------------+--------------+----+------------+-----------+-----+-----+
]])
  t.eq(df:toBatch():showString(20, 20, true), [[
-RECORD 0---------------------
 x\ty  | a\nbcdefghijklmno... 
 w     | 日本語テキスト       
 n     | NULL                 
 arr   | [p\nq, NULL]         
 m     | {k -> NULL}          
 bell  | ab\ac                
 emoji | 😀x                  
]])
  t.eq(spark:sql("SELECT CAST(array(1, NULL) AS STRING) AS s"):collect()[1].s, "[1, null]")
  -- printSchema escapes names so too, a struct's fields' as well
  t.ok(df.schema:treeString():find("\n |-- x\\ty: string (", 1, true), df.schema:treeString())
  local tree = spark:sql("SELECT named_struct('a\\nb', 1) AS s").schema:treeString()
  t.ok(tree:find("\n |    |-- a\\nb: integer (", 1, true), tree)
end)

t.run()
