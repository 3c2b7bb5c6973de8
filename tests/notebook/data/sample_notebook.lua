-- %% [markdown]
-- # A sample notebook
-- Cells share **globals**; see `tide notebook --help`.
-- - one
-- - two

-- %%
local tide = require("tide")
greeting = "hello from cell 2"
print(greeting)

-- %% a table and a chart
local b = tide.batch.fromRows({ { 1, "a" }, { 2, "b<&>" }, { 3, "c" } }, "id int, name string")
b:show(2)
tide.plot.line({ x = { 1, 2, 3 }, y = { 2, 4, 3 }, title = "a line" }):show()
io.write("args: ", tostring(arg[1]), "\n")
