"""Whether this process can reach what it depends on: the database and the broker.

Answered at `/healthz` (for load balancers, orchestrators and `make stack`) and by
`manage.py healthcheck` (for the containers of the worker and beat, which serve no HTTP).
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
OK = "ok"
UNAVAILABLE = "unavailable"
NOT_CONFIGURED = "not configured"
# Seconds a check may take: a probe that hangs tells an orchestrator nothing.
CHECK_TIMEOUT = 3


def database_status() -> str:
    """Run one query on the default database, reconnecting if a restart broke the connection."""
    connection = connections["default"]
    try:
        # cursor() runs Django's connection health check first (CONN_HEALTH_CHECKS): a
        # connection the database dropped is replaced here rather than failing.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health check: the database is unavailable: %s", error)
        return UNAVAILABLE
    return OK


def broker_status() -> str:
    """Ping the Celery broker; with none configured, tasks run in-process and there is nothing to reach."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return NOT_CONFIGURED
    try:
        _ping_broker(url)
    except Exception as error:  # noqa: BLE001 - any failure to reach it is the same answer
        logger.warning("Health check: the broker is unavailable: %s", error)
        return UNAVAILABLE
    return OK


def _ping_broker(url: str) -> None:
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()
        return
    from kombu import Connection

    with Connection(url, connect_timeout=CHECK_TIMEOUT) as connection:
        connection.ensure_connection(max_retries=1)


def health() -> tuple[bool, dict]:
    """Whether everything answers, and the state of each dependency by name."""
    statuses = {"database": database_status(), "broker": broker_status()}
    unavailable = sorted(name for name, status in statuses.items() if status == UNAVAILABLE)
    report = {"status": UNAVAILABLE if unavailable else OK, **statuses}
    if unavailable:
        report["unavailable"] = unavailable
    return not unavailable, report


class HealthCheckMiddleware:
    """Answers `/healthz` with 200 when the database and the broker answer, 503 naming what does not.

    Placed first, so that probes from inside the network (by address, over plain HTTP) are
    answered before the host check and the HTTPS redirect, and without a session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH or request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        healthy, report = health()
        response = JsonResponse(report, status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response
