"""Failed sign-ins and a lock-out leave log lines that name neither the username tried nor the address
it came from (issue 21, item 7; README, "Logs"): django-axes masks both (AXES_SENSITIVE_PARAMETERS) and
describes an attempt by its page alone (register.logs.axes_client_description); the sign-in history in the
database keeps who and where."""

import json
import logging

import pytest
from django.test import Client

from register.logs import JsonFormatter
from register.models import SignInEvent

ATTACKER = "198.51.100.66"


@pytest.fixture
def lock_after_three(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_lock_out_is_logged_without_the_usernames_or_the_address(council, lock_after_three, caplog):
    tried = [council.groups[0].leader, council.groups[1].leader, council.auditor, council.chief_executive]
    with caplog.at_level(logging.DEBUG):
        for person in tried:
            Client().post("/sign-in/", {"username": person.username, "password": "wrong"}, REMOTE_ADDR=ATTACKER)
    lines = [JsonFormatter().format(record) for record in caplog.records]
    axes_lines = [json.loads(line)["message"] for line in lines if '"logger": "axes' in line]
    assert any("Locking out" in message or "locked out" in message.lower() for message in axes_lines), axes_lines
    for line in lines:
        assert ATTACKER not in line, line
        for person in tried:
            assert person.username not in line, line
            assert person.email not in line, line
    # What the logs leave out, the sign-in history keeps, under the retention schedule ("sign-in").
    assert SignInEvent.objects.filter(address=ATTACKER, username=tried[0].username).exists()
