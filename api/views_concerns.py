"""The concerns API (D1-D3, D6): the same selectors, policies and services as the pages.

A concern the caller may not know of is 404; one they may see but not act on is 403, in the
service's words. What each caller sees of a concern is the serializer's, from the policies.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api import serializers_concerns as out
from register import selectors
from register.errors import RuleViolation
from register.models import Concern, Person
from register.selectors import concerns as reads
from register.services.audit.access_log import record_read
from register.services.conduct import concerns as services

ACTION_RESPONSES = {200: out.ConcernSerializer}


def _person(person_id: int | None, *, field: str) -> Person | None:
    if person_id is None:
        return None
    person = selectors.people_search().filter(pk=person_id).first()
    if person is None:
        raise RuleViolation("There is no councillor or officer with this id.", field=field)
    return person


class ConcernViewSet(viewsets.GenericViewSet):
    """Concerns under the protocol on member/officer relations (D1-D3, D6)."""

    serializer_class = out.ConcernSerializer
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Concern.objects.none()
        return reads.concerns_visible_to(selectors.standing_for_request(self.request))

    def _concern(self, pk) -> Concern:
        return reads.concern_for(selectors.standing_for_request(self.request), int(pk))

    def _answer(self, concern: Concern, code: int = status.HTTP_200_OK) -> Response:
        # Read afresh through the selector: what the caller sees of it now, joined as the list is.
        return Response(
            out.ConcernSerializer(self._concern(concern.pk), context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        summary="Concerns the caller may know of",
        description="Those they raised, those they handle, those about them once they were told, every concern "
        "for the Monitoring Officer and auditors, and those from officers' reports after briefings (D6) for the "
        "Chief Executive or whoever acts for them.",
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            out.ConcernSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(summary="One concern, as the caller may see it")
    def retrieve(self, request, pk=None):
        concern = self._concern(pk)
        record_read(reader=request.user, record_kind="concern", record_id=concern.pk, via="api GET /api/concerns/{id}/")
        return Response(out.ConcernSerializer(concern, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Raise a concern (D1, D2, D3)",
        description="It goes where the council's protocol routes it on the day (settings.CONCERNS_PROTOCOL).",
        request=out.RaiseConcernSerializer,
        responses={201: out.ConcernSerializer},
    )
    def create(self, request):
        given = out.RaiseConcernSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        concern = services.concern_raise(
            actor=request.user,
            reason="Raised through the API",
            what_happened=data["what_happened"],
            happened_on=data["happened_on"],
            concerned_person=_person(data["concerned_person"], field="concerned_person"),
            information=data["information"],
            briefing=data["briefing"],
            declaration=data["declaration"],
            raiser_withheld=data["raiser_withheld"],
            handler=_person(data["handler"], field="handler"),
        )
        return self._answer(concern, status.HTTP_201_CREATED)

    @extend_schema(summary="Acknowledge it (the handler)", request=out.NoteSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        note = self._note(request)
        return self._answer(services.concern_acknowledge(concern=self._concern(pk), actor=request.user, reason=note))

    @extend_schema(summary="Look into it (the handler)", request=out.NoteSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="look-into", url_name="look-into")
    def look_into(self, request, pk=None):
        note = self._note(request)
        return self._answer(services.concern_look_into(concern=self._concern(pk), actor=request.user, reason=note))

    @extend_schema(
        summary="Tell the person concerned (the handler; a reason is required)",
        request=out.NoteSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def tell(self, request, pk=None):
        note = self._note(request)
        return self._answer(
            services.concern_tell_concerned_person(concern=self._concern(pk), actor=request.user, reason=note)
        )

    @extend_schema(
        summary="Raise it with the member or group leader (the handler; D2)",
        request=out.RaisedWithSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="raise-with-member", url_name="raise-with-member")
    def raise_with_member(self, request, pk=None):
        given = out.RaisedWithSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return self._answer(
            services.concern_raise_with_member(
                concern=self._concern(pk), actor=request.user, raised_with=given.validated_data["raised_with"]
            )
        )

    @extend_schema(
        summary="Resolve it informally (the handler; say how)", request=out.NoteSerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        note = self._note(request)
        return self._answer(
            services.concern_resolve_informally(concern=self._concern(pk), actor=request.user, reason=note)
        )

    @extend_schema(summary="Refer it on (the handler)", request=out.ReferOnSerializer, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="refer-on", url_name="refer-on")
    def refer_on(self, request, pk=None):
        given = out.ReferOnSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return self._answer(
            services.concern_refer_on(
                concern=self._concern(pk), actor=request.user, referred_to=given.validated_data["referred_to"]
            )
        )

    @extend_schema(
        summary="Close it with an outcome (the handler)", request=out.CloseConcernSerializer, responses=ACTION_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        given = out.CloseConcernSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return self._answer(
            services.concern_close(concern=self._concern(pk), actor=request.user, **given.validated_data)
        )

    @extend_schema(
        summary="Withdraw it (who raised it; nothing is deleted)",
        request=out.NoteSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        note = self._note(request)
        return self._answer(services.concern_withdraw(concern=self._concern(pk), actor=request.user, reason=note))

    def _note(self, request) -> str:
        given = out.NoteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        return given.validated_data["reason"]
