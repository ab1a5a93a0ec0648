"""The audit history's hash chain (C4), in modules by what they do: hashing a row, linking every history
row as it is written (chain), verifying the chain in the database, exporting it and verifying an
export, and the daily check that sends the chain's head to those who keep it."""

from register.services.audit.chain import connect, install_chain_functions
from register.services.audit.daily_check import history_daily_check
from register.services.audit.database_roles import apply_database_roles
from register.services.audit.export import ExportFilter, export_history, history_model_for, verify_export
from register.services.audit.hashing import record_field_sets
from register.services.audit.verification import Problem, Verification, verify_history

__all__ = [
    "ExportFilter",
    "Problem",
    "Verification",
    "apply_database_roles",
    "connect",
    "export_history",
    "history_daily_check",
    "history_model_for",
    "install_chain_functions",
    "record_field_sets",
    "verify_export",
    "verify_history",
]
