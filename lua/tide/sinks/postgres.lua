-- format("postgres"): the jdbc sink under its database's name.
return require("tide.sinks.jdbc")
