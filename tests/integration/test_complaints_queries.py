"""The complaints list, page and API, costs the same number of queries at 5 and at 40 complaints, for
the Monitoring Officer, the Independent Person consulted and the member told: the selector joins the
councillor, the council and the linked case, and prefetches the consultations the policies read."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from register.services.conduct import complaints
from tests.integration.complaint_helpers import consult, give_view, record

SIZES = [5, 40]


def make_complaints(council, how_many):
    member = council.groups[0].members[0]
    first = None
    for number in range(how_many):
        complaint = record(
            council,
            reference=str(2000 + number),
            reported_with=first.reference if first and number % 3 == 0 else "",
            **(
                {"member": None, "local_council": council.town_council, "councillor_name": "Cllr Town"}
                if number % 4 == 1
                else {}
            ),
        )
        first = first or complaint
        consult(council, complaint)
        if number % 2:
            give_view(council, complaint)
        if complaint.member_id == member.pk:
            complaints.complaint_tell_member(actor=council.monitoring_officer, reason="Test", complaint=complaint)
    return member


def rows_shown(response) -> int:
    return response.content.decode().count('<tr class="govuk-table__row">') - 1


@pytest.mark.parametrize("how_many", SIZES)
@pytest.mark.parametrize("who", ["monitoring_officer", "independent_person", "member"])
def test_the_complaints_page_costs_a_fixed_number_of_queries(council, how_many, who, django_assert_num_queries):
    member = make_complaints(council, how_many)
    viewer = member if who == "member" else getattr(council, who)
    client = Client()
    client.force_login(viewer)
    client.get("/complaints/")  # the standing's posts, read once per request, warmed the same way each time
    # The session; the person with their posts today; the paginator's count, the complaints with their
    # councillor, council and linked case, and their consultations.
    with django_assert_num_queries(5):
        response = client.get("/complaints/")
    expected = how_many if who != "member" else sum(1 for n in range(how_many) if n % 4 != 1)
    assert rows_shown(response) == expected


@pytest.mark.parametrize("how_many", SIZES)
@pytest.mark.parametrize("who", ["monitoring_officer", "independent_person", "member"])
def test_the_complaints_api_list_costs_a_fixed_number_of_queries(council, how_many, who, django_assert_num_queries):
    member = make_complaints(council, how_many)
    viewer = member if who == "member" else getattr(council, who)
    client = APIClient()
    client.force_authenticate(viewer)
    # The caller's posts today; the complaints with what they show and their count (one statement),
    # their consultations.
    with django_assert_num_queries(3):
        response = client.get("/api/complaints/?page_size=100")
    expected = how_many if who != "member" else sum(1 for n in range(how_many) if n % 4 != 1)
    assert response.json()["count"] == expected
    assert len(response.json()["results"]) == expected
