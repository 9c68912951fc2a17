"""Eligibility rules (pure: no database): does a candidate meet a title's or form's conditions, and why."""
