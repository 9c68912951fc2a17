"""JSON API of the emulation app."""

from ninja import Router

router = Router()
