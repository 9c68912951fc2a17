"""Pages of the conferences app: the organisers' console (console.py) and the hall (hall.py)."""
