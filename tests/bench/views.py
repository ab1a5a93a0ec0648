"""The baseline the register's pages are compared with: a bare Django view returning the same
fields as JSON from one hand-written query. No DRF, no selectors, no policies: the fastest the same
stack (gunicorn, Django's middleware, PostgreSQL) can answer."""
from django.db import connection
from django.http import JsonResponse

# One page of attendance requests with their group, meeting, requester and officers.
PAGE_SQL = """
SELECT r.id, r.state, r.subject, r.scope, r.created_at, r.due_on, r.decision, r.decided_at,
       g.id, g.name, m.starts_at, m.place, p.id, p.first_name, p.last_name,
       COALESCE((SELECT json_agg(json_build_object('id', o.id, 'name', o.first_name || ' ' || o.last_name,
                                                   'state', i.state))
                 FROM register_attendanceinvitation i JOIN register_person o ON o.id = i.officer_id
                 WHERE i.request_id = r.id), '[]')
FROM register_attendancerequest r
JOIN register_organization g ON g.id = r.group_id
JOIN register_groupmeeting m ON m.id = r.meeting_id
JOIN register_person p ON p.id = r.requested_by_id
ORDER BY r.created_at DESC, r.id DESC
LIMIT %s OFFSET %s
"""
COLUMNS = ("id", "state", "subject", "scope", "created_at", "due_on", "decision", "decided_at", "group_id",
           "group_name", "meeting_starts_at", "meeting_place", "requested_by_id", "requested_by_first_name",
           "requested_by_last_name", "officers")


def bare_request_list(request):
    page = int(request.GET.get("page", "1"))
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, [50, (page - 1) * 50])
        rows = cursor.fetchall()
    results = []
    for row in rows:
        item = dict(zip(COLUMNS, row))
        results.append({
            "id": item["id"], "state": item["state"], "subject": item["subject"], "scope": item["scope"],
            "created_at": item["created_at"].isoformat(), "due_on": item["due_on"].isoformat(),
            "decision": item["decision"], "decided_at": item["decided_at"] and item["decided_at"].isoformat(),
            "group": {"id": item["group_id"], "name": item["group_name"]},
            "meeting": {"starts_at": item["meeting_starts_at"].isoformat(), "place": item["meeting_place"]},
            "requested_by": {"id": item["requested_by_id"],
                             "name": f"{item['requested_by_first_name']} {item['requested_by_last_name']}"},
            "officers": item["officers"],
        })
    return JsonResponse({"results": results})
