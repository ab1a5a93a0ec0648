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

REQUEST_STATE_LABELS = {
    SUBMITTED: "Awaiting the Chief Executive's decision",
    APPROVED: "Approved",
    REFUSED: "Refused",
    WITHDRAWN: "Withdrawn by the group",
    CANCELLED: "Cancelled by the Chief Executive",
    HELD: "Held",
    CLOSED: "Closed",
}

# Requests still waiting for something to happen.
OPEN_REQUEST_STATES = frozenset({SUBMITTED, APPROVED, HELD})
# Requests whose briefing was agreed (what other groups learn of: A8/A9).
AGREED_REQUEST_STATES = frozenset({APPROVED, HELD, CLOSED})

# --- Each officer's invitation (A4) ---------------------------------------------------------
INVITED = "invited"
ACCEPTED = "accepted"
DECLINED = "declined"

INVITATION_STATE_LABELS = {INVITED: "Invited", ACCEPTED: "Accepted", DECLINED: "Declined"}
