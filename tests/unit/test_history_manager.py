"""Reading a record's history: simple-history's manager, its class built once per model (register/models/history.py)."""

from django.apps import apps

from register.models import GroupMeeting
from register.models.history import HistoryDescriptor


def test_every_tracked_model_reads_its_history_through_the_descriptor_that_builds_its_manager_once():
    tracked = [model for model in apps.get_models() if hasattr(model._meta, "simple_history_manager_attribute")]

    assert len(tracked) > 20
    for model in tracked:
        assert isinstance(model.__dict__[model._meta.simple_history_manager_attribute], HistoryDescriptor), model


def test_a_record_s_history_manager_is_of_one_class_per_model_and_bound_to_the_record():
    first, second = GroupMeeting(pk=1), GroupMeeting(pk=2)

    assert type(first.history) is type(second.history) is type(GroupMeeting.history)
    assert (first.history.instance, second.history.instance, GroupMeeting.history.instance) == (first, second, None)
    assert first.history.model is GroupMeeting.history.model
    assert str(first.history.all().query) != str(GroupMeeting.history.all().query)  # filtered to the record
