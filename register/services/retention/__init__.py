"""Retention and disposal (issue 21): the schedule's periods, legal holds, and disposal runs that erase
personal fields once a record's period is over while the history stays provable (docs/retention.md)."""

from register.services.retention.runs import (
    ERASED_TEXT,
    approved_runs_execute,
    disposal_run_approve,
    disposal_run_execute,
    disposal_run_propose,
    disposal_run_reject,
)
from register.services.retention.schedule import legal_hold_place, legal_hold_release, retention_period_set

__all__ = [
    "ERASED_TEXT",
    "approved_runs_execute",
    "disposal_run_approve",
    "disposal_run_execute",
    "disposal_run_propose",
    "disposal_run_reject",
    "legal_hold_place",
    "legal_hold_release",
    "retention_period_set",
]
