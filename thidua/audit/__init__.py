"""Hash-chained audit log: every write made through a service leaves a verifiable event."""
