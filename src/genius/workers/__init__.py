"""Worker handlers, one module per worker tag (worker.request.<tag>)."""
