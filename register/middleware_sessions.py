"""Session timeouts (issue 18): a session ends SESSION_IDLE_MINUTES after its last request, and
SESSION_ABSOLUTE_HOURS after sign-in whatever happens. An ended session is flushed, recorded in the
sign-in history, and the person is sent to sign in again with the reason and the page they asked
for; an API request made with such a session gets a 401 problem instead.

Last activity is written at most once a minute (``sessions.activity_granularity``), so that not
every request saves the session."""

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse

from api.errors import PROBLEM_TYPE
from register.selectors import clock
from register.services.sign_in import sessions


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = clock.now()
            because = sessions.expiry_of(request.session, now)
            if because:
                return self.expire(request, user, because)
            if sessions.moment(request.session, sessions.SIGNED_IN_AT) is None:
                # A session begun before the timeouts existed: it counts from now.
                request.session[sessions.SIGNED_IN_AT] = now.timestamp()
            last = sessions.moment(request.session, sessions.LAST_ACTIVE_AT)
            if last is None or now - last >= sessions.activity_granularity():
                sessions.mark_active(request.session, now=now)
        return self.get_response(request)

    def expire(self, request, user, because: str):
        sessions.record_session_expired(request=request, person=user, because=because)
        request.session.flush()
        request.user = AnonymousUser()
        if request.path.startswith("/api/"):
            refused = JsonResponse(
                {
                    "type": PROBLEM_TYPE + "session-expired",
                    "title": "Sign in first",
                    "status": 401,
                    "detail": f"You were signed out because {because}. Sign in again.",
                },
                status=401,
                content_type="application/problem+json",
            )
            refused["WWW-Authenticate"] = 'Bearer realm="api"'
            return refused
        messages.info(request, f"You were signed out because {because}. Sign in again to carry on.")
        return redirect_to_login(request.get_full_path())
