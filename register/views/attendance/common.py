"""What the attendance pages share: the request as the viewer may see it, the group the viewer
leads, pagination, and the reminder every officer is given with an invitation (A5)."""

from django.core.paginator import Paginator
from django.http import Http404

from register import selectors, workflow
from register.models import AttendanceInvitation, AttendanceRequest
from register.views.context import standing

REQUEST = workflow.ATTENDANCE_REQUEST
INVITATION = workflow.ATTENDANCE_INVITATION

ROWS_PER_PAGE = 50
# The reminder every officer is given with an invitation (A5), shown wherever they answer one.
A5_REMINDER = (
    "Attending is voluntary. You brief the group on the subject and scope agreed in advance, and do not comment "
    "beyond it. Leave before the group forms its view, and if party business is discussed in front of you. You may "
    "leave at any time if you feel vulnerable or your integrity is put in question (A4, A5, A6)."
)


def posted(request):
    """The form's data when sent, even if empty (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def page_of(request, rows):
    return Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))


def seen(request, request_id: int) -> AttendanceRequest:
    """The request, if the viewer may see it in full; else "not found" (``DomainErrorMiddleware``)."""
    return selectors.attendance_request_for(viewer=standing(request), pk=request_id)


def leader(request) -> tuple:
    """The group the viewer leads or deputises for today, with the capacity (A1)."""
    led = selectors.groups_led_by(request.user, selectors.today())
    if not led:
        raise Http404("You lead no political group.")
    return led[0]


def own_invitation(request, found: AttendanceRequest) -> AttendanceInvitation:
    """The viewer's invitation to ``found``, with the request as the page loaded it (the workflow
    reads the meeting's time). Someone not named gets a stand-in that is no one's, so that the
    workflow refuses them as it refuses anyone who is not the officer invited (A4)."""
    mine = next((i for i in found.invitations.all() if i.officer_id == request.user.pk), None)
    if mine is None:
        mine = AttendanceInvitation(officer_id=None, state=workflow.INVITED)
    mine.request = found
    return mine


def actions_on(request, found: AttendanceRequest, invitation: AttendanceInvitation | None = None) -> dict[str, bool]:
    """The actions the viewer is offered on a request, each exactly when the workflow allows its
    move now: on the request, and on the viewer's own invitation to it."""
    viewer = standing(request)
    invitation = invitation or own_invitation(request, found)
    moves = set(workflow.allowed_moves(REQUEST, found, viewer)) | set(
        workflow.allowed_moves(INVITATION, invitation, viewer)
    )
    return actions(moves)


def actions(moves: set[str]) -> dict[str, bool]:
    """Which of a request's action links to show, from the moves the workflow allows: each link's
    page is for these moves (the decision page for approving or refusing, the answer page for
    accepting or declining)."""
    return {
        "decide": bool(moves & {workflow.APPROVE, workflow.REFUSE}),
        "respond": bool(moves & {workflow.ACCEPT, workflow.DECLINE}),
        "withdraw": workflow.WITHDRAW in moves,
        "amend": workflow.AMEND_BRIEF in moves,
        "cancel": workflow.CANCEL in moves,
        "close": workflow.CLOSE in moves,
        "record_attendance": workflow.RECORD_ATTENDANCE in moves,
        "record_information": workflow.RECORD_INFORMATION in moves,
    }
