"""Where a notice leads: the page where its reader acts on it, worked out in one place from the
notice's kind, the record it is about and who reads it.

The notice stores the path when it is written (``Notification.link_path``), so that the in-app
notice and the e-mail carry the same link. A path names a record by its id; the page it leads to
decides, when it is opened, whether the reader may still see that record ("not found" if not).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


@dataclass(frozen=True)
class NoticeLink:
    """A link for a notice: the words of the link, and the page's path on this site."""

    label: str
    path: str

    @property
    def url(self) -> str:
        """The absolute address, for an e-mail."""
        return absolute_url(self.path)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# Notices about an attendance request: the page where the reader acts, by kind.
_ON_A_REQUEST = {
    # The acting Chief Executive decides (A1, A2).
    "attendance-decision-needed": ("Decide the request", "attendance:decide"),
    "attendance-decision-reminder": ("Decide the request", "attendance:decide"),
    # Escalated to the Deputy and the Chief Executive alike: the request shows who may decide it now.
    "attendance-decision-overdue": ("See the request", "attendance:detail"),
    # The officer accepts or declines (A4).
    "attendance-invitation": ("Accept or decline", "attendance:respond"),
    "attendance-response-reminder": ("Accept or decline", "attendance:respond"),
    "attendance-brief-amended": ("See the amended brief", "attendance:detail"),
    # The group, the officers and the overseers see where the request stands and what they may do.
    "attendance-request-decided": ("See the request", "attendance:detail"),
    "attendance-request-referred": ("See the request", "attendance:detail"),
    "attendance-request-called-off": ("See the request", "attendance:detail"),
    "attendance-officer-declined": ("See the request", "attendance:detail"),
    # A leaver's invitation lapsed: the group and the acting Chief Executive see where the request stands.
    "attendance-officer-left": ("See the request", "attendance:detail"),
    "attendance-response-overdue": ("See the request", "attendance:detail"),
    "attendance-report": ("See the request", "attendance:detail"),
}

_ON_A_DECLARATION = {
    "declaration-to-review": ("Review the declaration", "declarations:review"),
    "declaration-reviewed": ("Read the advice and acknowledge it", "declarations:detail"),
    "declaration-ended": ("See the declaration", "declarations:detail"),
    "declaration-withdrawn": ("See the declaration", "declarations:detail"),
    # Someone it names left the council (a leaver); its reviewer left, and it went to today's.
    "declaration-ended-person-left": ("See the declaration", "declarations:detail"),
    "declaration-reviewer-left": ("See the declaration", "declarations:detail"),
}

# Notices about a concern (D1-D3, D6): its page, which shows each reader what they may see and do.
_ON_A_CONCERN = {
    "concern-received": ("Acknowledge the concern", "concerns:detail"),
    "concern-reminder": ("See the concern", "concerns:detail"),
    "concern-overdue": ("See the concern", "concerns:detail"),
    "concern-acknowledged": ("See your concern", "concerns:detail"),
    "concern-told": ("See the concern", "concerns:detail"),
    "concern-closed": ("See the concern", "concerns:detail"),
    "concern-withdrawn": ("See the concern", "concerns:detail"),
}

# Notices whose page is a list, whatever record they are about.
_TO_A_PAGE = {
    "attendance-information-shared": ("Read the information shared with all groups", "attendance:shared"),
    # A8: what other groups learn is on the other groups' page; an offer leads to its take-up (below).
    "attendance-briefing-notice": ("See briefings given to other groups", "attendance:other-groups"),
    # The Deputy decides while the Chief Executive is away (A2).
    "absence-recorded": ("Decide attendance requests", "attendance:queue"),
    # The Deputy Monitoring Officer acts meanwhile: what is theirs to do is on their home page.
    "statutory-absence-recorded": ("See what is yours to do", "home"),
    "declaration-names-you": ("Make your own declaration", "declarations:naming-you"),
    "declaration-declare-at-meeting": ("See your declarations", "declarations:mine"),
    "declarations-confirmation-due": ("Re-confirm your declarations", "declarations:confirm"),
    "declarations-confirmation-overdue": ("Re-confirm your declarations", "declarations:confirm"),
    "history-head": ("Open the audit timeline", "audit:timeline"),
    "history-check-failed": ("Open the audit timeline", "audit:timeline"),
}


def link_for(kind: str, about, recipient=None) -> NoticeLink | None:
    """The page where the reader of a notice of ``kind`` about ``about`` acts; None for a kind
    that leads nowhere (none does today: a new kind is added here)."""
    if (
        kind in ("declaration-withdrawn", "declaration-ended-person-left")
        and recipient is not None
        and about.other_person_id == recipient.pk
    ):
        # The person named sees that a declaration names them, not the declaration itself.
        return _page("See declarations naming you", "declarations:naming-you")
    if kind == "account-invitation" and about is not None:
        return set_password_link(about)
    if kind in _ON_A_REQUEST and about is not None:
        label, name = _ON_A_REQUEST[kind]
        return NoticeLink(label, reverse(name, args=[about.pk]))
    if kind in _ON_A_DECLARATION and about is not None:
        label, name = _ON_A_DECLARATION[kind]
        return NoticeLink(label, reverse(name, args=[about.pk]))
    if kind in _ON_A_CONCERN and about is not None:
        label, name = _ON_A_CONCERN[kind]
        return NoticeLink(label, reverse(name, args=[about.pk]))
    if kind in _TO_A_PAGE:
        return _page(*_TO_A_PAGE[kind])
    return None


def take_up_link(original_id: int) -> NoticeLink:
    """An offer of an equivalent briefing leads to its one-step take-up (A3), which shows the
    facts alone (A9)."""
    return NoticeLink("Take up the same briefing for your group", reverse("attendance:take-up", args=[original_id]))


def set_password_link(person, *, page: str = "set-password", label: str = "Set your password") -> NoticeLink:
    """The invitation to sign in leads to setting a password, and so does a forgotten password's e-mail
    (``page="password-reset-confirm"``): a link made by Django's token machinery, which works once
    (setting the password changes what the token was made from) and for PASSWORD_RESET_TIMEOUT. Only
    the e-mails carry it (services/people/accounts.py, services/people/password_resets.py)."""
    uidb64 = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return NoticeLink(label, reverse(page, args=[uidb64, token]))


def _page(label: str, name: str) -> NoticeLink:
    return NoticeLink(label, reverse(name))
