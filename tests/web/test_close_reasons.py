"""The words the server sends for a page's scripts to show: why a websocket closed (RFC 6455
gives a close reason 123 bytes of UTF-8; we keep to 120) and that the server was away, each in
the language of the screen (docs/translating.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.config import Settings
from app.main import create_app
from app.realtime.registry import LINKS_REVOKED
from app.session.views.public import ServerAwayNotice
from app.web.access import SENT_AWAY
from app.web.languages import LOCALES_DIR, Languages
from app.web.live import NO_HELLO, TOO_MANY_WAITING
from app.web.live_connection import NOT_STORED, TOO_MANY_AT_ONCE
from app.web.problems import MAX_CLOSE_REASON, NoSuchSession, close_reason
from app.web.rendering import make_templates
from app.web.screens import REPLACED
from app.web.tokens import LINK_EXPIRED, NOT_VALID
from tests.support.api import websocket_until_closed

pytestmark = pytest.mark.anyio

LANGUAGES = Languages.from_directory(LOCALES_DIR)
# Every reason a websocket of ours is closed with, as the code writes it.
CLOSE_REASONS = (
    LINKS_REVOKED,
    SENT_AWAY,
    NO_HELLO,
    TOO_MANY_WAITING,
    TOO_MANY_AT_ONCE,
    REPLACED,
    LINK_EXPIRED,
    NOT_VALID,
    "You are no longer part of this session. Take care.",
    "You are not a facilitator of this session.",
    "Please open the link you were given for this session.",
    "This link is for a different session or screen.",
    "This link is no longer valid. Ask a facilitator for a new one.",
    "Start with a hello message carrying your token.",
    "Text JSON messages only.",
    "That message is too large.",
    "Something went wrong. Reconnecting.",
)


@pytest.mark.parametrize("code", sorted(LANGUAGES.catalogs))
def test_every_close_reason_fits_a_close_frame_whole_in_every_language(code: str) -> None:
    with LANGUAGES.speaking(code):
        for reason in CLOSE_REASONS:
            said = close_reason(reason)
            assert len(said.encode()) <= MAX_CLOSE_REASON, (code, said)
            assert said.endswith("."), (code, said)
        assert NoSuchSession().reason.endswith("."), code


def test_every_close_reason_is_in_the_catalog() -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as template:
        marked = {message.id for message in read_po(template)}
    assert set(CLOSE_REASONS) | {NOT_STORED} <= marked


async def test_a_websocket_on_a_spanish_device_is_told_why_it_closed_in_spanish(
    tmp_path: Path,
) -> None:
    app = create_app(Settings(data_dir=tmp_path))
    sent = await websocket_until_closed(
        app, "/ws/sessions/nosuch/participant", headers={"Accept-Language": "es"}
    )
    with LANGUAGES.speaking("es"):
        expected = NoSuchSession().reason
    assert sent[-1] == {"type": "websocket.close", "code": 4404, "reason": expected}
    assert expected.startswith("No encontramos esa sesión. ")


def test_the_server_away_notice_is_said_in_the_screens_language() -> None:
    macros = make_templates(languages=LANGUAGES).env.get_template("partials/macros.html")
    notice = ServerAwayNotice(key="1.000", text="We lost the server for 14 s. …", seconds=14)
    with LANGUAGES.speaking("es"):
        spanish = str(macros.module.server_away(notice))  # type: ignore[attr-defined]
    english = str(macros.module.server_away(notice))  # type: ignore[attr-defined]
    assert "Perdimos el servidor durante 14 s." in spanish
    assert "We lost the server for 14 s. Everyone's time waited" in english
