"""API views: validate, load through a selector, call one service, serialize."""
from rest_framework.response import Response
from rest_framework.views import APIView

from register import selectors


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
