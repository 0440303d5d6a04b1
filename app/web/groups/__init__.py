"""Groups across weeks: the pages facilitators use between sessions, and starting a session.

One module a concept: the group itself (``group``), co-facilitators (``invitations``),
members and their name check (``members``), a member's own link (``member_link``),
guidelines, housekeeping actions, starting a session (``sessions``), what is kept
(``records``), agenda templates and the privacy page. ``access`` holds the one way a group
page finds its group; ``routes`` installs them all.
"""
