"""Object permissions of the emulation app (rules predicates)."""
