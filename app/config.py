"""Settings, from environment variables prefixed PEER_ROUNDS_ (and a .env file if present)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.timekeeping.outage import SHORTEST_OUTAGE_S


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PEER_ROUNDS_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; SQLite in data_dir when unset. PostgreSQL: "
        "postgresql+psycopg://user@host/db",
    )
    secret_key: str | None = Field(
        default=None,
        description="Signs access tokens. When unset, one is created once in data_dir "
        "so links keep working across restarts. Set it explicitly on several machines.",
    )
    public_url: str | None = Field(
        default=None, description="The address people use, for links; http://host:port when unset."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    token_max_age_s: int = 2 * 24 * 60 * 60
    snapshot_every: int = Field(default=50, ge=1)
    max_message_bytes: int = Field(default=16 * 1024, ge=1024)
    hello_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="How long a new websocket may take to say who it is (a hello with its "
        "token) before it is closed.",
    )
    max_unauthenticated_per_address: int = Field(
        default=20,
        ge=1,
        description="Websockets one address may hold open before they have said who they are; "
        "more are closed at once (4429). The machine itself is not counted (see rate limits).",
    )
    max_waiting: int = Field(
        default=30,
        ge=1,
        le=200,
        description="The most people who may wait at once to be let in after joining with a "
        "session's code (1 to 200, the seats of a session); one more is refused calmly until "
        "someone is let in or sent away. Members' own links and the machine itself are not "
        "counted against it.",
    )
    joins_per_session_per_minute: int = Field(
        default=20,
        ge=1,
        le=1000,
        description="Joins with a session's code that one session takes in any minute, from "
        "all addresses together (1 to 1000); beyond, a calm 429 with Retry-After. The machine "
        "itself is not counted (see rate limits).",
    )
    ws_ping_interval_s: float = Field(
        default=20.0,
        gt=0,
        description="How often the server pings each websocket to notice a connection that died "
        "without closing.",
    )
    ws_ping_timeout_s: float = Field(
        default=20.0,
        gt=0,
        description="How long a websocket may leave a ping unanswered before it is closed.",
    )
    # Connections below the app (app/web/connections.py; docs/security.md).
    http_idle_timeout_s: int = Field(
        default=5,
        ge=1,
        le=300,
        description="How long a connection may stay open without a request on the way: just "
        "opened, or after an answer (keep-alive). 1-300 s; a proxy in front should give up on "
        "an idle connection sooner than this.",
    )
    http_header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="How long a request's line and headers may take to arrive, from its first "
        "byte; then it is answered 408 and closed. Up to 300 s.",
    )
    http_body_timeout_s: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="How long a request's body may take to arrive, from the end of its headers; "
        "then the connection is closed. Up to 600 s (bodies are at most 64 KiB).",
    )
    http_max_header_bytes: int = Field(
        default=16 * 1024,
        ge=4 * 1024,
        le=1024 * 1024,
        description="The largest request line and headers accepted, together; more is answered "
        "400 and closed. 4 KiB-1 MiB.",
    )
    max_connections_per_address: int = Field(
        default=200,
        ge=1,
        description="Connections (plain HTTP and websockets) one client address may hold open "
        "at once; one more is answered 503 and closed at once. The machine itself is not "
        "counted (behind a proxy, every connection comes from it: limit them at the proxy).",
    )
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto",
        description="json: one JSON object per line; console: readable lines; auto: console "
        "at a terminal, json otherwise.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info",
        description="The least important lines written. debug adds a line for every command "
        "accepted (the commands are counted in /metrics either way).",
    )
    metrics_token: str | None = Field(
        default=None,
        description="When set, GET /metrics wants 'Authorization: Bearer <token>'; when unset it "
        "is open (keep it off the public internet at the proxy).",
    )
    time_zone: str | None = Field(
        default=None,
        description="The IANA time zone (e.g. Europe/London) the room view says a break's "
        "'back at' time in, for sessions that are not a group's (a group's session uses the "
        "group's own zone). Unset: those breaks show only their countdown.",
    )
    locales_dir: Path | None = Field(
        default=None,
        description="Where the compiled translation catalogs are "
        "(<dir>/<language>/LC_MESSAGES/messages.mo), e.g. a translator's copy to try out. "
        "Unset: the ones shipped in app/locales (docs/translating.md).",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for telling other processes that a session moved on, e.g. "
        "redis://host:6379/0. Unset: one process, nobody to tell.",
    )
    catch_up_interval_s: float = Field(
        default=5.0,
        gt=0,
        description="How often each process checks the database for news the broker lost "
        "(one small query per session with viewers in that process).",
    )
    alive_interval_s: float = Field(
        default=1.0,
        gt=0,
        le=SHORTEST_OUTAGE_S / 2,
        description="How often each process writes that it is serving its live sessions (one "
        "small UPDATE for all of them), so a restart can tell how long the server was away. At "
        "most half the shortest outage counted (docs/timekeeping.md).",
    )
    # Accounts: password hashing and the limits on registering and logging in
    # (docs/security.md, "Password work bounded" and "Accounts: registering and logging in").
    password_hashes_at_once: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="Argon2id hashes (64 MiB and a core each, for a moment) one process runs at "
        "once; more wait their turn. Unset: the number of CPUs the process may use.",
    )
    password_hashes_waiting: int = Field(
        default=32,
        ge=0,
        le=10_000,
        description="Hashes that may wait for their turn in one process; one more is answered "
        "503 'Too many people are signing in at once' (nothing is stored).",
    )
    registrations_per_address_per_hour: int = Field(
        default=5,
        ge=1,
        le=10_000,
        description="Accounts one client address may create in any hour (loopback is exempt).",
    )
    login_tries_per_account_per_minute: int = Field(
        default=5,
        ge=1,
        le=1_000,
        description="Tries to log in to one account from one address in any minute.",
    )
    login_tries_per_address_per_hour: int = Field(
        default=30,
        ge=1,
        le=100_000,
        description="Tries to log in from one address, whatever the account, in any hour "
        "(loopback is exempt).",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        if name is None:
            return None
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as unknown:
            raise ValueError(f"{name!r} is not a time zone this server knows") from unknown
        return name

    def hashes_at_once(self) -> int:
        """The password hashes one process runs at once: the setting, else its CPUs."""
        if self.password_hashes_at_once is not None:
            return self.password_hashes_at_once
        if hasattr(os, "sched_getaffinity"):  # Linux: the CPUs this process may run on
            return max(1, len(os.sched_getaffinity(0)))
        return os.cpu_count() or 1

    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'peer-rounds.db').resolve()}"

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret-key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()
