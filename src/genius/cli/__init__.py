"""The `genius` command line."""
