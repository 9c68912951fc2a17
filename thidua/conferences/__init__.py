"""The year-end conference: agenda, delegates, check-in, secret-ballot polls, tallies and minutes."""
