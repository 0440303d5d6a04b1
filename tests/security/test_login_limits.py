"""Registering and logging in (issue 16): registering is limited per address; login tries are
counted per account and address together and per address, never per email alone, so nobody can
keep an account's owner out; an unknown email takes as long as a wrong password."""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st

from app.accounts.passwords import UNKNOWN_ACCOUNT_HASH, needs_rehash, password_matches
from app.config import Settings
from app.main import create_app
from app.web.rate_limits import LOOPBACK, RateLimitPolicy, RateLimits
from app.web.signing_in import LOGIN_COOKIE
from tests.support.api import LOOPBACK_CLIENT, REMOTE_CLIENT
from tests.support.groups import BASE, PASSWORD, account_services, register

pytestmark = pytest.mark.anyio

ELSEWHERE = ("198.51.100.9", 50000)


def app_with(tmp_path: Path, **settings: Any) -> FastAPI:
    return create_app(Settings(data_dir=tmp_path, **settings))


@asynccontextmanager
async def browser_at(
    app: FastAPI, client: tuple[str, int] = REMOTE_CLIENT
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on this site, from the network address `client`."""
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE, headers={"Origin": BASE}
    ) as browser:
        yield browser


async def log_in(
    client: httpx.AsyncClient, email: str = "sam@example.org", password: str = PASSWORD
) -> httpx.Response:
    return await client.post("/account/login", data={"email": email, "password": password})


# --- registering ----------------------------------------------------------------------------------


async def test_registering_is_limited_per_address_and_the_form_keeps_what_was_typed(
    tmp_path: Path,
) -> None:
    app = app_with(tmp_path, registrations_per_address_per_hour=2)
    async with browser_at(app) as here, browser_at(app, ELSEWHERE) as other:
        assert (await register(here, email="one@example.org")).status_code == 303
        assert (await register(here, email="two@example.org")).status_code == 303
        refused = await register(here, email="three@example.org", name="Priya")
        elsewhere = await register(other, email="four@example.org")

    assert refused.status_code == 429
    assert "Several accounts have just been created from this network" in refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert 'value="three@example.org"' in refused.text
    assert 'value="Priya"' in refused.text
    assert PASSWORD not in refused.text
    assert LOGIN_COOKIE not in refused.cookies
    assert account_services(app).accounts.by_email("three@example.org") is None
    assert elsewhere.status_code == 303


async def test_a_form_sent_back_for_a_mistake_uses_none_of_the_allowance(tmp_path: Path) -> None:
    app = app_with(tmp_path, registrations_per_address_per_hour=1)
    async with browser_at(app) as here:
        for _ in range(3):
            mistaken = await here.post(
                "/account/register",
                data={
                    "email": "sam@example.org",
                    "display_name": "Sam",
                    "password": PASSWORD,
                    "password_again": PASSWORD + "?",
                },
            )
            assert mistaken.status_code == 422
        assert (await register(here)).status_code == 303


# --- logging in -----------------------------------------------------------------------------------


EMAILS = st.sampled_from(["sam@example.org", "ana@example.org", "kim@example.org"])
ADDRESSES = st.sampled_from(["198.51.100.1", "198.51.100.2", "203.0.113.7", "127.0.0.1", None])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(EMAILS, ADDRESSES), max_size=40))
def test_a_try_goes_ahead_exactly_when_its_account_and_address_counts_have_room(
    tries: list[tuple[str, str | None]],
) -> None:
    """The rule, against a model: a try is counted per (email, address) and per address (the
    machine itself and an unknown address have no address count); a refused try is not counted.
    So tries from other addresses never refuse the owner's try from their own."""
    limits = RateLimits(RateLimitPolicy(login_per_account="3/minute", login_per_address="5/hour"))
    per_account: Counter[tuple[str, str | None]] = Counter()
    per_address: Counter[str | None] = Counter()
    for email, address in tries:
        counted = address is not None and address not in LOOPBACK
        room = per_account[email, address] < 3 and not (counted and per_address[address] >= 5)
        wait = limits.login(email, address)
        assert (wait is None) == room, (email, address)
        if room:
            per_account[email, address] += 1
            per_address[address] += 1
        else:
            assert wait is not None
            assert 1 <= wait.seconds <= 3600
    assert limits.login("sam@example.org", "192.0.2.50") is None  # the owner, at home


async def test_a_strangers_wrong_guesses_never_keep_the_owner_out(tmp_path: Path) -> None:
    """Before, the count was per email alone: the owner's right password got 429 too."""
    app = app_with(tmp_path, login_tries_per_account_per_minute=2)
    async with browser_at(app, LOOPBACK_CLIENT) as setup:
        await register(setup)
    async with browser_at(app, ELSEWHERE) as stranger, browser_at(app) as owner:
        for _ in range(2):
            assert (await log_in(stranger, password="a wrong guess!")).status_code == 401
        stranger_refused = await log_in(stranger)  # refused even when right, from there
        owners_login = await log_in(owner)

    assert stranger_refused.status_code == 429
    assert "several tries to log in to this account" in stranger_refused.text
    assert 1 <= int(stranger_refused.headers["retry-after"]) <= 60
    assert 'value="sam@example.org"' in stranger_refused.text
    assert owners_login.status_code == 303
    assert LOGIN_COOKIE in owners_login.cookies


async def test_guessing_across_many_accounts_from_one_address_is_slowed(tmp_path: Path) -> None:
    """One password tried against many emails (spraying): the address has its own count."""
    app = app_with(tmp_path, login_tries_per_address_per_hour=3)
    async with browser_at(app) as sprayer, browser_at(app, ELSEWHERE) as other:
        for number in range(3):
            tried = await log_in(sprayer, email=f"person{number}@example.org")
            assert tried.status_code == 401
        refused = await log_in(sprayer, email="person3@example.org")
        elsewhere = await log_in(other, email="person3@example.org")

    assert refused.status_code == 429
    assert "a lot of tries to log in from this network" in refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert 'value="person3@example.org"' in refused.text
    assert elsewhere.status_code == 401


async def test_the_machine_itself_has_no_per_address_count(tmp_path: Path) -> None:
    """Loopback may be a proxy carrying everybody: like every per-address limit, not counted."""
    app = app_with(tmp_path, login_tries_per_address_per_hour=1)
    async with browser_at(app, LOOPBACK_CLIENT) as local:
        for number in range(2):
            tried = await log_in(local, email=f"person{number}@example.org")
            assert tried.status_code == 401


# --- equal timing --------------------------------------------------------------------------------


def test_the_unknown_account_hash_has_todays_parameters_and_matches_no_password() -> None:
    assert not needs_rehash(UNKNOWN_ACCOUNT_HASH)
    assert not password_matches(UNKNOWN_ACCOUNT_HASH, PASSWORD)
    assert not password_matches(UNKNOWN_ACCOUNT_HASH, "")


async def test_an_unknown_email_takes_as_long_as_a_wrong_password(tmp_path: Path) -> None:
    """Before, an unknown email was answered without checking anything (~200 ms vs ~10 ms)."""
    tries = 7
    app = app_with(tmp_path, login_tries_per_account_per_minute=tries + 1)
    wrong_password: list[float] = []
    unknown_email: list[float] = []
    async with browser_at(app, LOOPBACK_CLIENT) as client:
        await register(client)
        for number in range(tries):  # interleaved, so the machine's noise falls on both alike
            for email, times in (
                ("sam@example.org", wrong_password),
                (f"nobody{number}@example.org", unknown_email),
            ):
                started = time.perf_counter()
                answer = await log_in(client, email=email, password="not the password")
                times.append(time.perf_counter() - started)
                assert answer.status_code == 401

    ratio = statistics.median(unknown_email) / statistics.median(wrong_password)
    print(f"unknown email / wrong password, medians of {tries}: {ratio:.2f}")
    assert 0.7 <= ratio <= 1.4, (ratio, unknown_email, wrong_password)
