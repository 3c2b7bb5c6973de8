-- Dates through F.udf: a date argument reaches the function as collect()
-- gives it ("yyyy-MM-dd"), or as int32 days in a column view's values();
-- a udf declared to return a date takes that text or whole days, and
-- refuses anything else naming the row.
local t = require("testing")
local tide = require("tide")
local F = tide.functions
local spark = tide.session()

local function days()
  return spark:createDataFrame({ { 1, "2024-02-28" }, { 2, nil }, { 3, "1969-12-31" }, { 4, "-0043-03-15" } },
    "id int, d date")
end

t.test("per row: a date argument is its yyyy-MM-dd text, as collect gives it; null is nil", function()
  local seen = {}
  local echo = F.udf(function(d)
    seen[#seen + 1] = d == nil and "nil" or d
    return d
  end, "string", { perRow = true })
  local rows = days():select(echo("d"):alias("s")):collect()
  t.same_table(seen, { "2024-02-28", "nil", "1969-12-31", "-0043-03-15" })
  t.eq(rows[1].s, "2024-02-28")
  t.eq(rows[2].s, nil)
  t.eq(rows[4].s, "-0043-03-15")
end)

t.test("per row: a date result from yyyy-MM-dd text or whole days since 1970-01-01", function()
  local first_of_month = F.udf(function(d)
    if d == nil then return nil end
    return (d:gsub("%d+$", "01"))
  end, "date", { perRow = true })
  local from_days = F.udf(function(id) return id * 365 end, "date", { perRow = true })
  local out = days():select("id", first_of_month("d"):alias("n"), from_days("id"):alias("k"))
  t.same_table(out.dtypes, { { "id", "int" }, { "n", "date" }, { "k", "date" } })
  t.same_table(t.rows(out), { "1|2024-02-01|1971-01-01", "2|null|1972-01-01", "3|1969-12-01|1972-12-31",
    "4|-0043-03-01|1973-12-31" })
  -- a date column like any other: compared, sorted, cast
  t.same_table(t.rows(out:filter(F.col("n"):gt(F.lit("1970-01-01"):cast("date"))):select("id")), { "1" })
  t.same_table(t.rows(out:orderBy("n"):select("id")), { "2", "4", "3", "1" })
  t.same_table(t.rows(out:select(F.col("k"):cast("string"))), { "1971-01-01", "1972-01-01", "1972-12-31",
    "1973-12-31" })
end)

t.test("per batch: values() are int32 days, get(i) the text; out takes days, text or a list", function()
  local plus_week = F.udf(function(n, out, d)
    local v, o = d:values(), out:values()
    for i = 0, n - 1 do
      if d:isNull(i) then out:setNull(i) else o[i] = v[i] + 7 end
    end
  end, "date")
  local texts = F.udf(function(n, out, d)
    for i = 0, n - 1 do out:set(i, d:get(i)) end -- nil: null
  end, "date")
  local listed = F.udf(function(n, _, d)
    local r = {}
    for i = 0, n - 1 do r[i + 1] = not d:isNull(i) and "2000-01-0" .. (i + 1) or nil end
    return r
  end, "date")
  local out = days():select(plus_week("d"):alias("w"), texts("d"):alias("same"), listed("d"):alias("l"))
  t.same_table(t.rows(out), { "2024-03-06|2024-02-28|2000-01-01", "null|null|null", "1970-01-07|1969-12-31|2000-01-03",
    "-0043-03-22|-0043-03-15|2000-01-04" })
  local raw = F.udf(function(n, _, d)
    local r = {}
    for i = 0, n - 1 do if not d:isNull(i) then r[i + 1] = d:values()[i] end end
    return r
  end, "int")
  t.same_table(t.rows(days():select(raw("d"))), { "19781", "null", "-1", "-735160" })
end)

t.test("a udf returning a date column view of the right type is taken as it is", function()
  local same = F.udf(function(_, _, d) return d end, "date")
  t.same_table(t.rows(days():select(same("d"))), { "2024-02-28", "null", "1969-12-31", "-0043-03-15" })
  local wrong = F.udf(function(_, _, d) return d end, "timestamp")
  t.raises(function() days():select(wrong("d")):collect() end, "not 4 rows of timestamp")
end)

t.test("what is not a date fails the udf naming its row", function()
  local cases = {
    { "2024-02-30", 'row 0: "2024%-02%-30" is not a date' },
    { "tomorrow", 'row 0: "tomorrow" is not a date' },
    { 1.5, 'row 0: 1.5 is not a date %("yyyy%-MM%-dd" or whole days since 1970%-01%-01%)' },
    { 2 ^ 31, "row 0: 2147483648 is not a date" },
    { true, "row 0: true is not a date" },
  }
  for _, c in ipairs(cases) do
    local bad = F.udf(function() return c[1] end, "date", { perRow = true })
    local err = t.raises(function() days():limit(1):select(bad("id")):collect() end, c[2])
    t.has(err, "udf udf(id)")
  end
  local bad_list = F.udf(function(n)
    local r = {}
    for i = 1, n do r[i] = i == 3 and "2023-13-01" or "2023-01-01" end
    return r
  end, "date")
  t.raises(function() days():select(bad_list("d")):collect() end, 'row 2: "2023%-13%-01" is not a date')
end)

t.run()
