"""GOV.UK Notify's callback for delivery receipts (issue 22): POST /notify/receipts/.

Notify calls it, not a person: no session, no CSRF token, but the bearer token the council gave Notify
(NOTIFY_CALLBACK_BEARER_TOKEN), compared in constant time. Answers in JSON, naming the field at fault.
A receipt is a few hundred bytes; a body over RECEIPT_MAX_BYTES is refused before it is read.
"""

import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from register.errors import Conflict, NotFound, RuleViolation
from register.services import notify_receipts

RECEIPT_MAX_BYTES = 4096


@csrf_exempt
@require_POST
def receipt(request):
    if not notify_receipts.bearer_token_matches(request.headers.get("Authorization", "")):
        response = JsonResponse({"detail": "The bearer token is missing or wrong."}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = RECEIPT_MAX_BYTES + 1
    if length > RECEIPT_MAX_BYTES:
        return JsonResponse({"detail": f"A receipt is at most {RECEIPT_MAX_BYTES} bytes."}, status=413)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"field": "body", "detail": "The body must be JSON."}, status=400)
    try:
        parsed = notify_receipts.parse_receipt(payload)
        notice, outcome = notify_receipts.notice_record_receipt(receipt=parsed)
    except RuleViolation as error:
        return JsonResponse({"field": error.field, "detail": error.message}, status=400)
    except NotFound as error:
        return JsonResponse({"field": "reference", "detail": error.message}, status=404)
    except Conflict as error:
        return JsonResponse({"field": "id", "detail": error.message}, status=409)
    if outcome == notify_receipts.SUPERSEDED:
        # 200, not an error: the receipt is true of an earlier send, and Notify would only post it again.
        return JsonResponse(
            {
                "reference": parsed.reference,
                "receipt": parsed.status,
                "recorded": False,
                "superseded_by": notice.reference,
            }
        )
    return JsonResponse(
        {"reference": parsed.reference, "receipt": parsed.status, "recorded": outcome == notify_receipts.RECORDED}
    )
