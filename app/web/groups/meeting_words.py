"""What the group's members and calendar apps read about its meetings, in the language at hand:
"No meeting on Thursday 24 December: Christmas Eve", and a calendar feed's words (the group's
language, for an app that asks for none we ship)."""

from __future__ import annotations

from app.groups.cancellations import MeetingChange
from app.groups.feed_words import APOLOGIES_SENT, CANCELLED, MISSED, ONLINE, FeedWords
from app.translatable import translatable
from app.web.languages import gettext
from app.web.local_time import day_words

NO_MEETING = translatable("No meeting on %(day)s")
NO_MEETING_BECAUSE = translatable("No meeting on %(day)s: %(reason)s")


def cancelled_words(change: MeetingChange) -> str:
    """ "No meeting on Thursday 24 December: Christmas Eve", or without the reason if none."""
    day = day_words(change.meeting_on)
    if change.reason:
        return gettext(NO_MEETING_BECAUSE) % {"day": day, "reason": change.reason}
    return gettext(NO_MEETING) % {"day": day}


def feed_words() -> FeedWords:
    """What a calendar feed says around the group's own words, in the language at hand."""
    return FeedWords(
        online=gettext(ONLINE),
        cancelled=gettext(CANCELLED),
        apologies_sent=gettext(APOLOGIES_SENT),
        missed=gettext(MISSED),
        no_meeting=cancelled_words,
    )
