"""Each officer's own answer to a request naming them (A4)."""

from django.db import transaction

from register import workflow
from register.errors import NotFound, NotPermitted
from register.models import AttendanceInvitation, AttendanceRequest, Person
from register.services.attendance import notices
from register.services.attendance.common import REQUEST, lock_request, standing_of
from register.services.history import save_with_history
from register.services.notifications import notify

INVITATION = workflow.ATTENDANCE_INVITATION


def attendance_invitation_respond(
    *, request: AttendanceRequest, actor: Person, accept: bool, reason: str = ""
) -> AttendanceInvitation:
    """An officer named in the request accepts or declines, before or after approval and before the
    meeting; no reason is needed to decline (A4)."""
    standing = standing_of(actor)
    move = workflow.ACCEPT if accept else workflow.DECLINE
    with transaction.atomic():
        request = lock_request(request)
        if not REQUEST.sees(standing, request):
            raise NotFound(REQUEST.not_found)
        invitation = request.invitations.select_for_update(no_key=True).filter(officer=actor).first()
        if invitation is None:
            raise NotPermitted("Only the officers named in the request accept or decline it.", rule="A4")
        invitation.request = request
        invitation.state = workflow.require(INVITATION, move, invitation, standing)
        invitation.responded_at = standing.at
        invitation.response_note = (reason or "").strip()
        save_with_history(
            invitation,
            actor=actor,
            reason=invitation.response_note or ("Accepted" if accept else "Declined"),
            update_fields=["state", "responded_at", "response_note"],
        )
        if not accept:
            notify(
                cause=f"attendance-invitation:{invitation.pk}:declined:{standing.at.isoformat()}",
                kind="attendance-officer-declined",
                recipients=notices.group_contacts(request),
                about=request,
                actor=actor,
                context=notices.request_context(request, officer=actor),
            )
    return invitation
