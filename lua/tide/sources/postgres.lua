-- format("postgres"): the jdbc source under its database's name.
return require("tide.sources.jdbc")
