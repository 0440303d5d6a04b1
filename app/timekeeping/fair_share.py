"""The simplest fair share: what is left of a round, divided among those still to speak.

Passing gives time back (fewer speakers share what remains); an overrun takes from the rest, but
never below the group's minimum share, because everybody should get a real chance to speak.
"""


def fair_share(remaining_round_s: float, speakers_left: int, minimum_share_s: float) -> float:
    if speakers_left <= 0:
        return 0.0
    return max(minimum_share_s, remaining_round_s / speakers_left)
