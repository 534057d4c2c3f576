"""The bank part's handlers: each runs in the caller's unit of work (or opens one per line)."""
