"""The baselines the register's pages are compared with: a bare Django view returning the same
fields as JSON from one hand-written query. No DRF, no selectors, no policies: the fastest the same
stack (gunicorn, Django's middleware, PostgreSQL) can answer.

Two of them (issue 23). ``signed_in_request_list``, the fair one the table's ratios are against,
authenticates as every API request must: the session and the signed-in person are loaded, and
anyone else is refused. ``bare_request_list``, the first tables' baseline, never looks at who is
asking; the bench asks it with no session, so nobody is loaded (with a session cookie, the
middleware of issue 18 loads the person whatever the view). The README keeps its figure beside the
fair one's for one release.

"The same fields" is checked: tests/integration/test_bench_harness.py compares both views' pages
with the attendance API's, field for field.

``public_register``, the public register's own: the anonymous first page of the published register of
officer attendance, as /api/public/officer-attendance/ gives it, from one hand-written statement. Its JSON
is checked equal to the API's, envelope and all.
"""

import datetime

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from register import states, workflow
from register.models import AttendanceRequest, Organization, Post
from register.selectors.briefings import NO_PLACEMENT

PAGE_SIZE = 50


def _person(column: str) -> str:
    """A person as the API names them (id, name, kind), or null: a subquery of its own, which
    PostgreSQL plans on its own (joining every person into the page made planning cost 9 ms)."""
    name = "COALESCE(NULLIF(TRIM(p.first_name || ' ' || p.last_name), ''), p.username)"
    return (
        f"(SELECT json_build_object('id', p.id, 'name', {name}, 'kind', p.kind) "
        f"FROM register_person p WHERE p.id = {column})"
    )


# One page of attendance requests with everything the API's list shows of each: the group, the
# meeting, the people, the precedent (A3) and the officers' invitations, and the count of all.
# Only the group and the meeting are joined; the rest are correlated subqueries, each planned
# cheaply on its own: a nine-way join took longer to plan than to run. The invitations in the API's
# order (AttendanceInvitation.Meta.ordering: by the officer's name), which the published briefings of
# bench_seed, with two officers each, tell apart from the order of their ids.
PAGE_SQL = f"""
SELECT r.id, r.requested_capacity, r.referred_at, r.subject, r.scope, r.needs_confidential_information,
       r.state, r.round, r.created_at, r.submitted_at, r.due_on, r.urgent, r.decision, r.decided_capacity, r.decided_at,
       r.decision_reason, r.departs_from_precedent, r.responses_due_on, r.closing_reason,
       g.id, g.name,
       m.id, m.starts_at, m.ends_at, m.place, m.online, m.others_present, m.others_present_description,
       {_person("r.requested_by_id")}, {_person("r.referred_by_id")}, {_person("r.decided_by_id")},
       (SELECT json_build_object('id', e.id, 'group', eg.name, 'subject', e.subject, 'decision', e.decision)
          FROM register_attendancerequest e JOIN register_organization eg ON eg.id = e.group_id
         WHERE e.id = r.equivalent_of_id),
       COALESCE((SELECT json_agg(json_build_object(
                    'id', i.id, 'request', i.request_id, 'officer', {_person("i.officer_id")}, 'state', i.state,
                    'responded_at', i.responded_at, 'response_note', i.response_note,
                    'attended', EXISTS (SELECT 1 FROM register_attendancerecord a WHERE a.invitation_id = i.id))
                    ORDER BY o.last_name, o.first_name, i.id)
                 FROM register_attendanceinvitation i JOIN register_person o ON o.id = i.officer_id
                WHERE i.request_id = r.id), '[]'),
       (SELECT count(*) FROM register_attendancerequest)
FROM register_attendancerequest r
JOIN register_organization g ON g.id = r.group_id
JOIN register_groupmeeting m ON m.id = r.meeting_id
ORDER BY r.created_at DESC, r.id DESC
LIMIT %s OFFSET %s
"""
COLUMNS = (
    "id",
    "requested_capacity",
    "referred_at",
    "subject",
    "scope",
    "needs_confidential_information",
    "state",
    "round",
    "created_at",
    "submitted_at",
    "due_on",
    "urgent",
    "decision",
    "decided_capacity",
    "decided_at",
    "decision_reason",
    "departs_from_precedent",
    "responses_due_on",
    "closing_reason",
    "group_id",
    "group_name",
    "meeting_id",
    "starts_at",
    "ends_at",
    "place",
    "online",
    "others_present",
    "others_present_description",
    "requested_by",
    "referred_by",
    "decided_by",
    "equivalent_of",
    "invitations",
    "count",
)


def _moment(value) -> str | None:
    """A date and time as the API writes it: in the council's time zone, UTC as Z."""
    if value is None:
        return None
    if isinstance(value, str):  # from json_agg
        value = datetime.datetime.fromisoformat(value)
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value) -> str | None:
    return value and value.isoformat()


def _request(row: tuple, today: datetime.date) -> dict:
    item = dict(zip(COLUMNS, row))
    for invitation in item["invitations"]:
        invitation["responded_at"] = _moment(invitation["responded_at"])
        shown = states.invitation_shown_state(invitation["state"], item["state"])
        invitation["state_text"] = states.INVITATION_SHOWN_LABELS[shown]
    return {
        "id": item["id"],
        "view": "full",
        "group": {"id": item["group_id"], "name": item["group_name"]},
        "meeting": {
            "id": item["meeting_id"],
            "starts_at": _moment(item["starts_at"]),
            "ends_at": _moment(item["ends_at"]),
            "place": item["place"],
            "online": item["online"],
            "where": f"{item['place']}, and online" if item["online"] and item["place"] else item["place"] or "Online",
            "others_present": item["others_present"],
            "others_present_description": item["others_present_description"],
        },
        "requested_by": item["requested_by"],
        "requested_capacity": item["requested_capacity"],
        "referred_by": item["referred_by"],
        "referred_at": _moment(item["referred_at"]),
        "subject": item["subject"],
        "scope": item["scope"],
        "needs_confidential_information": item["needs_confidential_information"],
        "equivalent_of": item["equivalent_of"],
        "state": item["state"],
        "state_text": workflow.REQUEST_STATE_LABELS[item["state"]],
        "round": item["round"],
        "created_at": _moment(item["created_at"]),
        "submitted_at": _moment(item["submitted_at"]),
        "due_on": _day(item["due_on"]),
        "urgent": item["urgent"],
        "decision_overdue": item["state"] == workflow.SUBMITTED and today > item["due_on"],
        "decision": item["decision"],
        "decided_by": item["decided_by"],
        "decided_capacity": item["decided_capacity"],
        "decided_at": _moment(item["decided_at"]),
        "decision_reason": item["decision_reason"],
        "departs_from_precedent": item["departs_from_precedent"],
        "responses_due_on": _day(item["responses_due_on"]),
        "closing_reason": item["closing_reason"],
        "invitations": item["invitations"],
        # The bench council's declarations are all ended or withdrawn, so the API finds no B7 warning
        # (it still looks, with one query a page); the bare view does not look, which favours it.
        "conflict_warnings": [],
    }


def bare_request_list(request):
    return _page_of_requests(request)


def signed_in_request_list(request):
    # Reading is_authenticated loads the session and then the person it names, as the API's
    # authentication does before any API view runs.
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Sign in first."}, status=403)
    return _page_of_requests(request)


def _page_of_requests(request):
    page = int(request.GET.get("page", "1"))
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, [PAGE_SIZE, (page - 1) * PAGE_SIZE])
        rows = cursor.fetchall()
    today = timezone.localdate()
    return JsonResponse({"count": rows[0][-1] if rows else 0, "results": [_request(row, today) for row in rows]})


# The published register (A8, DOMAIN.md "Who sees what"): approved, agreed briefings with an attendance
# recorded. Each entry as the Chief Executive's office last corrected it (the latest correction of each
# request read in one pass, DISTINCT ON, and hashed: a lateral join looking for it request by request took
# 6.4 ms against 5.1, p50 of 200 on the bench's 400 entries), the officers who attended in the order of their names (byte order, as Python sorts them),
# each with the post they held on the meeting's day (else their directorate, else none), the latest first.
PUBLISHED = """
r.decision = %(approved)s AND r.state = ANY(%(agreed)s)
AND EXISTS (SELECT 1 FROM register_attendanceinvitation i JOIN register_attendancerecord a ON a.invitation_id = i.id
             WHERE i.request_id = r.id)
"""
MEETING_DAY = "(m.starts_at AT TIME ZONE %(zone)s)::date"
POST_ON_THE_DAY = f"""
SELECT CASE WHEN h.post_id IS NULL THEN 'Officer, ' || ho.name ELSE hp.label END
  FROM register_membership h
  JOIN register_organization ho ON ho.id = h.organization_id
  LEFT JOIN register_post hp ON hp.id = h.post_id
 WHERE h.person_id = o.id AND h.start_date <= {MEETING_DAY} AND (h.end_date IS NULL OR h.end_date >= {MEETING_DAY})
   AND ((h.post_id IS NOT NULL AND hp.role <> ALL(%(member_roles)s))
        OR (h.post_id IS NULL AND ho.classification = %(directorate)s))
 ORDER BY h.post_id IS NULL, h.start_date, h.id
 LIMIT 1
"""
OFFICER_NAME = "COALESCE(NULLIF(TRIM(o.first_name || ' ' || o.last_name), ''), o.username)"
PUBLIC_PAGE_SQL = f"""
SELECT g.name,
       COALESCE((SELECT json_agg(COALESCE(({POST_ON_THE_DAY}), %(no_placement)s)
                                 ORDER BY {OFFICER_NAME} COLLATE "C", o.id)
                   FROM register_attendanceinvitation i
                   JOIN register_attendancerecord a ON a.invitation_id = i.id
                   JOIN register_person o ON o.id = i.officer_id
                  WHERE i.request_id = r.id), '[]'),
       COALESCE(c.date, {MEETING_DAY}) AS shown_date,
       COALESCE(NULLIF(c.subject, ''), r.subject),
       ((SELECT min(a.recorded_at) FROM register_attendanceinvitation i
           JOIN register_attendancerecord a ON a.invitation_id = i.id WHERE i.request_id = r.id)
        AT TIME ZONE %(zone)s)::date,
       c.corrected_at IS NOT NULL,
       (c.corrected_at AT TIME ZONE %(zone)s)::date,
       COALESCE(c.reason, ''),
       (SELECT count(*) FROM register_attendancerequest r WHERE {PUBLISHED})
FROM register_attendancerequest r
JOIN register_organization g ON g.id = r.group_id
JOIN register_groupmeeting m ON m.id = r.meeting_id
LEFT JOIN (SELECT DISTINCT ON (request_id) request_id, date, subject, reason, corrected_at
             FROM register_publicentrycorrection ORDER BY request_id, corrected_at DESC, id DESC) c ON c.request_id = r.id
WHERE {PUBLISHED}
ORDER BY shown_date DESC, m.starts_at DESC, r.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""
PUBLIC_FIELDS = ("group", "posts", "date", "subject", "published_on", "corrected", "corrected_on", "correction")


def public_register(request):
    """Anyone's page of the published register: never looks at who is asking."""
    page = int(request.GET.get("page", "1"))
    parameters = {
        "approved": AttendanceRequest.Decision.APPROVED,
        "agreed": list(workflow.AGREED_REQUEST_STATES),
        "zone": timezone.get_current_timezone_name(),
        "member_roles": list(Post.MEMBER_ROLES),
        "directorate": Organization.Classification.DIRECTORATE,
        "no_placement": NO_PLACEMENT,
        "limit": PAGE_SIZE,
        "offset": (page - 1) * PAGE_SIZE,
    }
    with connection.cursor() as cursor:
        cursor.execute(PUBLIC_PAGE_SQL, parameters)
        rows = cursor.fetchall()
    count = rows[0][-1] if rows else 0
    response = JsonResponse(
        {
            "count": count,
            "next": request.build_absolute_uri(f"?page={page + 1}") if page * PAGE_SIZE < count else None,
            "previous": _previous_page(request, page),
            "results": [dict(zip(PUBLIC_FIELDS, row)) for row in rows],
        },
        json_dumps_params={"separators": (",", ":")},  # as compact as the API's, byte for byte but the links
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def _previous_page(request, page: int) -> str | None:
    """As DRF links it: the first page without a page number."""
    if page == 1:
        return None
    return request.build_absolute_uri(request.path if page == 2 else f"?page={page - 1}")
