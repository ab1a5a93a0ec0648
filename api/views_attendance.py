"""The attendance API (A1-A13): the same selectors, policies and services as the pages.

Each view validates its input with a serializer, loads through a selector scoped to the caller,
calls one service and answers with an output serializer; each move of the workflow is its own
POST action. A request the caller may not see is 404. Another group's agreed briefing is shown to
a group leader only as its facts (A8, A9): group, officers, date and subject.
"""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api import filters
from api import serializers_attendance as io
from api.views import ReadOnlyViewSet
from register import selectors
from register.errors import NotFound, RuleViolation
from register.forms_published import PublishedRegisterFilter
from register.models import AttendanceRequest, GroupMeeting, InformationCopy, InformationProvided, Person
from register.services import attendance as services
from register.services.attendance import MeetingDetails

DETAIL = PolymorphicProxySerializer(
    component_name="AttendanceRequestAsSeen",
    serializers={"full": io.AttendanceRequestSerializer, "briefing": io.BriefingSerializer},
    resource_type_field_name="view",
)
REQUEST_RESPONSES = {200: io.AttendanceRequestSerializer}
# The published register's filters, as query parameters (register/forms_published.py).
FILTERS = ("group", "directorate", "start", "end")


def _meeting(data: dict | None) -> MeetingDetails | None:
    return MeetingDetails(**data) if data is not None else None


def _councillor(person_id: int) -> Person:
    person = selectors.people_search().filter(pk=person_id).first()
    if person is None:
        raise RuleViolation("There is no councillor with this id.", field="asked_by")
    return person


def _valid(serializer_class, request):
    given = serializer_class(data=request.data)
    given.is_valid(raise_exception=True)
    return given.validated_data


class AttendanceRequestViewSet(viewsets.GenericViewSet):
    """Requests for officers to brief political group meetings (A1-A13)."""

    serializer_class = io.AttendanceRequestSerializer
    filterset_class = filters.AttendanceRequestFilter
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AttendanceRequest.objects.none()
        return selectors.attendance_requests_visible_to(selectors.standing_for_request(self.request))

    def _request(self, pk) -> AttendanceRequest:
        return selectors.attendance_request_for(viewer=selectors.standing_for_request(self.request), pk=int(pk))

    def _answer(self, attendance_request: AttendanceRequest, *, created: bool = False) -> Response:
        # Read again through the selector: the caller's view of the request after the move, joined.
        shown = selectors.attendance_request_for(
            viewer=selectors.standing_for_request(self.request), pk=attendance_request.pk
        )
        return Response(
            io.AttendanceRequestSerializer(shown, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _page(self, rows, serializer_class):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )

    # --- Reading -----------------------------------------------------------------------------------

    @extend_schema(
        summary="Requests the caller may read in full",
        description="Their group's, those naming them, or every request for the Chief Executive and "
        "Deputy, the Monitoring Officer and auditors.",
    )
    def list(self, request):
        return self._page(self.filter_queryset(self.get_queryset()), io.AttendanceRequestSerializer)

    @extend_schema(
        summary="One request, as the caller may see it",
        responses=DETAIL,
        description="In full ('view': 'full') for those who may see the request; for another group's "
        "leader, an agreed briefing's facts only ('view': 'briefing': A8, A9); 404 otherwise.",
    )
    def retrieve(self, request, pk=None):
        try:
            return Response(
                io.AttendanceRequestSerializer(self._request(pk), context=self.get_serializer_context()).data
            )
        except NotFound:
            seen = selectors.other_group_briefing_for(viewer=selectors.standing_for_request(request), pk=int(pk))
            return Response(io.BriefingSerializer(seen).data)

    @extend_schema(
        summary="The Chief Executive's decision queue: awaiting a decision, urgent first, then by meeting (A2, A12)",
        responses=io.AttendanceRequestSerializer(many=True),
        description="For the Chief Executive and Deputy, the Monitoring Officer and auditors; 404 for "
        "anyone else. Urgent requests (the meeting is sooner than the normal deadline) come first, then the "
        "soonest meeting. Each row shows its precedent (A3), whether it is urgent and whether it is overdue.",
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def queue(self, request):
        return self._page(
            selectors.attendance_decision_queue(viewer=selectors.standing_for_request(request)),
            io.AttendanceRequestSerializer,
        )

    @extend_schema(
        summary="Other groups' agreed briefings: group, officers, date, subject (A8, A9)",
        responses=io.BriefingSerializer(many=True),
        description="For group leaders (and the overseers); 'offered' marks those the caller's group may "
        "take up in one step (A3). 404 for anyone else.",
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def briefings(self, request):
        return self._page(
            selectors.briefings_for_other_groups(viewer=selectors.standing_for_request(request)), io.BriefingSerializer
        )

    # --- Asking: submit, refer (A1), take up an equivalent (A3) -----------------------------------

    @extend_schema(
        summary="Submit a request to the Chief Executive (a group leader or deputy; A1)",
        request=io.SubmitSerializer,
        responses={201: io.AttendanceRequestSerializer},
    )
    def create(self, request):
        data = _valid(io.SubmitSerializer, request)
        created = services.attendance_request_submit(
            actor=request.user,
            reason=data["reason"] or "Submitted through the API",
            meeting=_meeting(data["meeting"]),
            officers=data["officers"],
            subject=data["subject"],
            scope=data["scope"],
            needs_confidential_information=data["needs_confidential_information"],
        )
        return self._answer(created, created=True)

    @extend_schema(
        summary="Refer a request made to the caller directly to the Chief Executive (an officer; A1)",
        request=io.ReferSerializer,
        responses={201: io.AttendanceRequestSerializer},
    )
    @action(detail=False, methods=["post"])
    def refer(self, request):
        data = _valid(io.ReferSerializer, request)
        created = services.attendance_request_refer(
            actor=request.user,
            reason=data["reason"] or "Referred through the API",
            asked_by=_councillor(data["asked_by"]),
            meeting=_meeting(data["meeting"]),
            officers=data["officers"],
            subject=data["subject"],
            scope=data["scope"],
            needs_confidential_information=data["needs_confidential_information"],
        )
        return self._answer(created, created=True)

    @extend_schema(
        summary="Take up an equivalent of another group's approved briefing, in one step (A3)",
        request=io.TakeUpSerializer,
        responses={201: io.AttendanceRequestSerializer},
    )
    @action(detail=True, methods=["post"], url_path="take-up-equivalent", url_name="take-up-equivalent")
    def take_up_equivalent(self, request, pk=None):
        data = _valid(io.TakeUpSerializer, request)
        original = selectors.briefing_to_take_up(viewer=selectors.standing_for_request(request), pk=int(pk))
        created = services.attendance_request_take_up_equivalent(
            actor=request.user,
            reason=data["reason"] or "Equivalent taken up through the API (A3)",
            original=original,
            meeting=_meeting(data["meeting"]),
            scope=data["scope"],
            needs_confidential_information=data["needs_confidential_information"],
        )
        return self._answer(created, created=True)

    # --- Deciding (A2, A3) and calling off ---------------------------------------------------------

    @extend_schema(
        summary="Approve (the acting Chief Executive; A2)", request=io.ApproveSerializer, responses=REQUEST_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = _valid(io.ApproveSerializer, request)
        return self._answer(
            services.attendance_request_approve(
                request=self._as_read(pk, data), actor=request.user, reason=data["reason"]
            )
        )

    @extend_schema(
        summary="Refuse, with a reason (the acting Chief Executive; A2, A3)",
        request=io.RefuseSerializer,
        responses=REQUEST_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        data = _valid(io.RefuseSerializer, request)
        return self._answer(
            services.attendance_request_refuse(
                request=self._as_read(pk, data), actor=request.user, reason=data["reason"]
            )
        )

    def _as_read(self, pk, data) -> AttendanceRequest:
        """The request as the decision-maker read it: the service refuses a decision on an older
        round of the brief than the stored one (a Conflict)."""
        found = self._request(pk)
        if data.get("round") is not None:
            found.round = data["round"]
        return found

    @extend_schema(
        summary="Withdraw the request (the group), with a reason",
        request=io.ReasonSerializer,
        responses=REQUEST_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = _valid(io.ReasonSerializer, request)
        return self._answer(
            services.attendance_request_withdraw(request=self._request(pk), actor=request.user, reason=data["reason"])
        )

    @extend_schema(
        summary="Cancel an agreed briefing before the meeting (the acting Chief Executive; A2)",
        request=io.ReasonSerializer,
        responses=REQUEST_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = _valid(io.ReasonSerializer, request)
        return self._answer(
            services.attendance_request_cancel(request=self._request(pk), actor=request.user, reason=data["reason"])
        )

    @extend_schema(
        summary="Amend the brief or the meeting: back to the Chief Executive for a decision (A5)",
        request=io.AmendSerializer,
        responses=REQUEST_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="amend-brief", url_name="amend-brief")
    def amend_brief(self, request, pk=None):
        data = _valid(io.AmendSerializer, request)
        return self._answer(
            services.attendance_request_amend_brief(
                request=self._request(pk),
                actor=request.user,
                reason=data["reason"],
                subject=data.get("subject"),
                scope=data.get("scope"),
                needs_confidential_information=data.get("needs_confidential_information"),
                meeting=_meeting(data.get("meeting")),
            )
        )

    @extend_schema(
        summary="Close the record of a briefing after its meeting (the Chief Executive or the group)",
        request=io.ReasonSerializer,
        responses=REQUEST_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = _valid(io.ReasonSerializer, request)
        return self._answer(
            services.attendance_request_close(request=self._request(pk), actor=request.user, reason=data["reason"])
        )

    @extend_schema(
        summary="Correct the published register's entry for this briefing (the acting Chief Executive; A2, A8)",
        request=io.PublishedEntryCorrectionSerializer,
        responses=io.PublicBriefingSerializer,
        description="The date and subject the public entry shows from now on, with a reason that is published with "
        "it (the page, the CSV, the JSON and the Atom feed). The briefing's own record is unchanged.",
    )
    @action(detail=True, methods=["post"], url_path="correct-published-entry", url_name="correct-published-entry")
    def correct_published_entry(self, request, pk=None):
        data = _valid(io.PublishedEntryCorrectionSerializer, request)
        corrected = services.published_entry_correct(request=self._request(pk), actor=request.user, **data)
        [entry] = selectors.published_entries(selectors.published_briefings().filter(pk=corrected.request_id))
        return Response(io.PublicBriefingSerializer(entry).data)

    # --- The officers: respond (A4), attest or report (A6, A13), information (A7, A10) ----------------

    @extend_schema(
        summary="Accept or decline (an officer named in the request; A4)",
        request=io.RespondSerializer,
        responses=io.InvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        data = _valid(io.RespondSerializer, request)
        invitation = services.attendance_invitation_respond(
            request=self._request(pk), actor=request.user, accept=data["accept"], reason=data["note"]
        )
        return Response(io.InvitationSerializer(invitation, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Record attendance, and attest (A6) or report what happened (A13): an officer who attended",
        request=io.AttendInSerializer,
        responses={201: io.AttendanceRecordSerializer},
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        data = _valid(io.AttendInSerializer, request)
        record = services.attendance_record_attendance(request=self._request(pk), actor=request.user, **data)
        return Response(io.AttendanceRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record information given to the group (a named officer; A7, A10)",
        request=io.InformationInSerializer,
        responses={201: io.InformationProvidedSerializer},
    )
    @action(detail=True, methods=["post"])
    def information(self, request, pk=None):
        data = _valid(io.InformationInSerializer, request)
        information = services.attendance_information_record(request=self._request(pk), actor=request.user, **data)
        return Response(
            io.InformationProvidedSerializer(information, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class MeetingViewSet(ReadOnlyViewSet):
    """Group meetings of the requests the caller may see in full."""

    serializer_class = io.MeetingSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GroupMeeting.objects.none()
        return selectors.group_meetings_visible_to(selectors.standing_for_request(self.request))


class InformationViewSet(viewsets.GenericViewSet):
    """Information officers gave at briefings, for those who may see the request (A10)."""

    serializer_class = io.InformationProvidedSerializer
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"
    filter_backends = []

    def get_queryset(self):
        return InformationProvided.objects.none()  # each route loads through its own selector

    def _information(self, pk) -> InformationProvided:
        return selectors.information_provided_for(viewer=selectors.standing_for_request(self.request), pk=int(pk))

    @extend_schema(summary="One piece of information given at a briefing")
    def retrieve(self, request, pk=None):
        return Response(
            io.InformationProvidedSerializer(self._information(pk), context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Mark it likely to be cited: a copy goes to every group (A10)",
        request=io.MarkCitedSerializer,
        responses=io.InformationProvidedSerializer,
    )
    @action(detail=True, methods=["post"], url_path="likely-to-be-cited", url_name="likely-to-be-cited")
    def likely_to_be_cited(self, request, pk=None):
        data = _valid(io.MarkCitedSerializer, request)
        information = services.attendance_information_mark_likely_to_be_cited(
            information=self._information(pk), actor=request.user, **data
        )
        return Response(io.InformationProvidedSerializer(information, context=self.get_serializer_context()).data)


class InformationSharedView(GenericAPIView):
    """Copies of information sent to the caller's group because it is likely to be cited (A10);
    every copy, for the overseers. 404 for anyone who leads no group."""

    serializer_class = io.InformationCopySerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InformationCopy.objects.none()
        return selectors.information_shared_with(viewer=selectors.standing_for_request(self.request))

    @extend_schema(
        summary="Information shared with every group (A10)", responses=io.InformationCopySerializer(many=True)
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(io.InformationCopySerializer(page, many=True).data)


class ParityReportView(GenericAPIView):
    """Per group, the requests made in a period and what became of them (A3, A11)."""

    serializer_class = io.ParityRowSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="The parity report, per group, for a period (A11)",
        parameters=[io.PeriodSerializer],
        responses=io.ParityRowSerializer(many=True),
        description="For the Chief Executive and Deputy, the Monitoring Officer and auditors; 404 otherwise.",
    )
    def get(self, request):
        given = io.PeriodSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        rows = selectors.attendance_parity_report(
            viewer=selectors.standing_for_request(request), **given.validated_data
        )
        return Response(io.ParityRowSerializer(rows, many=True).data)


class PublicAttendanceRegisterView(GenericAPIView):
    """The published register of officer attendance: no sign-in. The same entries and filters as the
    page, its CSV and its Atom feed (docs/open-data.md)."""

    serializer_class = io.PublicBriefingSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    filter_backends = []
    public = True

    @extend_schema(
        summary="The public register of officer attendance at group meetings",
        parameters=[io.PublicRegisterFilterSerializer],
        responses=io.PublicBriefingSerializer(many=True),
        description=(
            "Open data under the Open Government Licence v3.0 unless the council names another "
            "(OPEN_DATA_LICENCE_NAME/URL). The same entries, with the same filters, as CSV at "
            "/register-of-attendance/officer-attendance.csv and as an Atom feed of new and corrected entries at "
            "/register-of-attendance/feed.atom: their fields are documented in docs/open-data.md. Nonsense filters, "
            "and a page past the last, are refused with 400 naming the filter."
        ),
    )
    def get(self, request):
        # A parameter given empty is refused, not taken as left out: a script that meant a date is told.
        empty = {
            name: ["Enter a value, or leave this out."] for name in FILTERS if request.query_params.get(name) == ""
        }
        if empty:
            raise ValidationError(empty)
        # The shape first (whole numbers, ISO dates: "invalid"), then what the schema cannot say (a group or
        # directorate that exists, an end after the start, a page that exists): refused naming the filter.
        io.PublicRegisterFilterSerializer(data=request.query_params).is_valid(raise_exception=True)
        form = PublishedRegisterFilter({name: request.query_params.get(name) for name in FILTERS})
        if not form.is_valid():
            field, message = form.error_list()[0]
            raise RuleViolation(message, field=field)
        try:
            page = self.paginate_queryset(selectors.published_briefings(**form.filters))
        except DRFNotFound:
            raise RuleViolation("There is no such page: the pages run from 1 to the last.", field="page") from None
        entries = io.PublicBriefingSerializer(selectors.published_entries(page), many=True).data
        response = self.get_paginated_response(entries)
        # As the page, the CSV and the Atom feed: public data, fresh enough for five minutes (docs/open-data.md).
        response["Cache-Control"] = "public, max-age=300"
        return response
