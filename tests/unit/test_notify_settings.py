"""The GOV.UK Notify settings (issue 22): with NOTICE_EMAIL_SERVICE=notify, anything missing or malformed
stops the register with a message naming the setting; what each notice's template is given."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from register.checks import notify_is_configured
from register.models import Notification, Person
from register.services import notify
from tests.notify_stand_in import API_KEY, CALLBACK_TOKEN, notify_settings

KINDS = ["absence-recorded", "concern-told"]
GOOD = {
    "api_key": API_KEY,
    "base_url": "https://api.notifications.service.gov.uk",
    "bearer_token": CALLBACK_TOKEN,
    "templates": {
        "NOTIFY_TEMPLATE_ABSENCE_RECORDED": "f33517ff-2a88-4f6e-b855-c550268ce08a",
        "NOTIFY_TEMPLATE_CONCERN_TOLD": "0b7f4c2e-3f0d-4f52-9e47-2b0a3d6c1e55",
    },
    "kinds": KINDS,
}


def problems(**changes) -> list[str]:
    return notify.configuration_problems(**{**GOOD, **changes})


def test_complete_settings_have_no_problems():
    assert problems() == []


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"api_key": ""}, "NOTIFY_API_KEY is not set"),
        ({"api_key": "just-a-secret"}, "NOTIFY_API_KEY is not a Notify API key"),
        ({"api_key": API_KEY[:-1]}, "NOTIFY_API_KEY is not a Notify API key"),
        ({"base_url": "api.notifications.service.gov.uk"}, "NOTIFY_BASE_URL"),
        ({"base_url": ""}, "NOTIFY_BASE_URL"),
        ({"bearer_token": ""}, "NOTIFY_CALLBACK_BEARER_TOKEN must be set"),
        ({"bearer_token": "short"}, "NOTIFY_CALLBACK_BEARER_TOKEN must be set"),
    ],
)
def test_a_missing_or_malformed_setting_is_named(changes, named):
    [problem] = problems(**changes)
    assert named in problem


def test_a_kind_of_notice_without_a_template_is_named():
    [problem] = problems(
        templates={"NOTIFY_TEMPLATE_ABSENCE_RECORDED": GOOD["templates"]["NOTIFY_TEMPLATE_ABSENCE_RECORDED"]}
    )
    assert "NOTIFY_TEMPLATE_CONCERN_TOLD" in problem and "ABSENCE_RECORDED" not in problem


def test_a_template_id_that_is_not_a_uuid_is_named():
    [problem] = problems(templates={**GOOD["templates"], "NOTIFY_TEMPLATE_CONCERN_TOLD": "concern told"})
    assert problem.startswith("NOTIFY_TEMPLATE_CONCERN_TOLD is not a Notify template id")


def test_a_template_setting_for_no_kind_of_notice_is_named():
    """A misspelt kind would otherwise leave the right one unset and be silently ignored."""
    [problem] = problems(
        templates={
            **GOOD["templates"],
            "NOTIFY_TEMPLATE_ABSENSE_RECORDED": GOOD["templates"]["NOTIFY_TEMPLATE_CONCERN_TOLD"],
        }
    )
    assert problem == "NOTIFY_TEMPLATE_ABSENSE_RECORDED names no kind of notice the register sends."


def test_every_kind_of_notice_has_its_template_setting():
    kinds = notify.notice_kinds()
    assert "absence-recorded" in kinds and "email-address-wrong" in kinds
    assert notify.template_setting("attendance-decision-needed") == "NOTIFY_TEMPLATE_ATTENDANCE_DECISION_NEEDED"


def test_the_system_check_is_an_error_only_when_notify_is_chosen(settings):
    settings.NOTICE_EMAIL_SERVICE = "smtp"
    settings.NOTIFY_API_KEY = ""
    assert notify_is_configured(None) == []

    settings.NOTICE_EMAIL_SERVICE = "notify"
    [error] = notify_is_configured(None)
    assert error.id == "register.E002"
    assert "NOTIFY_API_KEY is not set" in error.msg
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY is not set"):
        notify.check_configuration()


def test_the_stand_in_settings_pass_the_check(settings):
    configured = notify_settings("http://127.0.0.1:9")
    settings.NOTICE_EMAIL_SERVICE = "notify"
    settings.NOTIFY_API_KEY = configured["NOTIFY_API_KEY"]
    settings.NOTIFY_BASE_URL = configured["NOTIFY_BASE_URL"]
    settings.NOTIFY_CALLBACK_BEARER_TOKEN = configured["NOTIFY_CALLBACK_BEARER_TOKEN"]
    settings.NOTIFY_TEMPLATES = {k: v for k, v in configured.items() if k.startswith("NOTIFY_TEMPLATE_")}
    assert notify_is_configured(None) == []


def test_each_template_is_given_the_notice_as_rendered_with_its_link_apart(settings):
    settings.SITE_URL = "https://register.council.example"
    notice = Notification(
        recipient=Person(username="deputy", email="deputy@council.example"),
        kind="absence-recorded",
        subject="You are acting Chief Executive",
        body_text="Dear Deputy,\n\nYou decide.\n\nSee the absence: https://register.council.example/people/absences/",
        link_path="/people/absences/",
        link_label="See the absence",
    )
    assert notify.personalisation(notice) == {
        "subject": "You are acting Chief Executive",
        "body": "Dear Deputy,\n\nYou decide.",
        "link": "https://register.council.example/people/absences/",
        "link_label": "See the absence",
    }
    assert set(notify.PERSONALISATION) == set(notify.personalisation(notice))
