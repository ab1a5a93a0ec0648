"""The declarations API (B1-B7): the same selectors, policies and services as the pages.

Each view validates its input with a serializer, loads through a selector scoped to the caller,
calls one service and answers with an output serializer. A declaration the caller may not see is
404; one they may see but not act on is 403, in the service's words.
"""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api import filters
from api import serializers_declarations as out
from register import policies, selectors
from register.errors import NotFound, RuleViolation
from register.models import Declaration, Person
from register.selectors import declarations as reads
from register.services import declarations as services
from register.services.audit.access_log import record_read

DETAIL = PolymorphicProxySerializer(
    component_name="DeclarationAsSeen",
    serializers={"full": out.DeclarationSerializer, "named": out.NamedDeclarationSerializer},
    resource_type_field_name="view",
)
ACTION_RESPONSES = {200: out.DeclarationSerializer}


def _person(person_id: int, *, field: str) -> Person:
    """A councillor or officer named in a request; anyone else is refused naming the field."""
    person = selectors.people_search().filter(pk=person_id).first()
    if person is None:
        raise RuleViolation("There is no councillor or officer with this id.", field=field)
    return person


class DeclarationViewSet(viewsets.GenericViewSet):
    """Relationship declarations between councillors and officers (B1-B7)."""

    serializer_class = out.DeclarationSerializer
    filterset_class = filters.DeclarationFilter
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Declaration.objects.none()
        return reads.declarations_visible_to(self.request.user)

    def _answer(self, rows, serializer_class):
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )

    def _full(self, declaration: Declaration) -> dict:
        return out.DeclarationSerializer(declaration, context=self.get_serializer_context()).data

    def _declaration(self, pk) -> Declaration | reads.NamedDeclaration:
        return reads.declaration_for(self.request.user, int(pk))

    @extend_schema(
        summary="Declarations the caller may read in full",
        description="Their own, those routed to them for review, and, for the Monitoring Officer and "
        "auditors, every declaration that does not name them.",
    )
    def list(self, request):
        return self._answer(self.filter_queryset(self.get_queryset()), out.DeclarationSerializer)

    @extend_schema(
        summary="One declaration, as the caller may see it",
        responses=DETAIL,
        description="In full ('view': 'full') for its declarant, reviewer, the Monitoring Officer and "
        "auditors; the narrow view ('view': 'named') for the person it names; 404 for anyone else.",
    )
    def retrieve(self, request, pk=None):
        seen = self._declaration(pk)
        record_read(
            reader=request.user, record_kind="declaration", record_id=seen.pk, via="api GET /api/declarations/{id}/"
        )
        if isinstance(seen, reads.NamedDeclaration):
            return Response(out.NamedDeclarationSerializer(seen).data)
        return Response(self._full(seen))

    @extend_schema(
        summary="Declare a relationship (B1)", request=out.DeclareSerializer, responses={201: out.DeclarationSerializer}
    )
    def create(self, request):
        given = out.DeclareSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        declaration = services.declaration_submit(
            actor=request.user,
            reason="Declared through the API",
            other_person=_person(data["other_person"], field="other_person"),
            reviewer=_person(data["reviewer"], field="reviewer") if data["reviewer"] is not None else None,
            kind=data["kind"],
            family_relation=data["family_relation"],
            began_on=data["began_on"],
            description=data["description"],
        )
        return Response(self._full(declaration), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record advice and the action agreed (the reviewer; B3, B4, B5)",
        request=out.ReviewSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        given = out.ReviewSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        declaration = services.declaration_review(
            actor=request.user,
            reason="Reviewed through the API",
            declaration=self._declaration(pk),
            **given.validated_data,
        )
        return Response(self._full(declaration))

    @extend_schema(summary="Acknowledge the advice (the declarant)", request=None, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        declaration = services.declaration_acknowledge(
            actor=request.user, reason="Advice acknowledged through the API", declaration=self._declaration(pk)
        )
        return Response(self._full(declaration))

    @extend_schema(
        summary="The relationship has ended (the declarant)", request=out.EndSerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        given = out.EndSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        declaration = services.declaration_end(
            actor=request.user,
            reason="Relationship ended, recorded through the API",
            declaration=self._declaration(pk),
            ended_on=given.validated_data["ended_on"],
        )
        return Response(self._full(declaration))

    @extend_schema(
        summary="Withdraw a declaration made in error (the declarant; nothing is deleted)",
        request=None,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        declaration = services.declaration_withdraw(
            actor=request.user, reason="Withdrawn through the API: made in error", declaration=self._declaration(pk)
        )
        return Response(self._full(declaration))

    @extend_schema(
        summary="Declarations routed to the caller for review, awaiting advice first",
        responses=out.DeclarationSerializer(many=True),
        description="For those who review declarations (404 for anyone else, as on the pages).",
    )
    @action(detail=False, methods=["get"], url_path="to-review", url_name="to-review")
    def to_review(self, request):
        if not policies.has_declarations_to_review(selectors.standing_for_request(request)):
            raise NotFound("You review no declarations.")
        return self._answer(self.filter_queryset(reads.declarations_to_review(request.user)), out.DeclarationSerializer)

    @extend_schema(
        summary="Declarations by others that name the caller (the narrow view)",
        responses=out.NamedDeclarationSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="naming-me", url_name="naming-me", filter_backends=[])
    def naming_me(self, request):
        return self._answer(reads.declarations_naming(request.user), out.NamedDeclarationSerializer)

    @extend_schema(
        summary="Who has not re-confirmed by their due date, among those the caller oversees (B6)",
        responses=out.OutstandingConfirmationSerializer(many=True),
        description="The Monitoring Officer sees councillors; each Director their officers; the Chief "
        "Executive the Directors; auditors everyone. 404 for anyone else, as on the pages.",
    )
    @action(detail=False, methods=["get"], url_path="not-confirmed", url_name="not-confirmed", filter_backends=[])
    def not_confirmed(self, request):
        on = selectors.today()
        if not policies.watches_confirmations(selectors.standing_for_request(request)):
            raise NotFound("You do not oversee anyone's confirmations.")
        outstanding = reads.confirmations_outstanding(
            request.user, on=on, standing=selectors.standing_for_request(request)
        )
        page = self.paginate_queryset(outstanding)
        rows = [
            {
                "id": person.pk,
                "name": person.name,
                "kind": person.kind,
                "last_confirmed_on": person.last_confirmed_on,
                "due_on": reads.confirmation_due_on(person),
            }
            for person in page
        ]
        return self.get_paginated_response(out.OutstandingConfirmationSerializer(rows, many=True).data)

    @extend_schema(
        summary="The caller's re-confirmation: when last confirmed, when next due (B6)",
        responses=out.ConfirmationStatusSerializer,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def confirmation(self, request):
        status_now = reads.confirmation_status(request.user)
        if status_now is None:
            raise NotFound("Only current councillors and officers confirm their declarations.")
        return Response(out.ConfirmationStatusSerializer(status_now).data)

    @extend_schema(
        summary="Confirm that the caller's declarations are current and complete (B6)",
        request=None,
        responses={201: out.ConfirmationSerializer},
    )
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        return self._confirmed(services.declarations_reconfirm(actor=request.user, reason="Confirmed through the API"))

    @extend_schema(
        summary="Return 'nothing to declare', which counts as the caller's confirmation (B6)",
        request=None,
        responses={201: out.ConfirmationSerializer},
    )
    @action(detail=False, methods=["post"], url_path="nothing-to-declare", url_name="nothing-to-declare")
    def nothing_to_declare(self, request):
        return self._confirmed(
            services.declarations_nothing_to_declare(actor=request.user, reason="Nothing to declare, through the API")
        )

    def _confirmed(self, confirmation):
        data = {
            "id": confirmation.pk,
            "confirmed_on": confirmation.confirmed_on,
            "nothing_to_declare": confirmation.nothing_to_declare,
            "open_declarations": confirmation.open_declarations,
            "next_due_on": confirmation.confirmed_on + reads.confirmation_period(),
        }
        return Response(out.ConfirmationSerializer(data).data, status=status.HTTP_201_CREATED)
