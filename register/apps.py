"""The register's Django application."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegisterConfig(AppConfig):
    name = "register"
    verbose_name = "Member/officer register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import user_logged_in, user_logged_out
        from django.contrib.auth.models import update_last_login
        from django.core.signals import request_started

        from register import (
            checks,  # noqa: F401 - importing it registers the register's system checks
            sign_in_history,
        )
        from register.services import audit, system
        from register.services.sign_in import sessions

        # A sign-in is not a change to the person's record: recording last_login would
        # write a history row per sign-in with no reason. Sign-ins are in the sign-in history.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        sign_in_history.connect()

        # Sessions (issue 18): a session notes when it began, for its absolute timeout; signing out
        # revokes the person's API tokens and is recorded in the sign-in history.
        user_logged_in.connect(sessions.on_signed_in, dispatch_uid="register.session-began")
        user_logged_out.connect(sessions.on_signed_out, dispatch_uid="register.signed-out")

        # Every history row, in every history table, is linked into the hash chain (C4).
        audit.connect()
        post_migrate.connect(audit.record_field_sets, sender=self, dispatch_uid="register.history-field-sets")
        # On PostgreSQL a saved row's link is appended by a database function (register/services/audit/chain.py).
        post_migrate.connect(audit.install_chain_functions, sender=self, dispatch_uid="register.chain-functions")
        # The database refuses rewrites of the history (C4): the application's role may only append to
        # it, and a trigger refuses UPDATE and DELETE of it to all but the maintenance role.
        post_migrate.connect(audit.apply_database_roles, sender=self, dispatch_uid="register.database-roles")

        # The system user is kept per process for a request's or task's length only (tasks/celery.py
        # forgets it before each task), so a database that lost it meanwhile is never written to with it.
        request_started.connect(system.forget_system_user, dispatch_uid="register.forget-system-user")
        post_migrate.connect(system.forget_system_user, sender=self, dispatch_uid="register.forget-system-user")
