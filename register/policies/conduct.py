"""Who may do what with concerns (D1-D3, D6) and Code of Conduct complaints (D4, D5).

Pure functions of (standing, record) -> bool. DOMAIN.md, "Who sees what": a concern is seen by who
raised it, who handles it, the Monitoring Officer and auditors (and, for an officer's report after a
briefing, the Chief Executive: D6); the person it concerns sees it once the handler tells them, and
never who raised it if they asked for that. A complaint is seen by the Monitoring Officer and deputy,
the Independent Person consulted on it and auditors; the member complained about once told; the
complainant's contact details by the Monitoring Officer alone. The person a record is about gets only
that narrow view whatever post they hold: a Monitoring Officer or auditor concerned does not read
the handling of a concern about themselves until told.
"""

from register.models.people import Person, Post
from register.policies.standing import Standing

Role = Post.Role

CONCERN_OVERSIGHT_ROLES = frozenset({Role.MONITORING_OFFICER, Role.AUDITOR})
COMPLAINT_ROLES = frozenset({Role.MONITORING_OFFICER, Role.DEPUTY_MONITORING_OFFICER})
RAISING_KINDS = frozenset({Person.Kind.MEMBER, Person.Kind.OFFICER})


# --- Concerns ------------------------------------------------------------------------------------


def raises_concern(standing: Standing, record=None) -> bool:
    """Councillors and officers raise concerns under the protocol (D1, D2, D3)."""
    return standing.is_active and standing.kind in RAISING_KINDS


def is_concern_raiser(standing: Standing, concern) -> bool:
    """Who raised a concern withdraws it while it is still being handled (D1, D2, D3)."""
    return standing.is_person(concern.raised_by_id)


def handles_concern(standing: Standing, concern) -> bool:
    """Only the person a concern was routed to handles it (D1, D2, D3)."""
    return standing.is_person(concern.handler_id)


def is_concerned_person(standing: Standing, concern) -> bool:
    return standing.is_person(concern.concerned_person_id)


def sees_concern(standing: Standing, concern) -> bool:
    """Whether the viewer may know the concern exists (D1, D2, D3, D6)."""
    if is_concerned_person(standing, concern):
        return concern.concerned_person_told_at is not None
    if is_concern_raiser(standing, concern) or handles_concern(standing, concern):
        return True
    if standing.holds(*CONCERN_OVERSIGHT_ROLES):
        return True
    return concern.reaches_chief_executive and (
        standing.holds(Role.CHIEF_EXECUTIVE) or bool(standing.acting_chief_executive)
    )


def oversees_concerns(standing: Standing, record=None) -> bool:
    """The Monitoring Officer and auditors have the list of every concern; the Chief Executive (or
    whoever acts as Chief Executive) that of officers' reports after briefings (D1, D6)."""
    return standing.is_active and (
        standing.holds(*CONCERN_OVERSIGHT_ROLES, Role.CHIEF_EXECUTIVE) or bool(standing.acting_chief_executive)
    )


def sees_concern_handling(standing: Standing, concern) -> bool:
    """Everyone who sees a concern reads its handling, except the person it concerns, who reads what
    happened and its outcome."""
    return sees_concern(standing, concern) and not is_concerned_person(standing, concern)


def sees_who_raised_concern(standing: Standing, concern) -> bool:
    """The person a concern is about never learns who raised it if the raiser asked for that (D1, D2)."""
    if not sees_concern(standing, concern):
        return False
    return not (is_concerned_person(standing, concern) and concern.raiser_withheld)


# --- Code of Conduct complaints ------------------------------------------------------------------------


def records_complaints(standing: Standing, record=None) -> bool:
    """The Monitoring Officer and deputy record and decide Code of Conduct complaints (D4)."""
    return standing.is_active and standing.holds(*COMPLAINT_ROLES)


def is_member_complained_about(standing: Standing, complaint) -> bool:
    return standing.is_person(complaint.member_id)


def is_consulted_on(standing: Standing, complaint) -> bool:
    """An Independent Person sees the complaints on which they are consulted (D4)."""
    return standing.person_id is not None and standing.person_id in complaint.consulted_person_ids


def gives_view_on(standing: Standing, complaint) -> bool:
    """The Independent Person asked records their view (D4)."""
    return standing.person_id is not None and standing.person_id in complaint.view_awaited_from_ids


def sees_complaint(standing: Standing, complaint) -> bool:
    """Whether the viewer may know the complaint exists (D4)."""
    if is_member_complained_about(standing, complaint):
        return complaint.member_told_at is not None
    return standing.holds(*COMPLAINT_ROLES, Role.AUDITOR) or is_consulted_on(standing, complaint)


def oversees_complaints(standing: Standing, record=None) -> bool:
    """The Monitoring Officer and deputy and auditors see every complaint, and so which are linked (D4)."""
    return standing.is_active and standing.holds(*COMPLAINT_ROLES, Role.AUDITOR)


def has_complaints_list(standing: Standing, record=None) -> bool:
    """The Monitoring Officer and deputy and auditors list every complaint; an Independent Person those
    on which they are consulted (D4)."""
    return standing.is_active and standing.holds(*COMPLAINT_ROLES, Role.AUDITOR, Role.INDEPENDENT_PERSON)


def sees_complaint_handling(standing: Standing, complaint) -> bool:
    """The member complained about reads the complaint and its decision, not its handling (D4)."""
    return sees_complaint(standing, complaint) and not is_member_complained_about(standing, complaint)


def sees_complainant_contact(standing: Standing, complaint) -> bool:
    """The complainant's name and contact details: the Monitoring Officer alone (D4)."""
    return standing.holds(Role.MONITORING_OFFICER) and not is_member_complained_about(standing, complaint)


def reads_standards_report(standing: Standing, record=None) -> bool:
    """The Monitoring Officer and deputy produce the Standards Committee report; auditors read it (D5)."""
    return standing.is_active and standing.holds(*COMPLAINT_ROLES, Role.AUDITOR)
