"""JSON API of the scoring app."""

from ninja import Router

router = Router()
