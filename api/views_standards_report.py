"""The Standards Committee report's figures (D5): the same selector as the page and the PDF."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api import serializers_standards_report as io
from api.serializers_attendance import PeriodSerializer
from register import policies, selectors
from register.errors import NotFound
from register.selectors.standards_report import standards_report


class StandardsReportView(GenericAPIView):
    """The report's figures for a period."""

    serializer_class = io.StandardsReportSerializer
    filter_backends = []
    pagination_class = None
    # A period in error is a 400 naming the date (the schema says so: api/schema.py).
    refuses_bad_queries = True

    @extend_schema(
        summary="The Monitoring Officer's report to the Standards Committee, for a period (D5)",
        parameters=[PeriodSerializer],
        responses=io.StandardsReportSerializer,
        description="For the Monitoring Officer, their deputy and auditors; 404 otherwise. A period that ends "
        "before it starts, or spans more than five years, is a 400 naming the date.",
    )
    def get(self, request):
        viewer = selectors.standing_for_request(request)
        if not policies.reads_standards_report(viewer):
            raise NotFound("There is no such report.")
        given = PeriodSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        report = standards_report(viewer=viewer, **given.validated_data)
        return Response(io.StandardsReportSerializer(report).data)
