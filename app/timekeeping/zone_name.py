"""A time zone's name as the core carries it ("Pacific/Auckland"): a group's, so that a screen
can say a time as the clocks in that room read it.

The core never opens the zone database (that is reading files). Whether a name is a zone the
server knows is checked where the name comes in (the group pages, the server's settings), and a
screen that meets an unknown one shows no local time rather than a wrong one.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

ZoneName = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$"
    ),
]
