-- tide.checks — the API's guards against a PySpark user's first slips,
-- each failing where the slip is made and naming what it is about: a
-- method called with '.' instead of ':', a method or function tide does
-- not have, a Lua comparison where a Column belongs, an option given nil
-- (an unset os.getenv), an option a letter or two from a known one (a
-- warning), a maxOffsetsPerTrigger that is not a count; and failAtUser,
-- which raises at the user's line.
-- Requires nothing of tide's but tide.suggest, so every class can use it.
local M = {}

-- Wraps the methods of a class (every function in methods not named __*,
-- put into `into`, or back into methods) so that a call with '.' instead
-- of ':' -- PySpark's habit: df.select("x"), spark.readStream.format("kafka")
-- -- fails at the caller's line naming the method, rather than inside it
-- with "attempt to index local 'self' (a string value)". is_instance(v)
-- tells the class's objects; usage spells a right call in the message
-- ("df" -> use df:select(...)). The wrapper tail-calls the method, so the
-- method's own errors at level 2 still point at the caller. These methods
-- run once per query or action, never per row.
function M.colonCalls(class_name, usage, is_instance, methods, into)
  into = into or methods
  for name, fn in pairs(methods) do
    if type(name) == "string" and type(fn) == "function" and name:sub(1, 2) ~= "__" then
      into[name] = function(self, ...)
        if not is_instance(self) then
          error(("%s.%s called with '.': use %s:%s(...)"):format(class_name, name, usage, name), 2)
        end
        return fn(self, ...)
      end
    end
  end
  return into
end

-- Whether a chunk is one of tide's own modules (built in, or loaded from
-- TIDE_LUA_PATH), as engine/lua_host.c tells them apart.
function M.isTideModule(source)
  if source:sub(1, 10) == "@lua/tide/" then return true end
  local root = os.getenv("TIDE_LUA_PATH")
  return root ~= nil and root ~= "" and source:sub(1, #root + 7) == "@" .. root .. "/tide/"
end

-- Whether the code that indexed an object is tide's own (one of its
-- modules, or C): for an __index that fails a user's misspelt member but
-- gives tide the optional fields it keeps on the object (nil when unset).
-- Call it from the __index function itself.
function M.indexedByTide()
  local info = debug.getinfo(3, "S")
  return info == nil or info.what == "C" or M.isTideModule(info.source)
end

-- Raises msg at the line of the user's script that led here (the
-- innermost frame outside tide's modules), however deep in tide the check
-- is and whatever wrappers and tail calls lie between: a fit fails at the
-- script's `:fit(df)` line even under pcall. Only for checks made during
-- the user's call; an operator's errors, raised while an action runs, stay
-- without a place (the host places them).
function M.failAtUser(msg)
  local level = 2
  while true do
    local info = debug.getinfo(level, "S")
    if not info then error(msg, 0) end
    if info.what ~= "C" and not M.isTideModule(info.source) then break end
    level = level + 1
  end
  error(msg, level)
end

-- What a value is, for messages: "nil", "a number", "a table".
function M.kindOf(v) return v == nil and "nil" or "a " .. type(v) end

-- The message for a Lua boolean where a Column belongs: mostly a
-- comparison written with Lua's == or ~= (F.col("k") == 3), which Lua
-- answers itself -- false, as no metamethod sees a table and a number --
-- and which would otherwise be taken as the literal false. `needs` says
-- what was expected ("when needs a Column condition"), `alternative` adds
-- another way when there is one (filter's SQL strings).
function M.luaBoolean(needs, value, alternative)
  return ("%s, not the boolean %s: Lua's == and ~= cannot build a Column; write"
    .. " F.col(\"v\"):eq(\"x\") (or :ne, :lt, :le, :gt, :ge, :eqNullSafe)%s")
    :format(needs, tostring(value), alternative and (" " .. alternative) or "")
end

-- An __index for the objects of a class (or for a module of functions):
-- members[key], and for a name that is not there an error at the line
-- that named it -- "Column has no method \"betwen\"; did you mean
-- \"between\"?" -- instead of Lua's later "attempt to call a nil value".
-- Names starting with "_" stay nil: they are the optional fields objects
-- keep. `what` names the kind of member ("method", "function"); detail,
-- when given, is added in parentheses (where the known ones are listed).
function M.strictIndex(class_name, what, members, detail)
  return function(_, key)
    local m = rawget(members, key)
    if m ~= nil or type(key) ~= "string" or key:sub(1, 1) == "_" then return m end
    M.noSuchMember(class_name, what, key, members, detail)
  end
end

-- Raises, at the line that indexed the object (the caller of the
-- __index calling this), that `class_name` has no `what` called key;
-- with the nearest of the names of `known` (a table whose string keys are
-- names, or a list of names) and `detail` when given.
function M.noSuchMember(class_name, what, key, known, detail)
  local names = {}
  for k, v in pairs(known) do
    local name = type(k) == "string" and k or v
    if type(name) == "string" and name:sub(1, 1) ~= "_" then names[#names + 1] = name end
  end
  table.sort(names)
  local best = require("tide.suggest").closest(key, names, 2)
  error(("%s has no %s %q%s%s"):format(class_name, what, key, detail and (" (" .. detail .. ")") or "",
    best and ("; did you mean %q?"):format(best) or ""), 3)
end

-- As Spark, a reader or writer ignores options it does not know; but one
-- a letter or two from a known one (`known`, Spark's spellings) is most
-- likely a typo that would silently change nothing, so it gets one line on
-- stderr: "tide: warning: <subject> option "heder" is not known; did you
-- mean "header"?". opts: the options given (keys lower-cased), spelled:
-- each key as the user wrote it; options under `prefix` (kafka.*, checked
-- by librdkafka) are left alone. Warnings come in key order, the same
-- every run.
function M.warnMisspelledOptions(subject, opts, spelled, known, prefix)
  local lower = {}
  for _, name in ipairs(known) do lower[name:lower()] = true end
  local keys = {}
  for key in pairs(opts) do keys[#keys + 1] = key end
  table.sort(keys)
  local suggest = require("tide.suggest")
  for _, key in ipairs(keys) do
    if not lower[key] and not (prefix and key:sub(1, #prefix) == prefix) then
      local best = suggest.closest(key, known, 2)
      if best then
        io.stderr:write(("tide: warning: %s option %q is not known; did you mean %q?\n")
          :format(subject, spelled[key] or key, best))
      end
    end
  end
end

-- Fails naming the first of `not_applied` ({ { name, harmless value }, ...
-- }, Spark's spellings) that opts (keys lower-cased) sets to another value.
function M.refuseOptionsNotApplied(subject, opts, not_applied)
  for _, option in ipairs(not_applied) do
    local name, harmless = option[1], option[2]
    local v = opts[name:lower()]
    if v ~= nil and not (harmless and tostring(v):lower() == harmless:lower()) then
      error(("%s option %s=%s is Spark's, but tide does not apply it%s"):format(subject, name, tostring(v),
        harmless and (" (only its default, %q)"):format(harmless) or ""), 0)
    end
  end
end

-- The value option(key, value) keeps: a string (numbers and booleans as
-- tostring writes them). A nil value -- mostly os.getenv of a variable
-- that is not set -- fails at once at the caller of option (level 3),
-- naming the option, rather than reaching librdkafka or the file system
-- as the text "nil".
function M.optionValue(key, value)
  if key == nil then error("option needs a key: option(key, value)", 3) end
  if value == nil then error(("option %q has no value (nil)"):format(tostring(key)), 3) end
  local kind = type(value)
  if kind ~= "string" and kind ~= "number" and kind ~= "boolean" then
    error(("option %q must be a string, number or boolean, not a %s"):format(tostring(key), kind), 3)
  end
  return tostring(value)
end

-- option(key, value) and options(map) on a reader's or writer's class:
-- keys lower-cased into self.opts, as Spark's are case-insensitive, and
-- kept as given in self.spelled, for the warning about a misspelled one.
function M.optionMethods(class)
  function class:option(k, v)
    local lower = tostring(k):lower()
    self.opts[lower] = M.optionValue(k, v)
    self.spelled[lower] = tostring(k)
    return self
  end
  function class:options(map)
    for k, v in pairs(map) do self:option(k, v) end
    return self
  end
end

-- A count of records (maxOffsetsPerTrigger of a source or of
-- writeStream, minOffsetsPerTrigger): as Spark, a whole number >= 1, or
-- nil when not given. Anything else would be ignored ("abc": the whole
-- backlog in one batch) or read nothing forever (0, -1). `what` names the
-- option in the message ("option maxOffsetsPerTrigger").
function M.recordCount(text, what)
  if text == nil then return nil end
  local n = tonumber(text)
  if not n or n < 1 or n ~= math.floor(n) then
    error(("%s must be a whole number >= 1, not %q"):format(what, tostring(text)), 0)
  end
  return n
end

-- kafka.bootstrap.servers of `who` ("the kafka source"): given, and not
-- empty (an unset KAFKA_HOST="" would reach librdkafka as no broker).
function M.bootstrapServers(servers, who)
  if not servers then error(('%s needs option "kafka.bootstrap.servers"'):format(who), 0) end
  if servers:match("^[%s,]*$") then
    error(('%s\'s option "kafka.bootstrap.servers" is empty (%q): it needs HOST:PORT[,HOST:PORT...]')
      :format(who, servers), 0)
  end
  return servers
end

-- Bootstrap servers as errors show them (a broker that cannot be reached
-- is otherwise only "Local: Broker transport failure"): whatever precedes
-- an '@' is left out, so no credentials are shown.
function M.shownServers(servers) return (tostring(servers):gsub("[^,%s]*@", "")) end

return M
