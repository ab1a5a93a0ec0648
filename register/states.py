"""The states of the register's records and their labels: plain names, imported by the models, the
policies and the workflow tables (``register.workflow``), so that none of them imports another to
know what a state is called."""

# Where a record is before its first move. Never stored.
NEW = "new"

# --- An attendance request (A1-A13) -----------------------------------------------------------
SUBMITTED = "submitted"
APPROVED = "approved"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
CANCELLED = "cancelled"
HELD = "held"
CLOSED = "closed"
LAPSED = "lapsed"

REQUEST_STATE_LABELS = {
    SUBMITTED: "Awaiting the Chief Executive's decision",
    APPROVED: "Approved",
    REFUSED: "Refused",
    WITHDRAWN: "Withdrawn by the group",
    CANCELLED: "Cancelled by the Chief Executive",
    HELD: "Held",
    CLOSED: "Closed",
    LAPSED: "Lapsed (no decision before the meeting)",
}

# Requests still waiting for something to happen.
OPEN_REQUEST_STATES = frozenset({SUBMITTED, APPROVED, HELD})
# Requests whose briefing was agreed (what other groups learn of: A8/A9).
AGREED_REQUEST_STATES = frozenset({APPROVED, HELD, CLOSED})

# --- Each officer's invitation (A4) ---------------------------------------------------------
INVITED = "invited"
ACCEPTED = "accepted"
DECLINED = "declined"

# An invitation lapses when its officer leaves the council before the meeting (a leaver): final (C3).
INVITATION_STATE_LABELS = {
    INVITED: "Invited",
    ACCEPTED: "Accepted",
    DECLINED: "Declined",
    LAPSED: "Lapsed (the officer has left)",
}
# Invitations whose officer will not attend: they declined, or they have left.
NOT_ATTENDING_INVITATION_STATES = frozenset({DECLINED, LAPSED})

# What an officer named in a request is shown as, where the stored state alone would mislead:
# asked, not yet invited, until the Chief Executive approves (A2, A4); not needed once the request
# will not go ahead (C3). Never stored: the invitation keeps its own state; these are words for people.
ASKED = "asked"
NOT_NEEDED = "not-needed"
INVITATION_SHOWN_LABELS = {ASKED: "Asked", NOT_NEEDED: "Not needed", **INVITATION_STATE_LABELS}
# Requests that will not go ahead: their officers are not needed, whatever they had answered.
CALLED_OFF_REQUEST_STATES = frozenset({REFUSED, WITHDRAWN, CANCELLED, LAPSED})


def invitation_shown_state(invitation_state: str, request_state: str) -> str:
    """How an officer's invitation reads, from its own state and its request's: "asked" while the
    request awaits a decision and the officer has not answered; "not needed" once the request is
    refused, withdrawn, cancelled or lapsed; otherwise the invitation's own state. Every page,
    notice and API field that shows an invitation's state shows this (``INVITATION_SHOWN_LABELS``)."""
    if request_state in CALLED_OFF_REQUEST_STATES:
        return NOT_NEEDED
    if invitation_state == INVITED and request_state == SUBMITTED:
        return ASKED
    return invitation_state
