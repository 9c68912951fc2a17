"""Tests of the demo data builder."""
