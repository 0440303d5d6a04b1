"""Facilitator accounts on SQLite and PostgreSQL: register, log in and out, change password."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from app.accounts.passwords import hash_password, needs_rehash, password_matches
from app.store.accounts import Accounts
from app.web.signing_in import LOGIN_COOKIE
from tests.support.groups import (
    PASSWORD,
    account_services,
    browser,
    form_key,
    make_app,
    post,
    register,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> FastAPI:
    return make_app(tmp_path, database_url)


def stored_accounts(app: FastAPI) -> Accounts:
    return account_services(app).accounts


def test_passwords_are_kept_only_as_argon2id_hashes() -> None:
    hashed = hash_password(PASSWORD)

    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    assert password_matches(hashed, PASSWORD)
    assert not password_matches(hashed, PASSWORD + "!")
    assert not password_matches("not a hash", PASSWORD)
    assert not needs_rehash(hashed)


async def test_registering_logs_in_and_shows_the_groups_page(app: FastAPI) -> None:
    async with browser(app) as client:
        response = await register(client, email="  Sam@Example.org ")
        assert response.status_code == 303
        page = await client.get("/groups")

    assert page.status_code == 200
    assert "Logged in as Sam" in page.text
    account = stored_accounts(app).by_email("sam@example.org")
    assert account is not None
    assert account.password_hash != PASSWORD


async def test_a_second_registration_with_the_same_email_is_refused_and_changes_nothing(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
    first = stored_accounts(app).by_email("sam@example.org")

    async with browser(app) as other:
        response = await register(other, email="SAM@example.org", name="Someone else")

    assert response.status_code == 422
    assert "already an account with that email" in response.text
    assert LOGIN_COOKIE not in response.cookies
    assert stored_accounts(app).by_email("sam@example.org") == first


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 10_000, "40 characters or fewer"),
        ("<script>alert(1)</script>", "without &lt; or &gt;"),
        ("Sam\x00", "hidden control character"),
        ("", "Please enter your name"),
    ],
)
async def test_unusable_names_are_refused_kindly_and_nothing_is_stored(
    app: FastAPI, name: str, message: str
) -> None:
    async with browser(app) as client:
        response = await register(client, name=name)

    assert response.status_code == 422
    assert message in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert stored_accounts(app).by_email("sam@example.org") is None


async def test_a_short_or_mismatched_password_is_refused(app: FastAPI) -> None:
    async with browser(app) as client:
        short = await client.post(
            "/account/register",
            data={"email": "a@b.org", "display_name": "A", "password": "x", "password_again": "x"},
        )
        mismatched = await client.post(
            "/account/register",
            data={
                "email": "a@b.org",
                "display_name": "A",
                "password": PASSWORD,
                "password_again": PASSWORD + "?",
            },
        )

    assert "at least 10 characters" in short.text
    assert "not the same" in mismatched.text
    assert stored_accounts(app).by_email("a@b.org") is None


async def test_logging_in_with_a_wrong_password_says_so_without_saying_which_part(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
    async with browser(app) as client:
        wrong = await client.post(
            "/account/login", data={"email": "sam@example.org", "password": "wrong password"}
        )
        unknown = await client.post(
            "/account/login", data={"email": "nobody@example.org", "password": PASSWORD}
        )
        right = await client.post(
            "/account/login", data={"email": "sam@example.org", "password": PASSWORD}
        )

    assert wrong.status_code == unknown.status_code == 401
    assert "match an account" in wrong.text
    assert "match an account" in unknown.text
    assert right.status_code == 303


async def test_logging_in_is_rate_limited_per_account_even_with_the_right_password(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        await register(client)
    async with browser(app) as client:
        for _ in range(5):
            wrong = await client.post(
                "/account/login", data={"email": "sam@example.org", "password": "guess"}
            )
            assert wrong.status_code == 401
        limited = await client.post(
            "/account/login", data={"email": "sam@example.org", "password": PASSWORD}
        )
        elsewhere = await client.post(
            "/account/register",
            data={
                "email": "ana@example.org",
                "display_name": "Ana",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )

    assert limited.status_code == 429
    assert "please wait a minute" in limited.text
    assert int(limited.headers["Retry-After"]) >= 1
    assert LOGIN_COOKIE not in limited.cookies
    # Another account is not held up.
    assert elsewhere.status_code == 303


async def test_logging_out_needs_the_form_key_and_ends_the_login(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        forged = await client.post("/account/logout", data={"form_key": "guessed"})
        still_in = await client.get("/groups")
        out = await post(client, "/account/logout")
        after = await client.get("/groups")

    assert forged.status_code == 403
    assert still_in.status_code == 200
    assert out.status_code == 303
    assert after.status_code == 303
    assert after.headers["location"].startswith("/account/login")


async def test_a_form_from_another_site_is_refused_before_it_is_read(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        key = await form_key(client)
        response = await client.post(
            "/account/logout", data={"form_key": key}, headers={"Origin": "https://evil.example"}
        )
        still_in = await client.get("/groups")

    assert response.status_code == 403
    assert still_in.status_code == 200


async def test_changing_the_password_signs_other_browsers_out(app: FastAPI) -> None:
    async with browser(app) as first:
        await register(first)
        async with browser(app) as second:
            login = await second.post(
                "/account/login", data={"email": "sam@example.org", "password": PASSWORD}
            )
            assert login.status_code == 303
            changed = await post(
                first,
                "/account/password",
                current_password=PASSWORD,
                new_password="a new calm password",
                new_password_again="a new calm password",
            )
            second_after = await second.get("/groups")
        first_after = await first.get("/groups")

    assert changed.status_code == 303
    assert first_after.status_code == 200
    assert second_after.status_code == 303
    account = stored_accounts(app).by_email("sam@example.org")
    assert account is not None
    assert password_matches(account.password_hash, "a new calm password")


async def test_a_wrong_current_password_changes_nothing(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
        before = stored_accounts(app).by_email("sam@example.org")
        response = await post(
            client,
            "/account/password",
            current_password="not it at all",
            new_password="a new calm password",
            new_password_again="a new calm password",
        )

    assert response.status_code == 401
    assert stored_accounts(app).by_email("sam@example.org") == before


async def test_the_login_page_only_sends_people_on_within_this_site(app: FastAPI) -> None:
    async with browser(app) as client:
        await register(client)
    async with browser(app) as client:
        response = await client.post(
            "/account/login",
            data={"email": "sam@example.org", "password": PASSWORD, "next": "//evil.example/"},
        )

    assert response.headers["location"] == "/groups"


async def test_an_invited_newcomer_comes_back_to_the_invitation_after_registering(
    app: FastAPI,
) -> None:
    async with browser(app) as client:
        asked = await client.get("/invitations/some-token")
        login = await client.get(asked.headers["location"])
        register_link = login.text.split('href="/account/register?next=')[1].split('"')[0]
        form = await client.get(f"/account/register?next={register_link}")
        registered = await client.post(
            "/account/register",
            data={
                "email": "ana@example.org",
                "display_name": "Ana",
                "password": PASSWORD,
                "password_again": PASSWORD,
                "next": "/invitations/some-token",
            },
        )

    assert asked.headers["location"] == "/account/login?next=/invitations/some-token"
    assert 'name="next" value="/invitations/some-token"' in form.text
    assert registered.headers["location"] == "/invitations/some-token"
