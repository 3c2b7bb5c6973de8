-- spark:sql correlated subqueries beyond WHERE: in the select list, with Spark 3.5's results and errors.
local t = require("testing")
local tide = require("tide")
local spark = tide.session()

t.test("placeholder", function() t.eq(spark:sql("SELECT 1 AS a").columns[1], "a") end)

t.run()
