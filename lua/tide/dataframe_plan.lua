-- tide.dataframe_plan — what PySpark tells of a DataFrame's plan without
-- running it:
--
--   df:inputFiles()             -- the files its file scans read ("file:/data/a.csv", ...)
--   df:isLocal()                -- its plan is rows in memory (createDataFrame)
--   df:sameSemantics(other)     -- both plans compute the same thing
--   df:semanticHash()           -- a number equal for plans of the same semantics
--
-- As Spark's canonicalized plans, the comparison is of the plans' shapes:
-- each operator's kind and expressions, column references by position,
-- the names given by a projection's top-level aliases left out (Spark
-- erases them), and each scan's source: a file scan by its path and
-- schema, a range by its bounds, rows in memory by their values (up to
-- LOCAL_ROWS rows; larger ones only equal themselves), any other source
-- only itself.
local bit = require("bit")
local T = require("tide.types")
local lineage = require("tide.lineage")

local M = {}

M.LOCAL_ROWS = 100000

-- The plan of a DataFrame as built, before df:cache() put its rows in
-- place of it.
local function plan_of(df) return df._uncached or df._plan end

-- Calls visit(scan) for each scan under plan.
local function each_scan(plan, visit, seen)
  seen = seen or {}
  if seen[plan] then return end
  seen[plan] = true
  if plan.left and plan.right then
    each_scan(plan.left, visit, seen)
    each_scan(plan.right, visit, seen)
  elseif plan.child then
    each_scan(plan.child, visit, seen)
  else
    visit(plan)
  end
end

-- ---- inputFiles --------------------------------------------------------------------------------

local function input_files(df)
  local files = require("tide.files")
  local found, list = {}, {}
  local function add(path)
    local uri = "file:" .. files.absolute(path)
    if not found[uri] then
      found[uri] = true
      list[#list + 1] = uri
    end
  end
  each_scan(plan_of(df), function(scan)
    local src = scan.source or {}
    if type(src.paths) == "table" then
      for _, f in ipairs(src.paths) do add(f.path) end
    else
      -- a file scan that keeps only its description: list its path again
      local path = type(src.description) == "string" and src.description:match("^FileScan %w+ %[(.*)%]$")
      if path then
        for _, f in ipairs(files.resolve(path)) do add(f.path) end
      end
    end
  end)
  table.sort(list)
  return list
end

-- ---- canonical text of a plan --------------------------------------------------------------------

local serialize

-- An expression node as text: keys in order, column references by their
-- position in `schema` where they resolve, lineage (which DataFrame a
-- column came from) left out.
serialize = function(v, schema)
  local kind = type(v)
  if kind == "string" then return ("%q"):format(v) end
  if kind == "number" or kind == "boolean" or kind == "nil" then return tostring(v) end
  if kind ~= "table" then return kind end
  if T.isType(v) then return "<" .. v:simpleString() .. ">" end
  if lineage.isRef(v) then return "ref" end
  if v.k == "col" and type(v.name) == "string" and schema then
    local i = schema:resolveField(v.name)
    if i then return "#" .. (i - 1) end
  end
  local keys = {}
  for key in pairs(v) do
    if key ~= "from" and key ~= "index" then keys[#keys + 1] = key end
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for i, key in ipairs(keys) do parts[i] = tostring(key) .. "=" .. serialize(v[key], schema) end
  return "{" .. table.concat(parts, ",") .. "}"
end

local function types_of(schema)
  local parts = {}
  for i, f in ipairs(schema.fields) do parts[i] = f.dataType:simpleString() end
  return table.concat(parts, ",")
end

-- The rows of a scan in memory as text, or nil when there are too many.
local function local_rows(src)
  local ok, batch = pcall(src.read, src)
  if not ok or type(batch) ~= "cdata" or batch:count() > M.LOCAL_ROWS then return nil end
  local batchlib, out = require("tide.batch"), {}
  for i = 0, batch:count() - 1 do
    local row = {}
    for j = 0, batch.num_columns - 1 do
      -- (a null apart from the text "null")
      local col = batch.columns[j]
      row[j + 1] = batchlib.isValid(col, i) and batchlib.cellText(col, i) or "\0"
    end
    out[i + 1] = table.concat(row, "\1")
  end
  return table.concat(out, "\2")
end

local function scan_text(plan)
  local src = plan.source or {}
  local desc = type(src.description) == "string" and src.description or ""
  if src.range then return src.range end
  if desc:match("^FileScan ") then return desc .. " <" .. plan.schema:simpleString() .. ">" end
  if desc == "LocalRelation" and not src.pieces and not plan.cached then
    local rows = local_rows(src)
    if rows then return "LocalRelation <" .. types_of(plan.schema) .. "> " .. rows end
  end
  return "Scan " .. tostring(src)
end

local function plan_text(plan, out)
  if plan.left and plan.right then
    out[#out + 1] = (plan.explain or plan.kind or "?") .. "(" .. types_of(plan.schema) .. ")"
    plan_text(plan.left, out)
    plan_text(plan.right, out)
    return
  end
  if not plan.child then
    out[#out + 1] = scan_text(plan)
    return
  end
  local input = plan.child.schema
  if plan.kind == "project" and plan.compiled then
    local items = {}
    for i, c in ipairs(plan.compiled) do
      local node = c.node
      -- a top-level alias's name: erased, as Spark's canonical plans do
      items[i] = node.k == "alias" and "alias" .. serialize(node.expr, input) or serialize(node, input)
    end
    out[#out + 1] = "Project[" .. table.concat(items, ";") .. "]"
  else
    out[#out + 1] = (plan.kind or "?") .. "[" .. (plan.explain or "") .. "](" .. types_of(plan.schema) .. ")"
  end
  plan_text(plan.child, out)
end

local function canonical(df)
  local out = {}
  plan_text(plan_of(df), out)
  return table.concat(out, "\n")
end

-- A Java int of the text (31-based, as String.hashCode).
local function hash(text)
  local h = 0
  for i = 1, #text do h = bit.tobit(h * 31 + text:byte(i)) end
  return h
end

-- ---- install ----------------------------------------------------------------------------------------

function M.install(dataframe)
  local methods = dataframe.methods

  function methods:inputFiles() return input_files(self) end

  -- isLocal(): as Spark's, true when the plan is a LocalRelation itself
  -- (createDataFrame's rows), not an operator over one, nor a range.
  function methods:isLocal()
    local plan = plan_of(self)
    local src = plan.source
    return plan.child == nil and plan.left == nil and src ~= nil and src.description == "LocalRelation"
      and not src.range and not src.pieces
  end

  function methods:sameSemantics(other)
    if getmetatable(other) ~= dataframe.DataFrame then
      error(("sameSemantics needs a DataFrame, not %s"):format(require("tide.checks").kindOf(other)), 2)
    end
    return canonical(self) == canonical(other)
  end

  function methods:semanticHash() return hash(canonical(self)) end
end

return M
