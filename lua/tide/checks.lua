-- tide.checks — the API's guards against a PySpark user's first slips,
-- each failing where the slip is made and naming what it is about: a
-- method called with '.' instead of ':', an option given nil (an unset
-- os.getenv), a maxOffsetsPerTrigger that is not a count. Requires
-- nothing of tide's, so every class can use it.
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
