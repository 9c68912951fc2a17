"""Management commands of the conferences app."""
