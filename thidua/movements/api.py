"""JSON API of the movements app."""

from ninja import Router

router = Router()
