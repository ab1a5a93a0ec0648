"""The retention API (issue 21): the schedule in force, legal holds and disposal runs, through the same
selectors, policies and services as the pages. To anyone who may not read them they are 404; a change by
anyone but the Monitoring Officer is 403; a period below the minimum is 400 naming ``months``."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api import serializers_retention as io
from register import selectors
from register.errors import NotFound
from register.policies.retention import reads_retention
from register.selectors import retention as reads
from register.selectors.retention_schedule import periods_in_force
from register.services import retention as services


def _viewer(request):
    viewer = selectors.standing_for_request(request)
    if not reads_retention(viewer):
        raise NotFound("There is no such page.")
    return viewer


class ScheduleView(GenericAPIView):
    serializer_class = io.PeriodSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(summary="The retention schedule in force (the Monitoring Officer, deputy, DPO and auditors)")
    def get(self, request):
        _viewer(request)
        return Response(io.PeriodSerializer(periods_in_force(), many=True).data)


class PeriodView(GenericAPIView):
    serializer_class = io.PeriodChangeSerializer
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Set a kind's retention period (the Monitoring Officer)",
        request=io.PeriodChangeSerializer,
        responses={200: io.PeriodSerializer},
        description="Refused (400, naming months) below the schedule's minimum for the kind.",
    )
    def put(self, request, record_kind: str):
        _viewer(request)
        given = io.PeriodChangeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.retention_period_set(actor=request.user, record_kind=record_kind, **given.validated_data)
        period = next(period for period in periods_in_force() if period.kind.key == record_kind)
        return Response(io.PeriodSerializer(period).data)


class HoldsView(GenericAPIView):
    serializer_class = io.LegalHoldSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        return reads.legal_holds(viewer=_viewer(self.request))

    @extend_schema(summary="Legal holds, newest first")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(io.LegalHoldSerializer(page, many=True).data)

    @extend_schema(
        summary="Place a legal hold (the Monitoring Officer)",
        request=io.LegalHoldCreateSerializer,
        responses={201: io.LegalHoldSerializer},
    )
    def post(self, request):
        _viewer(request)
        given = io.LegalHoldCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        hold = services.legal_hold_place(actor=request.user, **given.validated_data)
        return Response(io.LegalHoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldReleaseView(GenericAPIView):
    serializer_class = io.ReasonSerializer
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Release a legal hold (the Monitoring Officer)",
        request=io.ReasonSerializer,
        responses={200: io.LegalHoldSerializer},
    )
    def post(self, request, pk: int):
        viewer = _viewer(request)
        given = io.ReasonSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        hold = services.legal_hold_release(
            actor=request.user, hold=reads.legal_hold(viewer=viewer, hold_id=pk), **given.validated_data
        )
        return Response(io.LegalHoldSerializer(hold).data)


class RunsView(GenericAPIView):
    serializer_class = io.DisposalRunSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        return reads.disposal_runs(viewer=_viewer(self.request))

    @extend_schema(summary="Disposal runs, newest first, with their items counted")
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(io.DisposalRunSerializer(page, many=True).data)

    @extend_schema(
        summary="Propose a disposal run now (the Monitoring Officer); nothing is erased until it is approved",
        request=io.ProposeSerializer,
        responses={201: io.DisposalRunDetailSerializer},
    )
    def post(self, request):
        viewer = _viewer(request)
        given = io.ProposeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        run = services.disposal_run_propose(actor=request.user, as_of=given.validated_data.get("as_of"))
        return Response(_run_detail(viewer, run.pk), status=status.HTTP_201_CREATED)


def _run_detail(viewer, run_id: int) -> dict:
    run, by_kind = reads.disposal_run(viewer=viewer, run_id=run_id)
    items = [item for group in by_kind for item in group.items]
    return io.DisposalRunDetailSerializer(run, context={"items": items}).data


class RunView(GenericAPIView):
    serializer_class = io.DisposalRunDetailSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(summary="One disposal run and its items: due, held (and why) or erased")
    def get(self, request, pk: int):
        return Response(_run_detail(_viewer(request), pk))


class RunDecisionView(GenericAPIView):
    serializer_class = io.ReasonSerializer
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends = []
    decision = "approve"

    @extend_schema(request=io.ReasonSerializer, responses={200: io.DisposalRunDetailSerializer})
    def post(self, request, pk: int):
        viewer = _viewer(request)
        given = io.ReasonSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        run, _ = reads.disposal_run(viewer=viewer, run_id=pk)
        decide = services.disposal_run_approve if self.decision == "approve" else services.disposal_run_reject
        decide(actor=request.user, run=run, **given.validated_data)
        return Response(_run_detail(viewer, pk))


class RunApproveView(RunDecisionView):
    """Approve a proposed run (the Monitoring Officer, with a reason): its due records are then erased."""

    decision = "approve"


class RunRejectView(RunDecisionView):
    """Reject a proposed run (the Monitoring Officer, with a reason): nothing in it is erased."""

    decision = "reject"
