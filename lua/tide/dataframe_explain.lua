-- tide.dataframe_explain — df:explain(), PySpark's: a DataFrame's plan as
-- Spark prints it, a tree of one operator a line. dataframe.lua installs
-- it into its methods table.
local M = {}

local function column_list(schema) return "[" .. table.concat(schema:fieldNames(), ", ") .. "]" end

-- One line for an operator, in the words of Spark's plans where tide's
-- operators are Spark's; operators say it themselves (op.explain) when
-- they know more than their kind.
local function describe_op(op)
  if op.explain then return op.explain end
  if op.kind == "union" then return "Union" end
  if not op.child then
    local src = op.source
    -- (a file source says what it adds: its partition filters)
    local details = src and src.explainDetails and src.explainDetails() or ""
    return ((src and src.description) or op.kind or "Scan") .. " " .. column_list(op.schema) .. details
  end
  if op.kind == "project" and op.compiled then
    local sql = require("tide.sql")
    local items = {}
    for i, c in ipairs(op.compiled) do
      local node = c.node
      if node.k == "alias" then
        items[i] = sql.toString(node.expr) .. " AS " .. c.name
      else
        local text = sql.toString(node)
        items[i] = text == c.name and text or text .. " AS " .. c.name
      end
    end
    return "Project [" .. table.concat(items, ", ") .. "]"
  end
  -- Operators of other modules (ML stages): what they are, and the columns
  -- they add to their input's.
  local what = op.kind
  if op.fusedFrom then
    local uids = {}
    for i, o in ipairs(op.fusedFrom) do uids[i] = o.stage and o.stage.uid or o.kind end
    what = "FusedScorer(" .. table.concat(uids, ", ") .. ")"
  elseif op.stage and op.stage.uid then
    what = op.stage.uid
  end
  local added = {}
  for i = #op.child.schema.fields + 1, #op.schema.fields do added[#added + 1] = op.schema.fields[i].name end
  return #added > 0 and what .. " +[" .. table.concat(added, ", ") .. "]" or what
end

local function plan_lines(op, out, lead, indent)
  -- (a side's rows of one of the query's sources: that source's scan, as
  -- Spark's plan has a leaf a source; tide.sources.composite)
  op = op.readsPart or op
  out[#out + 1] = lead .. describe_op(op)
  local children = op.left and op.right and { op.left, op.right } or { op.child }
  for i, child in ipairs(children) do
    local last = i == #children
    plan_lines(child, out, indent .. (last and "+- " or ":- "), indent .. (last and "   " or ":  "))
  end
end

local function plan_text(plan)
  local out = {}
  plan_lines(plan, out, "", "")
  return table.concat(out, "\n") .. "\n"
end


-- ---- install -----------------------------------------------------------------------------------

function M.install(dataframe)
  local methods = dataframe.methods

  -- explain(): the plan that runs (after tide.optimizer's rewrites), one
  -- operator a line, top first, as Spark's tree; explain(true),
  -- explain("extended") or explain{extended = true} print the plan as built
  -- before it. Spark's other modes (codegen, cost, formatted) have nothing
  -- of tide's to show.
  function methods:explain(extended, mode)
    if type(extended) == "table" then extended, mode = extended.extended, extended.mode end
    if type(extended) == "string" then extended, mode = nil, extended end
    mode = mode and tostring(mode):lower() or (extended and "extended" or "simple")
    if mode ~= "simple" and mode ~= "extended" then
      error(("explain: mode %q is not supported (simple or extended)"):format(mode), 2)
    end
    io.write(M.text(self, mode), "\n")
  end
end

-- The text explain(mode) prints ("simple" or "extended"), which SQL's
-- EXPLAIN gives as a row.
function M.text(df, mode)
  local run = require("tide.optimizer").optimize(df._plan)
  local text = "== Physical Plan ==\n" .. plan_text(run)
  if mode == "extended" then text = "== Logical Plan ==\n" .. plan_text(df._plan) .. "\n" .. text end
  return text
end

return M
