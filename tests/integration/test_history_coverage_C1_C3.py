"""Every register record has history, carries who and why, and cannot be deleted (C1, C3).

The models are enumerated from the app registry, so a model added later is checked without
anyone remembering to add it here.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from simple_history.models import HistoricalChanges

from register.errors import RuleViolation
from register.models import (
    AccessLogEntry,
    Checkpoint,
    HistoryFieldSet,
    HistoryLink,
    HistoryTreeStart,
    Membership,
    MerkleNode,
    Organization,
    Undeletable,
)
from register.models.audit import history_models
from register.services import people

# Not register records but the evidence about them: the hash chain and the column lists it was
# hashed over. Both are append-only (they refuse deletion like every record) and are checked by
# verify_history, so a history of them would only repeat them.
NOT_TRACKED = {
    HistoryLink: "the hash chain over the history itself",
    HistoryFieldSet: "the columns the chain hashed",
    HistoryTreeStart: "where the Merkle tree over the history begins",
    MerkleNode: "the Merkle tree's nodes, computed from the history",
    Checkpoint: "signed statements of the trees, append-only and published",
    AccessLogEntry: "the access log, a log of its own with its own tree",
}


def register_models():
    return [model for model in apps.get_app_config("register").get_models() if not issubclass(model, HistoricalChanges)]


def test_every_register_model_keeps_history_C1():
    without_history = [
        model.__name__
        for model in register_models()
        if model not in NOT_TRACKED and not hasattr(model._meta, "simple_history_manager_attribute")
    ]
    assert without_history == []
    assert {model.__name__ for model in register_models()} >= {"Person", "Organization", "Membership", "Notification"}


def test_every_register_model_refuses_deletion_of_a_record_and_of_a_queryset_C3(council):
    for model in register_models():
        assert issubclass(model, Undeletable), f"{model.__name__} does not refuse deletion"
        record = model._default_manager.first() or model()
        with pytest.raises(RuleViolation) as refused:
            record.delete()
        assert refused.value.rule == "C3"
        assert "never deleted" in refused.value.message
        with pytest.raises(RuleViolation):
            model._default_manager.all().delete()
    assert Organization.objects.filter(name="Red Group").exists()


def test_a_related_manager_refuses_deletion_too_C3(council):
    with pytest.raises(RuleViolation, match="never deleted"):
        council.chief_executive.memberships.all().delete()
    assert Membership.objects.filter(person=council.chief_executive).exists()


def test_the_admin_offers_no_deletion_for_any_register_model_C3(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    for model in register_models():
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        assert not model_admin.has_delete_permission(request), model.__name__
        assert "delete_selected" not in model_admin.get_actions(request), model.__name__


def test_history_written_by_services_tasks_and_fan_out_names_a_person_and_a_reason_C1(
    council, django_capture_on_commit_callbacks
):
    day = datetime.date(2026, 3, 3)
    with django_capture_on_commit_callbacks(execute=True):  # the delivery task runs, as a worker would
        people.absence_record(actor=council.chief_executive, reason="Leave", start_date=day, end_date=day)

    rows = 0
    for history_model in history_models():
        for row in history_model.objects.all():
            rows += 1
            assert row.history_user_id is not None, f"{history_model.__name__} {row.history_id} names nobody"
            assert (row.history_change_reason or "").strip(), f"{history_model.__name__} {row.history_id} has no reason"
    assert rows > 50


def test_a_change_in_the_admin_names_the_administrator_and_what_changed_C1(council, admin_client, admin_user):
    group = Organization.objects.get(name="Blue Group")
    response = admin_client.post(
        f"/admin/register/organization/{group.pk}/change/",
        {
            "name": "Blue and Gold Group",
            "classification": "party",
            "is_administration": "",
            "reason": "Renamed at the group's annual meeting",
        },
    )
    assert response.status_code == 302, response.content[:500]

    latest = group.history.latest()
    assert latest.history_user == admin_user
    assert latest.history_change_reason == "Renamed at the group's annual meeting"
    assert [change.field for change in latest.diff_against(latest.prev_record).changes] == ["name"]


def test_the_chain_links_history_rows_from_an_outer_transaction_that_rolls_back_with_them_C4(council):
    links_before = HistoryLink.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        people.organization_create(
            actor=council.system,
            reason="Test",
            name="Short-lived",
            classification=Organization.Classification.DIRECTORATE,
        )
        assert HistoryLink.objects.count() == links_before + 1
        raise RuntimeError("the caller fails after the service")
    assert HistoryLink.objects.count() == links_before
