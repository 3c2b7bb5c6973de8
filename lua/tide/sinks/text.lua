-- The text file sink (tide.sinks.file).
return { new = function(writer, schema, query)
  return require("tide.sinks.file").new(writer, schema, "text", query)
end }
