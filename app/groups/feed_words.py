"""The words a calendar feed says around the group's own (app/groups/calendar_feed.py), apart
from the feed itself so that a page can name them without loading icalendar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.groups.cancellations import MeetingChange, cancelled_text
from app.translatable import translatable


@dataclass(frozen=True, slots=True)
class FeedWords:
    """What a feed says around the group's own words, in one language: English here; the page's
    language when the web layer makes them (app/web/groups/meeting_words.py)."""

    online: str
    # "%(group)s" is the group's name.
    cancelled: str
    apologies_sent: str
    missed: str
    # "No meeting on Thursday 24 December: Christmas Eve".
    no_meeting: Callable[[MeetingChange], str]


ONLINE = translatable("Online")
CANCELLED = translatable("Cancelled: %(group)s")
APOLOGIES_SENT = translatable("%(group)s (apologies sent)")
MISSED = translatable("You sent apologies for this meeting. You are missed.")
ENGLISH = FeedWords(ONLINE, CANCELLED, APOLOGIES_SENT, MISSED, cancelled_text)
