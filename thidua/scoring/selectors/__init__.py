"""Read-side queries of the scoring app, one module per concern."""
