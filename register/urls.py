"""The register's URLs: pages, the API and the admin."""

from django.contrib import admin
from django.urls import include, path, re_path

from register.views import (
    account,
    account_security,
    attendance,
    audit,
    auth,
    calendar_feeds,
    checkpoints,
    declarations,
    deliveries,
    front,
    notices,
    subject_access,
)
from register.views import privacy as privacy_pages
from register.views import sso as single_sign_on
from register.views.notify_receipts import receipt as notify_receipt
from register.views.people import absences as people_absences
from register.views.people import accounts as people_accounts
from register.views.people import elections, local_councils, records
from register.views.people import imports as people_imports
from register.views.people import leavers as people_leavers

declaration_pages = (
    [
        path("", declarations.mine, name="mine"),
        path("new/", declarations.declare, name="declare"),
        path("naming-you/", declarations.naming_you, name="naming-you"),
        path("confirm/", declarations.confirm, name="confirm"),
        path("to-review/", declarations.to_review, name="to-review"),
        path("not-confirmed/", declarations.not_confirmed, name="not-confirmed"),
        path("all/", declarations.register_of_declarations, name="all"),
        path("<int:declaration_id>/", declarations.detail, name="detail"),
        path("<int:declaration_id>/review/", declarations.review, name="review"),
        path("<int:declaration_id>/acknowledge/", declarations.acknowledge, name="acknowledge"),
        path("<int:declaration_id>/end/", declarations.end, name="end"),
        path("<int:declaration_id>/withdraw/", declarations.withdraw, name="withdraw"),
    ],
    "declarations",
)

attendance_pages = (
    [
        path("", attendance.group_requests, name="group"),
        path("new/", attendance.new_request, name="new"),
        path("other-groups/", attendance.other_groups, name="other-groups"),
        path("same/<int:original_id>/", attendance.take_up, name="take-up"),
        path("shared/", attendance.shared_information, name="shared"),
        path("queue/", attendance.queue, name="queue"),
        path("absence/", attendance.absence, name="absence"),
        path("absence/<int:absence_id>/cancel/", attendance.cancel_absence, name="cancel-absence"),
        path("parity/", attendance.parity, name="parity"),
        path("invitations/", attendance.invitations, name="invitations"),
        path("<int:request_id>/", attendance.detail, name="detail"),
        path("<int:request_id>/sent/", attendance.sent, name="sent"),
        path("<int:request_id>/withdraw/", attendance.withdraw, name="withdraw"),
        path("<int:request_id>/decide/", attendance.decide, name="decide"),
        path("<int:request_id>/respond/", attendance.respond, name="respond"),
        path("<int:request_id>/attendance/", attendance.record_attendance, name="record-attendance"),
        path("<int:request_id>/information/", attendance.record_information, name="record-information"),
        path(
            "<int:request_id>/information/<int:information_id>/likely-to-be-cited/",
            attendance.mark_likely_to_be_cited,
            name="likely-to-be-cited",
        ),
        path("<int:request_id>/amend/", attendance.amend, name="amend"),
        path("<int:request_id>/cancel/", attendance.cancel, name="cancel"),
        path("<int:request_id>/close/", attendance.close, name="close"),
        # The Chief Executive's office corrects the published register's entry (issue 22).
        path("<int:request_id>/correct-published-entry/", attendance.correct_entry, name="correct-entry"),
        path("refer/", attendance.refer, name="refer"),
    ],
    "attendance",
)


audit_pages = (
    [
        path("", audit.timeline, name="timeline"),
        path("export.csv", audit.export, name="export"),
        # Who read which sensitive record (issue 20): before the record pattern, as the stories are.
        path("access-log/", audit.access_log_page, name="access-log"),
        # Before the record pattern, which would take "requests" for a kind of record.
        path("requests/<int:record_id>/", audit.story, name="request-story"),
        path("requests/<int:record_id>/export.csv", audit.story_export, name="request-story-export"),
        path("declarations/<int:record_id>/", audit.story, {"kind": "declaration"}, name="declaration-story"),
        path(
            "declarations/<int:record_id>/export.csv",
            audit.story_export,
            {"kind": "declaration"},
            name="declaration-story-export",
        ),
        path("<slug:record_type>/<int:record_id>/", audit.record_history, name="record"),
        path(
            "<slug:record_type>/<int:record_id>/changes/<int:history_id>/proof.json",
            audit.record_proof,
            name="record-proof",
        ),
    ],
    "audit",
)

# Public, no sign-in: what anyone needs to check the register's history from outside it (issue 20).
checkpoint_pages = (
    [
        path("", checkpoints.index, name="index"),
        path("history.txt", checkpoints.latest_note, {"log": "history"}, name="history-note"),
        path("access.txt", checkpoints.latest_note, {"log": "access"}, name="access-note"),
        path("keys.txt", checkpoints.keys, name="keys"),
        path("verify_register_proof.py", checkpoints.checker, name="checker"),
        path("consistency/", checkpoints.consistency, name="consistency"),
    ],
    "checkpoints",
)

# Your account (issue 18): how you signed in, your API tokens, your password and two-factor sign-in.
account_pages = (
    [
        *account_security.account_urlpatterns,
        path("", account.index, name="index"),
        path("sign-out-everywhere/", account.sign_out_everywhere, name="sign-out-everywhere"),
        path("keep-alive/", account.keep_alive, name="keep-alive"),
        path("tokens/", account.api_tokens, name="tokens"),
        path("tokens/<int:token_id>/revoke/", account.revoke_api_token, name="revoke-token"),
    ],
    "account",
)

# Democratic Services' pages (issue 17): each part's module in register/views/people/ adds its paths here.
# Single sign-on (register/views/sso.py). The provider is given /oidc/callback/ as the redirect URI.
single_sign_on_pages = (
    [
        path("authenticate/", single_sign_on.SingleSignOnStartView.as_view(), name="start"),
        path("callback/", single_sign_on.SingleSignOnCallbackView.as_view(), name="callback"),
    ],
    "sso",
)

people_pages = (
    [
        path("election/", elections.election, name="election"),
        path("election/results/", elections.results, name="election-results"),
        path("election/check/", elections.check, name="election-check"),
        path("election/recorded/", elections.recorded, name="election-recorded"),
        path("import/", people_imports.upload, name="import"),
        path("import/preview/", people_imports.preview, name="import-preview"),
        path("import/confirm/", people_imports.confirm, name="import-confirm"),
        path("import/done/", people_imports.done, name="import-done"),
        path("export.csv", people_imports.export_csv, name="export"),
        path("export.json", people_imports.export_json, name="export-json"),
        # The council's people, groups, directorates and posts (records.py).
        path("", records.index, name="index"),
        path("add/", records.add, name="add"),
        path("<int:pk>/", records.detail, name="detail"),
        path("<int:pk>/change/", records.change, name="change"),
        path("groups/", records.groups, name="groups"),
        path("groups/add/", records.group_add, name="group-add"),
        path("groups/<int:pk>/", records.group, name="group"),
        path("groups/<int:pk>/change/", records.group_change, name="group-change"),
        path("groups/<int:pk>/leader/", records.group_leader, {"which": "leader"}, name="group-leader"),
        path("groups/<int:pk>/deputy/", records.group_leader, {"which": "deputy"}, name="group-deputy"),
        path("directorates/", records.directorates, name="directorates"),
        path("directorates/add/", records.directorate_add, name="directorate-add"),
        path("directorates/<int:pk>/", records.directorate, name="directorate"),
        path("local-councils/", local_councils.local_councils, name="local-councils"),
        path("local-councils/add/", local_councils.local_council_add, name="local-council-add"),
        path("local-councils/<int:pk>/change/", local_councils.local_council_change, name="local-council-change"),
        path("posts/", records.posts, name="posts"),
        path("posts/<int:pk>/", records.post, name="post"),
        path("holdings/<int:pk>/end/", records.end_holding, name="end-holding"),
        path("import/", people_imports.upload, name="import"),
        path("import/preview/", people_imports.preview, name="import-preview"),
        path("import/confirm/", people_imports.confirm, name="import-confirm"),
        path("import/done/", people_imports.done, name="import-done"),
        path("export.csv", people_imports.export_csv, name="export"),
        path("export.json", people_imports.export_json, name="export-json"),
        path("<int:pk>/leave/", people_leavers.leave, name="leave"),
        path("<int:pk>/invite/", people_accounts.invite, name="invite"),
        path("<int:pk>/two-factor-reset/", account_security.two_factor_reset, name="two-factor-reset"),
        path("<int:pk>/sign-out-everywhere/", account.sign_person_out_everywhere, name="sign-out-everywhere"),
        path("absences/", people_absences.absences, name="absences"),
        path("absences/<int:absence_id>/end/", people_absences.end_absence, name="absence-end"),
        path("absences/<int:absence_id>/cancel/", people_absences.cancel_absence, name="absence-cancel"),
        # Subject access (issue 21, item 3): the Monitoring Officer and the Data Protection Officer.
        path("subject-access/", subject_access.choose, name="subject-access-choose"),
        path("<int:pk>/subject-access/", subject_access.person, name="subject-access"),
    ],
    "people",
)

urlpatterns = [
    path("", front.front_door, name="home"),
    path("accessibility/", front.accessibility, name="accessibility"),
    # The privacy notice and the records of processing, generated from the retention schedule (issue 21).
    path("privacy/", privacy_pages.notice, name="privacy"),
    path("privacy/records-of-processing/", privacy_pages.records_of_processing, name="records-of-processing"),
    path(
        "privacy/records-of-processing.csv", privacy_pages.records_of_processing_csv, name="records-of-processing-csv"
    ),
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    # The register's sign-out (auth.SignOutView), offering the provider's too after a single sign-on.
    path("sign-out/", single_sign_on.SignOutView.as_view(), name="sign-out"),
    path("sign-out/council-account/", single_sign_on.signed_out, name="sso-signed-out"),
    path("oidc/", include(single_sign_on_pages)),
    # Two-factor sign-in's second step, and a forgotten password (issue 18).
    path("sign-in/code/", auth.sign_in_code, name="sign-in-code"),
    *account_security.sign_in_urlpatterns,
    # The link in an invitation to set a password (register/notice_links.py set_password_link).
    path("sign-in/set-password/<uidb64>/<token>/", people_accounts.set_password, name="set-password"),
    path("account/", include(account_pages)),
    path("notices/", notices.inbox, name="notices"),
    path("notices/<int:notice_id>/read/", notices.mark_read, name="notice-read"),
    # The e-mails that did not arrive, for Democratic Services, and sending one again (issue 22's follow-up).
    path("notices/undelivered/", deliveries.undelivered, name="notices-undelivered"),
    path("notices/undelivered/<int:notice_id>/send-again/", deliveries.send_again, name="notice-send-again"),
    path("declarations/", include(declaration_pages)),
    path("attendance/", include(attendance_pages)),
    # Concerns (D1-D3, D6), Code of Conduct complaints (D4) and the Standards Committee report (D5).
    path("concerns/", include("register.views.conduct.concerns_urls")),
    path("complaints/", include("register.views.conduct.complaints_urls")),
    path("standards-report/", include("register.views.conduct.standards_report_urls")),
    # Retention and disposal (issue 21).
    path("retention/", include("register.views.retention_urls")),
    path("register-of-attendance/", attendance.published, name="published-attendance"),
    # The published register as open data (issue 22, docs/open-data.md): CSV and Atom beside the page.
    path("register-of-attendance/officer-attendance.csv", attendance.published_csv, name="published-attendance-csv"),
    path("register-of-attendance/feed.atom", attendance.published_atom, name="published-attendance-atom"),
    # The history's signed checkpoints, the public keys, the checker and consistency proofs (issue 20).
    path("register/checkpoints/", include(checkpoint_pages)),
    path("history/", include(audit_pages)),
    path("people/", include(people_pages)),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    # GOV.UK Notify's delivery receipts (issue 22): Notify posts them here with its bearer token.
    path("notify/receipts/", notify_receipt, name="notify-receipts"),
]

handler404 = "api.handlers.page_not_found"
# An unreachable database is answered 503, not with the crash page (register/views/errors.py).
handler500 = "register.views.errors.server_error"

# Calendar feeds (issue 22): the public feed addresses (the token is the credential; no session),
# which a council exposes to the internet for calendar subscriptions, and the account page.
urlpatterns += [
    re_path(
        r"^calendar/(?P<token>[A-Za-z0-9_-]{1,100})/(?P<kind>briefings|group-briefings|decisions-due)\.ics$",
        calendar_feeds.feed,
        name="calendar-feed",
    ),
    path("account/calendar-feeds/", calendar_feeds.account_page, name="calendar-feeds"),
]
