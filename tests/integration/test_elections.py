"""Elections: who joins, leaves, continues and changes group, recorded in one transaction by
Democratic Services, with terms ending and the newly elected taking office on the fourth day after
polling day; by-elections and councillors crossing the floor."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from register import policies, selectors
from register.errors import NotFound, NotPermitted, RuleViolation
from register.models import Membership, Organization, Person, Post
from register.services import people
from register.services.attendance import attendance_request_refer
from register.services.people.elections import (
    FLOOR,
    HALF,
    ONE,
    WHOLE,
    person_change_group,
    plan_election,
    record_election,
)
from register.services.people.lines import PersonLine
from tests.factories import make_person, meeting, row_counts, submit_request

POLLING_DAY = datetime.date(2026, 5, 7)  # a Thursday
TERMS_END = datetime.date(2026, 5, 10)
TAKES_OFFICE = datetime.date(2026, 5, 11)  # the fourth day after polling day (LGA 1972 s.7)
LONDON = ZoneInfo("Europe/London")


def line_for(person: Person, group: str, number: int = 2) -> PersonLine:
    """The results' line for a serving councillor, with their e-mail address in other capitals."""
    return PersonLine(
        line=number,
        given_name=person.first_name,
        family_name=person.last_name,
        email=person.email.upper(),
        kind="member",
        member_type="elected",
        group=group,
    )


def newcomer(name: str, group: str, number: int = 2) -> PersonLine:
    given, family = name.split()
    return PersonLine(
        line=number,
        given_name=given,
        family_name=family,
        email=f"{given.lower()}.{family.lower()}@council.example",
        kind="member",
        group=group,
    )


def whole_council_results(council) -> list[PersonLine]:
    """Red re-elects everyone but one member; Blue loses its leader and deputy; a newcomer joins
    Blue, another a new Green group."""
    red, blue = council.groups
    lines = [line_for(person, "Red Group") for person in [red.leader, red.deputy, *red.members[1:]]]
    lines += [line_for(person, "Blue Group") for person in blue.members]
    lines += [newcomer("Ann Newman", "Blue Group"), newcomer("Gwen Ellis", "Green Group")]
    return [PersonLine(**{**vars(line), "line": number}) for number, line in enumerate(lines, start=2)]


def recorded(council, results, *, seats=WHOLE, retiring=(), in_the_past=False):
    plan = plan_election(polling_day=POLLING_DAY, seats=seats, retiring=retiring, results=results, on=POLLING_DAY)
    record_election(actor=council.democratic_services, reason="May 2026 elections", plan=plan, in_the_past=in_the_past)
    return plan


@pytest.fixture
def before_polling_day(clock):
    clock.set(datetime.datetime(2026, 5, 1, 9, 0, tzinfo=LONDON))
    return clock


def test_a_whole_council_election_ends_terms_and_new_members_take_office_on_the_fourth_day(council, before_polling_day):
    """Retiring councillors not re-elected leave, their group and posts ending the day before the
    newly elected take office, on the fourth day after polling day (LGA 1972 s.7)."""
    red, blue = council.groups
    plan = recorded(council, whole_council_results(council))

    assert plan.takes_office == TAKES_OFFICE
    assert {leaving.person for leaving in plan.leaves} == {red.members[0], blue.leader, blue.deputy}
    assert [joining.name for joining in plan.joins] == ["Ann Newman", "Gwen Ellis"]
    assert plan.new_groups == ("Green Group",)
    for person in (red.members[0], blue.leader, blue.deputy):
        person.refresh_from_db()
        assert person.left_on == TERMS_END
        assert selectors.group_of(person, TERMS_END) is not None
        assert selectors.group_of(person, TAKES_OFFICE) is None
    assert selectors.groups_led_by(blue.leader, TERMS_END)
    assert not selectors.groups_led_by(blue.leader, TAKES_OFFICE)
    ann = Person.objects.get(email="ann.newman@council.example")
    assert (ann.kind, ann.member_type) == (Person.Kind.MEMBER, Person.MemberType.ELECTED)
    assert selectors.group_of(ann, TERMS_END) is None
    assert selectors.group_of(ann, TAKES_OFFICE) == blue.organization
    green = Organization.objects.get(name="Green Group")
    assert green.classification == Organization.Classification.PARTY
    assert selectors.group_of(Person.objects.get(email="gwen.ellis@council.example"), TAKES_OFFICE) == green


@override_settings(ELECTION_TAKE_OFFICE_DAYS=1)
def test_councils_elsewhere_set_the_day_the_newly_elected_take_office(council, before_polling_day):
    """The four days of England and Wales are a setting."""
    plan = recorded(council, whole_council_results(council))
    assert plan.takes_office == POLLING_DAY + datetime.timedelta(days=1)
    assert selectors.group_of(Person.objects.get(email="ann.newman@council.example"), plan.takes_office)


def test_the_preview_names_each_group_left_without_a_leader_or_deputy(council, before_polling_day):
    """Group leaders are not set by an election: Blue, whose leader and deputy left, and the new
    Green group have none; Red keeps both."""
    plan = plan_election(polling_day=POLLING_DAY, seats=WHOLE, results=whole_council_results(council), on=POLLING_DAY)
    without = {entry.group: (entry.no_leader, entry.no_deputy, entry.is_new) for entry in plan.without_leader}
    assert without == {"Blue Group": (True, True, False), "Green Group": (True, True, True)}


def test_the_old_leader_of_a_group_who_retired_no_longer_sees_its_requests_and_it_has_no_leader_until_one_is_set_A1(
    council, clock
):
    """After the election the retired leader loses the group's requests; nobody may ask for the
    leaderless group (a referral is refused on the councillor's field) until a leader is recorded,
    who then sees the request."""
    blue = council.groups[1]
    request = submit_request(council, group=1, starts_at=datetime.datetime(2026, 5, 20, 18, 0, tzinfo=LONDON))
    clock.set(datetime.datetime(2026, 5, 12, 9, 0, tzinfo=LONDON))
    recorded(council, whole_council_results(council), in_the_past=True)

    old_leader = selectors.standing_of(blue.leader)
    assert not policies.asks_for_briefings(old_leader)
    with pytest.raises(NotFound):
        selectors.attendance_request_for(viewer=old_leader, pk=request.pk)
    assert not any(group == blue.organization for group, _ in selectors.group_leaders(clock.today))
    officer = council.directorates[0].officers[0]
    with pytest.raises(RuleViolation) as refused:
        attendance_request_refer(
            actor=officer,
            asked_by=blue.members[0],
            meeting=meeting(),
            officers=[officer],
            subject="Highways",
            scope="Road repairs",
        )
    assert refused.value.field == "asked_by"
    assert "No leader recorded" in refused.value.message

    post = Post.objects.get(organization=blue.organization, role=Post.Role.GROUP_LEADER)
    people.post_appoint(
        actor=council.democratic_services,
        reason="The group's annual meeting chose its leader",
        person=blue.members[0],
        post=post,
        start_date=clock.today,
    )
    new_leader = selectors.standing_of(blue.members[0])
    assert policies.asks_for_briefings(new_leader)
    assert selectors.attendance_request_for(viewer=new_leader, pk=request.pk) == request


def test_the_re_elected_continue_with_no_new_history(council, before_polling_day):
    """A councillor re-elected in the same group keeps their membership and posts: nothing is written."""
    red = council.groups[0]

    def history_of(person):
        return (
            person.history.count(),
            Membership.history.filter(person_id=person.pk).count(),
        )

    before = history_of(red.leader)
    plan = recorded(council, whole_council_results(council))

    assert red.leader in {continuing.person for continuing in plan.continues}
    assert history_of(red.leader) == before
    assert selectors.groups_led_by(red.leader, TAKES_OFFICE)


def test_a_by_election_fills_one_seat(council, before_polling_day):
    """One councillor's seat is up; the one line of the results elects a newcomer, who takes office
    on the fourth day, and the retiring councillor leaves the day before."""
    red = council.groups[0]
    retiring = red.members[0]
    plan = recorded(council, [newcomer("Rhys Morgan", "Red Group")], seats=ONE, retiring=[retiring])

    assert [leaving.person for leaving in plan.leaves] == [retiring]
    retiring.refresh_from_db()
    assert retiring.left_on == TERMS_END
    assert selectors.group_of(Person.objects.get(email="rhys.morgan@council.example"), TAKES_OFFICE) == red.organization
    assert selectors.group_of(red.members[1], TAKES_OFFICE) == red.organization


def test_a_by_election_elects_one_councillor_only(council, before_polling_day):
    """A results file of two lines for one seat is a problem of the file, on its second line."""
    lines = [newcomer("Rhys Morgan", "Red Group", 2), newcomer("Ann Newman", "Red Group", 3)]
    plan = plan_election(polling_day=POLLING_DAY, seats=ONE, results=lines, on=POLLING_DAY)
    assert [(problem.line, problem.field) for problem in plan.problems] == [(3, "email")]


def test_a_councillor_crossing_the_floor_moves_group_from_a_date_and_leaves_their_posts(council, before_polling_day):
    """The same councillor in another group from the day they cross: their old group and its posts
    end the day before."""
    red, blue = council.groups
    day = datetime.date(2026, 5, 4)
    person_change_group(
        actor=council.democratic_services,
        reason="Crossed the floor",
        person=red.deputy,
        group=blue.organization,
        on=day,
    )

    assert selectors.group_of(red.deputy, day - datetime.timedelta(days=1)) == red.organization
    assert selectors.group_of(red.deputy, day) == blue.organization
    assert not selectors.groups_led_by(red.deputy, day)
    red.deputy.refresh_from_db()
    assert red.deputy.left_on is None


def test_crossing_the_floor_is_the_elections_journey_for_one_councillor_from_the_day_itself(
    council, before_polling_day
):
    """The councillor chosen, on the file's one line with their new group, moves on the day given (no
    four days: nobody was elected); nobody joins or leaves, and their old group has no deputy now."""
    red, blue = council.groups
    day = datetime.date(2026, 5, 4)
    plan = plan_election(
        polling_day=day, seats=FLOOR, retiring=[red.deputy], results=[line_for(red.deputy, "Blue Group")], on=day
    )
    assert (plan.joins, plan.leaves, plan.problems) == ((), (), ())
    assert plan.takes_office == day
    assert [entry.group for entry in plan.without_leader if entry.no_deputy] == ["Red Group"]
    record_election(actor=council.democratic_services, reason="Crossed the floor", plan=plan)

    assert selectors.group_of(red.deputy, day - datetime.timedelta(days=1)) == red.organization
    assert selectors.group_of(red.deputy, day) == blue.organization
    red.deputy.refresh_from_db()
    assert red.deputy.left_on is None


def test_crossing_the_floor_names_the_councillor_and_a_new_group(council, before_polling_day):
    red = council.groups[0]
    someone_else = plan_election(
        polling_day=POLLING_DAY,
        seats=FLOOR,
        retiring=[red.deputy],
        results=[newcomer("Rhys Morgan", "Blue Group")],
        on=POLLING_DAY,
    )
    assert [(p.line, p.field) for p in someone_else.problems] == [(2, "email")]
    same_group = plan_election(
        polling_day=POLLING_DAY,
        seats=FLOOR,
        retiring=[red.deputy],
        results=[line_for(red.deputy, "Red Group")],
        on=POLLING_DAY,
    )
    assert [(p.line, p.field) for p in same_group.problems] == [(2, "group")]
    with pytest.raises(RuleViolation) as refused:
        plan_election(
            polling_day=POLLING_DAY, seats=FLOOR, results=[line_for(red.deputy, "Blue Group")], on=POLLING_DAY
        )
    assert refused.value.field == "retiring"


def test_a_re_elected_councillor_in_another_group_changes_group_when_taking_office(council, before_polling_day):
    red, blue = council.groups
    mover = red.members[1]
    plan = recorded(council, [line_for(mover, "Blue Group")], seats=HALF, retiring=[mover, red.members[2]])

    assert [change.person for change in plan.changes_group] == [mover]
    assert [leaving.person for leaving in plan.leaves] == [red.members[2]]
    assert selectors.group_of(mover, TERMS_END) == red.organization
    assert selectors.group_of(mover, TAKES_OFFICE) == blue.organization
    mover.refresh_from_db()
    assert mover.left_on is None


def test_a_councillor_whose_seat_was_not_up_cannot_be_in_the_results(council, before_polling_day):
    red = council.groups[0]
    plan = plan_election(
        polling_day=POLLING_DAY,
        seats=HALF,
        retiring=[red.members[0]],
        results=[line_for(red.members[1], "Red Group")],
        on=POLLING_DAY,
    )
    assert [(p.line, p.field) for p in plan.problems] == [(2, "email")]
    assert "was not up for election" in plan.problems[0].message


def test_lines_that_cannot_be_recorded_are_reported_by_line_and_field(council, before_polling_day):
    """An officer, a co-opted member, a group's leader, the same e-mail twice and a directorate for a
    group: each is a problem on its line and field, and nothing can be recorded."""
    officer = council.directorates[0].officers[0]
    lines = [
        PersonLine(2, "Ann", "Newman", "ann@council.example", "officer"),
        PersonLine(3, "Bob", "Jones", "bob@council.example", "member", member_type="co-opted"),
        PersonLine(4, "Cai", "Rees", "cai@council.example", "member", group="Red Group", group_role="leader"),
        PersonLine(5, "Dai", "Rees", "CAI@council.example", "member"),
        PersonLine(6, "Eve", "Pugh", "eve@council.example", "member", group="Place"),
        PersonLine(7, officer.first_name, officer.last_name, officer.email, "member"),
    ]
    plan = plan_election(polling_day=POLLING_DAY, seats=WHOLE, results=lines, on=POLLING_DAY)
    assert [(p.line, p.field) for p in plan.problems] == [
        (2, "kind"),
        (3, "member_type"),
        (4, "group_role"),
        (5, "email"),
        (6, "group"),
        (7, "email"),
    ]
    counts = row_counts()
    with pytest.raises(RuleViolation) as refused:
        record_election(actor=council.democratic_services, reason="Elections", plan=plan)
    assert refused.value.field == "results"
    assert row_counts() == counts


def test_a_polling_day_in_the_past_is_refused_naming_the_field_unless_the_election_has_happened(council, clock):
    """Most often a mistyped year: refused on polling_day, and saves nothing, unless the person says
    the election has already happened."""
    clock.set(datetime.datetime(2026, 5, 12, 9, 0, tzinfo=LONDON))
    plan = plan_election(polling_day=POLLING_DAY, seats=WHOLE, results=whole_council_results(council), on=clock.today)
    counts = row_counts()
    with pytest.raises(RuleViolation) as refused:
        record_election(actor=council.democratic_services, reason="Elections", plan=plan)
    assert refused.value.field == "polling_day"
    assert row_counts() == counts

    record_election(actor=council.democratic_services, reason="Elections", plan=plan, in_the_past=True)
    assert Person.objects.filter(email="ann.newman@council.example").exists()


def test_an_election_is_recorded_all_or_nothing(council, before_polling_day):
    """When a late step is refused (a newcomer's username taken since the preview), the leavers
    recorded before it are undone too: nothing is saved."""
    plan = plan_election(polling_day=POLLING_DAY, seats=WHOLE, results=whole_council_results(council), on=POLLING_DAY)
    people.person_create(
        actor=council.democratic_services,
        reason="Someone else",
        username="gwen.ellis@council.example",
        first_name="Gwen",
        last_name="Other",
        kind=Person.Kind.OFFICER,
    )
    counts = row_counts()
    with pytest.raises(RuleViolation) as refused:
        record_election(actor=council.democratic_services, reason="Elections", plan=plan)
    assert refused.value.field == "username"
    assert row_counts() == counts
    assert Person.objects.filter(left_on__isnull=False).count() == 0


def test_only_democratic_services_record_an_election_A1(council, before_polling_day):
    """The Monitoring Officer, who reads the council's records, and a group leader are refused,
    naming the rule; nothing is saved."""
    plan = plan_election(polling_day=POLLING_DAY, seats=WHOLE, results=whole_council_results(council), on=POLLING_DAY)
    counts = row_counts()
    with pytest.raises(NotPermitted):
        record_election(actor=council.monitoring_officer, reason="Elections", plan=plan)
    with pytest.raises(NotPermitted):
        record_election(actor=council.groups[0].leader, reason="Elections", plan=plan)
    with pytest.raises(NotPermitted):
        person_change_group(
            actor=council.groups[0].leader,
            reason="Crossing",
            person=council.groups[0].members[0],
            group=council.groups[1].organization,
            on=POLLING_DAY,
        )
    assert row_counts() == counts


# --- The pages -------------------------------------------------------------------------------------


def results_file(council) -> SimpleUploadedFile:
    rows = ["given_name,family_name,email,kind,group"]
    rows += [
        f"{line.given_name},{line.family_name},{line.email},member,{line.group}"
        for line in whole_council_results(council)
    ]
    return SimpleUploadedFile("results.csv", ("\n".join(rows) + "\n").encode(), content_type="text/csv")


def test_democratic_services_record_an_election_through_the_pages_after_a_preview(client, council, before_polling_day):
    """Polling day and seats, the results file, a preview that saves nothing, then the record."""
    client.force_login(council.democratic_services)
    answer = client.post(
        reverse("people:election"),
        {"polling_day_0": "7", "polling_day_1": "5", "polling_day_2": "2026", "seats": WHOLE},
    )
    assert answer.status_code == 302
    answer = client.post(reverse("people:election-results"), {"results": results_file(council)})
    assert answer.status_code == 302, answer.content.decode()
    counts = row_counts()
    preview = client.get(reverse("people:election-check"))
    text = preview.content.decode()
    assert "Ann Newman" in text and "Leaving the council (3)" in text and "No leader recorded" in text
    assert row_counts() == counts

    answer = client.post(reverse("people:election-check"))
    assert answer.status_code == 302
    assert "11 May 2026" in client.get(answer["Location"]).content.decode()
    assert selectors.group_of(Person.objects.get(email="ann.newman@council.example"), TAKES_OFFICE)


def test_the_page_refuses_a_polling_day_in_the_past_on_its_field_unless_ticked(client, council, clock):
    clock.set(datetime.datetime(2026, 5, 12, 9, 0, tzinfo=LONDON))
    client.force_login(council.democratic_services)
    day = {"polling_day_0": "7", "polling_day_1": "5", "polling_day_2": "2026", "seats": WHOLE}
    refused = client.post(reverse("people:election"), day)
    assert refused.status_code == 400
    assert "polling_day" in refused.context["form"].errors
    assert client.post(reverse("people:election"), {**day, "in_the_past": "on"}).status_code == 302


def test_only_democratic_services_open_the_election_pages_A1(client, council):
    """The Monitoring Officer, who reads the council's records, is refused (403) and not offered the
    link on the people page; anyone else is told the page is not found, as on the people pages."""
    client.force_login(council.monitoring_officer)
    for name in ("people:election", "people:election-results", "people:election-check", "people:election-recorded"):
        assert client.get(reverse(name)).status_code == 403
    assert reverse("people:election") not in client.get(reverse("people:index")).content.decode()
    client.force_login(council.groups[0].leader)
    assert client.get(reverse("people:election")).status_code == 404
    client.force_login(council.democratic_services)
    assert client.get(reverse("people:election")).status_code == 200
    assert reverse("people:election") in client.get(reverse("people:index")).content.decode()


def test_the_preview_reports_bad_lines_by_number_and_field_and_offers_no_record(client, council, before_polling_day):
    """A line the import's reader refuses (no e-mail address) and one the election refuses (a group's
    leader named in the results) are listed by line and column; nothing can be recorded."""
    client.force_login(council.democratic_services)
    client.post(
        reverse("people:election"),
        {"polling_day_0": "7", "polling_day_1": "5", "polling_day_2": "2026", "seats": WHOLE},
    )
    data = "given_name,family_name,email,kind,group,group_role\nAnn,Newman,,member,Blue Group,\nBob,Jones,bob@x.example,member,Blue Group,leader\n"
    upload = SimpleUploadedFile("results.csv", data.encode(), content_type="text/csv")
    assert client.post(reverse("people:election-results"), {"results": upload}).status_code == 302

    preview = client.get(reverse("people:election-check"))
    assert [(p.line, p.field) for p in preview.context["problems"]] == [(2, "email"), (3, "group_role")]
    assert "Record the election" not in preview.content.decode()
    counts = row_counts()
    client.post(reverse("people:election-check"))
    assert row_counts() == counts


def test_planning_costs_the_same_queries_whatever_the_number_of_councillors(council, before_polling_day):
    """The preview's plan reads the council in a fixed number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_plan() -> int:
        with CaptureQueriesContext(connection) as captured:
            plan_election(polling_day=POLLING_DAY, seats=WHOLE, results=whole_council_results(council), on=POLLING_DAY)
        return len(captured)

    small = queries_to_plan()
    for _ in range(6):
        council.join(make_person(Person.Kind.MEMBER), council.groups[1].organization)
    assert queries_to_plan() == small


def test_the_referral_page_says_no_leader_is_recorded_for_a_group_left_without_one_A1(client, council, clock):
    """An officer asked by a councillor of a group with neither leader nor deputy after the election
    is told so on the councillor's field, and nothing is saved."""
    from tests.integration.test_pages_and_api_agree import BRIEF, page_meeting

    clock.set(datetime.datetime(2026, 5, 12, 9, 0, tzinfo=LONDON))
    recorded(council, whole_council_results(council), in_the_past=True)
    officer = council.directorates[0].officers[0]
    client.force_login(officer)
    counts = row_counts()
    answer = client.post(
        reverse("attendance:refer"),
        {
            "asked_by": council.groups[1].members[0].pk,
            **page_meeting(clock.today + datetime.timedelta(days=7)),
            "officers": [officer.pk],
            **BRIEF,
            "needs_confidential_information": "no",
        },
    )
    assert answer.status_code == 400
    assert "No leader recorded for the Blue Group" in " ".join(answer.context["form"].errors["asked_by"])
    assert row_counts() == counts
