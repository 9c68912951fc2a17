"""manage.py commands of the conferences app: poll_verify."""
