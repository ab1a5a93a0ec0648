"""The retention API (issue 21): the schedule in force, legal holds and disposal runs, through the same
selectors, policies and services as the pages. To anyone who may not read them they are 404; a change by
anyone but the Monitoring Officer is 403; a period below the minimum is 400 naming ``months``."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api import serializers_retention as io
from register import selectors
from register.errors import NotFound
from register.models import DisposalRun, LegalHold
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
    serializer_class = io.RetentionPeriodSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="The retention schedule in force (the Monitoring Officer, deputy, DPO and auditors)",
        responses=io.RetentionPeriodSerializer(many=True),
    )
    def get(self, request):
        _viewer(request)
        return Response(io.RetentionPeriodSerializer(periods_in_force(), many=True).data)


class PeriodView(GenericAPIView):
    serializer_class = io.RetentionPeriodChangeSerializer
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Set a kind's retention period (the Monitoring Officer)",
        request=io.RetentionPeriodChangeSerializer,
        responses={200: io.RetentionPeriodSerializer},
        parameters=[OpenApiParameter("record_kind", str, OpenApiParameter.PATH, enum=io.KIND_KEYS)],
        description="Refused (400, naming months) below the schedule's minimum for the kind.",
    )
    def post(self, request, record_kind: str):
        _viewer(request)
        given = io.RetentionPeriodChangeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.retention_period_set(actor=request.user, record_kind=record_kind, **given.validated_data)
        period = next(period for period in periods_in_force() if period.kind.key == record_kind)
        return Response(io.RetentionPeriodSerializer(period).data)


class HoldsView(ListAPIView):
    serializer_class = io.LegalHoldSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LegalHold.objects.none()
        return reads.legal_holds(viewer=_viewer(self.request))

    @extend_schema(summary="Legal holds, newest first")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

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
    serializer_class = io.RetentionReasonSerializer
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Release a legal hold (the Monitoring Officer)",
        request=io.RetentionReasonSerializer,
        responses={200: io.LegalHoldSerializer},
    )
    def post(self, request, pk: int):
        viewer = _viewer(request)
        given = io.RetentionReasonSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        hold = services.legal_hold_release(
            actor=request.user, hold=reads.legal_hold(viewer=viewer, hold_id=pk), **given.validated_data
        )
        return Response(io.LegalHoldSerializer(hold).data)


class RunsView(ListAPIView):
    serializer_class = io.DisposalRunSerializer
    parser_classes = [JSONParser]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DisposalRun.objects.none()
        return reads.disposal_runs(viewer=_viewer(self.request))

    @extend_schema(summary="Disposal runs, newest first, with their items counted")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

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
    run.due_count, run.held_count, run.erased_count = (
        sum(group.due for group in by_kind),
        sum(group.held for group in by_kind),
        sum(group.erased for group in by_kind),
    )
    return io.DisposalRunDetailSerializer(run, context={"items": items}).data


class RunView(GenericAPIView):
    serializer_class = io.DisposalRunDetailSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(summary="One disposal run and its items: due, held (and why) or erased")
    def get(self, request, pk: int):
        return Response(_run_detail(_viewer(request), pk))


class RunDecisionView(GenericAPIView):
    serializer_class = io.RetentionReasonSerializer
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends = []
    decision = "approve"

    @extend_schema(request=io.RetentionReasonSerializer, responses={200: io.DisposalRunDetailSerializer})
    def post(self, request, pk: int):
        viewer = _viewer(request)
        given = io.RetentionReasonSerializer(data=request.data)
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
