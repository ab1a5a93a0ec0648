"""The register's current people, groups and memberships as the import reads them: the CSV format
(every cell a spreadsheet would run as a formula protected by a leading apostrophe, which the import
removes again) and Popolo JSON. Exporting and importing again changes nothing."""

import csv
import datetime
import io
import json

from django.utils import timezone

from register.models import Person
from register.services.people.import_plan import Standing, standings_on
from register.services.people.imports import (
    COLUMNS,
    POPOLO_COUNCIL_ID,
    POPOLO_GROUP_MEMBER_ROLE,
    POPOLO_ROLE_BY_MEMBER_TYPE,
    escape_formula,
)


def _current(on: datetime.date) -> list[Standing]:
    standings = [s for s in standings_on(on).values() if s.person.is_current_on(on) and s.person.kind != "system"]
    return sorted(standings, key=lambda s: (s.person.kind, s.person.last_name, s.person.first_name, s.person.email))


def _start_date(standing: Standing) -> datetime.date | None:
    starts = [m.start_date for m in (standing.group, standing.directorate) if m is not None]
    return min(starts) if starts else None


def _row(standing: Standing) -> dict[str, str]:
    values = standing.as_line_says()
    start = _start_date(standing)
    return {
        **values,
        "email": standing.person.email,
        "kind": standing.person.kind,
        "politically_restricted": "yes" if values["politically_restricted"] else "no",
        "start_date": start.isoformat() if start else "",
    }


def export_people_csv(*, on: datetime.date | None = None) -> str:
    """The people current on ``on`` (today) in the import's CSV format, formulas escaped (OWASP)."""
    on = on or timezone.localdate()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for standing in _current(on):
        row = _row(standing)
        writer.writerow([escape_formula(str(row[name])) for name in COLUMNS])
    return out.getvalue()


def export_people_popolo(*, on: datetime.date | None = None) -> str:
    """The people current on ``on`` (today) as Popolo JSON: persons, organizations (the council, the
    groups and directorates they belong to) and memberships, as ``parse_people_file`` reads them."""
    on = on or timezone.localdate()
    persons, memberships, organizations = [], [], {}
    organizations[POPOLO_COUNCIL_ID] = {"id": POPOLO_COUNCIL_ID, "name": "Council", "classification": "council"}
    for standing in _current(on):
        person = standing.person
        person_id = f"person-{person.pk}"
        entry = {
            "id": person_id,
            "name": person.get_full_name(),
            "given_name": person.first_name,
            "family_name": person.last_name,
            "email": person.email,
        }
        persons.append(entry)
        start = _start_date(standing)
        start_date = {"start_date": start.isoformat()} if start else {}
        if person.kind == Person.Kind.MEMBER:
            memberships.append(
                {
                    "person_id": person_id,
                    "organization_id": POPOLO_COUNCIL_ID,
                    "role": POPOLO_ROLE_BY_MEMBER_TYPE[person.member_type],
                    **start_date,
                }
            )
        line = standing.as_line_says()
        if standing.group is not None:
            group = standing.group.organization
            organizations[f"org-{group.pk}"] = {"id": f"org-{group.pk}", "name": group.name, "classification": "party"}
            memberships.append(
                {
                    "person_id": person_id,
                    "organization_id": f"org-{group.pk}",
                    "role": line["group_role"] or POPOLO_GROUP_MEMBER_ROLE,
                    **start_date,
                }
            )
        if person.kind == Person.Kind.OFFICER and standing.directorate is not None:
            directorate = standing.directorate.organization
            organizations[f"org-{directorate.pk}"] = {
                "id": f"org-{directorate.pk}",
                "name": directorate.name,
                "classification": "directorate",
            }
            memberships.append(
                {
                    "person_id": person_id,
                    "organization_id": f"org-{directorate.pk}",
                    "role": line["post"],
                    "politically_restricted": line["politically_restricted"],
                    "reports_to": line["reports_to"],
                    **start_date,
                }
            )
        elif person.kind == Person.Kind.OFFICER:
            # An officer in no directorate (the statutory officers, in the council itself) says so itself.
            entry["kind"] = "officer"
            if line["reports_to"]:
                entry["reports_to"] = line["reports_to"]
        elif person.kind == Person.Kind.INDEPENDENT:
            # An Independent Person (D4) belongs to no group or directorate, and says so itself.
            entry["kind"] = "independent"
    document = {"persons": persons, "organizations": list(organizations.values()), "memberships": memberships}
    return json.dumps(document, ensure_ascii=False, indent=2)
