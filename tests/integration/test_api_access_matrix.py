"""Every endpoint and method of the API, for every role, on the caller's own group and another's."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from register.models import Person
from tests.integration.api_matrix import CELLS, ROLES


class World:
    """The council the matrix runs against, and one person per role."""

    def __init__(self, council):
        self.council = council
        self.people = {
            "member": council.groups[0].members[0],
            "group_leader": council.groups[0].leader,
            "officer": council.directorates[0].officers[0],
            "chief_executive": council.chief_executive,
            "monitoring_officer": council.monitoring_officer,
            "auditor": council.auditor,
        }

    def person_for(self, role) -> Person | None:
        return self.people.get(role)

    def client_for(self, role) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(self.person_for(role))
        return client


def api_endpoints() -> set[tuple[str, str]]:
    """(URL name, method) for every route under /api/, read from the URL configuration."""
    found = set()

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and (prefix + str(entry.pattern)).startswith("api/"):
                if entry.name is None or "(?P<format>" in str(entry.pattern):  # not "information"
                    continue
                for method in allowed_methods(entry.callback):
                    found.add((entry.name, method))

    walk(get_resolver().url_patterns)
    return found


def allowed_methods(callback) -> set[str]:
    actions = getattr(callback, "actions", None)
    if actions:  # a viewset route: the router's method -> action mapping
        return {method.upper() for method in actions if method not in {"options", "head"}}
    view_class = callback.view_class
    return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m) and m not in {"options", "head"}}


def test_the_access_matrix_covers_every_endpoint_and_method():
    covered = {(cell.url_name, cell.method) for cell in CELLS}
    missing = api_endpoints() - covered
    assert not missing, f"API endpoints with no row in the access matrix: {sorted(missing)}"
    stale = covered - api_endpoints()
    assert not stale, f"Access matrix rows for endpoints that do not exist: {sorted(stale)}"


def test_every_role_gets_the_expected_status_from_every_endpoint(council, capsys):
    world = World(council)
    failures, checked = [], 0
    for cell in CELLS:
        for role in ROLES:
            kwargs = cell.kwargs(world, role, cell.target) if cell.kwargs else {}
            body = cell.body(world, role, cell.target) if cell.body else {}
            url = reverse(cell.url_name, kwargs=kwargs)
            client = world.client_for(role)
            response = getattr(client, cell.method.lower())(url, body, format="json")
            checked += 1
            expected = cell.expected[role]
            if response.status_code != expected:
                failures.append(
                    f"{cell.method} {url} as {role} ({cell.target}): {response.status_code}, expected {expected}"
                )
    with capsys.disabled():
        print(f"\nAPI access matrix: {checked} cells checked ({len(CELLS)} endpoint rows x {len(ROLES)} roles)")
    assert not failures, "\n".join(failures)
