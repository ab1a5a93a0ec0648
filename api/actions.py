"""What the caller may do with a record now, as the API shows it: the ``actions`` of each representation.

Read from the workflow's table (``register.workflow.allowed_moves``) for the caller's standing, and
never decided here: a move is listed exactly when the service would let the caller make it now. Only
the moves this API has an endpoint for are listed; ``ENDPOINTS`` says where each is made.
"""

from rest_framework import serializers

from register import selectors, workflow

# Each workflow's moves that the API offers, and the endpoint that makes each (relative to the record).
ENDPOINTS: dict[str, dict[str, str]] = {
    workflow.ATTENDANCE_REQUEST.name: {
        workflow.APPROVE: "POST approve/",
        workflow.REFUSE: "POST refuse/",
        workflow.WITHDRAW: "POST withdraw/",
        workflow.CANCEL: "POST cancel/",
        workflow.AMEND_BRIEF: "POST amend-brief/",
        workflow.RECORD_ATTENDANCE: "POST attendance/",
        workflow.RECORD_INFORMATION: "POST information/",
        workflow.CLOSE: "POST close/",
    },
    workflow.ATTENDANCE_INVITATION.name: {
        workflow.ACCEPT: "POST respond/ on the request, with accept true",
        workflow.DECLINE: "POST respond/ on the request, with accept false",
    },
    workflow.INFORMATION.name: {workflow.MARK_LIKELY_TO_BE_CITED: "POST likely-to-be-cited/"},
    workflow.DECLARATION.name: {
        workflow.REVIEW: "POST review/",
        workflow.ACKNOWLEDGE: "POST acknowledge/",
        workflow.END: "POST end/",
        workflow.WITHDRAW_DECLARATION: "POST withdraw/",
    },
    workflow.ABSENCE.name: {workflow.CANCEL_ABSENCE: "POST cancel/"},
    workflow.CONCERN.name: {
        workflow.ACKNOWLEDGE_CONCERN: "POST acknowledge/",
        workflow.LOOK_INTO: "POST look-into/",
        workflow.TELL_CONCERNED_PERSON: "POST tell/",
        workflow.RAISE_WITH_MEMBER: "POST raise-with-member/",
        workflow.RESOLVE_INFORMALLY: "POST resolve/",
        workflow.REFER_ON: "POST refer-on/",
        workflow.CLOSE_CONCERN: "POST close/",
        workflow.WITHDRAW_CONCERN: "POST withdraw/",
    },
    workflow.COMPLAINT.name: {
        workflow.CONSULT: "POST consult/",
        workflow.GIVE_VIEW: "POST view/",
        workflow.DECIDE_COMPLAINT: "POST decide/",
        workflow.TELL_MEMBER: "POST tell-member/",
        workflow.RECORD_ACTIONS: "POST training-and-actions/",
        workflow.CLOSE_COMPLAINT: "POST close/",
        workflow.WITHDRAW_COMPLAINT: "POST withdraw/",
    },
    # E-mails that did not arrive, sent again by Democratic Services (GET /api/notices/undelivered/).
    workflow.NOTICE.name: {workflow.SEND_AGAIN: "POST send-again/"},
}

# Each list of moves by name, for the schema's enumerations (SPECTACULAR_SETTINGS' ENUM_NAME_OVERRIDES).
REQUEST_MOVES = tuple(ENDPOINTS[workflow.ATTENDANCE_REQUEST.name])
INVITATION_MOVES = tuple(ENDPOINTS[workflow.ATTENDANCE_INVITATION.name])
INFORMATION_MOVES = tuple(ENDPOINTS[workflow.INFORMATION.name])
DECLARATION_MOVES = tuple(ENDPOINTS[workflow.DECLARATION.name])
ABSENCE_MOVES = tuple(ENDPOINTS[workflow.ABSENCE.name])
CONCERN_MOVES = tuple(ENDPOINTS[workflow.CONCERN.name])
COMPLAINT_MOVES = tuple(ENDPOINTS[workflow.COMPLAINT.name])
NOTICE_MOVES = tuple(ENDPOINTS[workflow.NOTICE.name])


def caller_standing(context: dict):
    """The caller's standing, read once per HTTP request (``selectors.standing_for_request``); None
    for a serializer used without a signed-in caller."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return selectors.standing_for_request(request) if user is not None and user.is_authenticated else None


class ActionsField(serializers.ListField):
    """The moves the caller may make on the record now, by name, in the order of the workflow's table.
    Costs no query: the policies read the caller's standing and what the selectors loaded with the
    record (a request's invitations and their attendance, its meeting)."""

    def __init__(self, flow: workflow.Workflow, **kwargs):
        self.flow = flow
        self.offered = ENDPOINTS[flow.name]
        where = "; ".join(f"'{move}': {endpoint}" for move, endpoint in self.offered.items())
        kwargs.setdefault(
            "help_text",
            f"What you may do with this {flow.name} now (the register's workflow decides, as on the pages). {where}.",
        )
        super().__init__(
            child=serializers.ChoiceField(choices=[(move, move) for move in self.offered]),
            read_only=True,
            source="*",
            **kwargs,
        )

    def to_representation(self, value):
        standing = caller_standing(self.context)
        if standing is None:
            return []
        allowed = workflow.allowed_moves(self.flow, value, standing)
        return [move for move in allowed if move in self.offered]
