"""Issue 18, point 3: local passwords. A forgotten password is reset from a link by e-mail (Django's
token, through the register's notices, by e-mail alone), which works once and expires; no page says
whether an account exists; a person changes their own password; the rules follow the NCSC's guidance
(length, a deny-list, no composition rules). Every step leaves a line in the sign-in history."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client

from register.models import Notification, SignInEvent
from register.services.delivery import deliver
from register.services.people import person_set_password

pytestmark = pytest.mark.django_db
Kind = SignInEvent.Kind
OLD_PASSWORD = "lantern-orchard-kettle-58"
NEW_PASSWORD = "harbour-violin-cactus-19"
RESET_LINK = re.compile(r"https?://[^/\s]+(/sign-in/forgotten-password/[^/\s]+/[^/\s]+/)")


def with_password(person, password=OLD_PASSWORD):
    person_set_password(actor=person, reason="Test password", person=person, raw_password=password)
    person.refresh_from_db()
    return person


def signed_in(person, password=OLD_PASSWORD) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": person.username, "password": password})["Location"] == "/"
    return client


def ask_for_a_link(email: str):
    return Client().post("/sign-in/forgotten-password/", {"email": email})


def the_link(person) -> str:
    """The reset path from the e-mail as delivered to ``person``."""
    notice = Notification.objects.filter(kind="password-reset", recipient=person).latest("pk")
    assert notice.channel == Notification.Channel.EMAIL
    deliver(notice.pk)
    sent = [message for message in mail.outbox if message.to == [person.email]]
    return RESET_LINK.search(sent[-1].body).group(1)


def choose(client: Client, link: str, password: str = NEW_PASSWORD):
    opened = client.get(link)
    assert opened.status_code == 302, "a good link moves the token out of the address"
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


def test_a_reset_link_sets_a_new_password_once_and_is_refused_the_second_time(group_leader):
    member = with_password(group_leader)
    asked = ask_for_a_link(member.email.upper())
    assert asked.status_code == 302 and asked["Location"] == "/sign-in/forgotten-password/sent/"
    link = the_link(member)
    client = Client()
    done = choose(client, link)
    assert done.status_code == 302 and done["Location"] == "/sign-in/forgotten-password/done/"
    assert "Your password has been reset" in client.get(done["Location"]).content.decode()
    signed_in(member, NEW_PASSWORD)
    assert member.history.filter(history_change_reason__contains="Reset their forgotten password").exists()

    again = Client().get(link)
    assert again.status_code == 400
    page = again.content.decode()
    assert "This link to reset your password no longer works" in page and "Ask for a new link" in page
    kinds = list(SignInEvent.objects.filter(person=member).values_list("kind", flat=True))
    assert {Kind.PASSWORD_RESET_ASKED, Kind.PASSWORD_RESET, Kind.PASSWORD_RESET_REFUSED} <= set(kinds)
    assert all(NEW_PASSWORD not in event.detail for event in SignInEvent.objects.all())


def test_an_expired_reset_link_is_refused_and_the_password_stays(group_leader, settings, monkeypatch):
    member = with_password(group_leader)
    ask_for_a_link(member.email)
    link = the_link(member)
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    refused = Client().get(link)
    assert refused.status_code == 400
    assert "no longer works" in refused.content.decode()
    assert SignInEvent.objects.filter(person=member, kind=Kind.PASSWORD_RESET_REFUSED).count() == 1
    signed_in(member, OLD_PASSWORD)


def test_no_page_says_whether_an_account_exists(group_leader):
    """The same answer, the same next page, for a known address and an unknown one; only the known
    one gets an e-mail. The sign-in history notes both."""
    member = with_password(group_leader)
    known, unknown = ask_for_a_link(member.email), ask_for_a_link("nobody-here@council.example")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert Client().get(known["Location"]).content == Client().get(unknown["Location"]).content
    assert Notification.objects.filter(kind="password-reset").count() == 1
    assert SignInEvent.objects.filter(kind=Kind.PASSWORD_RESET_ASKED, username="nobody-here@council.example").exists()
    refused = ask_for_a_link("not an address")
    assert refused.status_code == 400 and "correct format" in refused.content.decode()


def test_a_reset_ends_every_other_session(group_leader):
    member = with_password(group_leader)
    elsewhere = signed_in(member)
    assert elsewhere.get("/notices/").status_code == 200
    ask_for_a_link(member.email)
    choose(Client(), the_link(member))
    assert elsewhere.get("/notices/")["Location"].startswith("/sign-in/")


def test_changing_ones_password_keeps_this_session_and_ends_the_others(group_leader):
    member = with_password(group_leader)
    here, elsewhere = signed_in(member), signed_in(member)
    page = here.get("/account/password/").content.decode()
    assert "At least 12 characters" in page and "Three random words" in page
    wrong = here.post(
        "/account/password/",
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 400 and "Your current password is not right" in wrong.content.decode()
    done = here.post(
        "/account/password/",
        {"old_password": OLD_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert here.get("/notices/").status_code == 200
    assert elsewhere.get("/notices/")["Location"].startswith("/sign-in/")
    assert SignInEvent.objects.filter(person=member, kind=Kind.PASSWORD_CHANGED).count() == 1
    signed_in(member, NEW_PASSWORD)


@pytest.mark.parametrize(
    "password, refused_because",
    [
        ("short-pass1", "at least 12 characters"),
        ("password1234", "too common"),
    ],
)
def test_a_short_or_common_password_is_refused_on_the_field_where_it_was_chosen(
    group_leader, password, refused_because
):
    member = with_password(group_leader)
    client = signed_in(member)
    refused = client.post(
        "/account/password/", {"old_password": OLD_PASSWORD, "new_password1": password, "new_password2": password}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert refused_because in page and 'href="#id_new_password1"' in page


@pytest.mark.parametrize("password", ["demo-register-2026", "83920174635281", "coffee train fish"])
def test_length_not_composition_long_passwords_pass_even_all_digits(group_leader, password):
    """The NCSC's guidance: no composition rules. The demo's password, a long number and three words pass."""
    with_password(group_leader, password)
    assert group_leader.check_password(password)


def test_the_invitations_set_password_page_has_the_same_rules_and_hint(council):
    from register.notice_links import set_password_link

    person = council.democratic_services
    page = Client().get(set_password_link(person).path, follow=True).content.decode()
    assert "At least 12 characters" in page and "Three random words" in page
