"""The declaration pages (B1-B7): declaring a relationship, one's own declarations, those naming
one, reviewing, acknowledging, ending, withdrawing and re-confirming.

Thin: each page loads through a selector scoped to the viewer and changes things only through
one service. What a person may not see is "page not found"; what they may not do is explained.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from register import policies, selectors, workflow
from register.errors import RuleViolation
from register.forms_declarations import ConfirmationForm, DeclarationForm, EndForm, ReviewForm
from register.models import Declaration, Person
from register.models.declarations import IF_IN_DOUBT, WHAT_COUNTS, WHAT_DOES_NOT_COUNT
from register.selectors import declarations as reads
from register.services import declarations as services
from register.services.audit.access_log import record_read
from register.views.context import standing
from register.views.domain_errors import form_page, require_move

DECLARATION = workflow.DECLARATION

State = Declaration.State
ROWS_PER_PAGE = 50
GUIDANCE = {"what_counts": WHAT_COUNTS, "what_does_not_count": WHAT_DOES_NOT_COUNT, "if_in_doubt": IF_IN_DOUBT}


def _declarer(request) -> Person:
    """The signed-in person, if they are someone who declares (a councillor or officer)."""
    if not policies.declares(standing(request)):
        raise Http404("Only councillors and officers make declarations.")
    return request.user


def _page(request, rows):
    return Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))


def _seen(request, declaration_id: int):
    """The declaration as the viewer may see it (in full, or the other person's narrow view); else
    "not found" (``DomainErrorMiddleware``)."""
    return reads.declaration_for(request.user, declaration_id, standing=standing(request))


def _gate(request, declaration_id: int, move: str) -> Declaration:
    """The declaration, if the viewer may make ``move`` on it now; otherwise the page says why not
    (as the service would: ``workflow.require``), or "not found" if they may not know it exists."""
    seen = _seen(request, declaration_id)
    record = seen if isinstance(seen, Declaration) else reads.declaration_record(declaration_id)
    require_move(request, DECLARATION, move, record)
    return record


# --- The declarant's pages ----------------------------------------------------------------------


@login_required
def mine(request):
    """The declarant's own declarations, with status tags, and their re-confirmation."""
    viewer = _declarer(request)
    page = _page(request, reads.declarations_made_by(viewer))
    return render(
        request,
        "register/declarations/mine.html",
        {
            "page": page,
            "rows": _rows(request, page),
            "may_declare": workflow.is_allowed(DECLARATION, workflow.DECLARE, None, standing(request)),
            "confirmation": reads.confirmation_status(viewer),
        },
    )


@login_required
def declare(request):
    """Declare a relationship, with the B2 guidance on the form. Reached from a declaration naming
    the viewer ("in-reply-to"), the other person and the kind are filled in, and the service links
    the two declarations."""
    require_move(request, DECLARATION, workflow.DECLARE, None)  # who may declare is the workflow's (B1, B6)
    viewer = request.user
    on = selectors.today()
    replying_to = _replying_to(request, request.GET.get("in-reply-to"))
    other_people = (
        selectors.people_search(kind=Person.Kind.OFFICER if viewer.is_member else Person.Kind.MEMBER, on=on)
        .exclude(pk=viewer.pk)
        .order_by("last_name", "first_name", "pk")
    )
    # The reviewers offered whoever the other person is (the service re-checks with them named).
    routes = reads.declaration_routes(viewer, viewer, on)
    initial = {"other_person": replying_to.declarant.pk, "kind": replying_to.kind} if replying_to else {}
    form = DeclarationForm(
        request.POST or None, declarant=viewer, other_people=other_people, routes=routes, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.declaration_submit(
                actor=viewer, reason="Declared in the register", **form.cleaned_data
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, f"Your declaration has gone to {declaration.reviewer} for review.")
            return redirect("declarations:detail", declaration.pk)
    return form_page(
        request,
        "register/declarations/declare.html",
        {"routes": routes, "replying_to": replying_to, **GUIDANCE},
        form=form,
    )


def _replying_to(request, declaration_id: str | None):
    """The declaration naming the viewer that they answer with their own, if they came from one."""
    if not declaration_id:
        return None
    if not declaration_id.isdigit() or len(declaration_id) > 18:
        raise Http404("There is no such declaration.")
    seen = _seen(request, int(declaration_id))
    if not isinstance(seen, reads.NamedDeclaration):
        raise Http404("That declaration does not name you.")
    return seen


@login_required
def detail(request, declaration_id: int):
    """One declaration: in full for its declarant, reviewer, the Monitoring Officer and auditors;
    for the other person, only who declared it, its kind and whether it stands."""
    seen = _seen(request, declaration_id)
    # Found visible: the person it names opening the narrow view is a read too (issue 20).
    record_read(reader=request.user, record_kind="declaration", record_id=seen.pk, via="page declarations:detail")
    if isinstance(seen, reads.NamedDeclaration):
        return render(request, "register/declarations/named.html", {"named": seen})
    counterpart = seen.counterpart
    counterpart_visible = counterpart is not None and DECLARATION.sees(standing(request), counterpart)
    return render(
        request,
        "register/declarations/detail.html",
        {
            "declaration": seen,
            "counterpart_visible": counterpart_visible,
            "actions": _actions(request, seen),
        },
    )


def _actions(request, declaration: Declaration) -> dict[str, bool]:
    """Which of a declaration's action links and buttons to show: each exactly when the workflow
    allows the viewer its move now."""
    moves = set(workflow.allowed_moves(DECLARATION, declaration, standing(request)))
    return {
        "review": workflow.REVIEW in moves,
        "acknowledge": workflow.ACKNOWLEDGE in moves,
        "end": workflow.END in moves,
        "withdraw": workflow.WITHDRAW_DECLARATION in moves,
    }


def _rows(request, page) -> list[tuple[Declaration, dict[str, bool]]]:
    """A page of declarations, each with what the viewer may do with it (no query: the selectors
    join the people the workflow reads)."""
    return [(declaration, _actions(request, declaration)) for declaration in page]


@login_required
@require_POST
def acknowledge(request, declaration_id: int):
    """The declarant acknowledges the advice and the action agreed: one button on the declaration."""
    declaration = _gate(request, declaration_id, workflow.ACKNOWLEDGE)
    services.declaration_acknowledge(
        actor=request.user, reason="Advice acknowledged in the register", declaration=declaration
    )
    messages.success(request, "You have acknowledged the advice and the action agreed.")
    return redirect("declarations:detail", declaration_id)


@login_required
def end(request, declaration_id: int):
    """The relationship has ended: the declaration stays on the register with its end date."""
    viewer = request.user
    declaration = _gate(request, declaration_id, workflow.END)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_end(
                actor=viewer,
                reason="Relationship ended, recorded in the register",
                declaration=declaration,
                ended_on=form.cleaned_data["ended_on"],
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(request, "The declaration now shows that the relationship has ended.")
            return redirect("declarations:detail", declaration_id)
    return form_page(request, "register/declarations/end.html", {"declaration": declaration}, form=form)


@login_required
def withdraw(request, declaration_id: int):
    """A declaration made in error is withdrawn (never deleted), after the declarant confirms."""
    viewer = request.user
    declaration = _gate(request, declaration_id, workflow.WITHDRAW_DECLARATION)
    if request.method == "POST":
        services.declaration_withdraw(
            actor=viewer, reason="Withdrawn in the register: made in error", declaration=declaration
        )
        messages.success(request, "Your declaration is withdrawn. It stays on the register, marked as made in error.")
        return redirect("declarations:detail", declaration_id)
    return render(request, "register/declarations/withdraw.html", {"declaration": declaration})


@login_required
def confirm(request):
    """The periodic re-confirmation (B6): "my declarations are current", or "nothing to declare"."""
    viewer = _declarer(request)
    status = reads.confirmation_status(viewer)
    if status is None:
        raise Http404("Only current councillors and officers confirm their declarations.")
    form = ConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirm_with = (
            services.declarations_nothing_to_declare
            if form.cleaned_data["answer"] == ConfirmationForm.NOTHING
            else services.declarations_reconfirm
        )
        try:
            confirmation = confirm_with(actor=viewer, reason="Confirmed in the register")
        except RuleViolation as error:
            form.refuse(error)
        else:
            next_due = confirmation.confirmed_on + reads.confirmation_period()
            messages.success(
                request, f"Thank you: your confirmation is recorded. The next is due by {next_due:%-d %B %Y}."
            )
            return redirect("declarations:mine")
    return form_page(request, "register/declarations/confirm.html", {"confirmation": status, **GUIDANCE}, form=form)


# --- The other person's page --------------------------------------------------------------------


@login_required
def naming_you(request):
    """Declarations by others that name the viewer: who, what kind, whether it stands, and a
    one-step "make your own declaration" that links the two (B1)."""
    viewer = _declarer(request)
    return render(
        request,
        "register/declarations/naming_you.html",
        {
            "page": _page(request, reads.declarations_naming(viewer)),
        },
    )


# --- Reviewers and overseers --------------------------------------------------------------------


@login_required
def to_review(request):
    """The reviewer's list: declarations routed to them, those awaiting review first (B3, B4)."""
    viewer = request.user
    if not policies.has_declarations_to_review(standing(request)):
        raise Http404("You review no declarations.")
    page = _page(request, reads.declarations_to_review(viewer))
    return render(request, "register/declarations/to_review.html", {"page": page, "rows": _rows(request, page)})


@login_required
def review(request, declaration_id: int):
    """The reviewer records advice and the action agreed; revising it asks for a new acknowledgement."""
    viewer = request.user
    declaration = _gate(request, declaration_id, workflow.REVIEW)
    initial = {
        "advice": declaration.advice,
        "action_agreed": declaration.action_agreed,
        "action_detail": declaration.action_detail,
    }
    form = ReviewForm(request.POST or None, initial=initial if declaration.reviewed_at else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.declaration_review(
                actor=viewer, reason="Reviewed in the register", declaration=declaration, **form.cleaned_data
            )
        except RuleViolation as error:
            form.refuse(error)
        else:
            messages.success(
                request, f"Your advice is recorded and {declaration.declarant} is asked to acknowledge it."
            )
            return redirect("declarations:to-review")
    return form_page(request, "register/declarations/review.html", {"declaration": declaration}, form=form)


@login_required
def not_confirmed(request):
    """Who has not re-confirmed by their due date, among those the viewer watches (B6)."""
    viewer = request.user
    on = selectors.today()
    if not policies.watches_confirmations(standing(request)):
        raise Http404("You do not watch anyone's confirmations.")
    page = _page(request, reads.confirmations_outstanding(viewer, on=on, standing=standing(request)))
    rows = [(person, reads.confirmation_due_on(person)) for person in page]
    return render(request, "register/declarations/not_confirmed.html", {"page": page, "rows": rows, "today": on})


@login_required
def register_of_declarations(request):
    """Every declaration, for the Monitoring Officer and auditors (less any naming themselves)."""
    viewer = request.user
    on = selectors.today()
    if not policies.oversees_declarations(standing(request)):
        raise Http404("Only the Monitoring Officer and auditors see every declaration.")
    page = _page(request, reads.declarations_visible_to(viewer, on=on, standing=standing(request)))
    return render(request, "register/declarations/all.html", {"page": page, "rows": _rows(request, page)})
