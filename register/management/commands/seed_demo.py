"""Load a fictional council for demonstration: groups, members, officers and every post; with
``--with-activity`` (what ``make run`` loads), a year of its life ending today as well: briefings and
declarations in every state, an absence of the Chief Executive, and the notices they sent
(register/management/demo_activity.py).

Idempotent: if the demo council (and, when asked for, its activity) is already there, nothing changes.
The plain command loads no activity, so that tests start from an empty register.
"""

import datetime

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.db import transaction

from register.management.demo_activity import DemoYear, activity_loaded
from register.management.demo_clock import clock_moved
from register.models import AttendanceRequest, Declaration, Notification, Organization, Person, Post, TransparencyLog
from register.services import people
from register.services.audit import checkpoints
from register.services.history import save_with_history
from register.services.system import system_user

DEMO_PASSWORD = "demo-register-2026"
TERM_START = datetime.date(2025, 5, 5)
REASON = "Demo council loaded by seed_demo"

GROUPS = [
    # name, administration, ordinary members besides the leader and deputy
    ("Labour Group", True, 12),
    ("Conservative Group", False, 8),
    ("Liberal Democrat Group", False, 6),
    ("Independent Group", False, 4),
]

DIRECTORATES = [
    "Adults and Health",
    "Children and Families",
    "Place and Economy",
    "Resources",
    "Law and Governance",
]

# The parish and town councils in Demoshire, whose members' conduct the Monitoring Officer handles too (D4).
LOCAL_COUNCILS = [
    ("Ashby Magna Parish Council", Organization.Classification.PARISH),
    ("Brookfield Town Council", Organization.Classification.TOWN),
    ("Castle Combe Parish Council", Organization.Classification.PARISH),
    ("Eastwick Parish Council", Organization.Classification.PARISH),
    ("Kingsmead Town Council", Organization.Classification.TOWN),
    ("Netherby Parish Council", Organization.Classification.PARISH),
]

# Three officer posts per directorate: (label, politically restricted)
OFFICER_POSTS = [
    ("Head of Adult Social Care", True),
    ("Public Health Consultant", False),
    ("Care Commissioning Manager", False),
    ("Head of Education", True),
    ("Children's Safeguarding Lead", False),
    ("School Admissions Manager", False),
    ("Head of Planning", True),
    ("Highways Manager", False),
    ("Economic Development Officer", False),
    ("Head of Finance", True),
    ("HR Business Partner", False),
    ("Digital Services Manager", False),
    ("Democratic Services Manager", True),
    ("Senior Solicitor", False),
    ("Elections Officer", False),
]

FIRST_NAMES = [
    "Alex",
    "Bethan",
    "Callum",
    "Deborah",
    "Eamon",
    "Fatima",
    "Gareth",
    "Harriet",
    "Imran",
    "Joanna",
    "Kieran",
    "Lowri",
    "Mohammed",
    "Niamh",
    "Owen",
    "Priya",
    "Quentin",
    "Rhiannon",
    "Samuel",
    "Tamsin",
    "Umar",
    "Victoria",
    "William",
    "Xanthe",
    "Yusuf",
    "Zara",
    "Aled",
    "Bronwen",
    "Colin",
    "Delyth",
]
LAST_NAMES = [
    "Ashworth",
    "Bradbury",
    "Chaudhry",
    "Davies",
    "Ellison",
    "Fairclough",
    "Gill",
    "Hargreaves",
    "Iqbal",
    "Jenkins",
    "Kaur",
    "Lloyd",
    "McAllister",
    "Nolan",
    "Okafor",
    "Pritchard",
    "Quayle",
    "Rahman",
    "Sutherland",
    "Thornton",
    "Underwood",
    "Vaughan",
    "Whitfield",
    "Yates",
]


def demo_name(index: int) -> tuple[str, str]:
    return FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[(index * 7) % len(LAST_NAMES)]


class Command(BaseCommand):
    help = "Load the fictional Demoshire County Council (idempotent); --with-activity adds a year of its life."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-activity",
            action="store_true",
            help="Also load a year of activity ending today: briefings and declarations in every state, "
            "an absence of the Chief Executive, and their notices (what make run serves).",
        )

    def handle(self, *args, with_activity=False, **options):
        council_loaded = Organization.objects.filter(classification=Organization.Classification.COUNCIL).exists()
        if council_loaded and not (with_activity and not activity_loaded()):
            self.stdout.write("The demo council is already loaded; nothing changed.")
            return
        with transaction.atomic():
            if with_activity:
                year = DemoYear()
                with clock_moved(year.clock):
                    if not council_loaded:
                        DemoCouncil(system_user()).load()
                    year.run()
            else:
                DemoCouncil(system_user()).load()
        if with_activity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded a year of the demo council's activity: {AttendanceRequest.objects.count()} briefing "
                    f"requests, {Declaration.objects.count()} declarations, {Notification.objects.count()} notices."
                )
            )
        if not council_loaded:
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the demo council. Every demo user's password is {DEMO_PASSWORD!r}.")
            )
        self._sign_the_history()

    def _sign_the_history(self):
        """Publish a checkpoint of what was loaded (issue 20), so the public checkpoint page has one."""
        try:
            checkpoint = checkpoints.sign_checkpoint(log=TransparencyLog.HISTORY, reason="demo council loaded")
        except ImproperlyConfigured as error:
            self.stdout.write(f"No checkpoint signed: {error}")
            return
        if checkpoint is not None:
            self.stdout.write(f"Signed a checkpoint of the history at {checkpoint.tree_size} entries.")


class DemoCouncil:
    def __init__(self, actor: Person):
        self.actor = actor
        self.names = iter(range(1000))
        # Hashing is slow by design: hash the one demo password once and share it.
        self.password_hash = make_password(DEMO_PASSWORD)

    def person(self, username: str, kind: str, member_type: str = "") -> Person:
        first, last = demo_name(next(self.names))
        return people.person_create(
            actor=self.actor,
            reason=REASON,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demoshire.example",
            kind=kind,
            member_type=member_type,
            password_hash=self.password_hash,
        )

    def appoint(self, person: Person, organization: Organization, role: str, label: str, **post_options) -> None:
        post = people.post_create(
            actor=self.actor, reason=REASON, organization=organization, role=role, label=label, **post_options
        )
        people.post_appoint(actor=self.actor, reason=REASON, person=person, post=post, start_date=TERM_START)

    def join(self, person: Person, organization: Organization) -> None:
        people.membership_start(
            actor=self.actor, reason=REASON, person=person, organization=organization, start_date=TERM_START
        )

    def load(self) -> None:
        council = people.organization_create(
            actor=self.actor,
            reason=REASON,
            name="Demoshire County Council",
            classification=Organization.Classification.COUNCIL,
        )
        self.load_groups()
        self.load_officers(council)
        admin = Person(
            username="admin",
            first_name="Register",
            last_name="Administrator",
            kind=Person.Kind.SYSTEM,
            is_staff=True,
            is_superuser=True,
            email="admin@demoshire.example",
        )
        admin.password = self.password_hash
        save_with_history(admin, actor=self.actor, reason=REASON)

    def load_groups(self) -> None:
        member_number = 0
        for number, (name, administration, size) in enumerate(GROUPS, start=1):
            group = people.organization_create(
                actor=self.actor,
                reason=REASON,
                name=name,
                classification=Organization.Classification.PARTY,
                is_administration=administration,
            )
            leader = self.person(f"leader-{number}", Person.Kind.MEMBER, Person.MemberType.ELECTED)
            deputy = self.person(f"deputy-leader-{number}", Person.Kind.MEMBER, Person.MemberType.ELECTED)
            for member in (leader, deputy):
                self.join(member, group)
            self.appoint(leader, group, Post.Role.GROUP_LEADER, f"Leader of the {name}")
            self.appoint(deputy, group, Post.Role.DEPUTY_GROUP_LEADER, f"Deputy Leader of the {name}")
            for _ in range(size):
                member_number += 1
                self.join(self.person(f"member-{member_number}", Person.Kind.MEMBER, Person.MemberType.ELECTED), group)
        for number in (1, 2):
            self.person(f"co-opted-{number}", Person.Kind.MEMBER, Person.MemberType.CO_OPTED)

    def load_officers(self, council: Organization) -> None:
        Role = Post.Role
        for username, role, label in [
            ("chief-executive", Role.CHIEF_EXECUTIVE, "Chief Executive"),
            ("deputy-chief-executive", Role.DEPUTY_CHIEF_EXECUTIVE, "Deputy Chief Executive"),
            ("monitoring-officer", Role.MONITORING_OFFICER, "Monitoring Officer"),
            ("deputy-monitoring-officer", Role.DEPUTY_MONITORING_OFFICER, "Deputy Monitoring Officer"),
        ]:
            officer = self.person(username, Person.Kind.OFFICER)
            self.appoint(officer, council, role, label, politically_restricted=True)
            if role == Role.CHIEF_EXECUTIVE:
                chief_executive = officer
        self.appoint(
            self.person("auditor", Person.Kind.OFFICER), council, Role.AUDITOR, "Internal Auditor", single_holder=False
        )
        # Answers subject access requests with the Monitoring Officer and reads the records of processing (issue 21).
        self.appoint(
            self.person("data-protection-officer", Person.Kind.OFFICER),
            council,
            Role.DATA_PROTECTION_OFFICER,
            "Data Protection Officer",
        )
        officer_number = 0
        for number, name in enumerate(DIRECTORATES, start=1):
            directorate = people.organization_create(
                actor=self.actor, reason=REASON, name=name, classification=Organization.Classification.DIRECTORATE
            )
            director = self.person(f"director-{number}", Person.Kind.OFFICER)
            assistant = self.person(f"assistant-director-{number}", Person.Kind.OFFICER)
            for officer in (director, assistant):
                self.join(officer, directorate)
            self.appoint(director, directorate, Role.DIRECTOR, f"Director of {name}", politically_restricted=True)
            self.appoint(
                assistant,
                directorate,
                Role.ASSISTANT_DIRECTOR,
                f"Assistant Director of {name}",
                politically_restricted=True,
            )
            for label, restricted in OFFICER_POSTS[(number - 1) * 3 : number * 3]:
                officer_number += 1
                officer = self.person(f"officer-{officer_number}", Person.Kind.OFFICER)
                self.join(officer, directorate)
                self.appoint(officer, directorate, Role.OFFICER, label, politically_restricted=restricted)
                self.reports(officer, to=assistant)
            self.reports(assistant, to=director)
            self.reports(director, to=chief_executive)
        # Last, so that everyone before keeps the demo name they had.
        self.appoint(
            self.person("democratic-services", Person.Kind.OFFICER),
            council,
            Role.DEMOCRATIC_SERVICES,
            "Democratic Services Officer",
            single_holder=False,
        )
        self.load_standards(council)

    def load_standards(self, council: Organization) -> None:
        """Two Independent Persons, whom the Monitoring Officer consults on complaints, and the parish
        and town councils in the area (D4)."""
        post = people.post_create(
            actor=self.actor,
            reason=REASON,
            organization=council,
            role=Post.Role.INDEPENDENT_PERSON,
            label="Independent Person",
        )
        for number in (1, 2):
            person = self.person(f"independent-person-{number}", Person.Kind.INDEPENDENT)
            people.post_appoint(actor=self.actor, reason=REASON, person=person, post=post, start_date=TERM_START)
        for name, classification in LOCAL_COUNCILS:
            people.organization_create(actor=self.actor, reason=REASON, name=name, classification=classification)

    def reports(self, officer: Person, *, to: Person) -> None:
        people.person_update(actor=self.actor, reason=REASON, person=officer, changes={"reports_to": to})
