-- tide.dataframe_join — joins, as Spark's Dataset.join and crossJoin, by
-- one C hash join (engine/join.c) over whole columns:
--
--   orders:join(customers, "customer_id")                  -- USING: the key once, first
--   orders:join(customers, { "region", "id" }, "left")
--   orders:join(customers, F.col("cust"):eq(F.col("id")), "left_anti")
--   events:join(static_lookup, "k", "left")                -- a stream with a static DataFrame
--   a:crossJoin(b)
--
-- A condition may ask anything (tide.join_conditions reads it): its
-- equalities of an expression over each side are the keys (lower(a.x) =
-- b.x hashes a hidden column of lower(a.x)), a conjunct over one side
-- filters that side first where the join type allows, and the rest (the
-- residual) filters the pairs the keys matched in an inner join, and
-- decides which rows have a match in the other types (tide.join_pairs).
-- Without a key, every pair is tried (tide.join_nested_loop). A filter
-- over an inner join moves into its condition when the query runs
-- (tide.join_filters: FROM a, b WHERE a.x = b.y hashes on x and y). Two
-- streams join in tide.stream_join, with the same hash table and probe
-- (tide.join_hash), on equalities of columns.
--
-- The join is an operator over one side, the probe side (a batch join's
-- left, a stream-static join's stream), that holds the other, the build
-- side: computed when the operator first runs and hashed once (a query's
-- state keeps it across micro-batches: the static side is read once). So
-- the plan stays a chain down to the one scan that feeds it, as tide's
-- execution and streaming expect, and a join that makes its rows from
-- each probe row alone runs slice by slice like a filter.
--
-- Keys are equal as Spark's `=`: a null key matches nothing (a condition's
-- <=> matches null with null), NaN matches NaN and -0.0 0.0. Rows come in
-- the probe side's order, each probe row's matches in the build side's
-- order, and last (right and full outer joins) the build rows nothing
-- matched, in their order; Spark promises no order at all.
--
-- dataframe.lua installs these into its methods table.
local ffi = require("ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local coerce = require("tide.eval_coerce")
local conditions = require("tide.join_conditions")
local hash = require("tide.join_hash")

local M = {}
local ID = T.ID
local fail = checks.failAtUser
local kind_of = checks.kindOf

-- The join types Spark's JoinType takes (case and underscores aside), by
-- what tide does with them.
local HOW = { inner = "inner", cross = "cross", outer = "full", full = "full", fullouter = "full",
              left = "left", leftouter = "left", right = "right", rightouter = "right",
              semi = "semi", leftsemi = "semi", anti = "anti", leftanti = "anti" }
local SUPPORTED = "'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer', "
  .. "'rightouter', 'right', 'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', "
  .. "'cross'"
-- Spark's names of the join types, in plans and messages.
local PLAN_NAME = { inner = "Inner", cross = "Cross", full = "FullOuter", left = "LeftOuter",
                    right = "RightOuter", semi = "LeftSemi", anti = "LeftAnti" }

-- A join whose rows each come from one probe row (and the whole build
-- side) gives over slices of its probe side what it gives over the whole:
-- it is row-wise as tide.execution means it, and runs slice by slice
-- (spark.tide.sliceRows) like a filter. A join that adds the build rows
-- nothing matched (right and full outer of batch DataFrames) sees its
-- probe side whole: its kind is not row-wise.
local ROW_WISE_KIND, WHOLE_KIND = "join", "joinWhole" -- tide.execution's ROW_WISE has "join"

local function normalize_how(how)
  if how == nil then return "inner" end
  if type(how) ~= "string" then
    fail(("join: how must be a join type such as \"left\", not %s"):format(kind_of(how)))
  end
  local h = HOW[how:lower():gsub("_", "")]
  if not h then
    fail(("Unsupported join type '%s'. Supported join types include: %s."):format(how, SUPPORTED))
  end
  return h
end
M.normalizeHow = normalize_how

-- ---- keys ------------------------------------------------------------------------------------

-- The type both key columns are compared as: their own when they agree,
-- numbers widened as Spark's comparisons widen them (int with bigint as
-- bigint, with double as double, decimals to one scale); other pairs
-- fail, naming both.
local function key_type(lf, rf)
  local a, b = lf.dataType, rf.dataType
  for _, f in ipairs({ lf, rf }) do
    local id = f.dataType.id
    if T.unordered(f.dataType) then
      fail(("join: column %s is %s, which cannot be a join key"):format(f.name, f.dataType:simpleString()))
    end
  end
  if a == b then return a end
  if coerce.isNumeric(a) and coerce.isNumeric(b) then return coerce.widerNumeric(a, b) end
  -- a date with a timestamp or a string, a string with a number or a
  -- boolean, as Spark's `=` compares them ('1' = 1 as ints)
  local t, u = coerce.comparison(a, b)
  if t and t == u then return t end
  fail(("join: the key columns %s (%s) and %s (%s) cannot be compared: their types differ (cast one first,"
    .. " e.g. F.col(%q):cast(%q))"):format(lf.name, a:simpleString(), rf.name, b:simpleString(), rf.name,
    a:simpleString()))
end

local resolve = conditions.resolve

-- USING names: each resolved on both sides, left first.
local function using_keys(ldf, rdf, names)
  local keys = {}
  for k, name in ipairs(names) do
    local pair = {}
    for _, side in ipairs({ { "left", ldf }, { "right", rdf } }) do
      local schema = side[2]._plan.schema
      local i = resolve(schema, name)
      if not i then
        fail(("join: USING column %q cannot be resolved on the %s side of the join. The %s-side columns: %s%s")
          :format(name, side[1], side[1], table.concat(schema:fieldNames(), ", "),
            require("tide.suggest").column(name, schema:fieldNames())))
      end
      pair[side[1]] = i
    end
    keys[k] = pair
  end
  return keys
end

local condition_keys = conditions.columnKeys

-- ---- the operator --------------------------------------------------------------------------

-- Columns of df's fields, as output entries of `side`, nullable when the
-- join makes that side's rows optional; each field knows the side it came
-- from (tide.lineage: df.x and F.col("alias.x") find it). A hidden field
-- (an outer JOIN ... USING's other key, which SQL's t.k names and * does
-- not list) stays hidden.
local function side_outputs(out, df, side, nullable, skip)
  for i, f in ipairs(df._plan.schema.fields) do
    if not (skip and skip[i]) then
      local field = T.field(f.name, f.dataType, f.nullable or nullable)
      field.origin, field.qualifier, field.voidType = df._plan, df._alias or f.qualifier, f.voidType
      field.hidden = f.hidden
      field.ml = f.ml -- (a column's ML attribute, a StringIndexer's labels, survives the join as in Spark)
      out[#out + 1] = { side = side, index = i - 1, field = field }
    end
  end
end

-- The hash join's build and probe (tide.join_hash), which tide.stream_join
-- takes from here; engine/ffi/join.h's modes.
local MODE, run_join = hash.MODE, hash.run
M.MODE, M.buildTable, M.pairsOf, M.probe, M.run = MODE, hash.buildTable, hash.pairsOf, hash.probe, run_join

local dataframe_new -- tide.dataframe's, set by install

-- How the join runs: which side probes, the key columns of each side and
-- the casts that make them one type, the output columns, and the
-- residual condition compiled against the joined row (pair_outputs:
-- every column of both sides, the outputs but for a semi or anti join's;
-- so a.x, b.x and F.col("l.x") find their side, as in a select over the
-- join).
local function join_spec(ldf, rdf, probe_side, mode, keys, outputs, residual, pair_outputs)
  local build = probe_side == "left" and "right" or "left"
  local dfs = { left = ldf, right = rdf }
  local spec = { session = ldf._session, probeSide = probe_side, buildPlan = dfs[build]._plan, mode = mode,
                 probeKeys = {}, buildKeys = {}, probeCasts = {}, buildCasts = {}, nullSafe = {},
                 outputs = outputs, names = {} }
  for k, key in ipairs(keys) do
    local lf, rf = ldf._plan.schema.fields[key.left], rdf._plan.schema.fields[key.right]
    local t = key_type(lf, rf)
    local fields = { left = lf, right = rf }
    spec.probeKeys[k], spec.buildKeys[k] = key[probe_side] - 1, key[build] - 1
    -- the type to cast each side's key to, if it is not that already
    spec.probeCasts[k] = fields[probe_side].dataType ~= t and t or nil
    spec.buildCasts[k] = fields[build].dataType ~= t and t or nil
    spec.nullSafe[k] = key.nullSafe and 1 or 0
  end
  spec.cNullSafe = ffi.new("int32_t[?]", #spec.nullSafe + 1, spec.nullSafe)
  local fields = {}
  for j, o in ipairs(outputs) do
    fields[j] = o.field
    spec.names[j] = o.field.name
  end
  spec.schema = T.struct(fields)
  -- spec.names keeps the strings the pointers point into alive
  spec.cNames = ffi.new("const char*[?]", #outputs + 1, spec.names)
  if residual then
    spec.pairOutputs = pair_outputs or outputs
    spec.pairNames = {}
    local pair_fields = {}
    for j, o in ipairs(spec.pairOutputs) do pair_fields[j], spec.pairNames[j] = o.field, o.field.name end
    spec.cPairNames = ffi.new("const char*[?]", #spec.pairOutputs + 1, spec.pairNames)
    local ok, pred = pcall(require("tide.eval").compile, residual, T.struct(pair_fields))
    if not ok then fail("join: " .. tostring(pred)) end
    if pred.type ~= T.boolean then
      fail(("join: the condition %s is %s, not boolean"):format(pred.name, pred.type:simpleString()))
    end
    spec.residual, spec.residualNode = pred, residual
  end
  return spec
end

-- The join operator: the probe side's plan is its child; the build side's
-- is kept by it (left and right: both, for explain). Two streams join in
-- tide.stream_join, which keeps both sides' rows.
local function join_plan(ldf, rdf, how, keys, outputs, condition_text, residual, pair_outputs)
  local lstream, rstream = ldf._streaming, rdf._streaming
  local name = PLAN_NAME[how]
  if lstream and rstream then
    local spec = join_spec(ldf, rdf, "left", MODE.inner, keys, outputs, residual, pair_outputs)
    return require("tide.stream_join").plan(ldf, rdf, how, spec, ("Join %s%s"):format(name,
      condition_text and (", " .. condition_text) or ""), dataframe_new)
  end
  -- As Spark's UnsupportedOperationChecker: a stream may be joined with a
  -- static DataFrame where each of its rows' output is known at once.
  if lstream and (how == "right" or how == "full") then
    fail(how == "right" and "RightOuter join with a streaming DataFrame/Dataset on the left and a static"
      .. " DataFrame/DataSet on the right not supported"
      or "FullOuter joins with streaming DataFrames/Datasets on the left and a static DataFrame/Dataset on the"
      .. " right is not supported")
  elseif rstream and how == "anti" then
    fail("LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported")
  elseif rstream and (how == "left" or how == "semi") then
    fail(("%s join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is"
      .. " not supported"):format(name))
  elseif rstream and how == "full" then
    fail("FullOuter joins with streaming DataFrames/Datasets on the right and a static DataFrame/Dataset on the"
      .. " left is not supported")
  end
  -- The probe side: the stream; else the left, but for a right outer join
  -- of no keys (a nested loop, which probes chunk by chunk: the right's
  -- rows are the ones it keeps).
  local probe_side = rstream and "right" or "left"
  if how == "right" and not lstream and #keys == 0 then probe_side = "right" end
  local build = probe_side == "left" and "right" or "left"
  local mode
  if how == "inner" or how == "cross" then mode = MODE.inner
  elseif how == "semi" then mode = MODE.semi
  elseif how == "anti" then mode = MODE.anti
  elseif how == "full" then mode = MODE.full
  elseif how == probe_side then mode = MODE.probe_outer
  else mode = MODE.build_outer end
  local spec = join_spec(ldf, rdf, probe_side, mode, keys, outputs, residual, pair_outputs)
  local dfs = { left = ldf, right = rdf }
  local text = ("Join %s%s, Build%s"):format(name, condition_text and (", " .. condition_text) or "",
    build == "left" and "Left" or "Right")
  local whole = mode == MODE.build_outer or mode == MODE.full
  local plan = {
    kind = whole and WHOLE_KIND or ROW_WISE_KIND,
    schema = spec.schema,
    explain = text,
    child = dfs[probe_side]._plan,
    left = ldf._plan,
    right = rdf._plan,
    spec = spec, -- (tide.optimizer's copy of the join may build a pruned side: M.run)
    apply = function(batch, ctx) return run_join(spec, batch, ctx) end,
  }
  return dataframe_new(ldf._session, plan, lstream or rstream)
end

-- Spark's text of a join condition: (a = b), ((a = b) AND (c <=> d)).
local function condition_text(ldf, rdf, keys, residual)
  local parts = {}
  for k, key in ipairs(keys) do
    parts[k] = ("(%s %s %s)"):format(ldf._plan.schema.fields[key.left].name, key.nullSafe and "<=>" or "=",
      rdf._plan.schema.fields[key.right].name)
  end
  if residual then parts[#parts + 1] = require("tide.sql").toString(residual) end
  if #parts == 0 then return nil end
  if #parts == 1 then return parts[1] end
  return "(" .. table.concat(parts, " AND ") .. ")"
end

-- df with the columns of `nodes` (expressions over its columns, by
-- position) after its own, its alias kept: a join's hidden columns (a
-- computed key, a key cast for a coalesce). Their positions follow df's.
local function with_hidden(df, nodes)
  if #nodes == 0 then return df end
  local cols = {}
  for i, f in ipairs(df._plan.schema.fields) do cols[i] = column.wrap({ k = "col", name = f.name, index = i - 1 }) end
  for _, n in ipairs(nodes) do cols[#cols + 1] = column.wrap(n) end
  local ok, out = pcall(df.select, df, unpack(cols))
  if not ok then fail("join: " .. tostring(out):gsub("^[^:\n]+:%d+: ", "")) end
  out._alias = df._alias
  return out
end

-- A USING join: the keys once, first (the left's, the right's for a right
-- outer join, coalesce(left, right) for a full outer one, of the type both
-- take: a string with a number is a string, as Spark's coalesce), then the
-- left's other columns, then the right's; a semi or anti join keeps the
-- left's columns, keys first. opts (SQL's): hidden, the side's key an
-- outer join leaves out, named "t.k" (t the side's alias) and hidden
-- after the others (t.k finds it, * leaves it out); rename(outputs),
-- which may rename the output entries' fields before the join is made.
local function using_join(ldf, rdf, names, how, opts)
  opts = opts or {}
  local keys = using_keys(ldf, rdf, names)
  local ls, rs = ldf._plan.schema, rdf._plan.schema
  local lkey, rkey = {}, {}
  for _, key in ipairs(keys) do lkey[key.left], rkey[key.right] = true, true end
  local outputs, casts = {}, { left = {}, right = {} }
  for k, key in ipairs(keys) do
    local lf, rf = ls.fields[key.left], rs.fields[key.right]
    if how == "full" then
      local t = key_type(lf, rf)
      -- (a void key, an untyped NULL held as strings, takes the other's type)
      local lt, rt = lf.dataType, rf.dataType
      if not (lt.void or rt.void) and (lt.id == ID.string) ~= (rt.id == ID.string) then t = T.string end
      local field = T.field(lf.name, t, lf.nullable or rf.nullable)
      if t == key_type(lf, rf) then
        outputs[k] = { key = k, field = field }
      else
        -- each side's key as that type, coalesced
        local both = {}
        for side, f in pairs({ left = lf, right = rf }) do
          local width = #(side == "left" and ls or rs).fields
          local at = (side == "left" and key.left or key.right) - 1
          if f.dataType ~= t then
            local list = casts[side]
            list[#list + 1] = { k = "alias", name = f.name, expr = { k = "cast", to = t,
              expr = { k = "col", name = f.name, index = at } } }
            at = width + #list - 1
          end
          both[side] = at
        end
        outputs[k] = { both = both, field = field }
      end
    elseif how == "right" then
      outputs[k] = { side = "right", index = key.right - 1, field = rf }
    else
      outputs[k] = { side = "left", index = key.left - 1, field = lf }
    end
  end
  side_outputs(outputs, ldf, "left", how == "right" or how == "full", lkey)
  if how ~= "semi" and how ~= "anti" then side_outputs(outputs, rdf, "right", how == "left" or how == "full", rkey) end
  if opts.hidden then
    for _, key in ipairs(keys) do
      for _, side in ipairs({ "left", "right" }) do
        local df, at = side == "left" and ldf or rdf, side == "left" and key.left or key.right
        local f = df._plan.schema.fields[at]
        local alias = df._alias or f.qualifier
        local left_out = how == "right" or how == "full"
        if alias and ((side == "left" and left_out) or (side == "right" and (how == "left" or how == "full"))) then
          local field = T.field(alias .. "." .. f.name, f.dataType, true)
          field.origin, field.qualifier, field.voidType, field.hidden = df._plan, alias, f.voidType, true
          outputs[#outputs + 1] = { side = side, index = at - 1, field = field }
        end
      end
    end
  end
  if opts.rename then opts.rename(outputs) end
  local lcast, rcast = with_hidden(ldf, casts.left), with_hidden(rdf, casts.right)
  return join_plan(lcast, rcast, how, keys, outputs, condition_text(ldf, rdf, keys))
end
M.usingJoin = using_join

-- A join on a condition (or none: a cross join), by name (a join of two
-- streams): every column of the left, then every column of the right
-- (names may repeat, as Spark's); a semi or anti join keeps the left's.
local function condition_join(ldf, rdf, keys, how, residual)
  local outputs, pair_outputs = {}, nil
  side_outputs(outputs, ldf, "left", how == "right" or how == "full")
  if how ~= "semi" and how ~= "anti" then
    side_outputs(outputs, rdf, "right", how == "left" or how == "full")
  elseif residual then
    -- the residual reads both sides' columns, though the output has the left's
    pair_outputs = {}
    side_outputs(pair_outputs, ldf, "left", false)
    side_outputs(pair_outputs, rdf, "right", false)
  end
  return join_plan(ldf, rdf, how, keys, outputs, condition_text(ldf, rdf, keys, residual), residual, pair_outputs)
end

-- A join on a located condition (tide.join_conditions; nil: none, a cross
-- join), with the columns condition_join gives: its one-sided conjuncts
-- filter their side first where the join type lets them; its keys are
-- hashed, an expression computed first as a hidden column of its side;
-- the rest is evaluated over the pairs; without a key, every pair is
-- tried (tide.join_nested_loop). An inner or cross join of DataFrames
-- that are not streams can take a filter above it into its condition
-- (plan.withCondition, tide.join_filters).
local function located_join(ldf, rdf, how, located)
  local sql = require("tide.sql")
  local keys, sided, rest = {}, { left = {}, right = {} }, {}
  if located then keys, sided, rest = conditions.split(located, how) end
  local sides = { left = ldf, right = rdf }
  local width = { left = #ldf._plan.schema.fields, right = #rdf._plan.schema.fields }
  local function own(_, at) return at - 1 end
  for _, side in ipairs({ "left", "right" }) do
    local c = conditions.all(sided[side])
    if c then
      local df = sides[side]
      local ok, filtered = pcall(df.filter, df, column.wrap(conditions.compilable(c, own)))
      if not ok then fail("join: " .. tostring(filtered):gsub("^[^:\n]+:%d+: ", "")) end
      filtered._alias = df._alias
      sides[side] = filtered
    end
  end
  -- the keys: a column of each side (a hidden one for an expression)
  local plain, extra, parts = {}, { left = {}, right = {} }, {}
  for k, key in ipairs(keys) do
    local entry = { nullSafe = key.nullSafe }
    for _, side in ipairs({ "left", "right" }) do
      local e = key[side]
      if e.k == "col" and e.side then
        entry[side] = e.at
      else
        local list = extra[side]
        list[#list + 1] = { k = "alias", name = sql.toString(e), expr = conditions.compilable(e, own) }
        entry[side] = width[side] + #list
      end
    end
    plain[k] = entry
    parts[k] = ("(%s %s %s)"):format(sql.toString(key.left), key.nullSafe and "<=>" or "=", sql.toString(key.right))
  end
  local outputs, pair_outputs = {}, nil
  side_outputs(outputs, ldf, "left", how == "right" or how == "full")
  if how ~= "semi" and how ~= "anti" then side_outputs(outputs, rdf, "right", how == "left" or how == "full") end
  local residual = conditions.all(rest)
  if residual then
    parts[#parts + 1] = sql.toString(residual)
    -- (over every column of both sides, the left's first)
    residual = conditions.compilable(residual, function(side, at)
      return side == "left" and at - 1 or width.left + at - 1
    end)
    pair_outputs = {}
    side_outputs(pair_outputs, ldf, "left", false)
    side_outputs(pair_outputs, rdf, "right", false)
  end
  local text = #parts > 1 and "(" .. table.concat(parts, " AND ") .. ")" or parts[1]
  local joined = join_plan(with_hidden(sides.left, extra.left), with_hidden(sides.right, extra.right), how, plain,
    outputs, text, residual, pair_outputs)
  if (how == "inner" or how == "cross") and not (ldf._streaming or rdf._streaming)
      and conditions.deterministic(located) then
    -- (tide.join_filters: the same join, its condition ANDed with more; not
    -- where the condition's values follow the rows it sees, rand())
    joined._plan.withCondition = function(more)
      return located_join(ldf, rdf, "inner", located and conditions.all({ located, more }) or more)._plan
    end
  end
  return joined
end
M.locatedJoin = located_join

-- Every row of ldf with every row of rdf.
local function cross_join(ldf, rdf)
  if ldf._streaming and rdf._streaming then return condition_join(ldf, rdf, {}, "cross") end
  return located_join(ldf, rdf, "cross", nil)
end

local function check_other(method, other, DataFrame)
  if getmetatable(other) ~= DataFrame then
    fail(("%s needs a DataFrame to join with, not %s"):format(method, kind_of(other)))
  end
end

-- ---- install -----------------------------------------------------------------------------------

function M.install(dataframe)
  local methods, DataFrame = dataframe.methods, dataframe.DataFrame
  dataframe_new = dataframe.new

  -- join(other, on, how), as PySpark's: on a column name or a list of
  -- them (a USING join), a Column condition (any boolean Column over both
  -- sides' columns; two streams join on at least one equality of a column
  -- of each side, and_ other conditions) or a list of such Columns (their
  -- AND); how "inner" by default. PySpark's keywords as a table: join(other, {on = ..., how = ...}).
  function methods:join(other, on, how)
    check_other("join", other, DataFrame)
    if type(on) == "table" and not column.isColumn(on) and on[1] == nil and (on.on ~= nil or on.how ~= nil) then
      on, how = on.on, on.how
    end
    how = normalize_how(how)
    if type(on) == "string" or column.isColumn(on) then on = { on } end
    if on ~= nil and type(on) ~= "table" then
      fail(("join: on must be a column name, a list of them, or a Column condition, not %s"):format(kind_of(on)))
    end
    if on == nil or #on == 0 then
      -- Spark 3 (spark.sql.crossJoin.enabled, true by default): an inner
      -- join without a condition pairs every row.
      if how == "cross" or how == "inner" then return cross_join(self, other) end
      fail(("join without a condition (on): a %s join needs the columns to join on, or a Column condition;"
        .. " df:crossJoin(other) pairs every row"):format(how))
    end
    if how == "cross" then how = "inner" end -- Spark: a cross join with a condition is an inner join
    if type(on[1]) == "string" then
      for i, name in ipairs(on) do
        if type(name) ~= "string" then
          fail(("join: on lists column names; item %d is %s"):format(i, kind_of(name)))
        end
      end
      return using_join(self, other, on, how)
    end
    local node
    for i, c in ipairs(on) do
      if not column.isColumn(c) then
        if type(c) == "boolean" then fail(checks.luaBoolean("join needs Column conditions", c)) end
        fail(("join: on lists Column conditions; item %d is %s"):format(i, kind_of(c)))
      end
      node = node and { k = "op", op = "and", left = node, right = c.node } or c.node
    end
    if self._streaming and other._streaming then
      local keys, residual = condition_keys(self, other, node)
      return condition_join(self, other, keys, how, residual)
    end
    return located_join(self, other, how, conditions.located(node, self, other))
  end

  -- crossJoin(other): every row of the left with every row of the right.
  function methods:crossJoin(other)
    check_other("crossJoin", other, DataFrame)
    return cross_join(self, other)
  end
end

return M
