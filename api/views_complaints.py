"""The Code of Conduct complaints API (D4): the same selectors, policies and services as the pages.

A complaint the caller may not see is 404; one they may see but not act on is 403, in the service's
words; a move its state does not allow (a decision before the Independent Person's view) is 409.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api import serializers_complaints as out
from register import selectors
from register.errors import RuleViolation
from register.models import Organization, Person
from register.models.conduct import Complaint
from register.selectors import complaints as reads
from register.services.audit.access_log import record_read
from register.services.conduct import complaints as services

ACTION_RESPONSES = {200: out.ComplaintSerializer}


def _person(person_id: int | None, *, field: str) -> Person | None:
    if person_id is None:
        return None
    person = selectors.people_search().filter(pk=person_id).first()
    if person is None:
        raise RuleViolation("There is no person with this id.", field=field)
    return person


def _organization(organization_id: int | None) -> Organization | None:
    if organization_id is None:
        return None
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise RuleViolation("There is no council with this id.", field="local_council")
    return organization


class ComplaintViewSet(viewsets.GenericViewSet):
    """Code of Conduct complaints about members (D4)."""

    serializer_class = out.ComplaintSerializer
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Complaint.objects.none()
        return reads.complaints_visible_to(self.request.user, standing=selectors.standing_for_request(self.request))

    def _full(self, complaint: Complaint) -> dict:
        fresh = reads.complaint_for(
            self.request.user, complaint.pk, standing=selectors.standing_for_request(self.request)
        )
        return out.ComplaintSerializer(fresh, context=self.get_serializer_context()).data

    def _complaint(self, pk) -> Complaint:
        return reads.complaint_for(self.request.user, int(pk), standing=selectors.standing_for_request(self.request))

    @extend_schema(
        summary="Complaints the caller may see",
        description="All for the Monitoring Officer, deputy and auditors; for an Independent Person, those on "
        "which they are consulted; for a councillor, those about them that they have been told of. Newest first.",
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            out.ComplaintSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(summary="One complaint, as the caller may see it")
    def retrieve(self, request, pk=None):
        complaint = self._complaint(pk)
        record_read(
            reader=request.user, record_kind="complaint", record_id=complaint.pk, via="api GET /api/complaints/{id}/"
        )
        return Response(self._full(complaint))

    @extend_schema(
        summary="Record a complaint (the Monitoring Officer or deputy; D4)",
        request=out.ComplaintCreateSerializer,
        responses={201: out.ComplaintSerializer},
    )
    def create(self, request):
        given = out.ComplaintCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        complaint = services.complaint_record(
            actor=request.user,
            reason="Complaint recorded through the API",
            reference=data["reference"],
            reported_with=data.get("reported_with", ""),
            received_on=data["received_on"],
            member=_person(data.get("member"), field="member"),
            local_council=_organization(data.get("local_council")),
            councillor_name=data.get("councillor_name", ""),
            complainant_type=data["complainant_type"],
            complainant_name=data["complainant_name"],
            complainant_contact=data.get("complainant_contact", ""),
            nature_kind=data["nature_kind"],
            nature=data["nature"],
            details=data.get("details", ""),
        )
        return Response(self._full(complaint), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Ask an Independent Person for their view (D4)",
        request=out.ConsultSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def consult(self, request, pk=None):
        given = out.ConsultSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = self._complaint(pk)
        services.complaint_consult(
            actor=request.user,
            reason="Independent Person consulted through the API",
            complaint=complaint,
            independent_person=_person(given.validated_data["independent_person"], field="independent_person"),
            question=given.validated_data.get("question", ""),
        )
        return Response(self._full(complaint))

    @extend_schema(
        summary="Give your view (the Independent Person asked; D4)",
        request=out.ViewSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="view", url_name="view")
    def give_view(self, request, pk=None):
        given = out.ViewSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = self._complaint(pk)
        services.consultation_give_view(
            actor=request.user,
            reason="View given through the API",
            complaint=complaint,
            view=given.validated_data["view"],
        )
        return Response(self._full(complaint))

    @extend_schema(
        summary="Record the decision and its date (after the Independent Person's view; D4)",
        request=out.DecideSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        given = out.DecideSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = self._complaint(pk)
        services.complaint_decide(
            actor=request.user,
            reason="Decision recorded through the API",
            complaint=complaint,
            decision=given.validated_data["decision"],
            decision_reason=given.validated_data.get("decision_reason", ""),
            decided_on=given.validated_data["decided_on"],
        )
        return Response(self._full(complaint))

    @extend_schema(summary="Tell the councillor complained about (D4)", request=None, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"], url_path="tell-member", url_name="tell-member")
    def tell_member(self, request, pk=None):
        complaint = self._complaint(pk)
        services.complaint_tell_member(
            actor=request.user, reason="Councillor told through the API", complaint=complaint
        )
        return Response(self._full(complaint))

    @extend_schema(
        summary="Record training needs and actions outstanding (D5)",
        request=out.ActionsSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="training-and-actions", url_name="training-and-actions")
    def training_and_actions(self, request, pk=None):
        given = out.ActionsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = self._complaint(pk)
        services.complaint_record_actions(
            actor=request.user,
            reason="Training needs and actions recorded through the API",
            complaint=complaint,
            training_needs=given.validated_data.get("training_needs", ""),
            actions_outstanding=given.validated_data.get("actions_outstanding", ""),
        )
        return Response(self._full(complaint))

    @extend_schema(summary="Close a determined complaint (D4, D5)", request=None, responses=ACTION_RESPONSES)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        complaint = self._complaint(pk)
        services.complaint_close(actor=request.user, reason="Complaint closed through the API", complaint=complaint)
        return Response(self._full(complaint))

    @extend_schema(
        summary="Record that the complainant withdrew the complaint (nothing is deleted)",
        request=out.WithdrawSerializer,
        responses=ACTION_RESPONSES,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        given = out.WithdrawSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        complaint = self._complaint(pk)
        services.complaint_withdraw(actor=request.user, reason=given.validated_data["reason"], complaint=complaint)
        return Response(self._full(complaint))
