"""A real OpenID Connect provider for the tests: tests/oidc_provider (django-oauth-toolkit) run from the
register's own virtual environment on a free loopback port, with its own SQLite database and an RSA key
made for this run. A test module takes the fixtures as its own:

    from tests.oidc_provider import fixtures
    oidc_provider, single_sign_on = fixtures.oidc_provider, fixtures.single_sign_on

``single_sign_on`` points the register's OIDC settings at the provider for one test.
"""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.oidc_provider.provider import users

PROVIDER_ROOT = Path(__file__).resolve().parent
MANAGE = PROVIDER_ROOT / "manage.py"


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Provider:
    issuer: str
    base_url: str
    private_key_pem: bytes
    environment: dict

    def manage(self, *arguments: str) -> None:
        subprocess.run(
            [sys.executable, str(MANAGE), *arguments],
            env=self.environment,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def set_email(self, user: users.ProviderUser, email: str) -> None:
        """Change a user's e-mail address at the provider, as the council's directory might."""
        self.manage("set_email", user.username, email)

    def reset(self) -> None:
        """The users and the register's client as they were at the start."""
        self.manage("prepare")

    def sign_in(self, authorize_url: str, user: users.ProviderUser) -> str:
        """Go through the provider's own login page as ``user`` (a browser without JavaScript would do
        the same) and return where the provider sends the browser back to: the register's callback."""
        browser = requests.Session()
        response = browser.get(authorize_url, allow_redirects=False, timeout=30)
        assert response.status_code == 302, response.text[:500]
        login_url = urljoin(self.base_url, response.headers["Location"])
        browser.get(login_url, timeout=30).raise_for_status()
        response = browser.post(
            login_url,
            data={
                "username": user.username,
                "password": user.password,
                "csrfmiddlewaretoken": browser.cookies["provider_csrftoken"],
                "next": parse_qs(urlsplit(login_url).query).get("next", [""])[0],
            },
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, "the provider did not accept the test user's password"
        response = browser.get(urljoin(self.base_url, response.headers["Location"]), allow_redirects=False, timeout=30)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


def _wait_for_discovery(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The test OpenID Connect provider stopped: {log.read_text()[-2000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"The test OpenID Connect provider did not answer at {url}: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The provider, running for the whole session: migrated, its users and the register's client made."""
    directory = tmp_path_factory.mktemp("oidc-provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (directory / "key.pem").write_bytes(pem)
    port = free_loopback_port()
    base_url = f"http://127.0.0.1:{port}"
    # Nothing of the register's own environment (its database, its settings module) reaches the provider.
    environment = {
        name: value
        for name, value in os.environ.items()
        if name in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="provider.settings",
        PROVIDER_DIR=str(directory),
        PROVIDER_ISSUER=f"{base_url}/o",
        PROVIDER_KEY_FILE=str(directory / "key.pem"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    provider = Provider(issuer=f"{base_url}/o", base_url=base_url, private_key_pem=pem, environment=environment)
    provider.manage("migrate", "--no-input")
    provider.reset()
    log = directory / "provider.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [sys.executable, str(MANAGE), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_discovery(f"{provider.issuer}/.well-known/openid-configuration", process, log)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def single_sign_on(oidc_provider, settings):
    """The register's single sign-on pointed at the test provider, for one test (its users as at the start)."""
    from register import sso

    oidc_provider.reset()
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = users.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = users.CLIENT_SECRET
    sso.forget_discovery()
    yield oidc_provider
    sso.forget_discovery()
