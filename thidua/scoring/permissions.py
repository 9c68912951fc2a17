"""Object permissions of the scoring app (rules predicates)."""
