"""Test settings: fast hashing, tasks run inline, throttling off unless a test turns it on."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("THIDUA_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

from .base import *  # noqa: F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Uploaded files in tests go to a throw-away folder, never into var/media.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"thidua-test-media-{os.getpid()}"
