-- tide.dataframe_aggregate — grouping and aggregation on batch
-- DataFrames, each one C kernel over whole columns (engine/aggregate.c,
-- sort.c):
--
--   df:groupBy("site_id"):count()      df:groupBy("a", "b"):agg({ C14 = "avg" })
--   df:groupBy("a"):agg(F.avg("x"), F.count("*"):alias("n"))   df:agg(F.max("hour"))
--   df:agg(F.countDistinct("a"))       df:select(F.avg("x"))   df:selectExpr("count(*)")
--   df:groupBy("a"):agg(F.sum(F.col("x") * 2), (F.avg("x") * 100):alias("pct"),
--                       F.count(F.when(F.col("click"):eq(1), 1)))
--   df:groupBy("k"):agg(F.collect_list("v"), F.collect_set("v"))   (arrays)
--   df:groupBy("k"):agg(F.corr("x", "y"), F.max_by("v", "t"), F.percentile("x", 0.9), F.count_if(...))
--
-- The aggregates Spark 3.5 added to those (count_if, max_by, corr,
-- percentile, mode, ...; FILTER and DISTINCT) are tide.aggregate_functions'.
--
-- describe and summary, which aggregate too, are tide.dataframe_describe's.
--
-- An aggregate over an expression aggregates a column computed before
-- grouping; an expression over aggregates (and the grouping keys) is
-- computed over the aggregated rows: both are projections around the one
-- aggregation, as Spark plans them.
--
-- dataframe.lua installs these into its methods table; the helpers for
-- arguments and batches are tide.dataframe_ops'.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local column = require("tide.column")
local batchlib = require("tide.batch")
local ops = require("tide.dataframe_ops")
local more = require("tide.aggregate_functions")

local M = {}
local ID = T.ID
local arglist, name_of, index_of, key_index, int32s = ops.arglist, ops.name_of, ops.index_of, ops.key_index, ops.int32s
local take, columns_of, derive = ops.take, ops.columns_of, ops.derive
local errbuf, ERRLEN, cerr = ops.errbuf, ops.ERRLEN, ops.cerr

-- The C aggregate of each of tide.functions' aggregates (F.avg, ...).
local AGG = { count = 1, sum = 2, avg = 3, mean = 3, min = 4, max = 5, stddev = 6, stddev_samp = 6,
              std = 6, variance = 7, var_samp = 7, stddev_pop = 8, var_pop = 9, first = 10, last = 11,
              collect_list = 14, collect_set = 15 }
-- first(x, true) and last(x, true) skip nulls: codes of their own.
local IGNORING_NULLS = { [AGG.first] = 12, [AGG.last] = 13 }
-- Spark's name of the result column: avg(x); mean is shown as avg.
local AGG_LABEL = { mean = "avg", std = "stddev" }
-- The distinct counts: count(DISTINCT a, ...) and approx_count_distinct(a),
-- which tide counts exactly.
local DISTINCT = { count_distinct = true, approx_count_distinct = true }

local function is_aggregate(node)
  return type(node) == "table" and node.k == "call"
    and (AGG[node.fn] ~= nil or DISTINCT[node.fn] ~= nil or more.isAggregate(node.fn))
end
M.isAggregate = is_aggregate

-- Whether an expression node (or a list of them) holds an aggregate call.
local function has_aggregate(node)
  if type(node) ~= "table" or getmetatable(node) or node.k == "window" then return false end
  if is_aggregate(node) then return true end
  for _, v in pairs(node) do
    if type(v) == "table" and has_aggregate(v) then return true end
  end
  return false
end
M.hasAggregate = has_aggregate


local NUMERIC = { [ID.int] = true, [ID.long] = true, [ID.float] = true, [ID.double] = true, [ID.decimal] = true }

-- GroupedData's sum()/avg()/... without names: every numeric column but
-- the keys (and the names in `also`).
local function numeric_columns(schema, keys, also)
  local skip, names = {}, {}
  for _, k in ipairs(keys) do skip[k] = true end
  if also then skip[also] = true end
  for _, f in ipairs(schema.fields) do
    if NUMERIC[f.dataType.id] and not skip[f.name] then names[#names + 1] = f.name end
  end
  return names
end
M.numericColumns = numeric_columns

-- A copy of an expression node with each child node replaced by
-- rewrite(child) (a literal's value is no child).
local function map_children(node, rewrite)
  local copy = {}
  for k, v in pairs(node) do
    local child = type(v) == "table" and not getmetatable(v) and not (k == "value" and node.k == "lit")
    copy[k] = child and rewrite(v) or v
  end
  return copy
end
M.mapChildren = map_children

-- An expression's text with its names (columns, functions) in lower case
-- and its literals as they are: a select item is a GROUP BY key computed
-- from an expression when these match (SELECT CONCAT(C, 'x') ... GROUP BY
-- concat(c, 'x')), as Spark's case-insensitive resolution matches them.
function M.normalizedText(node)
  local function copy(n)
    if type(n) ~= "table" or getmetatable(n) then return n end
    local c = {}
    for k, v in pairs(n) do
      if k ~= "from" and k ~= "sqlText" then c[k] = copy(v) end
    end
    if c.k == "col" and type(c.name) == "string" then c.name = c.name:lower() end
    if c.k == "call" and type(c.fn) == "string" then c.fn = c.fn:lower() end
    return c
  end
  return require("tide.sql_names").toString(copy(node))
end

-- ---- install -----------------------------------------------------------------------------------

function M.install(dataframe)
  -- (loaded with the DataFrame: it makes SQL's session_window known to
  -- expressions, tide.eval's registry, before any query names it)
  require("tide.session_window")
  local methods = dataframe.methods

  -- ---- grouping and aggregation ----------------------------------------------------------

  local GroupedData = {}
  GroupedData.__index = GroupedData
  M.GroupedData = GroupedData

  -- groupBy(cols...): the keys, by the names of the columns they resolve to.
  -- An expression (F.col("hour") % 100) is a key too, as in Spark: it is
  -- computed first, as a column named as Spark names it ((hour % 100)).
  -- F.window(time, "10 minutes") is one too: the rows repeated per window
  -- (tide.time_window), grouped by its start and end, shown as Spark's
  -- `window` struct; so is F.session_window(time, "5 minutes"), whose
  -- sessions (tide.session_window) are per value of the other keys, so
  -- found after those are computed.
  function methods:groupBy(...)
    local df, list, computed = self, arglist("groupBy", ...), {}
    local time_window = require("tide.time_window")
    local session_window = require("tide.session_window")
    local window, session
    for i, c in ipairs(list) do
      -- (SQL's window(ts, '10 minutes') call is F.window's)
      if column.isColumn(c) and time_window.isWindowCall(c.node) then
        c = time_window.fromCall(c.node)
        list[i] = c
      end
      -- (a session window may be aliased: its struct takes the name)
      local is_session = column.isColumn(c) and (session_window.isSession(c.node)
        or (c.node.k == "alias" and session_window.isSession(c.node.expr)))
      if column.isColumn(c) and (time_window.isWindow(c.node) or is_session) then
        session = session or is_session
        if window then
          require("tide.checks").failAtUser("Multiple time/session window expressions would result in a cartesian"
            .. " product of rows, therefore they are currently not supported.")
        end
        window = c.node
      end
    end
    if window and not session then df = time_window.expand(df, window) end
    -- A column whose name another column shares (a.site after a join
    -- with b.site) is copied under a name of its own, the copy grouped by
    -- and named back in the result, as Spark's attribute keeps its name.
    local input_schema, renamed, names, by_text = df._plan.schema, {}, {}, {}
    for i, c in ipairs(list) do
      if column.isColumn(c) and c.node.k ~= "col" and c.node ~= window then
        local node = c.node.k == "alias" and c.node or
          { k = "alias", expr = c.node, name = require("tide.sql_names").outputName(c.node) }
        computed[#computed + 1] = column.wrap(node)
        names[i] = node.name
        by_text[M.normalizedText(node.expr)] = node.name
      elseif not (column.isColumn(c) and c.node == window) then
        local from = column.isColumn(c) and c.node.from
        local at = key_index(input_schema, name_of(c, "groupBy"), "groupBy", 2, from)
        local name = input_schema.fields[at + 1].name
        if #input_schema:fieldsNamed(name) > 1 then
          names[i] = ("__groupBy%d"):format(i)
          renamed[#renamed + 1] = { names[i], name }
          computed[#computed + 1] = column.wrap({ k = "alias", name = names[i],
            expr = { k = "col", name = name, index = at } })
        else
          names[i] = name
        end
      end
    end
    if #computed > 0 then df = df:select(column.wrap({ k = "star" }), unpack(computed)) end
    local shape = session and session_window or time_window
    local finish = window and shape.finish
    if session then
      local name = window.k == "alias" and window.name or session_window.NAME
      finish = function(result) return session_window.finish(result, name) end
    end
    local keys = { finish = finish, computed = by_text }
    if session then
      -- (what a select over the aggregation may name it by: SELECT
      -- session_window.start, or the call itself, as Spark resolves them)
      local node = window.k == "alias" and window.expr or window
      keys.window = { name = window.k == "alias" and window.name or session_window.NAME, text = M.normalizedText(node),
                      start = session_window.START, stop = session_window.END }
    elseif window then
      keys.window = { name = "window", text = M.normalizedText(window.call or window), start = time_window.START,
                      stop = time_window.END }
    end
    for i = 1, #list do
      if names[i] then
        keys[#keys + 1] = names[i]
      else -- the window
        keys[#keys + 1], keys[#keys + 2] = shape.START, shape.END
      end
    end
    if session then
      local others = {}
      for i = 1, #list do others[#others + 1] = names[i] end
      df = session_window.expand(df, window.k == "alias" and window.expr or window, others)
    end
    for _, key in ipairs(keys) do key_index(df._plan.schema, key, "groupBy", 2) end
    if #renamed > 0 then
      local finish = keys.finish
      keys.finish = function(result)
        if finish then result = finish(result) end
        for _, r in ipairs(renamed) do result = result:withColumnRenamed(r[1], r[2]) end
        return result
      end
    end
    return setmetatable({ df = df, keys = keys }, GroupedData)
  end
  methods.groupby = methods.groupBy

  -- One aggregate: {code, column = 0-based index or nil (count(*)), name
  -- = output, type}; its errors are at `level` (1: agg_spec's caller).
  -- `from`: the DataFrame a column reference came from (df.x), if any.
  local function agg_spec(schema, fn, colname, alias, level, from)
    local code = AGG[fn]
    if not code then error(("unknown aggregate function %q"):format(tostring(fn)), level + 1) end
    local label = AGG_LABEL[fn] or fn
    if colname == "*" or colname == nil then
      if code ~= AGG.count then error(fn .. "(*) is not an aggregate; only count(*) is", level + 1) end
      return { code = code, column = nil, name = alias or "count(1)", type = T.long }
    end
    local idx = index_of(schema, colname, fn, level + 1, from)
    local field = schema.fields[idx + 1]
    local t = field.dataType
    local p, s = ffi.new("int32_t[1]", t.precision or 0), ffi.new("int32_t[1]", t.scale or 0)
    local rid = C.tide_agg_result_type(code, t.id, p, s)
    local ordered = code == AGG.collect_set or code == AGG.min or code == AGG.max
    if rid == 0 or (ordered and T.unordered(t)) then
      error(("%s(%s): the column is %s, which %s cannot take"):format(label, field.name, t:simpleString(), label),
        level + 1)
    end
    -- collect_list and collect_set: Spark's array<input> without nulls,
    -- never null itself; the aggregates that take a row's value (min,
    -- first, ...) keep its type, nested ones too.
    local collect = code == AGG.collect_list or code == AGG.collect_set
    local result = collect and T.array(t, false) or T.fromId(rid, p[0], s[0]) or t
    return { code = code, column = idx, name = alias or ("%s(%s)"):format(label, field.name),
             type = result, nullable = not collect }
  end

  -- count(DISTINCT a, ...): the 0-based indices of its columns in
  -- `distinct`; aggregate counts them (count_distinct below). Errors at
  -- `level`, as agg_spec's.
  local function distinct_spec(schema, node, alias, level)
    local names, cols = {}, {}
    local approx = node.fn == "approx_count_distinct"
    -- approx_count_distinct(a[, rsd]): one column, and the error it may
    -- have (tide's count is exact).
    local args = approx and { node.args[1] } or node.args
    if approx and (#node.args > 2 or (node.args[2] and not more.numberOf(node.args[2]))) then
      error("approx_count_distinct takes a column and the relative error it may have (a number)", level + 1)
    end
    for i, arg in ipairs(args) do
      if arg.k ~= "col" then error("countDistinct() takes column names", level + 1) end
      local idx = index_of(schema, arg.name, "countDistinct", level + 1, arg.from)
      local field = schema.fields[idx + 1]
      local id = field.dataType.id
      if T.unordered(field.dataType) then
        error(("countDistinct: column %s is %s, which cannot be counted distinct"):format(field.name,
          field.dataType:simpleString()), level + 1)
      end
      names[i], cols[i] = field.name, idx
    end
    local label = approx and ("approx_count_distinct(%s)"):format(names[1])
      or ("count(DISTINCT %s)"):format(table.concat(names, ", "))
    return { distinct = cols, approx = approx, name = alias or label, type = T.long }
  end

  -- One of tide.aggregate_functions' kernels (max_by, corr, percentile,
  -- ...) of a call whose column arguments are columns: spec.column and
  -- column2 its columns, and what the kernel takes besides.
  local function kernel_spec(schema, node, alias, level)
    local k = more.kernel(node)
    local function column_at(i)
      local arg = node.args[i]
      local idx = index_of(schema, arg.name, node.fn, level + 1, arg.from)
      return idx, schema.fields[idx + 1].dataType
    end
    local x, xt = column_at(1)
    local other, ot
    if k.other then other, ot = column_at(k.other) end
    local t = more.resultType(node, k, xt, ot)
    return { code = k.code, kernel = true, column = x, column2 = other, percentages = k.percentages,
             asArray = k.asArray, name = alias or node.sqlText or require("tide.sql_names").toString(node), type = t,
             nullable = true }
  end

  -- The aggregate of an aggregate call node whose arguments are columns
  -- (or count's literal or *), named `alias` or as Spark names it; errors
  -- at `level`, as agg_spec's. Its calls are no tail calls, so that the
  -- levels count this function.
  local function spec_from_node(schema, node, alias, level)
    if DISTINCT[node.fn] then
      local spec = distinct_spec(schema, node, alias, level + 1)
      return spec
    end
    if more.OF_DISTINCT[node.fn] then
      -- sum(DISTINCT x): the aggregate over the rows that are the first of
      -- their (keys, x) (distinct_rows below).
      local arg = node.args[1]
      local spec = agg_spec(schema, more.OF_DISTINCT[node.fn], arg.name, alias or node.sqlText, level + 1, arg.from)
      spec.distinctRows = true
      return spec
    end
    if more.isKernel(node.fn) then
      local spec = kernel_spec(schema, node, alias, level + 1)
      return spec
    end
    local arg = node.args[1]
    if not arg then error(("%s() needs a column"):format(node.fn), level + 1) end
    if IGNORING_NULLS[AGG[node.fn]] then
      local ignore = node.args[2]
      if #node.args > 2 or (ignore and (ignore.k ~= "lit" or type(ignore.value) ~= "boolean")) then
        error(("%s takes a column and whether to ignore nulls (a boolean)"):format(node.fn), level + 1)
      end
      local spec = agg_spec(schema, node.fn, arg.name, alias, level + 1)
      if ignore and ignore.value then spec.code = IGNORING_NULLS[spec.code] end
      return spec
    end
    if #node.args > 1 then error(("%s() takes one column, not %d"):format(node.fn, #node.args), level + 1) end
    local name
    if arg.k == "star" and not arg.prefix then
      name = "*"
    elseif arg.k == "lit" and node.fn == "count" then
      -- count(NULL) counts no row (Spark: 0), count(1) or count('a') every row.
      local label = ("count(%s)"):format(require("tide.sql").outputName(arg))
      if arg.value == nil then return { zero = true, name = alias or label, type = T.long } end
      local spec = agg_spec(schema, node.fn, "*", alias or label, level + 1)
      return spec
    elseif arg.k == "col" then
      name = arg.name
    else
      error(("%s() takes a column name"):format(node.fn), level + 1)
    end
    local spec = agg_spec(schema, node.fn, name, alias, level + 1, arg.from)
    return spec
  end

  -- count(DISTINCT) of spec per group into dst, a slot of out: the rows
  -- grouped by the group's keys and the counted columns together, and
  -- each such combination counted once for its group, unless one of its
  -- counted values is null (Spark's count(DISTINCT a, b) skips those).
  local function count_distinct(batch, key_idx, spec, gids, ng, out, dst)
    local n = batch:count()
    local cols = {}
    for i, k in ipairs(key_idx) do cols[i] = k end
    for _, c in ipairs(spec.distinct) do cols[#cols + 1] = c end
    local combo = ffi.new("int32_t[?]", math.max(n, 1))
    local first = ffi.new("int64_t[?]", math.max(n, 1))
    local nc = tonumber(C.tide_group_rows(batch, int32s(cols), #cols, combo, first, errbuf, ERRLEN))
    if nc < 0 then error(cerr(), 0) end
    -- The counts are written straight into the result column.
    if C.tide_column_init(out, dst, spec.name, ID.long, ng) ~= 0 then error("out of memory in countDistinct", 0) end
    local counts = ffi.cast("int64_t *", dst.values)
    ffi.fill(counts, 8 * ng)
    C.tide_count_valid_combinations(batch, int32s(spec.distinct), #spec.distinct, first, nc, gids, counts)
    dst.length = ng
  end

  -- The rows of batch that are the first of their (keys, column)
  -- combination, as a batch of that column, and their groups: what
  -- sum(DISTINCT column) adds up.
  local function distinct_rows(batch, key_idx, column, gids)
    local n = batch:count()
    local cols = {}
    for i, k in ipairs(key_idx) do cols[i] = k end
    cols[#cols + 1] = column
    local combo = ffi.new("int32_t[?]", math.max(n, 1))
    local first = ffi.new("int64_t[?]", math.max(n, 1))
    local nc = tonumber(C.tide_group_rows(batch, int32s(cols), #cols, combo, first, errbuf, ERRLEN))
    if nc < 0 then error(cerr(), 0) end
    local groups = ffi.new("int32_t[?]", math.max(nc, 1))
    C.tide_groups_at(gids, first, nc, groups)
    return take(columns_of(batch, { column }), first, nc), groups, nc
  end

  -- The aggregates `specs` of batch grouped by the columns key_idx
  -- (0-based): the keys of each group's first row, then a column per
  -- aggregate. grouping, when given, is the rows' groups already made
  -- ({gids, first, ng}, as tide_group_rows gives them).
  local function aggregate_batch(batch, key_idx, specs, grouping)
    local n, nk = batch:count(), #key_idx
    local gids, first, ng, out
    if grouping then
      gids, first, ng = grouping.gids, grouping.first, grouping.ng
    else
      gids = ffi.new("int32_t[?]", math.max(n, 1))
      first = ffi.new("int64_t[?]", math.max(n, 1))
    end
    if nk == 0 then
      ng = 1 -- a global aggregate has one row, even over no rows
      out = batchlib.wrap(C.tide_batch_new(#specs))
    else
      if not grouping then
        ng = tonumber(C.tide_group_rows(batch, int32s(key_idx), nk, gids, first, errbuf, ERRLEN))
        if ng < 0 then error(cerr(), 0) end
      end
      -- The keys of each group's first row, then a slot per aggregate.
      local key_slots = {}
      for i = 1, nk do key_slots[i] = i - 1 end
      out = columns_of(take(columns_of(batch, key_idx), first, ng), key_slots, #specs)
    end
    for j, s in ipairs(specs) do
      local input = s.column and batch.columns[s.column] or nil
      if s.distinct then
        count_distinct(batch, key_idx, s, gids, ng, out, out.columns[nk + j - 1])
      elseif s.zero then
        local dst = out.columns[nk + j - 1]
        if C.tide_column_init(out, dst, s.name, ID.long, ng) ~= 0 then error("out of memory in count", 0) end
        ffi.fill(dst.values, 8 * ng)
        dst.length = ng
      elseif s.kernel then
        local other = s.column2 and batch.columns[s.column2] or nil
        local np = s.percentages and #s.percentages or 0
        local p = np > 0 and ffi.new("double[?]", np, unpack(s.percentages)) or nil
        if C.tide_aggregate_groups(out, out.columns[nk + j - 1], s.name, s.code, s.stage or 0, input, other, p, np,
            s.asArray and 1 or 0, n, gids, ng, errbuf, ERRLEN) ~= 0 then
          error(cerr(), 0)
        end
      elseif s.distinctRows then
        local rows, groups, nd = distinct_rows(batch, key_idx, s.column, gids)
        if C.tide_aggregate(out, out.columns[nk + j - 1], s.name, s.code, rows.columns[0], nd, groups, ng, errbuf,
            ERRLEN) ~= 0 then
          error(cerr(), 0)
        end
      elseif C.tide_aggregate(out, out.columns[nk + j - 1], s.name, s.code, input, n, gids, ng, errbuf,
          ERRLEN) ~= 0 then
        error(cerr(), 0)
      end
    end
    if C.tide_batch_finish(out) ~= 0 then error("aggregate: columns of different lengths", 0) end
    return out
  end
  M.aggregateBatch = aggregate_batch

  -- The plan node of a grouped aggregation: key columns, then aggregates.
  -- Over a stream, tide.stateful_aggregate's, which keeps the groups
  -- across micro-batches.
  -- keys.finish, when there (a window's struct, rollup's renamed keys),
  -- makes the shown result of the aggregation; `raw` leaves it to the
  -- caller, which computes over the keys as they are first.
  local function aggregate(df, keys, specs, raw)
    local schema = df._plan.schema
    local key_idx, fields = {}, {}
    for i, k in ipairs(keys) do
      key_idx[i] = key_index(schema, k, "groupBy", 2)
      fields[i] = schema.fields[key_idx[i] + 1]
    end
    local names = {}
    for i, s in ipairs(specs) do
      fields[#fields + 1] = T.field(s.name, s.type, s.nullable ~= false)
      names[i] = s.name
    end
    local explain = ("Aggregate [%s], [%s]"):format(table.concat(keys, ", "), table.concat(names, ", "))
    local grouped
    if df._streaming then
      grouped = require("tide.stateful_aggregate").plan(df, key_idx, specs, T.struct(fields), explain)
    else
      grouped = derive(df, {
        kind = "aggregate",
        schema = T.struct(fields),
        explain = explain,
        apply = function(batch) return aggregate_batch(batch, key_idx, specs) end,
      })
    end
    if keys.finish and not raw then grouped = keys.finish(grouped) end
    return grouped
  end

  -- The plan of agg(...)'s Columns (or a select's nodes with aggregates),
  -- as Spark's: each aggregate call's arguments that are expressions are
  -- computed first (a projection before the grouping); outputs that are
  -- not bare aggregates are computed after it, over the keys and the
  -- aggregates' results (named __agg<i> in between). Errors at `level`.
  local function aggregate_nodes(df, keys, nodes, level)
    local names = require("tide.sql_names")
    local fail = require("tide.checks").failAtUser
    local inputs, input_named, calls, outputs = {}, {}, {}, {}
    local is_key = {}
    for _, k in ipairs(keys) do is_key[k:lower()] = true end
    -- The column computed for an aggregate's argument: named as Spark
    -- shows the expression (so that the aggregate's name and errors read
    -- sum((x * 2))), one for each distinct expression.
    local function input_for(arg)
      local name = names.toString(arg)
      if not input_named[name] then
        local column_name = df._plan.schema:resolveField(name) and ("__agg_input%d"):format(#inputs + 1) or name
        inputs[#inputs + 1] = { k = "alias", expr = arg, name = column_name }
        input_named[name] = column_name
      end
      return { k = "col", name = input_named[name] }
    end
    -- An argument's type, when it can be told now (for Spark's checks of
    -- the aggregates tide computes as others: count_if's boolean).
    local function typeof(arg)
      local ok, c = pcall(require("tide.eval").compile, arg, df._plan.schema)
      return ok and c.type or nil
    end
    -- Adds an aggregate call, its arguments that are expressions replaced
    -- by input columns computed for them (FILTER and Spark's replacements
    -- made first: tide.aggregate_functions); returns its index in calls.
    -- Parameters (percentile's percentages) stay as they are.
    local function add_call(call)
      for _, arg in ipairs(call.args) do
        if has_aggregate(arg) then
          fail(("%s: an aggregate function cannot take another one"):format(names.toString(call)))
        end
      end
      local prepared = more.prepare(call, typeof)
      local lifted = { k = "call", fn = prepared.fn, args = {}, sqlText = prepared.sqlText }
      local any = prepared ~= call
      local kernel = more.isKernel(prepared.fn)
      for i, arg in ipairs(prepared.args) do
        local plain = arg.k == "col" or arg.k == "star"
          or (arg.k == "lit" and (prepared.fn == "count" or (i > 1 and not kernel)))
        if not (plain or more.isParameter(prepared.fn, i)) then
          arg, any = input_for(arg), true
        end
        lifted.args[i] = arg
      end
      calls[#calls + 1] = { node = lifted, lifted = any or call.distinct or more.isAggregate(call.fn) }
      return #calls
    end
    -- An expression over aggregates: each call replaced by its result.
    local function over_results(node)
      if is_aggregate(node) then return { k = "col", name = ("__agg%d"):format(add_call(node)) } end
      if node.k == "window" then
        -- A window's function runs over the aggregated rows (sum(v) OVER
        -- (...) of a GROUP BY v): only what its arguments aggregate is
        -- computed by the grouping.
        local fn, window = {}, {}
        for k, v in pairs(node.fn) do fn[k] = v end
        fn.args = {}
        for i, arg in ipairs(node.fn.args or {}) do fn.args[i] = over_results(arg) end
        for k, v in pairs(node) do window[k] = v end
        window.fn = fn
        return window
      end
      if node.k == "call" and (node.fn == "grouping" or node.fn == "grouping_id") then
        return require("tide.grouping_sets").groupingNode(node, keys)
      end
      -- (rollup's and cube's keys are copies of the columns they name)
      local alias = node.k == "col" and keys.aliases and keys.aliases[tostring(node.name):lower()]
      if alias then return { k = "col", name = alias } end
      -- A session window key, by its name or its call: the struct of its
      -- start and end.
      local w = keys.window
      if w and ((node.k == "col" and tostring(node.name):lower() == w.name:lower())
          or (node.k == "call" and M.normalizedText(node) == w.text)) then
        return { k = "call", fn = "struct", args = {
          { k = "alias", name = "start", expr = { k = "col", name = w.start } },
          { k = "alias", name = "end", expr = { k = "col", name = w.stop } } } }
      end
      -- An expression a key was computed from (GROUP BY upper(c) with
      -- SELECT upper(c)) is that key, as Spark matches them.
      if node.k ~= "col" and node.k ~= "lit" and node.k ~= "star" and keys.computed then
        local name = keys.computed[M.normalizedText(node)]
        if name then return { k = "col", name = keys.aliases and keys.aliases[name:lower()] or name } end
      end
      if (node.k == "col" and not is_key[tostring(node.name):lower()]) or node.k == "star" then
        local name = node.k == "star" and "*" or node.name
        fail(("%s is neither a grouping key nor inside an aggregate function (Spark: expression '%s' is neither"
          .. " present in the group by, nor is it an aggregate function)"):format(name, name))
      end
      return map_children(node, over_results)
    end
    for i, node in ipairs(nodes) do
      local bare, alias = more.annotate(node), nil
      if bare.k == "alias" then bare, alias = bare.expr, bare.name end
      if is_aggregate(bare) then
        local c = add_call(bare)
        outputs[i] = { call = c, name = alias or (calls[c].lifted and names.outputName(bare)) or nil }
      else
        outputs[i] = { node = over_results(bare), name = alias or names.outputName(bare) }
      end
    end
    local input = df
    if #inputs > 0 then
      local cols = { column.wrap({ k = "star" }) }
      for _, n in ipairs(inputs) do cols[#cols + 1] = column.wrap(n) end
      input = df:select(cols)
    end
    local post = false
    for _, o in ipairs(outputs) do post = post or o.node ~= nil end
    local specs, shown = {}, {}
    for _, o in ipairs(outputs) do if o.call then shown[o.call] = o.name end end
    for j, call in ipairs(calls) do
      specs[j] = spec_from_node(input._plan.schema, call.node, shown[j], level + 1)
      shown[j] = specs[j].name
      specs[j].shown = shown[j] -- (for errors about it, past the planning)
      if post then specs[j].name = ("__agg%d"):format(j) end
    end
    if not post then
      local grouped = aggregate(input, keys, specs)
      return grouped
    end
    local cols = {}
    for _, k in ipairs(keys) do cols[#cols + 1] = column.wrap({ k = "col", name = k }) end
    for _, o in ipairs(outputs) do
      local node = o.node or { k = "col", name = ("__agg%d"):format(o.call) }
      cols[#cols + 1] = column.wrap({ k = "alias", expr = node, name = o.node and o.name or shown[o.call] })
    end
    local ok, result = pcall(function() return aggregate(input, keys, specs, true):select(cols) end)
    -- (an expression's error over the aggregates, at the user's line)
    if not ok then
      require("tide.checks").failAtUser((tostring(result):gsub("^[^:\n]*tide/[%w_/]+%.lua:%d+: ", "")))
    end
    if keys.finish then result = keys.finish(result) end
    return result
  end

  -- df:select(...) with aggregates (F.avg("x"), "count(*)"): a global
  -- aggregate, as Spark's. Errors at the caller of select.
  function M.selectAggregates(df, nodes)
    local grouped = aggregate_nodes(df, {}, nodes, 2)
    return grouped
  end

  -- agg({x = "avg", y = "max"}) (in the order of the columns) or
  -- agg(F.avg("x"), F.count("*"):alias("n"), ...).
  function GroupedData:agg(...)
    local schema = self.df._plan.schema
    local specs = {}
    local first = ...
    if select("#", ...) == 1 and type(first) == "table" and not column.isColumn(first) and first[1] == nil then
      local by_column = {}
      for name, fn in pairs(first) do
        if name ~= "*" then
          by_column[#by_column + 1] = { index = index_of(schema, name, "agg", 2), fn = tostring(fn):lower() }
        end
      end
      table.sort(by_column, function(a, b) return a.index < b.index end)
      -- {x = "skewness"}: the aggregates of one column past agg_spec's
      -- are calls (Spark's agg(Map) resolves any function by its name).
      local any_more = false
      for _, a in ipairs(by_column) do any_more = any_more or more.isAggregate(a.fn) end
      if any_more then
        local calls = {}
        for i, a in ipairs(by_column) do
          calls[i] = { k = "call", fn = a.fn, args = { { k = "col", name = schema.fields[a.index + 1].name } } }
        end
        if first["*"] then
          calls[#calls + 1] = { k = "call", fn = tostring(first["*"]):lower(), args = { { k = "star" } } }
        end
        local grouped = aggregate_nodes(self.df, self.keys, calls, 2)
        return grouped
      end
      for _, a in ipairs(by_column) do
        specs[#specs + 1] = agg_spec(schema, a.fn, schema.fields[a.index + 1].name, nil, 2)
      end
      if first["*"] then specs[#specs + 1] = agg_spec(schema, tostring(first["*"]):lower(), "*", nil, 2) end
    else
      local nodes = {}
      for _, c in ipairs(arglist("agg", ...)) do
        if not column.isColumn(c) then error("agg takes Columns such as F.avg(\"x\"), or one table {x = \"avg\"}", 2) end
        nodes[#nodes + 1] = c.node
      end
      if #nodes == 0 then error("agg needs at least one aggregate", 2) end
      local grouped = aggregate_nodes(self.df, self.keys, nodes, 2)
      return grouped
    end
    if #specs == 0 then error("agg needs at least one aggregate", 2) end
    return aggregate(self.df, self.keys, specs)
  end

  function GroupedData:count()
    return aggregate(self.df, self.keys, { { code = AGG.count, name = "count", type = T.long } })
  end

  -- sum/avg/mean/min/max of the named columns, or of every numeric column
  -- that is not a key.
  for _, fn in ipairs({ "sum", "avg", "mean", "min", "max" }) do
    GroupedData[fn] = function(self, ...)
      local schema = self.df._plan.schema
      local names = arglist(fn, ...)
      if #names == 0 then names = numeric_columns(schema, self.keys) end
      local specs = {}
      for i, c in ipairs(names) do specs[i] = agg_spec(schema, fn, name_of(c, fn), nil, 2) end
      return aggregate(self.df, self.keys, specs)
    end
  end

  -- Arbitrary stateful processing (Spark's flatMapGroupsWithState):
  -- tide.stateful_map.
  function GroupedData:flatMapGroupsWithState(fn, outputSchema, stateSchema, outputMode, timeoutConf)
    return require("tide.stateful_map").plan(self, fn, outputSchema, stateSchema, outputMode, timeoutConf)
  end

  require("tide.dataframe_pivot").install(GroupedData, aggregate_nodes, is_aggregate, has_aggregate)
  require("tide.grouping_sets").install(methods, GroupedData)

  -- df:agg(...) aggregates the whole DataFrame, as groupBy():agg(...).
  function methods:agg(...) return self:groupBy():agg(...) end

  require("tide.dataframe_describe").install(methods, AGG, NUMERIC)

  -- df:groupBy("a").count() fails naming the method (dataframe.lua), and
  -- df:groupBy("a"):pivot("b") that there is no such method.
  local checks = require("tide.checks")
  checks.colonCalls("GroupedData", "df:groupBy(...)", function(v) return getmetatable(v) == GroupedData end,
    GroupedData)
  GroupedData.__index = checks.strictIndex("GroupedData", "method", GroupedData)
end

return M
