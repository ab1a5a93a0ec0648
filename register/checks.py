"""The register's own system checks (Django's checks framework), run by `manage.py check`, `migrate`,
`runserver` and the processes' health checks.

The signing key: without it no checkpoint of the history can be signed (issue 20). In production that
is an error, so the release step (`migrate`) stops and says what is wrong; on a developer's machine a
warning. The register never signs with a key it makes up.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register()
def signing_key_is_set(app_configs, **kwargs) -> list[checks.CheckMessage]:
    from register.services.audit.checkpoints import signing_key

    try:
        signing_key()
    except ImproperlyConfigured as error:
        if settings.PRODUCTION:
            return [
                checks.Error(
                    str(error),
                    hint="Checkpoints of the history cannot be signed until the key is set (docs/signing-key.md).",
                    id="register.E001",
                )
            ]
        return [
            checks.Warning(
                str(error),
                hint="`make run` makes a development key in var/history-signing.key (docs/signing-key.md).",
                id="register.W001",
            )
        ]
    return []


@checks.register()
def notify_is_configured(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """With NOTICE_EMAIL_SERVICE=notify, every Notify setting is present and well formed (issue 22):
    an error wherever the register runs, since no e-mail could be sent without them."""
    from register.services.notify import check_configuration

    try:
        check_configuration()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint='See the README, "GOV.UK Notify".', id="register.E002")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def open_data_entry_key_is_set(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The published register names its entries with a key of their own, so that rotating
    SECRET_KEY (after a leak, say) does not rename every entry of the Atom feed (issue 22)."""
    if settings.OPEN_DATA_ENTRY_KEY:
        return []
    return [
        checks.Warning(
            "OPEN_DATA_ENTRY_KEY is not set: the published register's entries are named with SECRET_KEY, "
            "so rotating SECRET_KEY would rename every entry and feed readers would show them all again.",
            hint="Set OPEN_DATA_ENTRY_KEY to a random value once, and keep it (docs/open-data.md).",
            id="register.W002",
        )
    ]
