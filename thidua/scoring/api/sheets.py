"""JSON API for sheets (scoring app)."""

from ninja import Router

router = Router()
