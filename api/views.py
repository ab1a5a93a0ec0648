"""API views: validate, load through a selector, call one service, serialize."""
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import AbsenceInSerializer, AbsenceSerializer
from register import selectors
from register.services import people


class MeView(APIView):
    """The signed-in person and the roles they hold today."""

    def get(self, request):
        person = request.user
        return Response(
            {
                "username": person.username,
                "name": person.name,
                "kind": person.kind,
                "roles": sorted(selectors.roles_of(person, selectors.today())),
            }
        )


class AbsenceRecordView(APIView):
    """Record the Chief Executive's absence (A2): the Deputy acts meanwhile and is told so."""

    def post(self, request):
        given = AbsenceInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        absence = people.absence_record(actor=request.user, **given.validated_data)
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)
