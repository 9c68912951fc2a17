"""The public portal: published decisions, honoured units and people, and certificate verification, with no login."""
