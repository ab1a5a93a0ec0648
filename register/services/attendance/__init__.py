"""Officer attendance at political group meetings (A1-A13): one service per move, in modules by
what they do (asking, deciding, answering, after the meeting, information shared, reminders).

Every service takes keyword-only arguments with the acting person and a reason, runs in one
transaction, locks the row it changes, and asks the workflow (``register.workflow.require``) whether
the actor may make the move now: "not found" for anyone who may not see the request, then who may,
from which state, before or after the meeting. It saves with history (who and why) and writes its
notices in the same transaction. A refusal raises a domain error naming the rule or the field, and
nothing is saved. Where the protocol needs a reason (refusing, withdrawing, cancelling, amending,
closing) a blank one is refused; elsewhere the history says what the move was.
"""

from register.services.attendance.after_meeting import attendance_record_attendance
from register.services.attendance.common import MeetingDetails
from register.services.attendance.decisions import (
    attendance_request_approve,
    attendance_request_cancel,
    attendance_request_close,
    attendance_request_refuse,
)
from register.services.attendance.information import (
    attendance_information_mark_likely_to_be_cited,
    attendance_information_record,
)
from register.services.attendance.invitations import attendance_invitation_respond
from register.services.attendance.lapses import attendance_requests_lapse
from register.services.attendance.published import published_entry_correct, published_entry_to_correct
from register.services.attendance.reminders import attendance_send_reminders
from register.services.attendance.requests import (
    attendance_request_amend_brief,
    attendance_request_refer,
    attendance_request_submit,
    attendance_request_take_up_equivalent,
    attendance_request_withdraw,
)

__all__ = [
    "published_entry_correct",
    "published_entry_to_correct",
    "MeetingDetails",
    "attendance_information_mark_likely_to_be_cited",
    "attendance_information_record",
    "attendance_invitation_respond",
    "attendance_record_attendance",
    "attendance_request_amend_brief",
    "attendance_request_approve",
    "attendance_request_cancel",
    "attendance_request_close",
    "attendance_request_refer",
    "attendance_request_refuse",
    "attendance_request_submit",
    "attendance_request_take_up_equivalent",
    "attendance_request_withdraw",
    "attendance_requests_lapse",
    "attendance_send_reminders",
]
