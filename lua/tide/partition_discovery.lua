-- tide.partition_discovery — reading Spark's partitioned directories
-- (tide.partitions has the names, the types and the writing): the leaf
-- directories under the base paths, their name=value columns typed as
-- Spark's partition type inference types them (PartitioningUtils), and a
-- Layout that adds those columns to each file's rows, a batch at a time.
local ffi = require("ffi")
local C = require("tide.ffi")
local T = require("tide.types")
local files = require("tide.files")
local batchlib = require("tide.batch")
local input_files = require("tide.input_files")
local P = require("tide.partitions")

local M = {}
local NULL, infer, wider, spark_type_name, value_text = P.NULL, P.infer, P.wider, P.sparkTypeName, P.valueText

local ERRLEN = 512
local errbuf = ffi.new("char[?]", ERRLEN)
local function cerr() return ffi.string(errbuf) end

-- ---- paths ----------------------------------------------------------------------------

-- An absolute path without ".", "..", repeated or trailing slashes: how
-- Hadoop's Path compares directories.
local function clean(path)
  local parts = {}
  for part in files.absolute(path):gmatch("[^/]+") do
    if part == ".." then parts[#parts] = nil elseif part ~= "." then parts[#parts + 1] = part end
  end
  return "/" .. table.concat(parts, "/")
end
M.clean = clean

local function parent_of(abs)
  if abs == "/" then return nil end
  return abs:match("^(.*)/[^/]*$"):gsub("^$", "/")
end

local function name_of(abs) return abs:match("[^/]*$") end

-- parsePartitionColumn: name=value, or nil for a directory of another name.
local function parse_column(dir_name)
  local eq = dir_name:find("=", 1, true)
  if not eq then return nil end
  local name, raw = P.unescape(dir_name:sub(1, eq - 1)), dir_name:sub(eq + 1)
  if name == "" then error(("assertion failed: Empty partition column name in '%s'"):format(dir_name), 0) end
  if raw == "" then error(("assertion failed: Empty partition column value in '%s'"):format(dir_name), 0) end
  return { name = name, raw = raw }
end

-- parsePartition: the columns of a leaf directory (abs), walking up to a
-- base path, and where the walk stopped; (nil, dir) for a directory that
-- names none, (nil, nil) for one under a _temporary directory.
local function parse_dir(dir, bases)
  local columns, current = {}, dir
  while true do
    if name_of(current):lower() == "_temporary" then return nil, nil end
    if bases[current] then break end
    local col = parse_column(name_of(current))
    if col then columns[#columns + 1] = col end
    local parent = parent_of(current)
    if (not col and #columns > 0) or not parent then break end
    current = parent
  end
  if #columns == 0 then return nil, dir end
  local ordered = {}
  for i = #columns, 1, -1 do ordered[#ordered + 1] = columns[i] end
  return ordered, current
end

-- Every directory under dir (recursively) that holds files, with those
-- the filter (tide.file_filter) accepts. As Spark's, the partitions are
-- inferred from every directory holding files, accepted or not: its path
-- filters apply to the listing's files, not to the partitioning.
local MAX_DEPTH = 64
local function walk(dir, leaves, filter, depth)
  local names = files.list(dir)
  table.sort(names)
  local here, any = {}, false
  for _, name in ipairs(names) do
    if not files.leftOut(name) then
      local p = dir .. "/" .. name
      local st, err = files.stat(p)
      if not st then
        files.skipUnreadable(p, err)
      elseif st.isDir then
        if depth < MAX_DEPTH then walk(p, leaves, filter, depth + 1) end
      else
        any = true
        if not filter or filter:accept(name, st.mtime) then
          here[#here + 1] = { path = p, size = st.size, mtime = st.mtime }
        end
      end
    end
  end
  if any then leaves[#leaves + 1] = { dir = dir, abs = clean(dir), files = here } end
end

-- ---- discovery ------------------------------------------------------------------------

local Layout = {}
Layout.__index = Layout

local function conf_flag(session, key, default)
  local v = session and session.conf and session.conf:get(key)
  if v == nil then return default end
  return tostring(v):lower() == "true"
end

-- The base paths partition directories are under: option basePath, or
-- each directory read (a file's own directory).
local function base_paths(roots, options)
  local bases = {}
  local given = options.basepath
  if given then
    local st = files.stat(given)
    if not st or not st.isDir then
      error("requirement failed: Option 'basePath' must be a directory", 0)
    end
    local base = clean(given)
    local prefix = base == "/" and "/" or base .. "/"
    for _, r in ipairs(roots) do
      local abs = clean(r.path)
      if abs ~= base and abs:sub(1, #prefix) ~= prefix then
        error(("Wrong basePath %s for the root path: file:%s"):format(given, abs), 0)
      end
    end
    bases[base] = true
    return bases
  end
  for _, r in ipairs(roots) do
    local abs = clean(r.path)
    bases[r.stat.isDir and abs or parent_of(abs)] = true
  end
  return bases
end

local function uri(abs) return "file:" .. abs end

-- The layout of the leaf directories found, Spark's checks made; nil when
-- none names a partition column.
local function resolve_layout(leaves, bases, typing)
  local found, discovered, seen_base = {}, {}, {}
  for _, leaf in ipairs(leaves) do
    local columns, base = parse_dir(leaf.abs, bases)
    if base and not seen_base[base:lower()] then
      seen_base[base:lower()] = true
      discovered[#discovered + 1] = uri(base):lower()
    end
    if columns then
      leaf.columns = columns
      found[#found + 1] = leaf
    end
  end
  if #found == 0 then return nil end
  if #discovered > 1 then
    error("assertion failed: Conflicting directory structures detected. Suspicious paths:\n\t"
      .. table.concat(discovered, "\n\t") .. "\n\nIf provided paths are partition directories, please set "
      .. "\"basePath\" in the options of the data source to specify the root directory of the table. If there"
      .. " are multiple root directories, please load them separately and then union them.", 0)
  end
  -- Every leaf names the same columns (case aside).
  local lists, by_list = {}, {}
  for _, leaf in ipairs(found) do
    local names, lower = {}, {}
    for i, c in ipairs(leaf.columns) do names[i], lower[i] = c.name, c.name:lower() end
    local key = table.concat(lower, "\0")
    if not by_list[key] then
      by_list[key] = { names = table.concat(names, ", "), count = #names, paths = {} }
      lists[#lists + 1] = by_list[key]
    end
    table.insert(by_list[key].paths, uri(leaf.abs))
  end
  if #lists > 1 then
    local listed, suspicious = {}, {}
    for i, l in ipairs(lists) do listed[i] = ("Partition column name list #%d: %s"):format(i - 1, l.names) end
    local by_length = { unpack(lists) }
    table.sort(by_length, function(a, b) return a.count < b.count end)
    for _, l in ipairs(by_length) do
      for _, p in ipairs(l.paths) do suspicious[#suspicious + 1] = "\t" .. p end
    end
    error("assertion failed: Conflicting partition column names detected:\n\n\t" .. table.concat(listed, "\n\t")
      .. "\n\nFor partitioned table directories, data files should only live in leaf directories.\n"
      .. "And directories at the same level should have the same partition column name.\n"
      .. "Please check the following directories for unexpected files or inconsistent partition column names:\n\n"
      .. table.concat(suspicious, "\n"), 0)
  end
  -- Each column's type: the user's (or, on a later listing, the one
  -- fixed when the DataFrame was made), else the values' widened.
  local columns = {}
  for i, c in ipairs(found[1].columns) do
    local given = typing.types[c.name:lower()]
    local t = given
    if not t then
      t = NULL
      for _, leaf in ipairs(found) do
        t = wider(t, typing.infer and infer(leaf.columns[i].raw) or
          (leaf.columns[i].raw == M.DEFAULT and NULL or T.string))
      end
      -- (a column of nulls only: a string column, as Spark 2 made it;
      -- tide has no column of Spark's NullType)
      if t == NULL then t = T.string end
    end
    columns[i] = { name = typing.names[c.name:lower()] or c.name, type = t }
  end
  -- The values, as castPartValueToDesiredType reads them.
  local texts = {}
  for _, leaf in ipairs(found) do
    local row = {}
    for i, c in ipairs(leaf.columns) do
      local text = value_text(c.raw, columns[i].type)
      if text == false then
        if typing.validate then
          error(("Failed to cast value `%s` to `%s` for partition column `%s`"):format(c.raw,
            spark_type_name(columns[i].type), c.name), 0)
        end
        text = nil
      end
      row[i] = text
    end
    texts[leaf.abs] = row
  end
  local list = {}
  for _, leaf in ipairs(found) do
    for _, f in ipairs(leaf.files) do
      f.dir = leaf.abs
      list[#list + 1] = f
    end
  end
  table.sort(list, function(a, b) return a.path < b.path end)
  return columns, texts, list
end

-- The partitioned layout of paths (a path or a list of them), or nil.
-- options: the reader's (basepath); user_schema: its columns' types and
-- names win over inference; fixed: the columns of an earlier discovery
-- (a read lists the files again, with the DataFrame's types). streaming:
-- a file stream, whose directory is the base path (FileStreamSource's
-- basePath) and may be empty.
function M.discover(paths, options, user_schema, session, streaming, fixed)
  -- (recursiveFileLookup reads every file under the path as one table)
  local filter = require("tide.file_filter").of(options, session, streaming)
  if filter and filter.recursive then return nil end
  local list = type(paths) == "table" and paths or { paths }
  local roots = {}
  for _, p in ipairs(list) do
    if streaming then
      -- (a stream's directory may not be there yet)
      local ok, found = pcall(files.roots, p)
      for _, r in ipairs(ok and found or {}) do roots[#roots + 1] = r end
    else
      for _, r in ipairs(files.roots(p)) do roots[#roots + 1] = r end
    end
  end
  if streaming and #roots == 0 then return nil end
  if streaming and not options.basepath and type(paths) == "string" and not paths:find("[%*%?%[{]") then
    options = setmetatable({ basepath = paths }, { __index = options })
  end
  local bases = base_paths(roots, options)
  local leaves = {}
  -- (a Spark file sink's output, named alone: the directories of the files
  -- its log lists, as Spark's MetadataLogFileIndex)
  local logged = #roots == 1 and #list == 1 and roots[1].stat.isDir and not tostring(list[1]):find("[%*%?%[{]")
    and require("tide.sink_metadata").files(roots[1].path)
  if logged then
    local by_dir = {}
    for _, f in ipairs(logged) do
      local dir = parent_of(clean(f.path))
      if not by_dir[dir] then
        by_dir[dir] = { dir = dir, abs = dir, files = {} }
        leaves[#leaves + 1] = by_dir[dir]
      end
      if not filter or filter:accept(name_of(f.path), f.mtime) then table.insert(by_dir[dir].files, f) end
    end
    roots = {}
  end
  for _, r in ipairs(roots) do
    if r.stat.isDir then
      local dir = r.path:gsub("/+$", "")
      walk(dir == "" and "/" or dir, leaves, filter, 0)
    else
      local abs = clean(r.path)
      local accepted = not filter or filter:accept(name_of(r.path), r.stat.mtime)
      leaves[#leaves + 1] = { dir = parent_of(abs), abs = parent_of(abs),
        files = { accepted and { path = r.path, size = r.stat.size, mtime = r.stat.mtime } or nil } }
    end
  end
  local typing = { types = {}, names = {}, infer = conf_flag(session,
    "spark.sql.sources.partitionColumnTypeInference.enabled", true),
    validate = conf_flag(session, "spark.sql.sources.validatePartitionColumns", true) }
  for _, f in ipairs(user_schema and user_schema.fields or {}) do
    typing.types[f.name:lower()], typing.names[f.name:lower()] = f.dataType, f.name
  end
  for _, c in ipairs(fixed or {}) do typing.types[c.name:lower()], typing.names[c.name:lower()] = c.type, c.name end
  local columns, texts, found = resolve_layout(leaves, bases, typing)
  if not columns then return nil end
  if fixed then
    local same = #columns == #fixed
    for i, c in ipairs(columns) do same = same and c.name:lower() == fixed[i].name:lower() end
    if not same then
      local names = {}
      for i, c in ipairs(columns) do names[i] = c.name end
      error(("the partition directories now name %s, not the columns the DataFrame was made with"):format(
        table.concat(names, ", ")), 0)
    end
  end
  return setmetatable({ paths = paths, options = options, userSchema = user_schema, session = session,
    streaming = streaming, bases = bases, columns = columns, texts = texts, files = found, holders = {} }, Layout)
end

-- The files under the layout now (each read lists them again, as Spark
-- lists a path for each new query), keeping the columns and their types.
function Layout:list()
  local ok, again = pcall(M.discover, self.paths, self.options, self.userSchema, self.session, self.streaming,
    self.columns)
  if not ok then error(again, 0) end
  if not again then return {} end
  for dir, row in pairs(again.texts) do self.texts[dir] = row end
  return again.files
end

-- The columns the files hold: the user's schema without the partition
-- columns (nil: to be inferred from the files).
function Layout:dataSchema(user_schema)
  if not user_schema then return nil end
  local partition = {}
  for _, c in ipairs(self.columns) do partition[c.name:lower()] = true end
  local fields = {}
  for _, f in ipairs(user_schema.fields) do
    if not partition[f.name:lower()] then fields[#fields + 1] = f end
  end
  return T.struct(fields)
end

-- The DataFrame's schema over data_schema (mergeDataAndPartitionSchema):
-- the data columns, a partition column taking the place of a data column
-- of its name, then the other partition columns.
function Layout:setSchema(data_schema)
  local index = {}
  for p, c in ipairs(self.columns) do index[c.name:lower()] = index[c.name:lower()] or p end
  local fields, from, used = {}, {}, {}
  for j, f in ipairs(data_schema.fields) do
    local p = index[f.name:lower()]
    if p and not used[p] then
      used[p] = true
      fields[#fields + 1] = T.field(self.columns[p].name, self.columns[p].type, true)
      from[#from + 1] = { part = p }
    else
      fields[#fields + 1] = f
      from[#from + 1] = { data = j }
    end
  end
  for p, c in ipairs(self.columns) do
    if not used[p] then
      fields[#fields + 1] = T.field(c.name, c.type, true)
      from[#from + 1] = { part = p }
    end
  end
  self.dataFields, self.from = data_schema, from
  self.schema = T.struct(fields)
  return self.schema
end

-- A batch of one row: the partition values of the leaf directory dir
-- (abs), typed (CAST of their texts); a directory no listing saw (a file
-- of a stream's log, after a restart) is parsed now.
function Layout:holder(dir)
  local h = self.holders[dir or ""]
  if h then return h end
  local row = {}
  if dir then row = self.texts[dir] end
  if not row then
    local columns = parse_dir(dir, self.bases)
    row = {}
    for i, c in ipairs(self.columns) do
      local text = columns and columns[i] and value_text(columns[i].raw, c.type)
      row[i] = text or nil
    end
    self.texts[dir] = row
  end
  h = self:values({ row })
  self.holders[dir or ""] = h
  return h
end

-- A batch of the partition columns, typed, a row per text row (each
-- column's text, nil for NULL): CAST of the texts, as Spark's
-- castPartValueToDesiredType.
function Layout:values(rows)
  local eval = require("tide.eval")
  if not self.casts then
    local strings, casts = {}, {}
    for i, c in ipairs(self.columns) do
      strings[i] = T.field("p" .. i, T.string)
      local text = { k = "col", name = "p" .. i }
      casts[i] = { k = "alias", name = c.name, expr = { k = "cast", to = c.type, expr = text } }
    end
    self.strings = T.struct(strings)
    self.casts = eval.compileSelect(casts, self.strings)
  end
  return eval.project(batchlib.fromRows(rows, self.strings), self.casts)
end

-- ---- pruning --------------------------------------------------------------------------

-- Whether the column nodes of node name the columns at their positions
-- (a stream's query discovers its layout again when it starts).
local function names_match(node, columns)
  if type(node) ~= "table" or getmetatable(node) then return true end
  if node.k == "col" and node.index then
    local c = columns[node.index + 1]
    if not c or type(node.name) ~= "string" or c.name:lower() ~= node.name:lower() then return false end
  end
  for key, v in pairs(node) do
    if key ~= "from" and not names_match(v, columns) then return false end
  end
  return true
end

-- Spark's PartitionFilters: conditions over the partition columns alone
-- (expression nodes naming them; tide.optimizer finds them in the filters
-- over a read), evaluated once per leaf directory against its values, so
-- that a directory they do not keep is never opened. The filter of the
-- nodes that compile over the partition columns as a boolean condition,
-- each column named at its position (all must hold), and those nodes; nil
-- when none does.
function Layout:partitionFilter(nodes)
  local eval = require("tide.eval")
  local fields = {}
  for i, c in ipairs(self.columns) do fields[i] = T.field(c.name, c.type, true) end
  local schema, kept, cond = T.struct(fields), {}, nil
  for _, node in ipairs(nodes) do
    local ok, c = pcall(eval.compile, node, schema)
    if ok and c.type == T.boolean and names_match(node, self.columns) then
      kept[#kept + 1] = node
      cond = cond and { k = "op", op = "and", left = cond, right = node } or node
    end
  end
  if not cond then return nil end
  local ok, compiled = pcall(eval.compileSelect, { { k = "alias", name = "keep", expr = cond } }, schema)
  if not ok then return nil end
  return compiled, kept
end

local function dir_of(f) return f.dir or parent_of(clean(f.path)) end

-- The files of list (a listing's, sorted; or a stream's batch) in the
-- directories whose values filter (Layout:partitionFilter's) makes true
-- (false and NULL drop a directory, as a WHERE drops a row), and what was
-- kept: { partitions, partitionsRead, files, filesRead } (leaf directories
-- with files, and files). ctx: the query's (current_timestamp() agrees
-- with the rows' filter). A filter that fails over the values (a cast that
-- raises) keeps every directory: the rows' filter then decides, or fails,
-- as unpruned.
function Layout:prune(list, filter, ctx)
  -- (a listing gave each directory its texts, a stream's when its query
  -- started and at each listing since; one without is kept)
  local keep, dirs = {}, {}
  for _, f in ipairs(list) do
    local dir = dir_of(f)
    if keep[dir] == nil then
      keep[dir] = not self.texts[dir]
      if self.texts[dir] then dirs[#dirs + 1] = dir end
    end
  end
  -- Over the values the rows of each directory get (Layout:holder, kept
  -- from the first read: a timestamp's text was read in the zone of then).
  local ok, kept = pcall(function()
    local values = {}
    for i, dir in ipairs(dirs) do values[i] = self:holder(dir) end
    return require("tide.eval").project(require("tide.state_store").concat(values), filter, ctx):collect()
  end)
  -- (a filter that drops rows of its own, from_json's DROPMALFORMED, keeps all)
  ok = ok and #kept == #dirs
  for i, dir in ipairs(dirs) do keep[dir] = not ok or kept[i].keep == true end
  local out, partitions, read = {}, 0, 0
  for _, kept_dir in pairs(keep) do
    partitions = partitions + 1
    if kept_dir then read = read + 1 end
  end
  for _, f in ipairs(list) do
    if keep[dir_of(f)] then out[#out + 1] = f end
  end
  return out, { partitions = partitions, partitionsRead = read, files = #list, filesRead = #out }
end

local function check(rc, what)
  if rc ~= 0 then error(("partition column %s: %s"):format(what, cerr()), 0) end
end

-- Into `into` (a batch), each partition column over n rows: the holder's
-- values broadcast.
local function broadcast(self, into, holder, n)
  for p, c in ipairs(self.columns) do
    check(C.tide_eval_broadcast(into, holder.columns + (p - 1), n, into.columns + (p - 1), errbuf, ERRLEN), c.name)
  end
  into.num_rows = n
end

-- The DataFrame's batch of data (the files of list read, runs[i] the rows
-- of list[i]): the partition columns added, each a constant per file, the
-- file of each row kept for input_file_name().
function Layout:attach(data, list, runs, ctx)
  local n = tonumber(data.num_rows)
  local P = #self.columns
  -- Files of one directory come one after another (the list is sorted).
  local segments = {}
  for i, f in ipairs(list) do
    local rows = runs[i] and runs[i].rows or 0
    if rows > 0 then
      local dir = f.dir or parent_of(clean(f.path))
      local last = segments[#segments]
      if last and last.dir == dir then last.rows = last.rows + rows
      else segments[#segments + 1] = { dir = dir, rows = rows } end
    end
  end
  local values
  if #segments <= 1 then
    local holder = self:holder(segments[1] and segments[1].dir)
    values = batchlib.wrap(C.tide_batch_derive(data, P), "out of memory adding partition columns")
    broadcast(self, values, holder, n)
  else
    -- A piece per directory, joined after the data (a batch derived from
    -- it) by the kernel that joins a sliced run's pieces.
    local pieces = {}
    for i, s in ipairs(segments) do
      local holder = self:holder(s.dir)
      pieces[i] = batchlib.wrap(C.tide_batch_derive(holder, P), "out of memory adding partition columns")
      broadcast(self, pieces[i], holder, s.rows)
    end
    values = batchlib.wrap(C.tide_batch_concat_slices(ffi.new("tide_batch*[?]", #pieces, pieces), #pieces, data,
      errbuf, ERRLEN), "adding partition columns: " .. cerr())
  end
  local out = batchlib.wrap(C.tide_batch_derive(values, #self.from), "out of memory adding partition columns")
  for i, src in ipairs(self.from) do
    out.columns[i - 1] = src.data and data.columns[src.data - 1] or values.columns[src.part - 1]
    local name = C.tide_arena_strdup(out.arena, self.schema.fields[i].name)
    if name == nil then error("out of memory adding partition columns", 0) end
    out.columns[i - 1].name = name
  end
  out.num_rows = n
  input_files.forget(ctx)
  input_files.record(ctx, out, runs)
  return out
end


return M
