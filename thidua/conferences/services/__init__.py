"""Writes of the conferences app: the meeting and its agenda, the roll and check-in, polls and ballots."""
