"""The oracle the portfolio's property tests share: which instruments a list names."""

from policytrack.timeline.knowledge import public_since


def named_as_known(events, known):
    """Whether a list, count or export as known on ``known`` (None: with every source) names an
    instrument with these engine events. Only from the day it was public — its first source
    published, at once if an event has no source (``knowledge.public_since``): before then even
    its title would tell a reader that it was coming."""
    return known is None or public_since(events) <= known
