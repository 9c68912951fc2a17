"""Users, object-scoped roles, API tokens and the login/2FA wiring around django-allauth."""
