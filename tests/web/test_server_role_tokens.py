"""No link is ever issued or accepted for the server's own role (what only the server knows,
such as an outage, no screen may claim)."""

from __future__ import annotations

import pytest

from app.session.command_base import Role
from app.web.tokens import NOT_VALID, Grant, TokenError, Tokens


def test_no_link_is_issued_or_accepted_for_the_server() -> None:
    tokens = Tokens("a-secret-long-enough-for-tests", max_age_s=60)
    with pytest.raises(ValueError, match="no link is issued"):
        tokens.issue(Grant(session_id="s", role=Role.SERVER, person_id="server", token_version=1))
    # Signed with the right key all the same (as if our own code had slipped).
    forged = tokens._serializer.dumps(["s", "server", "server", 1])
    with pytest.raises(TokenError, match=NOT_VALID):
        tokens.read(forged)
    room = tokens.issue(Grant(session_id="s", role=Role.ROOM, person_id="room", token_version=1))
    assert tokens.read(room).role is Role.ROOM
