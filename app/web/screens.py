"""How many screens one person's link may hold open at once, in this process.

A waiting-room link costs nothing to get (anyone with the join code), and every open socket
costs the server memory and a render on every update; without a cap one link could hold a
thousand. A person rarely needs more than a phone and a laptop, so past `MAX_SCREENS_PER_LINK`
the oldest screen of that link is closed calmly (4409, which a page does not reconnect from:
two screens must not take turns closing each other) and the newest stays. The room's link is
not capped: a facilitator hands it to every screen the room has, and only a facilitator can.
"""

from __future__ import annotations

from collections import OrderedDict

from app.realtime.outbox import Outbox
from app.session.command_base import Role
from app.translatable import translatable
from app.web.tokens import Grant

MAX_SCREENS_PER_LINK = 5
REPLACED = translatable(
    "This link is open on another screen now, so this one has stopped. Reload this page to "
    "carry on here instead."
)
# Who a link is for: the token version counts, as a replaced link is another link.
LinkKey = tuple[str, Role, str, int]


class OpenScreens:
    """The open screens of each person's link, oldest first."""

    def __init__(self, limit: int = MAX_SCREENS_PER_LINK) -> None:
        self.limit = limit
        self._open: dict[LinkKey, OrderedDict[int, Outbox]] = {}

    def opened(self, grant: Grant, outbox: Outbox) -> None:
        """Count a screen that has just opened; ask the oldest of its link to close if over."""
        if grant.role is Role.ROOM:
            return
        screens = self._open.setdefault(_key(grant), OrderedDict())
        screens[id(outbox)] = outbox
        while len(screens) > self.limit:
            _, oldest = screens.popitem(last=False)
            oldest.close(REPLACED, taken_over=True)

    def closed(self, grant: Grant, outbox: Outbox) -> None:
        key = _key(grant)
        screens = self._open.get(key)
        if screens is None:
            return
        screens.pop(id(outbox), None)
        if not screens:
            del self._open[key]

    def count(self, grant: Grant) -> int:
        return len(self._open.get(_key(grant), ()))


def _key(grant: Grant) -> LinkKey:
    return (grant.session_id, grant.role, grant.person_id, grant.token_version)
