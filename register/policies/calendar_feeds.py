"""Which calendar feeds a person has (issue 22): pure functions of their standing on the day.

A feed holds only what its owner may see that day; these say which kinds of feed apply to them, so
that the account page offers just those, and a feed of a kind that no longer applies (a former
group leader's) is read as empty rather than refused.
"""

from register.models.people import Post
from register.policies.standing import Standing

Role = Post.Role

# The kinds of feed, by the name in their address (/calendar/<token>/<kind>.ics).
BRIEFINGS = "briefings"
GROUP_BRIEFINGS = "group-briefings"
DECISIONS_DUE = "decisions-due"
FEED_KINDS = (BRIEFINGS, GROUP_BRIEFINGS, DECISIONS_DUE)


def has_briefings_feed(standing: Standing) -> bool:
    """An officer's own briefings: the group meetings they are named for."""
    return standing.is_active and standing.is_officer


def has_group_briefings_feed(standing: Standing) -> bool:
    """A group's briefings, for its leader and deputy while they hold that post."""
    return standing.is_active and bool(standing.groups_led)


def has_decisions_due_feed(standing: Standing) -> bool:
    """Decisions due: the Chief Executive, and the Deputy, whose feed holds them only on the days of a
    recorded absence of the Chief Executive (``reads_decisions_due``)."""
    return standing.is_active and standing.holds(Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE)


def reads_decisions_due(standing: Standing) -> bool:
    """Whoever acts as Chief Executive on the day the feed is read (``Standing.acting_chief_executive``)."""
    return standing.is_active and bool(standing.acting_chief_executive)


def calendar_feed_kinds(standing: Standing) -> tuple[str, ...]:
    """The kinds of feed that apply to this person, in the order the account page lists them."""
    applies = {
        BRIEFINGS: has_briefings_feed,
        GROUP_BRIEFINGS: has_group_briefings_feed,
        DECISIONS_DUE: has_decisions_due_feed,
    }
    return tuple(kind for kind in FEED_KINDS if applies[kind](standing))
