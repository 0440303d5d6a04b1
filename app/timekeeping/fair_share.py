"""A fair share: what is left of a round, divided among everyone it still owes a turn.

The rules are written down in docs/timekeeping.md. In short: passing gives time back (fewer
people share what remains); an overrun takes from the rest, but never below the group's
minimum, because everybody should get a real chance to speak; and no share grows past the
group's maximum, so time nobody needs goes back to the session instead of to the last speaker.
"""


def fair_share(
    remaining_round_s: float, speakers_owed: int, minimum_share_s: float, maximum_share_s: float
) -> float:
    """The share for the next speaker, held between the group's minimum and maximum.

    If a group sets its minimum above its maximum, the minimum wins: a real chance to speak
    matters more than finishing early.
    """
    if speakers_owed <= 0:
        return 0.0
    even = remaining_round_s / speakers_owed
    return max(minimum_share_s, min(maximum_share_s, even))


def at_floor(remaining_round_s: float, speakers_left: int, minimum_share_s: float) -> bool:
    """Whether an even split of what is left would give each speaker less than the minimum.

    Then `fair_share` holds shares at the minimum and the round runs over: facilitators should
    know, so they can choose (extend the round, or ask people to keep it brief).
    """
    return speakers_left > 0 and remaining_round_s / speakers_left < minimum_share_s


def floor_notice(minimum_share_s: float) -> str:
    whole = max(0, round(minimum_share_s))
    return f"Shares are at the group's minimum ({whole // 60}:{whole % 60:02d})"
