"""Test helpers shared by every app's tests (factories). Not imported by application code."""
