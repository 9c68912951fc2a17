"""Fixtures for API tests: JSON clients signed in by session, and bearer tokens made by the service."""

from collections.abc import Callable
from typing import Any

import pytest

from thidua.accounts.services import api_token_create
from thidua.api.tests.helpers import JsonClient


@pytest.fixture
def client_for(db: Any) -> Callable[..., JsonClient]:
    """client_for(user) → a session-authenticated JSON client; client_for(None) → anonymous."""

    def _make(user: Any = None, **kwargs: Any) -> JsonClient:
        client = JsonClient(**kwargs)
        if user is not None:
            client.force_login(user)
        return client

    return _make


@pytest.fixture
def token_for(db: Any) -> Callable[[Any], str]:
    """token_for(user) → the clear bearer token of a new token of that user."""

    def _make(user: Any) -> str:
        _token, clear = api_token_create(actor=user, name="test")
        return clear

    return _make
