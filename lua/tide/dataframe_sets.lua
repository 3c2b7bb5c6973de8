-- tide.dataframe_sets — Spark's set operations on DataFrames:
--
--   df:union(other)            (unionAll)  rows of both, columns by position
--   df:unionByName(other)      df:unionByName(other, true)   columns by name
--   df:intersect(other)        df:intersectAll(other)
--   df:subtract(other)         df:exceptAll(other)
--
-- Column types are widened as Spark widens them for set operations (int
-- and bigint to bigint, a number and a double to double, decimals to the
-- decimal holding both, a string and a number or timestamp to string;
-- an untyped NULL's column, SELECT NULL, takes the other side's type);
-- columns go by position, the names are the left side's. intersect and
-- subtract keep each distinct row once, the *All forms as many times as
-- the counts allow; rows compare as Spark's set operations compare them
-- (nulls equal), and the result keeps the left side's order (one C pass
-- over the groups of equal rows, engine/set_ops.c).
local ffi = require("ffi")
local C = require("tide.ffi")
local coerce = require("tide.eval_coerce")
local T = require("tide.types")
local batchlib = require("tide.batch")
local column = require("tide.column")
local ops = require("tide.dataframe_ops")
local checks = require("tide.checks")
local fail = checks.failAtUser

local M = {}
local ID = T.ID
local errbuf, ERRLEN, cerr, int32s, take = ops.errbuf, ops.ERRLEN, ops.cerr, ops.int32s, ops.take

-- The numbers that widen in Spark's numericPrecedence (coerce.widerNumeric:
-- tinyint and smallint below int); decimals widen apart.
local PRECEDENCE = { [ID.int] = true, [ID.long] = true, [ID.float] = true, [ID.double] = true }

-- The type both a and b widen to, or nil.
local common_type
function common_type(a, b)
  if a == b then return a end
  if coerce.isVoid(a) then return b end -- (an untyped NULL's column takes the other's type)
  if coerce.isVoid(b) then return a end
  if a.id == ID.array and b.id == ID.array then -- arrays: of their elements' type
    local element = common_type(a.elementType, b.elementType)
    return element and T.array(element, a.containsNull or b.containsNull)
  end
  if a.id == ID.struct and b.id == ID.struct and #a.fields == #b.fields then -- structs: field by field
    local fields = {}
    for i, f in ipairs(a.fields) do
      if f.name:lower() ~= b.fields[i].name:lower() then return nil end
      local ft = common_type(f.dataType, b.fields[i].dataType)
      if not ft then return nil end
      fields[i] = T.field(f.name, ft, true)
    end
    return T.struct(fields)
  end
  if a.id == ID.map and b.id == ID.map then -- maps: key by key, value by value
    local k, v = common_type(a.keyType, b.keyType), common_type(a.valueType, b.valueType)
    return k and v and T.map(k, v)
  end
  if a.interval or b.interval then return coerce.widerInterval(a, b) end -- (of one kind: tide.eval_intervals)
  if PRECEDENCE[a.id] and PRECEDENCE[b.id] then return coerce.widerNumeric(a, b) end
  if a.id == ID.decimal or b.id == ID.decimal then
    local other = a.id == ID.decimal and b or a
    if other.id == ID.float or other.id == ID.double then return T.double end
    -- (a whole-number type as the decimal it fits in: Spark's DecimalType.forType)
    local da = (a.id == ID.decimal or coerce.isIntegral(a)) and coerce.decimalOf(a)
    local db = (b.id == ID.decimal or coerce.isIntegral(b)) and coerce.decimalOf(b)
    if not da or not db then return nil end
    local scale = math.max(da.scale, db.scale)
    local whole = math.max(da.precision - da.scale, db.precision - db.scale)
    return T.decimal(math.min(whole + scale, 38), scale)
  end
  if coerce.datetime(a, b) then return coerce.datetime(a, b) end -- (a TIMESTAMP_NTZ with a date stays one)
  -- Spark's stringPromotion: a string and another atomic type but binary
  -- and boolean meet as strings.
  local other = a.id == ID.string and b or b.id == ID.string and a or nil
  if other and not (other.id == ID.binary or other.id == ID.boolean or other.id == ID.struct
      or other.id == ID.vector or other.id == ID.array) then
    return T.string
  end
  return nil
end

-- Column `name` as type t, named as. An untyped one (void its Spark
-- type, kept as strings) casts as that type: an untyped NULL's column as
-- a NULL of t where its strings do not cast to t, array()'s elements as
-- t's, map()'s empty maps (or nulls) as t's.
-- (a column of the type already is itself, as Spark casts only those that
-- widen: an event-time column keeps its watermark's mark)
local function cast_to(name, t, as, void, from)
  local value = { k = "col", name = name }
  local cast = void and coerce.castNode(value, void, t) or from ~= t and { k = "cast", expr = value, to = t } or value
  return column.wrap({ k = "alias", expr = cast, name = as })
end

-- df and other with the same column types (widened), named as df's
-- columns; errors at the caller of the method `what`.
local function aligned(df, other, what)
  if getmetatable(other) ~= getmetatable(df) then
    fail(("%s needs a DataFrame, not %s"):format(what, checks.kindOf(other)))
  end
  local a, b = df._plan.schema.fields, other._plan.schema.fields
  if #a ~= #b then
    fail(("%s needs the same number of columns: %d and %d (Spark: %s can only be performed on inputs with"
      .. " the same number of columns)"):format(what, #a, #b, what))
  end
  local left, right, cast, slots = {}, {}, false, {}
  for i, f in ipairs(a) do
    local t = common_type(f.voidType or f.dataType, b[i].voidType or b[i].dataType)
    t = t and coerce.materialized(t)
    if not t then
      fail(("%s: column %d (%s) is %s on the left and %s on the right, which have no common type"):format(
        what, i, f.name, f.dataType:simpleString(), b[i].dataType:simpleString()))
    end
    cast = cast or t ~= f.dataType or t ~= b[i].dataType or f.name ~= b[i].name
    -- (columns by position: a side may name two alike, SELECT NULL, NULL)
    slots[i] = "__column" .. i
    left[i] = cast_to(slots[i], t, f.name, f.voidType, f.dataType)
    right[i] = cast_to(slots[i], t, f.name, b[i].voidType, b[i].dataType)
  end
  if not cast then return df, other end
  return df:toDF(slots):select(left), other:toDF(slots):select(right)
end

function M.install(dataframe)
  local methods = dataframe.methods

  -- union(other): rows of both, matched by position.
  function methods:union(other)
    local left, right = aligned(self, other, "union")
    if left._streaming and right._streaming then
      return dataframe.new(self._session, require("tide.stream_sides").union(left._plan, right._plan), true)
    elseif left._streaming or right._streaming then
      fail("Union between streaming and batch DataFrames/Datasets is not supported")
    end
    local plan = { kind = "union", schema = left._plan.schema, left = left._plan, right = right._plan }
    return dataframe.new(self._session, plan, false)
  end
  methods.unionAll = methods.union

  -- unionByName(other[, allowMissingColumns]): other's columns matched by
  -- name (as expressions resolve them); with allowMissingColumns, a
  -- column one side lacks is null there, the right's extra ones last.
  function methods:unionByName(other, allow_missing)
    if getmetatable(other) ~= getmetatable(self) then
      fail(("unionByName needs a DataFrame, not %s"):format(checks.kindOf(other)))
    end
    local a, b = self._plan.schema, other._plan.schema
    local left, right, matched = {}, {}, {}
    for i, f in ipairs(a.fields) do
      local j, ambiguous = b:resolveField(f.name)
      if ambiguous then fail("unionByName: " .. ambiguous) end
      left[i] = column.wrap({ k = "col", name = f.name })
      if j then
        matched[j] = true
        right[i] = column.wrap({ k = "alias", expr = { k = "col", name = b.fields[j].name }, name = f.name })
      elseif allow_missing then
        right[i] = column.wrap({ k = "alias", expr = { k = "lit", value = nil, type = f.dataType }, name = f.name })
      else
        fail(("unionByName: column %s is not on the right (columns: %s); unionByName(other, true) fills it with"
          .. " nulls"):format(f.name, table.concat(b:fieldNames(), ", ")))
      end
    end
    for j, f in ipairs(b.fields) do
      if not matched[j] then
        if not allow_missing then
          fail(("unionByName: column %s is not on the left (columns: %s); unionByName(other, true) fills it"
            .. " with nulls"):format(f.name, table.concat(a:fieldNames(), ", ")))
        end
        left[#left + 1] = column.wrap({ k = "alias", expr = { k = "lit", value = nil, type = f.dataType },
          name = f.name })
        right[#right + 1] = column.wrap({ k = "col", name = f.name })
      end
    end
    local union = self:select(left):union(other:select(right))
    return union
  end

  -- The left rows `op` keeps (tide_set_op) of the union of both sides.
  local function set_operation(df, other, op, what)
    local left, right = aligned(df, other, what)
    if left._streaming or right._streaming then
      fail(("%s is not supported on streaming DataFrames"):format(what))
    end
    local schema = left._plan.schema
    for _, f in ipairs(schema.fields) do
      if f.dataType.id == ID.struct or T.unordered(f.dataType) then
        fail(("%s: column %s is %s, which tide cannot compare"):format(what, f.name, f.dataType:simpleString()))
      end
    end
    local cols = {}
    for i = 1, #schema.fields do cols[i] = i - 1 end
    local read = function()
      local lb, rb = left:toBatch(), right:toBatch()
      local both = batchlib.wrap(C.tide_batch_concat(ffi.new("tide_batch*[2]", lb, rb), 2, errbuf, ERRLEN),
        cerr())
      local n, nl = both:count(), lb:count()
      local gids = ffi.new("int32_t[?]", math.max(n, 1))
      local first = ffi.new("int64_t[?]", math.max(n, 1))
      local ng = tonumber(C.tide_group_rows(both, int32s(cols), #cols, gids, first, errbuf, ERRLEN))
      if ng < 0 then error(cerr(), 0) end
      local keep = ffi.new("int64_t[?]", math.max(nl, 1))
      local kept = tonumber(C.tide_set_operation(gids, n, nl, ng, op, keep))
      if kept < 0 then error(what .. ": out of memory", 0) end
      -- Spark computes these with an Aggregate of every column: its keys
      -- come out normalized (NormalizeFloatingNumbers: -0.0 as 0.0, one NaN).
      local out = take(both, keep, kept)
      C.tide_normalize_float_keys(out, int32s(cols), #cols, 0)
      return out
    end
    local plan = { kind = "scan", schema = schema, source = { read = read, description = what } }
    return dataframe.new(df._session, plan, false)
  end

  function methods:intersect(other) return set_operation(self, other, C.TIDE_SET_INTERSECT, "intersect") end
  function methods:intersectAll(other) return set_operation(self, other, C.TIDE_SET_INTERSECT_ALL, "intersectAll") end
  function methods:subtract(other) return set_operation(self, other, C.TIDE_SET_EXCEPT, "subtract") end
  function methods:exceptAll(other) return set_operation(self, other, C.TIDE_SET_EXCEPT_ALL, "exceptAll") end
end

return M
