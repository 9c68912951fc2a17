"""The JSON API (django-ninja) under /api/, placeholder until the API work lands."""

from ninja import NinjaAPI

api = NinjaAPI(title="Thidua API", version="1", urls_namespace="api")
