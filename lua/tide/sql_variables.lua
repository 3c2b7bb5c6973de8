-- tide.sql_variables — Spark's variable substitution in SQL text
-- (VariableSubstitution, on while spark.sql.variable.substitute is true,
-- its default): before a statement or an expression is parsed, ${name}
-- becomes the session's setting of that name ("" when unset), so that
--
--   spark:sql("SET day=2024-03-05")
--   spark:sql("SELECT * FROM events WHERE day = '${day}'")
--
-- reads the day set. ${spark:name}, ${sparkconf:name}, ${hivevar:name} and
-- ${hiveconf:name} are the same setting, ${env:NAME} the environment's
-- variable; a value is substituted in turn. What names nothing else
-- (${system:...}: Java's properties, which tide has not; an unknown
-- prefix; an unset environment variable) stays as written, as in Spark.
local M = {}

local CONF_PREFIXES = { spark = true, sparkconf = true, hivevar = true, hiveconf = true }

local function lookup(conf, prefix, name)
  if prefix == nil or CONF_PREFIXES[prefix] then return conf:get(name, "") end
  if prefix == "env" then return os.getenv(name) end
  return nil
end

-- text with its references replaced; `used` holds the references being
-- replaced (a value that leads back to one of them is circular).
local function substitute(conf, text, used)
  return (text:gsub("%${(%S-)}", function(ref)
    if ref == "" then return nil end
    local prefix, name = ref:match("^([%w_]+):(.+)$")
    local value = lookup(conf, prefix, name or ref)
    if value == nil then return nil end
    if used[ref] then error(("Circular reference in %s: %s"):format(text, ref), 0) end
    used[ref] = true
    local replaced = substitute(conf, value, used)
    used[ref] = nil
    return replaced
  end))
end

-- text as Spark parses it in session (nil: the active one, if any).
function M.substitute(text, session)
  if type(text) ~= "string" or not text:find("${", 1, true) then return text end
  session = session or require("tide.session").SparkSession.getActiveSession()
  local conf = session and session.conf or require("tide.session").newConf()
  if tostring(conf:get("spark.sql.variable.substitute")):lower() == "false" then return text end
  return substitute(conf, text, {})
end

return M
