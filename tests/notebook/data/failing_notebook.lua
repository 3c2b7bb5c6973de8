-- %%
print("first cell runs")

-- %%
local function explode() error("boom in cell two") end
explode()

-- %%
print("never reached")
