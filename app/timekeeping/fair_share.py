"""The simplest fair share: what is left of a round, divided among those still to speak.

Passing gives time back (fewer speakers share what remains); an overrun takes from the rest, but
never below the group's minimum share, because everybody should get a real chance to speak.
"""


def fair_share(remaining_round_s: float, speakers_left: int, minimum_share_s: float) -> float:
    if speakers_left <= 0:
        return 0.0
    return max(minimum_share_s, remaining_round_s / speakers_left)


def at_floor(remaining_round_s: float, speakers_left: int, minimum_share_s: float) -> bool:
    """Whether an even split of what is left would give each speaker less than the minimum.

    Then `fair_share` holds shares at the minimum and the round runs over: facilitators should
    know, so they can choose (extend the round, or ask people to keep it brief).
    """
    return speakers_left > 0 and remaining_round_s / speakers_left < minimum_share_s


def floor_notice(minimum_share_s: float) -> str:
    whole = max(0, round(minimum_share_s))
    return f"Shares are at the group's minimum ({whole // 60}:{whole % 60:02d})"
