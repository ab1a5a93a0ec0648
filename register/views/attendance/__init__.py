"""The attendance pages (A1-A13), in modules by who uses them: the group's (``group``), one request
for whoever may see it (``detail``), the Chief Executive's and the Deputy's (``deciding``), the
officers' (``officers``) and the public's (``public``). The URLs name the views from here.

Thin: each page loads through a selector scoped to the viewer and changes things only through one
service. Its action links and buttons come from the workflow's ``allowed_moves`` for the viewer's
standing; what a person may not see is "page not found" and what they may not do is explained
(``register.views.domain_errors``).
"""

from register.views.attendance.deciding import absence, cancel, cancel_absence, decide, parity, queue
from register.views.attendance.detail import close, detail
from register.views.attendance.group import (
    amend,
    group_requests,
    new_request,
    other_groups,
    sent,
    shared_information,
    take_up,
    withdraw,
)
from register.views.attendance.officers import (
    invitations,
    mark_likely_to_be_cited,
    record_attendance,
    record_information,
    refer,
    respond,
)
from register.views.attendance.public import correct_entry, published, published_atom, published_csv

__all__ = [
    "correct_entry",
    "absence",
    "amend",
    "cancel",
    "cancel_absence",
    "close",
    "decide",
    "detail",
    "group_requests",
    "invitations",
    "mark_likely_to_be_cited",
    "new_request",
    "other_groups",
    "parity",
    "published",
    "published_atom",
    "published_csv",
    "queue",
    "record_attendance",
    "record_information",
    "refer",
    "respond",
    "sent",
    "shared_information",
    "take_up",
    "withdraw",
]
