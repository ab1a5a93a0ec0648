"""The production settings (REGISTER_ENV=production), loaded in a fresh process as a server would:
Django's deployment checks are clean, and HTTPS, static files, logs and connections are set for it."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from register import transparency

ROOT = Path(__file__).resolve().parents[2]
# Only what any process on a server has: nothing of the test run's own environment (its
# DATABASE_URL, DEBUG, DJANGO_ALLOW_ASYNC_UNSAFE for Playwright ...) may reach the checked process.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def production_environment(**overrides: str) -> dict[str, str]:
    environment = {name: os.environ[name] for name in INHERITED if name in os.environ}
    environment.update(
        REGISTER_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="register.council.example",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        HISTORY_SIGNING_KEY=transparency.SignerKey.generate("register.council.example/register").text(),
        OPEN_DATA_ENTRY_KEY=secrets.token_urlsafe(32),
    )
    environment.update(overrides)
    return environment


def run_python(code: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


SHOWN_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "STORAGES",
    "LOGGING",
    "DATABASES",
    "MIDDLEWARE",
]


def production_settings(**overrides: str) -> dict:
    """The settings a production process ends up with, as JSON from that process."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {SHOWN_SETTINGS!r}}}, default=str))"
    )
    result = run_python(code, production_environment(DJANGO_SETTINGS_MODULE="register.settings", **overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def check_deploy(fail_level: str = "ERROR", **overrides: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` in a fresh process with the production environment and ``overrides``."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", fail_level],
        cwd=ROOT,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_the_production_environment():
    result = check_deploy(fail_level="INFO")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_check_deploy_notices_a_production_environment_that_turns_https_off():
    """The clean result above means something: the same check fails when the redirect is off."""
    result = check_deploy(SECURE_SSL_REDIRECT="false", fail_level="WARNING")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_check_fails_in_production_without_a_signing_key_saying_so():
    """Issue 20: the release step (migrate runs the checks) stops rather than run a register that cannot sign."""
    result = check_deploy(HISTORY_SIGNING_KEY="")
    assert result.returncode != 0
    assert "register.E001" in result.stderr
    assert "The history signing key is not set" in result.stderr and "generate_signing_key" in result.stderr


def test_check_deploy_warns_while_the_published_entries_are_named_with_the_secret_key():
    """Issue 22: rotating SECRET_KEY must not rename the published register's entries; the deployment
    check says so while OPEN_DATA_ENTRY_KEY is unset."""
    result = check_deploy(OPEN_DATA_ENTRY_KEY="", fail_level="WARNING")
    assert result.returncode != 0
    assert "register.W002" in result.stdout + result.stderr
    assert "OPEN_DATA_ENTRY_KEY" in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_secret_key_or_allowed_hosts(missing):
    environment = production_environment(DJANGO_SETTINGS_MODULE="register.settings")
    environment[missing] = ""
    result = run_python("import django; django.setup()", environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_production_serves_hashed_compressed_static_files_logs_json_and_checks_its_connections():
    settings = production_settings(DATABASE_URL="postgres://register@db.internal:5432/register")
    assert settings["DEBUG"] is False
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["CSRF_COOKIE_SECURE"] is True
    assert settings["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings["MIDDLEWARE"]
    assert settings["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    database = settings["DATABASES"]["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["connect_timeout"] == 5


def test_every_response_carries_the_content_security_policy(client):
    response = client.get("/sign-in/")
    policy = dict(
        directive.strip().split(" ", 1) for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
