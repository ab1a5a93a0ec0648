"""Who may do what with officer attendance at political group meetings (A1-A13).

Pure functions of (standing, record) -> bool: no database, no selectors, no services. A record is an
attendance request (its ``group_id`` and ``answers``: each named officer's invitation state), an
invitation (its ``officer_id`` and ``request``) or information given at a briefing.
"""

from register import states
from register.models.people import Post
from register.policies.standing import Standing

Role = Post.Role

# Who sees every group's requests, briefs and attestations (DOMAIN.md, "Who sees what").
ATTENDANCE_OVERSEERS = frozenset(
    {Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE, Role.MONITORING_OFFICER, Role.AUDITOR}
)


def changes_records(standing: Standing) -> bool:
    """Auditors read everything and change nothing (C2): no move of officer attendance is theirs,
    even where they are officers named in a request."""
    return standing.is_active and not standing.is_auditor


# The posts whose holders decide attendance, the Deputy only while acting for the Chief Executive (A2).
DECIDING_POSTS = frozenset({Role.CHIEF_EXECUTIVE, Role.DEPUTY_CHIEF_EXECUTIVE})


def leads_a_group(standing: Standing, record=None) -> bool:
    """A political group's leader, or its deputy leader, on the day: the group's briefing pages are
    theirs (A1)."""
    return bool(standing.groups_led)


def holds_deciding_post(standing: Standing, record=None) -> bool:
    """The Chief Executive and the Deputy watch the requests awaiting a decision, whichever of them
    acts today (A2)."""
    return standing.holds(*DECIDING_POSTS)


def is_briefing_officer(standing: Standing, record=None) -> bool:
    """An officer who may be asked to brief a group, and answers and attends for themselves (A4):
    any officer but an auditor, who changes nothing (C2)."""
    return changes_records(standing) and standing.is_officer


def oversees_attendance(standing: Standing, record=None) -> bool:
    """The Chief Executive and Deputy, the Monitoring Officer and auditors see every request (A2, C2)."""
    return standing.holds(*ATTENDANCE_OVERSEERS)


def acts_for_requesting_group(standing: Standing, request) -> bool:
    """The group's leader, or its deputy leader on their behalf, on the day (A1). Whoever made the
    request earlier but leads the group no longer does not act for it: their past acts stay in the
    history, not in their access."""
    return standing.leads(request.group_id)


def is_named_officer(standing: Standing, request) -> bool:
    """An officer named in the request, whatever their answer (A4)."""
    return standing.person_id in request.answers


def is_attending_officer(standing: Standing, request) -> bool:
    """An officer named in the request who has not declined, nor left (A4, A6)."""
    answer = request.answers.get(standing.person_id)
    return changes_records(standing) and answer is not None and answer not in states.NOT_ATTENDING_INVITATION_STATES


def sees_attendance_request(standing: Standing, request) -> bool:
    """The group's leader and deputy, the named officers and the overseers see a request in full;
    everyone else may at most learn the facts of the briefing (A8, A9)."""
    return (
        acts_for_requesting_group(standing, request)
        or is_named_officer(standing, request)
        or oversees_attendance(standing)
    )


def asks_for_briefings(standing: Standing, record=None) -> bool:
    """A group's leader, or deputy leader on their behalf, asks for officers to attend (A1)."""
    return standing.is_active and bool(standing.groups_led)


def refers_requests(standing: Standing, record=None) -> bool:
    """An officer asked directly refers the request to the Chief Executive (A1). Auditors change
    nothing (C2), so an auditor refers nothing."""
    return changes_records(standing) and standing.is_officer


def takes_up_equivalent(standing: Standing, original) -> bool:
    """The leader of a group other than the one that was agreed the briefing (A3); with no briefing
    to take up, nobody."""
    if original is None:
        return False
    return standing.is_active and any(group_id != original.group_id for group_id in standing.groups_led)


def decides_attendance(standing: Standing, record=None) -> bool:
    """Only the acting Chief Executive: the Chief Executive, or the Deputy during a recorded absence (A2)."""
    return changes_records(standing) and bool(standing.acting_chief_executive)


def closes_attendance_record(standing: Standing, request) -> bool:
    """The acting Chief Executive, or the requesting group, closes the record after the meeting."""
    return decides_attendance(standing) or acts_for_requesting_group(standing, request)


def answers_invitation(standing: Standing, invitation) -> bool:
    """Only the officer invited accepts or declines (A4)."""
    return changes_records(standing) and standing.is_person(invitation.officer_id)


def marks_any_information_likely_cited(standing: Standing, record=None) -> bool:
    """The acting Chief Executive and the Monitoring Officer mark any group's information (A10)."""
    return decides_attendance(standing) or standing.holds(Role.MONITORING_OFFICER)


def marks_information_likely_cited(standing: Standing, information) -> bool:
    """The officer who gave it, the acting Chief Executive or the Monitoring Officer (A10)."""
    if not changes_records(standing):
        return False
    return standing.is_person(information.provided_by_id) or marks_any_information_likely_cited(standing)


def corrects_published_entry(standing: Standing, record=None) -> bool:
    """The Chief Executive's office corrects an entry of the published register (A8): whoever acts
    as Chief Executive today, the Chief Executive or the Deputy during a recorded absence, exactly
    as ``decides_attendance`` says; auditors change nothing."""
    return decides_attendance(standing)
