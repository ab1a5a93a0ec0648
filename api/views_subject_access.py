"""Subject access (issue 21, item 3): the same export as the page's ZIP (or PDF), for the Monitoring Officer
and the Data Protection Officer; 404 for anyone else and for a person the register does not hold. Each
export is recorded (``SubjectAccessExport``, with history) with its reason, as the page's is."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from register import selectors
from register.models import SubjectAccessExport
from register.selectors.subject_access import check_answers_subject_access
from register.services.subject_access import export_file, subject_access_export


class SubjectAccessRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="The subject access request this export answers: kept in its history."
    )
    form = serializers.ChoiceField(
        choices=SubjectAccessExport.Form.choices,
        default=SubjectAccessExport.Form.ZIP,
        help_text="zip (JSON files, a manifest and a readable HTML document) or pdf (the readable document).",
    )


class SubjectAccessExportView(APIView):
    """Everything the register holds about one person, with what is withheld marked and why."""

    parser_classes = [JSONParser]

    @extend_schema(
        summary="Produce a subject access export for a person (UK GDPR Article 15)",
        request=SubjectAccessRequestSerializer,
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The ZIP"),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF"),
        },
        description="For the Monitoring Officer and the Data Protection Officer; 404 for anyone else, and for a "
        "person the register does not hold. A reason is required (400 naming it). The export is recorded, "
        "with who produced it and why, in the register's history.",
    )
    def post(self, request, pk: int):
        viewer = selectors.standing_for_request(request)
        check_answers_subject_access(viewer)
        given = SubjectAccessRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        export, found = subject_access_export(
            person_id=pk,
            actor=request.user,
            reason=given.validated_data["reason"],
            form=given.validated_data["form"],
            via="api POST /api/people/{id}/subject-access/",
            standing=viewer,
        )
        content, media_type, name = export_file(found, export=export, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(content, content_type=media_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
