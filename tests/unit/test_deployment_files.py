"""The Procfile is the one definition of the processes' commands: docker-compose.yml and make stack
run the same ones, with the same Redis policy, configured only through the environment."""

import os
import re
import shlex
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from honcho.environ import parse_procfile

from register import transparency

ROOT = Path(__file__).resolve().parents[2]
# The compose service that runs each Procfile process.
SERVICE_OF_PROCESS = {"release": "migrate", "web": "web", "worker": "worker", "beat": "beat"}
APP_SERVICES = set(SERVICE_OF_PROCESS.values())


@pytest.fixture(scope="module")
def procfile() -> dict[str, str]:
    return dict(parse_procfile((ROOT / "Procfile").read_text()).processes)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def words(command) -> list[str]:
    """A command as compose runs it: a string is split like a shell would, a list is taken as is."""
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_every_procfile_process_has_a_compose_service_and_no_service_runs_a_command_of_its_own(procfile, compose):
    assert set(procfile) == set(SERVICE_OF_PROCESS)
    services_with_a_command = {name for name, service in compose["services"].items() if "command" in service}
    # redis's flags, and the scheduled backup (not a process of the Procfile: docs/backups.md).
    assert services_with_a_command - APP_SERVICES == {"redis", "backup"}


@pytest.mark.parametrize("process", sorted(SERVICE_OF_PROCESS))
def test_compose_runs_the_procfile_command_of_each_process(procfile, compose, process):
    service = compose["services"][SERVICE_OF_PROCESS[process]]
    assert words(service["command"]) == shlex.split(procfile[process])


def test_the_app_services_run_one_image_configured_only_by_the_environment(compose):
    services = compose["services"]
    images = {(services[name]["build"], services[name]["image"]) for name in APP_SERVICES}
    assert len(images) == 1
    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == ".env"
        assert not service.get("volumes"), f"{name} should keep no configuration or data in files"
        for key, value in service["environment"].items():
            # Every value comes from .env or is an address inside the compose network.
            assert "${" in value or re.fullmatch(r"redis://redis:6379/\d+", value), (key, value)


def test_the_processes_start_only_after_the_release_step_and_healthy_services(compose):
    services = compose["services"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }


def test_every_long_running_service_has_a_health_check_and_restarts(compose):
    for name, service in compose["services"].items():
        if name == "migrate":
            assert service["restart"] == "no"
            continue
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name


def test_postgresql_15_keeps_its_data_in_a_volume(compose):
    db = compose["services"]["db"]
    assert db["image"].split(":")[1].startswith("15")
    assert "postgres-data:/var/lib/postgresql/data" in db["volumes"]
    assert "postgres-data" in compose["volumes"]


def test_redis_persists_and_never_evicts_in_compose_and_in_make_stack(compose):
    redis = compose["services"]["redis"]
    compose_flags = words(redis["command"])[1:]
    assert compose_flags == ["--appendonly", "yes", "--maxmemory-policy", "noeviction"]
    assert "redis-data:/data" in redis["volumes"]
    stack_policy = re.search(r"^REDIS_POLICY=\((.*)\)$", (ROOT / "scripts" / "stack").read_text(), re.M)
    assert stack_policy, "scripts/stack defines REDIS_POLICY=(...)"
    assert shlex.split(stack_policy.group(1)) == compose_flags


def test_make_stack_runs_the_procfile_commands_each_supervised_in_a_process_group_of_its_own():
    """supervisord runs each process through `scripts/stack process NAME`, which runs the Procfile's command;
    each is restarted on its own and stopped, or killed, with its process group."""
    script = (ROOT / "scripts" / "stack").read_text()
    assert 'sh -c "$(procfile_command release)"' in script
    assert "command=$root/scripts/stack process $name" in script
    assert 'command=$(procfile_command "$name")' in script and 'exec sh -c "exec $command"' in script
    for setting in ("autorestart=true", "stopasgroup=true", "killasgroup=true"):
        assert f"\n{setting}\n" in script, setting


def test_the_image_is_built_from_the_lock_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY package.json package-lock.json ./" in dockerfile
    assert "RUN npm ci " in dockerfile
    assert "COPY requirements.lock ./" in dockerfile
    assert "pip install -r requirements.lock" in dockerfile
    assert "requirements-dev.lock" not in dockerfile
    assert "collectstatic" in dockerfile


def pins(lock_file: str) -> dict[str, str]:
    """A pip-compile lock's pins, by normalised name."""
    lines = (ROOT / lock_file).read_text().splitlines()
    found = (re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line) for line in lines)
    return {re.sub(r"[-_.]+", "-", m[1]).lower(): m[2] for m in found if m}


def test_the_production_lock_holds_no_development_tool():
    """The image installs requirements.lock: none of the dev extra's tools is in it, and the development
    lock pins every production dependency at the same version, so make test tests what the image runs.
    (PyYAML is in the dev extra for the tests' own use, and in production because drf-spectacular needs it.)"""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    tools = {re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement)[0]).lower() for requirement in extras}
    tools -= {"pyyaml"}
    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {"django", "celery", "gunicorn"} <= production.keys()
    assert {"pytest", "ruff", "import-linter", "openapi-spec-validator", "pre-commit"} <= tools
    assert tools.isdisjoint(production), sorted(tools & production.keys())
    assert tools <= development.keys(), sorted(tools - development.keys())
    assert {name: development.get(name) for name in production} == production


def test_the_example_environment_names_every_variable_compose_requires(compose):
    example = (ROOT / ".env.example").read_text()
    defined = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, re.M))
    required = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):\?", (ROOT / "docker-compose.yml").read_text()))
    assert required <= defined
    assert {"SECRET_KEY", "ALLOWED_HOSTS"} <= defined


def test_make_test_lints_first_with_ruff_and_the_import_contracts():
    """.ci/run runs make test, which runs make lint: ruff's checks and formatting, and lint-imports."""
    makefile = (ROOT / "Makefile").read_text()
    prerequisites = re.search(r"^test:(.*)$", makefile, re.M)[1].split()
    assert prerequisites[0] == "lint"
    assert "scripts/lint" in re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.M)[1]
    script = (ROOT / "scripts" / "lint").read_text()
    for command in ('"$BIN/ruff" check .', '"$BIN/ruff" format --check .', '"$BIN/lint-imports"'):
        assert command in script


def test_every_app_service_reads_the_signing_key_from_a_compose_secret_kept_out_of_the_image_and_repository(compose):
    """Issue 20: the key that signs checkpoints is a mounted secret, never in the image, .env or git."""
    assert compose["secrets"]["history_signing_key"]["file"].startswith("${HISTORY_SIGNING_KEY_SECRET:-")
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["secrets"] == ["history_signing_key"], name
        assert service["environment"]["HISTORY_SIGNING_KEY_FILE"].endswith("/run/secrets/history_signing_key}")
    assert "/secrets/" in (ROOT / ".gitignore").read_text().split()
    assert "secrets" in (ROOT / ".dockerignore").read_text().split()


def test_make_stack_gives_its_processes_a_signing_key_of_their_own(tmp_path):
    """scripts/stack makes the stack's key once, readable only by its owner, and points the processes at it."""
    environment = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    environment["STACK_DIR"] = str(tmp_path)

    def key_file_exported() -> str:
        printed = subprocess.run(
            [str(ROOT / "scripts" / "stack"), "env"], env=environment, capture_output=True, text=True, timeout=120
        )
        assert printed.returncode == 0, printed.stderr
        [line] = [line for line in printed.stdout.splitlines() if "HISTORY_SIGNING_KEY" in line]
        return line

    first = key_file_exported()
    key_file = tmp_path / "history-signing.key"
    assert first == f'export HISTORY_SIGNING_KEY_FILE="{key_file}"'
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = transparency.SignerKey.parse(key_file.read_text())
    assert key_file_exported() == first and transparency.SignerKey.parse(key_file.read_text()) == key, "made once"


def test_make_run_makes_a_development_signing_key_once():
    makefile = (ROOT / "Makefile").read_text()
    run = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.M)[1]
    assert "manage.py generate_signing_key --out var/history-signing.key --if-missing" in run
    assert run.index("generate_signing_key") < run.index("manage.py migrate")


def test_migrate_runs_as_the_owner_and_the_processes_as_the_application_s_role_C4(compose):
    """docs/database-roles.md: the release step owns the tables; web, worker and beat may only append history."""
    services = compose["services"]
    assert "${DATABASE_OWNER_ROLE:-register_owner}:" in services["migrate"]["environment"]["DATABASE_URL"]
    for name in ("web", "worker", "beat"):
        assert "${DATABASE_APP_ROLE:-register_app}:" in services[name]["environment"]["DATABASE_URL"], name
    db = services["db"]
    assert "./scripts/docker-initdb.sh:/docker-entrypoint-initdb.d/10-register-roles.sh:ro" in db["volumes"]
    assert "./scripts/database-roles.sql:/register/database-roles.sql:ro" in db["volumes"]
    assert "-f /register/database-roles.sql" in (ROOT / "scripts" / "docker-initdb.sh").read_text()


def test_make_stack_and_make_test_create_the_roles_and_stack_migrates_as_the_owner_C4():
    stack = (ROOT / "scripts" / "stack").read_text()
    assert 'DATABASE_URL="$DATABASE_OWNER_URL" sh -c "$(procfile_command release)"' in stack
    assert 'export DATABASE_URL="postgres://$APP_ROLE@' in stack
    for script in ("stack", "with-services"):
        assert "database-roles.sql" in (ROOT / "scripts" / script).read_text(), script
