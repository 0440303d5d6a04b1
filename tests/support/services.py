"""What a test does when a service it needs (PostgreSQL, Redis) is missing."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def service_missing(message: str) -> NoReturn:
    """Skip the test, or fail it under ``REQUIRE_SERVICES=1``: CI must not turn green by
    skipping what it was meant to test."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (REQUIRE_SERVICES=1, so this is a failure)", pytrace=False)
    pytest.skip(f"{message}; set REQUIRE_SERVICES=1 to make this a failure")
