"""The built-in instruments (评教, 满意度调查) as TOML package data; see `load_builtin`."""
