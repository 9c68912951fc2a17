"""The conferences API (django-ninja): conferences, agenda, roll, check-in, polls, casting, bulletin."""

from ninja import Router

router = Router(tags=["conferences"])
