"""JSON API for criteria (scoring app)."""

from ninja import Router

router = Router()
