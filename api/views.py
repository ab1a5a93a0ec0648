"""API views: validate, load through a selector scoped to the caller, call one service, serialize."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import authentication, filters, serializers
from api.errors import problem
from api.pagination import CursorPagination
from register import selectors
from register.addresses import client_address
from register.backends import sign_in_refusal
from register.models import ApiToken, Notification
from register.services import notifications, people
from register.services.sign_in import tokens, two_factor


class MeView(APIView):
    """The signed-in person and the roles they hold today."""

    @extend_schema(responses=serializers.MeSerializer)
    def get(self, request):
        person = request.user
        data = {
            "id": person.pk,
            "username": person.username,
            "name": person.name,
            "kind": person.kind,
            "roles": sorted(selectors.roles_of(person, selectors.today())),
        }
        return Response(serializers.MeSerializer(data).data)


class TokenView(APIView):
    """Exchange a username and password for an API token for a named client. The token expires
    (``expires_at``), is shown only now (the register keeps its hash), and replaces the live token the
    person held for that client. Failures count towards the sign-in lock-out."""

    permission_classes = [AllowAny]
    authentication_classes = []
    public = True

    @extend_schema(
        request=serializers.TokenRequestSerializer,
        responses={
            200: serializers.TokenSerializer,
            (401, "application/problem+json"): serializers.ProblemSerializer,
            (429, "application/problem+json"): serializers.ProblemSerializer,
        },
    )
    def post(self, request):
        given = serializers.TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        credentials = {key: given.validated_data[key] for key in ("username", "password")}
        # The Django request, so that the sign-in limits see it (register/backends.py): its address may be
        # locked out, or its username slowed down; the page says the same words.
        person = authenticate(request=request._request, **credentials)
        refusal = sign_in_refusal(request._request)
        if refusal is not None:
            refused = problem(429, refusal.slug, refusal.title, refusal.detail)
            refused["Retry-After"] = str(refusal.wait_seconds)
            return refused
        if person is None:
            refused = problem(
                401,
                "invalid-credentials",
                "Sign in first",
                "Enter a correct username and password. Both are case-sensitive.",
            )
            refused["WWW-Authenticate"] = authentication.CHALLENGE
            return refused
        if two_factor.second_factor_needed(person) and not two_factor.check_second_factor(
            person, given.validated_data.get("code", ""), address=client_address(request._request)
        ):
            refused = problem(
                401,
                "code-needed",
                "A code is needed",
                'Send "code": the 6-digit code from your authenticator app, or a recovery code. '
                "Someone who must use two-factor sign-in sets it up on the register's pages first.",
            )
            refused["WWW-Authenticate"] = authentication.CHALLENGE
            return refused
        issued = tokens.issue_token(
            actor=person,
            person=person,
            client=given.validated_data.get("client") or tokens.DEFAULT_CLIENT,
            address=client_address(request._request),
        )
        data = {"token": issued.token, "client": issued.record.client, "expires_at": issued.record.expires_at}
        return Response(serializers.TokenSerializer(data).data)


class TokenRevokeView(APIView):
    """Revoke the token this request is signed with (signing the client out). A request signed in
    another way has no token to revoke (400)."""

    @extend_schema(
        request=None, responses={204: None, (400, "application/problem+json"): serializers.ProblemSerializer}
    )
    def post(self, request):
        if not isinstance(request.auth, ApiToken):
            return problem(
                400,
                "no-token",
                "Your request has errors",
                "This request was not signed with an API token, so there is no token to revoke.",
            )
        tokens.revoke_token(
            actor=request.user,
            token=request.auth,
            reason="Revoked by its client",
            address=client_address(request._request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # Ids are whole numbers within the database's range: anything else is simply not found.
    lookup_value_regex = r"[0-9]{1,18}"


class PersonViewSet(ReadOnlyViewSet):
    """Councillors and officers."""

    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter

    def get_queryset(self):
        return selectors.people_search()


class OrganizationViewSet(ReadOnlyViewSet):
    """The council, its political groups (classification 'party') and its directorates."""

    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilter

    def get_queryset(self):
        return selectors.organizations()


class PostViewSet(ReadOnlyViewSet):
    serializer_class = serializers.PostSerializer
    filterset_class = filters.PostFilter

    def get_queryset(self):
        return selectors.posts()


class MembershipViewSet(ReadOnlyViewSet):
    """Memberships of groups and directorates, and holdings of posts, over time."""

    serializer_class = serializers.MembershipSerializer
    filterset_class = filters.MembershipFilter

    def get_queryset(self):
        return selectors.memberships()


class AbsenceRecordView(APIView):
    """Record the Chief Executive's absence (A2): the Deputy acts meanwhile and is told so."""

    @extend_schema(request=serializers.AbsenceInSerializer, responses={201: serializers.AbsenceSerializer})
    def post(self, request):
        given = serializers.AbsenceInSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        absence = people.absence_record(actor=request.user, **given.validated_data)
        return Response(
            serializers.AbsenceSerializer(absence, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class AbsenceCancelView(APIView):
    """Cancel a recorded absence of the Chief Executive (A2): the Chief Executive decides on those days again."""

    @extend_schema(
        summary="Cancel a recorded absence (the Chief Executive or the Deputy; A2)",
        request=serializers.AbsenceCancelSerializer,
        responses=serializers.AbsenceSerializer,
    )
    def post(self, request, pk: str):
        given = serializers.AbsenceCancelSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        absence = people.absence_cancel(
            actor=request.user,
            reason=given.validated_data["reason"] or "Absence cancelled through the API",
            absence=selectors.absence_for(viewer=selectors.standing_for_request(request), pk=int(pk)),
        )
        return Response(serializers.AbsenceSerializer(absence, context={"request": request}).data)


class AbsenceEndView(APIView):
    """End a recorded absence early (A2): the officer is back in post the day after its new last day."""

    @extend_schema(
        summary="End a recorded absence early (the officer, their deputy or Democratic Services; A2)",
        request=serializers.AbsenceEndSerializer,
        responses=serializers.AbsenceSerializer,
    )
    def post(self, request, pk: str):
        given = serializers.AbsenceEndSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        absence = people.absence_end(
            actor=request.user,
            absence=selectors.absence_for(viewer=selectors.standing_for_request(request), pk=int(pk)),
            **given.validated_data,
        )
        return Response(serializers.AbsenceSerializer(absence, context={"request": request}).data)


class NoticeViewSet(ReadOnlyViewSet):
    """The caller's in-app notices, newest first; nobody else's (theirs are not found)."""

    serializer_class = serializers.NoticeSerializer
    filterset_class = filters.NoticeFilter
    pagination_class = CursorPagination
    parser_classes = [JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.inbox(self.request.user)

    def get_object(self):
        return selectors.notice_in_inbox(self.request.user, int(self.kwargs["pk"]))

    @extend_schema(
        summary="Mark a notice as read (again changes nothing)", request=None, responses=serializers.NoticeSerializer
    )
    @action(detail=True, methods=["post"], url_path="read", url_name="mark-read")
    def mark_read(self, request, pk=None):
        notice = notifications.notice_mark_read(
            notice=self.get_object(), actor=request.user, reason="Read through the API"
        )
        return Response(serializers.NoticeSerializer(notice).data)

    @extend_schema(summary="How many of the caller's notices are unread", responses=serializers.UnreadCountSerializer)
    @action(
        detail=False,
        methods=["get"],
        url_path="unread-count",
        url_name="unread-count",
        filter_backends=[],
        pagination_class=None,
    )
    def unread_count(self, request):
        return Response(serializers.UnreadCountSerializer({"unread": selectors.unread_count(request.user)}).data)
