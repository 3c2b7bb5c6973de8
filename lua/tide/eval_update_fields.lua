-- tide.eval_update_fields — a struct with fields replaced, added or
-- dropped, as Spark's UpdateFields (Column.withField, Column.dropFields):
--
--   F.col("s"):withField("c", F.lit(9))      -- s's fields, then c (or c replaced where s has one)
--   F.col("s"):withField("b.x", F.lit(7))    -- a field of a nested struct
--   F.col("s"):dropFields("a", "b.y")        -- fields left out (a name s lacks: nothing)
--
-- The node is a call of update_fields whose ops ({ path = {...}, value =
-- node } to set, { path = {...} } to drop) apply in order; withField and
-- dropFields on such a node add to its ops, as Spark merges them. It is
-- compiled as CASE WHEN s IS NULL THEN NULL ELSE named_struct(...) END,
-- each kept field read from s, so a null struct stays null. Names match
-- a field's case-insensitively (Spark's resolver), and the column is named
-- as Spark names it: update_fields(s, WithField(9), dropfield()).
local T = require("tide.types")

local M = {}
local ID = T.ID

-- An op as Spark names it in update_fields(s, ...): a nested path's as
-- WithField(update_fields(s.b, ...)), the struct it goes into `target`.
local function op_text(op, target, sql_name)
  if #op.path > 1 then
    local inner = target .. "." .. op.path[1]
    local rest = { path = { unpack(op.path, 2) }, value = op.value }
    return ("WithField(update_fields(%s, %s))"):format(inner, op_text(rest, inner, sql_name))
  end
  if op.value == nil then return "dropfield()" end
  return "WithField(" .. sql_name(op.value) .. ")"
end

-- The fields ({ name, node, type }) of a struct of type `st` read from
-- `node`, after `ops`, a nested path's ops grouped under the field they go
-- into (type: a field of st's, nil for one added).
local function apply(node, st, ops, fail)
  local fields = {}
  for _, f in ipairs(st.fields) do
    fields[#fields + 1] = { name = f.name, node = { k = "field", expr = node, name = f.name }, type = f.dataType }
  end
  local function find(name)
    for i, f in ipairs(fields) do
      if f.name:lower() == name:lower() then return i end
    end
  end
  for _, op in ipairs(ops) do
    local name = op.path[1]
    local i = find(name)
    if #op.path > 1 then
      local ft = i and fields[i].type
      if not i then
        local names = {}
        for k, f in ipairs(fields) do names[k] = "`" .. f.name .. "`" end
        error(("[FIELD_NOT_FOUND] No such struct field `%s` in %s."):format(name, table.concat(names, ", ")), 0)
      end
      local inner = fields[i].node
      local rest = { path = { unpack(op.path, 2) }, value = op.value }
      if inner.k == "call" and inner.fn == "update_fields" then
        inner.ops[#inner.ops + 1] = rest
      else
        if not (ft and ft.id == ID.struct) then
          fail(("field %s is %s, not a struct"):format(name, ft and ft:simpleString() or "a new one"))
        end
        fields[i].node = { k = "call", fn = "update_fields", args = { inner }, ops = { rest } }
      end
    elseif op.value ~= nil then
      if i then
        fields[i].node, fields[i].type = op.value, nil
      else
        fields[#fields + 1] = { name = name, node = op.value }
      end
    elseif i then
      table.remove(fields, i)
    end
  end
  return fields
end

-- Spark's name of an update_fields node.
local function name_of(node, sql_name)
  local parts, target_text = {}, sql_name(node.args[1])
  for i, op in ipairs(node.ops) do parts[i] = op_text(op, target_text, sql_name) end
  return ("update_fields(%s, %s)"):format(target_text, table.concat(parts, ", "))
end

local function update_fields(node, _, compileChild, ev)
  local target = node.args[1]
  local name = name_of(node, ev.sqlName)
  local function fail(msg) error(("cannot resolve '%s' due to data type mismatch: %s"):format(name, msg), 0) end
  local st = compileChild(target).type
  if st.id ~= ID.struct then fail(("update_fields needs a struct, not %s"):format(st:simpleString())) end
  local fields = apply(target, st, node.ops, fail)
  if #fields == 0 then fail("[DATATYPE_MISMATCH.CANNOT_DROP_ALL_FIELDS] Cannot drop all fields in struct.") end
  local args = {}
  for _, f in ipairs(fields) do
    args[#args + 1] = { k = "lit", value = f.name }
    args[#args + 1] = f.node
  end
  local c = compileChild({ k = "case", branches = { { when = { k = "isnull", expr = target },
    value = { k = "lit", value = nil } } }, otherwise = { k = "call", fn = "named_struct", args = args },
    sqlText = name })
  c.name = name
  return c
end

function M.register(eval) eval.register("update_fields", update_fields) end

-- The node of Column:withField / dropFields: node's ops with `op` added
-- (named as Spark names it, also inside other expressions).
function M.node(node, op)
  local out
  if node.k == "call" and node.fn == "update_fields" then
    local ops = { unpack(node.ops) }
    ops[#ops + 1] = op
    out = { k = "call", fn = "update_fields", args = node.args, ops = ops }
  else
    out = { k = "call", fn = "update_fields", args = { node }, ops = { op } }
  end
  out.sqlText = name_of(out, require("tide.sql").toString)
  return out
end

-- A field path: "b.x" as { "b", "x" }.
function M.path(name)
  local path = {}
  for part in (name .. "."):gmatch("([^.]*)%.") do path[#path + 1] = part end
  return path
end

return M
