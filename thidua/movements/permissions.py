"""Object permissions of the movements app (rules predicates)."""
