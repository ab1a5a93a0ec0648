"""handler500 (register/views/errors.py): an unreachable database is a 503, anything else the 500 page."""

import json

from django.db import OperationalError
from django.test import RequestFactory

from register.views.errors import database_unavailable, server_error


def answer_while_handling(error: Exception, path: str, **headers):
    """Django calls handler500 inside its `except` block, where sys.exc_info() is the error."""
    request = RequestFactory().get(path, **headers)
    try:
        raise error
    except Exception:
        return server_error(request)


def test_an_unreachable_database_is_a_503_page_that_needs_no_database():
    response = answer_while_handling(OperationalError("connection refused"), "/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Sorry, the service is unavailable" in response.content


def test_an_unreachable_database_is_a_503_json_answer_in_the_api():
    response = answer_while_handling(OperationalError("server closed the connection"), "/api/me/")
    assert response.status_code == 503
    assert "cannot reach its database" in json.loads(response.content)["detail"]


def test_any_other_error_is_still_the_500_page():
    response = answer_while_handling(KeyError("bug"), "/")
    assert response.status_code == 500


def test_a_database_error_raised_from_within_another_error_is_recognised():
    try:
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError as cause:
            raise RuntimeError("while loading the session") from cause
    except RuntimeError as error:
        assert database_unavailable(error)
    assert not database_unavailable(ValueError("unrelated"))
