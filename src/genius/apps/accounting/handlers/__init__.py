"""Command handlers of the accounting app, each in the caller's unit of work (see each module)."""
