"""The e-mail notices that did not arrive, and sending one again, through the same selector, workflow and
service as Democratic Services' page (register/views/deliveries.py). To anyone who does not look after
deliveries the list and its notices are 404; a refusal names its field (``reason``, ``receipt``,
``status``) as RFC 9457 problem details (api/errors.py)."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api import serializers_deliveries as io
from register import selectors
from register.models import Notification
from register.selectors import deliveries as reads
from register.services import delivery


class UndeliveredView(ListAPIView):
    serializer_class = io.UndeliveredNoticeSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return reads.undelivered(viewer=selectors.standing_for_request(self.request))

    @extend_schema(
        summary="E-mail notices that did not arrive, newest first (Democratic Services)",
        description="Failed; sent, with a receipt of permanent, temporary or technical failure; or pending or "
        "sending for longer than the sweep's threshold.",
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class SendAgainView(GenericAPIView):
    serializer_class = io.SendAgainSerializer
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Send again an e-mail notice that did not arrive (Democratic Services), with a reason",
        request=io.SendAgainSerializer,
        responses={200: io.UndeliveredNoticeSerializer},
        description="A failed notice, or a sent e-mail whose receipt says it failed: a new send, with its own "
        "reference (notice-<id>-<send>). Refused with 409 naming receipt for a delivered e-mail, 400 naming "
        "reason without one.",
    )
    def post(self, request, pk: str):
        given = io.SendAgainSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        notice = reads.undelivered_notice(viewer=selectors.standing_for_request(request), notice_id=int(pk))
        notice = delivery.notice_retry(notice=notice, actor=request.user, reason=given.validated_data["reason"])
        return Response(io.UndeliveredNoticeSerializer(notice, context={"request": request}).data)
