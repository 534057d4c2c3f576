"""Register, depreciation run and disposal: one function each, in the caller's unit of work."""
