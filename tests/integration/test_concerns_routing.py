"""Where a concern goes (D1, D2, D3, D6), resolved from the posts held on the day, under each of the
two protocols a council may follow (settings.CONCERNS_PROTOCOL): 002's "redress" and 004's "complaints".

A handler is never the raiser or the person concerned, nor someone recorded as absent that day.
"""

import datetime

import pytest

from register import selectors
from register.errors import RuleViolation
from register.models import Concern, Membership, Notification, Post
from register.selectors import concerns as reads
from register.services import people
from tests.integration.concern_helpers import absent, raise_concern, reports_to

Role = Post.Role
Kind = Concern.Kind


@pytest.fixture
def redress(settings):
    settings.CONCERNS_PROTOCOL = "redress"


@pytest.fixture
def complaints(settings):
    settings.CONCERNS_PROTOCOL = "complaints"


def vacate(council, role, organization=None):
    holdings = Membership.objects.filter(post__role=role, end_date__isnull=True)
    if organization is not None:
        holdings = holdings.filter(organization=organization)
    people.membership_end(
        actor=council.system,
        reason="Left the post",
        membership=holdings.get(),
        end_date=selectors.today() - datetime.timedelta(days=1),
    )


def routes(raiser, concerned, kind):
    return [(r.person, r.capacity, r.rule) for r in reads.concern_routes(raiser, concerned, kind, selectors.today())]


# --- 002 section 8 ("redress") ----------------------------------------------------------------


def test_a_councillors_concern_about_an_officer_goes_to_their_line_manager_or_chief_officer_D1(council, redress):
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    place = council.directorates[0]
    reports_to(council, officer, place.officers[1])
    assert routes(member, officer, Kind.ABOUT_OFFICER) == [
        (place.officers[1], "Line manager", "D1"),
        (place.director, "Director of Place, Chief Officer", "D1"),
    ]
    concern = raise_concern(member, officer)
    assert (concern.kind, concern.rule, concern.protocol) == (Kind.ABOUT_OFFICER, "D1", "redress")
    assert concern.handler == place.officers[1], "the default is the first route"
    chosen = raise_concern(member, officer, handler=place.director)
    assert (chosen.handler, chosen.handler_capacity) == (place.director, "Director of Place, Chief Officer")
    assert Notification.objects.filter(kind="concern-received", recipient=place.director).exists()


def test_with_no_line_manager_recorded_the_assistant_director_manages_the_officer_D1(council, redress):
    member, officer = council.groups[0].members[0], council.directorates[1].officers[0]
    assert routes(member, officer, Kind.ABOUT_OFFICER)[0] == (
        council.directorates[1].assistant_director,
        "Assistant Director of Resources, as line manager",
        "D1",
    )


def test_a_line_manager_who_has_left_is_passed_over_for_the_assistant_director_D1(council, redress):
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    manager = council.directorates[0].officers[1]
    reports_to(council, officer, manager)
    people.person_update(
        actor=council.democratic_services,
        reason="Left the council",
        person=manager,
        changes={"left_on": selectors.today() - datetime.timedelta(days=1)},
    )
    assert routes(member, officer, Kind.ABOUT_OFFICER)[0][0] == council.directorates[0].assistant_director


def test_a_routed_choice_outside_the_routes_offered_is_refused_naming_the_handler_D1(council, redress):
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    with pytest.raises(RuleViolation) as refused:
        raise_concern(member, officer, handler=council.monitoring_officer)
    assert refused.value.field == "handler"
    assert not Concern.objects.exists()


def test_a_directors_chief_officer_is_the_chief_executive_D1(council, redress):
    member, director = council.groups[0].members[0], council.directorates[0].director
    assert [person for person, _, _ in routes(member, director, Kind.ABOUT_OFFICER)] == [council.chief_executive]


def test_an_officers_concern_about_a_councillor_goes_to_their_own_chief_officer_D2(council, redress):
    officer, member = council.directorates[1].officers[0], council.groups[1].members[0]
    assert routes(officer, member, Kind.ABOUT_MEMBER) == [
        (council.directorates[1].director, "Director of Resources, Chief Officer", "D2")
    ]
    concern = raise_concern(officer, member)
    assert (concern.kind, concern.rule, concern.handler) == (Kind.ABOUT_MEMBER, "D2", council.directorates[1].director)


def test_an_officer_with_the_directors_post_vacant_goes_to_the_chief_executive_D2(council, redress):
    vacate(council, Role.DIRECTOR, council.directorates[1].organization)
    officer, member = council.directorates[1].officers[0], council.groups[1].members[0]
    assert routes(officer, member, Kind.ABOUT_MEMBER)[0][0] == council.chief_executive


def test_a_directors_concern_about_a_councillor_goes_to_the_chief_executive_never_to_themselves_D2(council, redress):
    director, member = council.directorates[0].director, council.groups[0].members[0]
    assert routes(director, member, Kind.ABOUT_MEMBER)[0][0] == council.chief_executive


# --- 004, "In terms of complaints" ---------------------------------------------------------------


def test_a_councillors_concern_goes_to_the_monitoring_officer_under_004_D1(council, complaints):
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    assert routes(member, officer, Kind.ABOUT_OFFICER) == [(council.monitoring_officer, "Monitoring Officer", "D1")]
    concern = raise_concern(member, officer)
    assert (concern.handler, concern.protocol) == (council.monitoring_officer, "complaints")


def test_in_the_monitoring_officers_absence_their_deputy_takes_it_and_the_capacity_says_so_D1(council, complaints):
    absent(council, Role.MONITORING_OFFICER)
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    assert routes(member, officer, Kind.ABOUT_OFFICER) == [
        (council.deputy_monitoring_officer, "Deputy Monitoring Officer, in the Monitoring Officer's absence", "D1")
    ]


def test_a_concern_about_the_monitoring_officer_goes_to_the_deputy_D1(council, complaints):
    member = council.groups[0].members[0]
    [(person, capacity, rule)] = routes(member, council.monitoring_officer, Kind.ABOUT_OFFICER)
    assert person == council.deputy_monitoring_officer
    assert capacity == "Deputy Monitoring Officer, as the Monitoring Officer is the person concerned"


def test_failing_the_monitoring_officer_and_deputy_the_head_of_paid_service_takes_it_D1(council, complaints):
    absent(council, Role.MONITORING_OFFICER)
    vacate(council, Role.DEPUTY_MONITORING_OFFICER)
    member, officer = council.groups[0].members[0], council.directorates[0].officers[0]
    [(person, capacity, _)] = routes(member, officer, Kind.ABOUT_OFFICER)
    assert person == council.chief_executive
    assert "Head of Paid Service" in capacity


def test_nobody_to_take_it_is_refused_naming_the_handler_and_nothing_is_saved_D1(council, complaints):
    absent(council, Role.MONITORING_OFFICER)
    vacate(council, Role.DEPUTY_MONITORING_OFFICER)
    member = council.groups[0].members[0]
    with pytest.raises(RuleViolation) as refused:
        raise_concern(member, council.chief_executive)
    assert refused.value.field == "handler"
    assert not Concern.objects.exists()


def test_an_officers_concern_goes_to_their_line_manager_under_004_D2(council, complaints):
    officer, member = council.directorates[0].officers[0], council.groups[0].members[0]
    reports_to(council, officer, council.directorates[0].officers[2])
    assert routes(officer, member, Kind.ABOUT_MEMBER) == [(council.directorates[0].officers[2], "Line manager", "D2")]


def test_a_line_manager_recorded_absent_is_passed_over_D2(council, complaints):
    """The Monitoring Officer manages an officer and is recorded absent: the Assistant Director takes it."""
    officer, member = council.directorates[0].officers[0], council.groups[0].members[0]
    reports_to(council, officer, council.monitoring_officer)
    absent(council, Role.MONITORING_OFFICER)
    assert routes(officer, member, Kind.ABOUT_MEMBER)[0][0] == council.directorates[0].assistant_director


# --- D3, either protocol ---------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["redress", "complaints"])
def test_a_councillors_difficulty_obtaining_information_goes_to_the_monitoring_officer_D3(council, settings, protocol):
    settings.CONCERNS_PROTOCOL = protocol
    member = council.groups[1].members[0]
    concern = raise_concern(member, None, what_happened="Three requests for the housing figures went unanswered.")
    assert (concern.kind, concern.rule, concern.handler) == (Kind.INFORMATION, "D3", council.monitoring_officer)
    assert concern.concerned_person is None


@pytest.mark.parametrize("protocol", ["redress", "complaints"])
def test_an_information_concern_about_the_monitoring_officer_goes_to_the_deputy_D3(council, settings, protocol):
    settings.CONCERNS_PROTOCOL = protocol
    member = council.groups[1].members[0]
    concern = raise_concern(member, council.monitoring_officer, information=True)
    assert concern.handler == council.deputy_monitoring_officer


def test_due_dates_are_in_working_days_D3(council, clock, settings):
    """Acknowledgement within CONCERN_ACKNOWLEDGE_WORKING_DAYS, an outcome within CONCERN_OUTCOME_WORKING_DAYS."""
    clock.set(datetime.datetime(2026, 4, 1, 10, tzinfo=clock.at.tzinfo))  # Wednesday before Easter
    settings.COUNCIL_NATION = "england-and-wales"
    concern = raise_concern(council.groups[0].members[0], None, happened_on=datetime.date(2026, 3, 30))
    assert concern.acknowledge_due_on == datetime.date(2026, 4, 10)  # Good Friday and Easter Monday skipped
    assert concern.outcome_due_on == datetime.date(2026, 5, 1)
