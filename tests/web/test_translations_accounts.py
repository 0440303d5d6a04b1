"""The account pages (log in, create an account, change the password) and every refusal they
give, in the pseudo-language: no word escapes translation (docs/translating.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.web.languages import LANGUAGE_COOKIE
from tests.support.groups import PASSWORD, browser, post, register
from tests.support.translations import PSEUDO, untranslated, write_pseudo_catalog

pytestmark = pytest.mark.anyio

DATA = ("Peer Rounds", "Sam", PSEUDO, "English")
SHORT = "too short"
REGISTRATION = {
    "email": "ana@example.org",
    "display_name": "Ana",
    "password": PASSWORD,
    "password_again": PASSWORD,
}
# Each thing the registration form refuses, as the fields that make it refuse.
REFUSED_REGISTRATIONS = {
    "no email address": {"email": "not an address"},
    "no name": {"display_name": " "},
    "a name too long": {"display_name": "x" * 41},
    "a name with a tab in it": {"display_name": "An\ta"},
    "a name with a line break in it": {"display_name": "An\na"},
    "a name with a direction mark in it": {"display_name": "An\u202ea"},
    "a name with markup in it": {"display_name": "<b>Ana</b>"},
    "passwords that differ": {"password_again": PASSWORD + "!"},
    "a password too short": {"password": SHORT, "password_again": SHORT},
    "an email address taken": {"email": "sam@example.org"},
}


@pytest.fixture
async def pseudo_browser(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    locales = tmp_path / "locales"
    write_pseudo_catalog(locales)
    async with browser(create_app(Settings(data_dir=tmp_path, locales_dir=locales))) as client:
        client.cookies.set(LANGUAGE_COOKIE, PSEUDO)
        yield client


def assert_all_translated(screens: dict[str, httpx.Response], expected_status: int) -> None:
    for name, response in screens.items():
        assert response.status_code == expected_status, (name, response.text)
        assert f'lang="{PSEUDO}"' in response.text, name
        assert untranslated(response.text, DATA) == [], name


async def test_no_word_escapes_translation_on_the_log_in_and_register_pages(
    pseudo_browser: httpx.AsyncClient,
) -> None:
    await register(pseudo_browser)
    pseudo_browser.cookies.clear()
    pseudo_browser.cookies.set(LANGUAGE_COOKIE, PSEUDO)

    assert_all_translated(
        {
            "log in": await pseudo_browser.get("/account/login"),
            "create an account": await pseudo_browser.get("/account/register"),
        },
        200,
    )
    assert_all_translated(
        {
            "a wrong password": await pseudo_browser.post(
                "/account/login", data={"email": "sam@example.org", "password": "not it at all"}
            )
        },
        401,
    )
    assert_all_translated(
        {
            refused: await pseudo_browser.post("/account/register", data={**REGISTRATION, **fields})
            for refused, fields in REFUSED_REGISTRATIONS.items()
        },
        422,
    )


async def test_no_word_escapes_translation_on_the_password_page(
    pseudo_browser: httpx.AsyncClient,
) -> None:
    await register(pseudo_browser)
    new = "a new calm password"

    assert_all_translated({"change it": await pseudo_browser.get("/account/password")}, 200)
    assert_all_translated(
        {
            "a wrong current password": await post(
                pseudo_browser,
                "/account/password",
                current_password="not it at all",
                new_password=new,
                new_password_again=new,
            )
        },
        401,
    )
    assert_all_translated(
        {
            "new passwords that differ": await post(
                pseudo_browser,
                "/account/password",
                current_password=PASSWORD,
                new_password=new,
                new_password_again=new + "!",
            ),
            "a new password too short": await post(
                pseudo_browser,
                "/account/password",
                current_password=PASSWORD,
                new_password=SHORT,
                new_password_again=SHORT,
            ),
        },
        422,
    )
