"""The audit history API (C2): the timeline across the register, by cursor, with the pages'
filters, for auditors; each record's history with field-by-field differences, for auditors and
those who may see the record. The same selector decides as on the pages; everyone else gets 404."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import filters
from api import serializers_audit as out
from api.pagination import AccessLogCursorPagination, TimelineCursorPagination
from register import selectors
from register.models import AccessLogEntry, HistoryLink
from register.selectors import access_log as access_log
from register.selectors import audit as audit
from register.services.audit import proofs
from register.services.audit.access_log import record_kind_of, record_read


class TimelineView(generics.ListAPIView):
    """Every change across the register, newest first: who, what record, what change, when, why.
    For auditors (404 for anyone else). Follow ``next`` to read back in time."""

    serializer_class = out.TimelineEntrySerializer
    pagination_class = TimelineCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.TimelineFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return HistoryLink.objects.none()
        audit.check_reads_all_history(self.request.user)
        return HistoryLink.objects.none()  # replaced by the filtered links in filter_queryset

    def filter_queryset(self, queryset):
        filterset = filters.TimelineFilter(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return audit.timeline_links(filterset.selection())

    @extend_schema(summary="The audit timeline (auditors)")
    def get(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        links = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(audit.entries_for(links), many=True).data)


class RecordHistoryView(APIView):
    """One record's history, newest first, each version with its field-by-field differences."""

    @extend_schema(
        summary="A record's history",
        description="For auditors; and for anyone who may see the record itself (a declaration in full, an "
        "attendance request), for that record. Of other records, auditors and the Monitoring Officer. "
        "404 for anyone else, and for a record that never existed.",
        parameters=[
            OpenApiParameter("record_type", str, OpenApiParameter.PATH, enum=[t.slug for t in audit.record_types()])
        ],
        responses=out.RecordHistorySerializer,
    )
    def get(self, request, record_type: str, record_id: int):
        history = audit.record_history(request.user, record_type, record_id)
        if logged := record_kind_of(history.record_type.model):  # a sensitive record's history is a read of it
            record_read(
                reader=request.user,
                record_kind=logged,
                record_id=record_id,
                via="api GET /api/history/{record_type}/{id}/",
            )
        return Response(out.RecordHistorySerializer(history).data)


class AccessLogView(generics.ListAPIView):
    """Who opened which declaration, concern or complaint, when and through which page or endpoint,
    newest first (issue 20). For the Monitoring Officer and auditors (404 for anyone else). Follow
    ``next`` to read back in time."""

    serializer_class = out.AccessLogEntrySerializer
    pagination_class = AccessLogCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.AccessLogFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AccessLogEntry.objects.none()
        access_log.check_reads_access_log(self.request.user, standing=selectors.standing_for_request(self.request))
        return AccessLogEntry.objects.none()  # replaced by the filtered entries in filter_queryset

    def filter_queryset(self, queryset):
        filterset = filters.AccessLogFilter(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return access_log.access_log_entries(filterset.selection())

    @extend_schema(summary="The access log (the Monitoring Officer and auditors)")
    def get(self, request, *args, **kwargs):
        entries = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(access_log.in_words(entries), many=True).data)


class RecordProofView(APIView):
    """The inclusion proof of one change of a record (issue 20): the JSON file the stand-alone checker
    (register/transparency.py, on the public register) checks with only the council's public key."""

    @extend_schema(
        summary="An inclusion proof of one change of a record",
        description="For whoever may read the record's history (as GET on the history); 404 for anyone else, "
        "for a change not of this record, and for a change recorded before the register began signing its "
        "history (the detail says so). A POST: when no published checkpoint covers the change yet, one is "
        "signed for it.",
        parameters=[
            OpenApiParameter("record_type", str, OpenApiParameter.PATH, enum=[t.slug for t in audit.record_types()])
        ],
        request=None,
        responses=out.InclusionProofSerializer,
    )
    def post(self, request, record_type: str, record_id: int, history_id: int):
        row, link = audit.history_row_for(request.user, record_type, record_id, history_id)
        document = proofs.inclusion_proof(link=link, row=row, person=request.user)
        if logged := record_kind_of(audit.record_type(record_type).model):  # the proof shows the row's values
            via = f"api POST /api/history/{record_type}/{{id}}/changes/{{history_id}}/proof/"
            record_read(reader=request.user, record_kind=logged, record_id=record_id, via=via)
        return Response(document)
