-- tide.dataframe_ops — the DataFrame operations model training needs, on
-- batch DataFrames, each one C kernel over whole columns (engine/gather.c,
-- sample.c, sort.c, aggregate.c):
--
--   df:randomSplit({0.3, 0.7}, 42)     -> { df1, df2 }, disjoint and complete
--   df:sample(0.1, 7)                  df:sample(false, 0.1, 7)
--   df:cache() / df:persist() / df:unpersist()
--   df:orderBy("a", F.desc("b"))       df:orderBy({"a", "b"}, { ascending = false })
--   df:distinct()                      df:dropDuplicates({"a", "b"})
--
-- Grouping, aggregates and describe/summary are tide.dataframe_aggregate's.
-- Columns are named (or F.col(name)); no expression evaluation is needed.
-- dataframe.lua installs these into its methods table.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local checks = require("tide.checks")
local batchlib = require("tide.batch")
local execution = require("tide.execution")
local input_files = require("tide.input_files")

local M = {}
local ID = T.ID
local ERRLEN = 512
local errbuf = ffi.new("char[?]", ERRLEN)
local function cerr() return ffi.string(errbuf) end

-- ---- helpers -------------------------------------------------------------------------------

-- A nil among a method's columns fails at the user's line: { ... } would
-- end the list there and drop what follows it (a Python habit,
-- df.columns[0], is nil in Lua).
local function refuse_nil(method, ...)
  for i = 1, select("#", ...) do
    if select(i, ...) == nil then
      checks.failAtUser(("%s: argument %d is nil (a misspelt variable? Lua's lists start at 1: df.columns[1] is "
        .. "the first)"):format(method, i))
    end
  end
end

-- The arguments of `method` taking columns: a list, or the values given.
local function arglist(method, ...)
  local first = ...
  if select("#", ...) == 1 and type(first) == "table" and not column.isColumn(first) then return first end
  refuse_nil(method, ...)
  return { ... }
end

local function name_of(c, what)
  if type(c) == "string" then return c end
  if column.isColumn(c) and c.node.k == "col" then return c.node.name end
  error(("%s takes column names (or F.col(name)), not %s"):format(what, tostring(c)), 3)
end

-- The 1-based index of the field a column name resolves to, as
-- expressions resolve names (tide.types' resolveField: the exact name,
-- else the one equal but for case), or nil. A name several fields match
-- fails at `level` (as error's: 1 is resolve's caller), unless they are
-- told apart by the DataFrame (`from`, its plan) the reference came from.
local function resolve(schema, name, level, from)
  local i, ambiguous = schema:resolveField(name, require("tide.lineage").fieldsOf(from))
  if ambiguous then error(ambiguous, level + 1) end
  return i
end

-- The 0-based index of a named column (resolved so, `from` as resolve's),
-- or an error at `level` (1: index_of's caller) naming `what` and listing
-- the columns.
local function index_of(schema, name, what, level, from)
  local i = resolve(schema, name, level + 1, from)
  if not i then
    local columns = schema:fieldNames()
    error(("%s: cannot resolve column %q (columns: %s)%s"):format(what, name, table.concat(columns, ", "),
      require("tide.suggest").column(name, columns)), level + 1)
  end
  return i - 1
end

-- The index of a column that rows are sorted or grouped by (`name` as
-- index_of's, or the 0-based index): tide orders and hashes every type
-- but vectors (Spark ML's) and maps, which Spark does not order either;
-- structs and arrays by their fields and elements.
local function key_index(schema, name, what, level, from)
  local i = type(name) == "number" and name or index_of(schema, name, what, level + 1, from)
  local t = schema.fields[i + 1].dataType
  if T.unordered(t) then
    local role = what == "orderBy" and "a sort key" or what == "groupBy" and "a grouping key"
      or "compared for duplicates"
    error(("%s: column %s is %s, which cannot be %s"):format(what, schema.fields[i + 1].name,
      t:simpleString(), role), level + 1)
  end
  return i
end

local function int32s(list)
  local a = ffi.new("int32_t[?]", math.max(#list, 1))
  for i, v in ipairs(list) do a[i - 1] = v end
  return a
end

local function batch_only(df, what)
  if df._streaming then
    error(("%s is not supported on streaming DataFrames"):format(what), 3)
  end
end

-- rows[0..n) of batch, copied (any order, repeats allowed).
local function take(batch, rows, n)
  return batchlib.wrap(C.tide_batch_take(batch, rows, n, errbuf, ERRLEN), cerr())
end

-- A batch derived from batch (sharing its buffers) of the columns at
-- 0-based indices cols[1..], followed by `extra` empty slots.
local function columns_of(batch, cols, extra)
  local out = batchlib.wrap(C.tide_batch_derive(batch, #cols + (extra or 0)), "out of memory")
  for i, c in ipairs(cols) do out.columns[i - 1] = batch.columns[c] end
  return out
end

-- A plan node over df's (op, its child set), as a DataFrame.
local dataframe_new -- tide.dataframe's, set by install
local function derive(df, op)
  op.child = df._plan
  return dataframe_new(df._session, op, df._streaming)
end

-- What tide.dataframe and tide.dataframe_aggregate share.
M.arglist, M.name_of, M.int32s = arglist, name_of, int32s
M.resolve, M.index_of, M.key_index = resolve, index_of, key_index
M.batch_only, M.take, M.columns_of, M.derive = batch_only, take, columns_of, derive
M.errbuf, M.ERRLEN, M.cerr = errbuf, ERRLEN, cerr

-- ---- install -----------------------------------------------------------------------------------

function M.install(dataframe)
  local methods = dataframe.methods
  dataframe_new = dataframe.new

  -- Rows whose draw falls in [lo, hi) (see tide_sample_rows); row indices
  -- continue across the batches of a stream.
  local function sample_range(df, lo, hi, seed, kind)
    local seed64 = ffi.cast("uint64_t", ffi.cast("int64_t", seed))
    return derive(df, {
      kind = kind,
      schema = df._plan.schema,
      explain = ("Sample %s, %s, false, %s"):format(batchlib.javaDouble(lo), batchlib.javaDouble(hi),
        type(seed) == "number" and ("%d"):format(seed) or (tostring(seed):gsub("U?LL$", ""))),
      apply = function(batch, ctx)
        local n = batch:count()
        local first = ctx.state.rowsSeen or 0
        ctx.state.rowsSeen = first + n
        local rows = ffi.new("int64_t[?]", math.max(n, 1))
        local k = tonumber(C.tide_sample_rows(n, first, seed64, lo, hi, rows))
        if k == n then return batch end
        local out = take(batch, rows, k)
        if ctx.inputFiles then input_files.picked(ctx, batch, rows, k, out) end
        return out
      end,
    })
  end

  -- A seed for a call that was given none: a fresh one each call, as Spark
  -- draws one (Utils.random), so that two runs split differently. Not
  -- math.random: LuaJIT starts it from the same seed in every run, and a
  -- script's own math.randomseed should not decide tide's draws either.
  local drawn = 0
  local function random_seed()
    drawn = drawn + 1
    local f = io.open("/dev/urandom", "rb")
    local bytes = f and f:read(4)
    if f then f:close() end
    if bytes and #bytes == 4 then
      local a, b, c, d = bytes:byte(1, 4)
      return ((a * 256 + b) * 256 + c) * 256 + d
    end
    return (tonumber(C.tide_now_us()) * 31 + drawn) % 2 ^ 32
  end

  -- A seed given is a whole number (a 64-bit cdata too); nil draws one.
  local function check_seed(seed, what)
    if seed == nil or type(seed) == "cdata" or (type(seed) == "number" and seed == math.floor(seed)) then
      return
    end
    error(("%s: seed must be a whole number, not %s"):format(what, tostring(seed)), 3)
  end

  -- randomSplit(weights[, seed]): weights are normalized; each row lands in
  -- exactly one split, the same one for the same seed (explain() shows the
  -- seed drawn when none was given).
  function methods:randomSplit(weights, seed)
    if type(weights) ~= "table" or #weights == 0 then error("randomSplit needs a list of weights", 2) end
    local total = 0
    for i, w in ipairs(weights) do
      if type(w) ~= "number" or w < 0 then error(("randomSplit: weight %d must be a number >= 0"):format(i), 2) end
      total = total + w
    end
    if total <= 0 then error("randomSplit: the weights must add up to more than 0", 2) end
    check_seed(seed, "randomSplit")
    seed = seed or random_seed()
    local out, acc = {}, 0
    for i, w in ipairs(weights) do
      local lo = acc / total
      acc = acc + w
      local hi = i == #weights and 1 or acc / total
      out[i] = sample_range(self, lo, hi, seed, "randomSplit")
    end
    return out
  end

  -- sample(fraction, seed), sample(withReplacement, fraction, seed) or
  -- sample{fraction=, seed=}: each row kept with probability fraction;
  -- without a seed, a fresh one each call.
  function methods:sample(a, b, c)
    local with_replacement, fraction, seed
    if type(a) == "table" then
      with_replacement, fraction, seed = a.withReplacement, a.fraction, a.seed
    elseif type(a) == "boolean" then
      with_replacement, fraction, seed = a, b, c
    else
      fraction, seed = a, b
    end
    if with_replacement then error("sample: withReplacement = true is not supported", 2) end
    if type(fraction) ~= "number" or fraction < 0 or fraction > 1 then
      error("sample: fraction must be a number in [0, 1]", 2)
    end
    check_seed(seed, "sample")
    return sample_range(self, 0, fraction, seed or random_seed(), "sample")
  end

  -- cache()/persist(): the first action computes the rows once and keeps
  -- them; later actions (and DataFrames derived afterwards) reuse them.
  function methods:cache()
    batch_only(self, "cache")
    if self._uncached then return self end
    local plan, execute, context = self._plan, execution.execute, execution.context
    local kept
    self._uncached = plan
    self._plan = { kind = "scan", schema = plan.schema, cached = true, source = {
      description = "InMemoryRelation",
      read = function()
        if not kept then kept = execute(plan, context(nil, execution.sliceRows(self._session))) end
        return kept
      end,
    } }
    return self
  end
  methods.persist = methods.cache

  function methods:unpersist()
    if self._uncached then
      self._plan, self._uncached = self._uncached, nil
    end
    return self
  end

  -- ---- sorting ------------------------------------------------------------------------------

  -- orderBy(cols..., {ascending = bool or list}) with names, F.col, F.desc(...),
  -- col:desc(). Stable; nulls first ascending and last descending.
  function methods:orderBy(...)
    -- On a stream, as Spark: only over an aggregation, whose whole result
    -- each batch is sorted (complete mode, which start() checks).
    if self._streaming and select(1, require("tide.stateful_aggregate").find(self._plan)) == 0 then
      error("Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated DataFrame/Dataset in Complete output mode", 2)
    end
    refuse_nil("orderBy", ...)
    local args = { ... }
    local opts = {}
    if #args > 1 and type(args[#args]) == "table" and not column.isColumn(args[#args]) then
      opts = table.remove(args)
    end
    if #args == 1 and type(args[1]) == "table" and not column.isColumn(args[1]) then args = args[1] end
    if #args == 0 then error("orderBy needs at least one column", 2) end
    local schema = self._plan.schema
    -- Each argument's column name, direction and null placement.
    local keys = {}
    for i, a in ipairs(args) do
      local node = type(a) == "string" and { k = "col", name = a } or (column.isColumn(a) and a.node)
      local descending, nulls_first = false, nil
      if node and node.k == "sortorder" then
        descending, nulls_first, node = node.descending, node.nullsFirst, node.expr
      else
        local asc = opts.ascending
        if type(asc) == "table" then asc = asc[i] end
        if asc ~= nil then descending = not asc end
      end
      if not node or node.k ~= "col" then error("orderBy takes column names, F.col(name) or F.desc(name)", 2) end
      if nulls_first == nil then nulls_first = not descending end
      keys[i] = { name = node.name, from = node.from, desc = descending and 1 or 0, nulls = nulls_first and 1 or 0 }
    end
    -- A struct column (a window) sorts by its fields in turn, as Spark
    -- orders structs: they are taken out as hidden columns first; so is a
    -- column whose name another shares (a.site after a join with b.site).
    local df, hidden, sort_keys = self, {}, {}
    for i, key in ipairs(keys) do
      local f = resolve(schema, key.name, 2, key.from)
      local t = f and schema.fields[f].dataType
      if t and t.id ~= ID.struct and #schema:fieldsNamed(schema.fields[f].name) > 1 then
        local name = ("__sort%d"):format(i)
        hidden[#hidden + 1] = column.wrap({ k = "alias", name = name,
          expr = { k = "col", name = schema.fields[f].name, index = f - 1 } })
        sort_keys[#sort_keys + 1] = { name = name, desc = key.desc, nulls = key.nulls }
      elseif t and t.id == ID.struct then
        for j, sub in ipairs(t.fields) do
          local name = ("__sort%d_%d"):format(i, j)
          hidden[#hidden + 1] = column.wrap({ k = "alias", name = name,
            expr = { k = "field", expr = { k = "col", name = schema.fields[f].name }, name = sub.name } })
          sort_keys[#sort_keys + 1] = { name = name, desc = key.desc, nulls = key.nulls }
        end
      else
        sort_keys[#sort_keys + 1] = key
      end
    end
    if #hidden > 0 then df = self:select(column.wrap({ k = "star" }), unpack(hidden)) end
    local sorted_schema = df._plan.schema
    local cols, desc, nulls = {}, {}, {}
    for i, key in ipairs(sort_keys) do
      cols[i] = key_index(sorted_schema, key.name, "orderBy", 2)
      desc[i], nulls[i] = key.desc, key.nulls
    end
    local c_cols, c_desc, c_nulls = int32s(cols), int32s(desc), int32s(nulls)
    local orders = {}
    for i, key in ipairs(keys) do
      orders[i] = ("%s %s NULLS %s"):format(key.name, key.desc == 1 and "DESC" or "ASC",
        key.nulls == 1 and "FIRST" or "LAST")
    end
    local sorted = derive(df, {
      kind = "sort",
      schema = sorted_schema,
      explain = "Sort [" .. table.concat(orders, ", ") .. "]",
      apply = function(batch)
        local n = batch:count()
        local order = ffi.new("int64_t[?]", math.max(n, 1))
        if C.tide_sort_rows(batch, c_cols, c_desc, c_nulls, #cols, order, errbuf, ERRLEN) ~= 0 then
          error(cerr(), 0)
        end
        return take(batch, order, n)
      end,
    })
    if #hidden == 0 then return sorted end
    local visible = {}
    for i, f in ipairs(schema.fields) do visible[i] = column.wrap({ k = "col", name = f.name, index = i - 1 }) end
    return sorted:select(visible)
  end
  methods.sort = methods.orderBy

  -- ---- distinct and dropDuplicates ----------------------------------------------------------

  -- The first row of each distinct value of the key columns (names), in
  -- order of first appearance; tide_group_rows tells rows alike as
  -- groupBy does (nulls alike, NaN alike, -0.0 as 0.0), as Spark's
  -- Deduplicate. On a stream, the keys seen in earlier micro-batches count
  -- too (tide.stateful_dedup). distinct and dropDuplicates tail-call it:
  -- its errors at level 2 are at their caller's line.
  local function deduplicate(df, cols, what, label)
    local schema = df._plan.schema
    local key_idx, key_names = {}, {}
    for i, c in ipairs(cols) do
      local node = column.isColumn(c) and c.node
      key_idx[i] = key_index(schema, node and node.index or name_of(c, what), what, 2, node and node.from)
      key_names[i] = schema.fields[key_idx[i] + 1].name
    end
    label = label or ("Deduplicate [%s]"):format(table.concat(key_names, ", "))
    if df._streaming then return require("tide.stateful_dedup").plan(df, key_idx, key_names, label) end
    local c_keys, nk = int32s(key_idx), #key_idx
    return derive(df, {
      kind = "deduplicate",
      schema = schema,
      explain = label,
      apply = function(batch)
        local n = batch:count()
        local gids = ffi.new("int32_t[?]", math.max(n, 1))
        local first = ffi.new("int64_t[?]", math.max(n, 1))
        local ng = tonumber(C.tide_group_rows(batch, c_keys, nk, gids, first, errbuf, ERRLEN))
        if ng < 0 then error(cerr(), 0) end
        -- no duplicates: the rows as they are, unless a key needs Spark's
        -- NormalizeFloatingNumbers (-0.0 as 0.0, one NaN)
        if ng == n and C.tide_normalize_float_keys(batch, c_keys, nk, 1) == 0 then return batch end
        local out = take(batch, first, ng)
        C.tide_normalize_float_keys(out, c_keys, nk, 0)
        return out
      end,
    })
  end

  -- distinct(): the distinct rows.
  local function every_column(df)
    local cols = {}
    for i, f in ipairs(df._plan.schema.fields) do cols[i] = column.wrap({ k = "col", name = f.name, index = i - 1 }) end
    return cols
  end
  function methods:distinct()
    return deduplicate(self, every_column(self), "distinct", "Distinct")
  end

  -- dropDuplicates([cols]): the first row of each distinct value of cols
  -- (a list of names or Columns; every column when none are given).
  function methods:dropDuplicates(...)
    local cols = arglist("dropDuplicates", ...)
    if #cols == 0 then cols = every_column(self) end
    return deduplicate(self, cols, "dropDuplicates")
  end
  methods.drop_duplicates = methods.dropDuplicates

  -- dropDuplicatesWithinWatermark([cols]) (Spark 3.5): on a stream with a
  -- watermark, a row whose keys were seen within the watermark's delay is
  -- dropped (tide.stateful_dedup). As Spark's analysis, a batch DataFrame
  -- refuses it.
  function methods:dropDuplicatesWithinWatermark(...)
    local cols = arglist("dropDuplicatesWithinWatermark", ...)
    if not self._streaming then
      checks.failAtUser("dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets")
    end
    if #cols == 0 then cols = every_column(self) end
    local schema = self._plan.schema
    local key_idx, key_names = {}, {}
    for i, c in ipairs(cols) do
      local node = column.isColumn(c) and c.node
      key_idx[i] = key_index(schema, node and node.index or name_of(c, "dropDuplicatesWithinWatermark"),
        "dropDuplicatesWithinWatermark", 2, node and node.from)
      key_names[i] = schema.fields[key_idx[i] + 1].name
    end
    local label = ("[%s]"):format(table.concat(key_names, ", "))
    return require("tide.stateful_dedup").planWithinWatermark(self, key_idx, key_names, label)
  end
  methods.drop_duplicates_within_watermark = methods.dropDuplicatesWithinWatermark

  -- ---- partitioning, hints, checkpoints: what one process makes moot ------------------

  -- A batch is one partition in tide: repartition, coalesce and hints
  -- leave the rows as they are (a ported job's repartition(1) before a
  -- write already has one file per batch); their arguments are checked
  -- as Spark checks them.
  local function partitions_arg(method, n, level)
    if type(n) ~= "number" or n ~= math.floor(n) or n < 1 then
      error(("%s: the number of partitions must be a whole number >= 1, not %s"):format(method, tostring(n)),
        level + 1)
    end
  end
  local function columns_exist(df, method, list, level)
    for _, c in ipairs(list) do
      if type(c) == "string" then index_of(df._plan.schema, c, method, level + 1) end
    end
  end
  for _, method in ipairs({ "repartition", "repartitionByRange" }) do
    methods[method] = function(self, n, ...)
      if type(n) == "number" then
        partitions_arg(method, n, 2)
        columns_exist(self, method, arglist(method, ...), 2)
      else
        columns_exist(self, method, arglist(method, n, ...), 2)
      end
      return self
    end
  end
  function methods:coalesce(n)
    partitions_arg("coalesce", n, 2)
    return self
  end
  function methods:hint(name)
    if type(name) ~= "string" then error(("hint needs a name, not %s"):format(checks.kindOf(name)), 2) end
    return self
  end
  -- One partition: sorting within it is sorting.
  methods.sortWithinPartitions = methods.orderBy
  -- checkpoint(eager) and localCheckpoint keep the rows computed once, as
  -- cache does (there is no lineage to cut across processes).
  function methods:checkpoint() return self:cache() end
  methods.localCheckpoint = methods.checkpoint

  -- tail(n): the last n rows, as collect's Rows.
  function methods:tail(n)
    if type(n) ~= "number" or n ~= math.floor(n) or n < 0 then
      error(("tail needs a whole number >= 0, not %s"):format(tostring(n)), 2)
    end
    local rows = self:collect()
    local out = {}
    for i = math.max(#rows - n + 1, 1), #rows do out[#out + 1] = rows[i] end
    return out
  end
end

return M
