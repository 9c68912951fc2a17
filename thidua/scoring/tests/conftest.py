"""Scoring tests read messages in English: service calls run under English, and page clients pick English.

Pages are Vietnamese first and ignore Accept-Language (core.middleware), so the page clients choose
English the way a user does, with the language cookie. Tests that check the Vietnamese wording switch
back explicitly (`translation.override("vi")`, or a client without the cookie).
"""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def english_client() -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client() -> Client:
    return english_client()
