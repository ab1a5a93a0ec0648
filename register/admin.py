"""The Django admin: the superuser's emergency tool, every record with its history (C1, C3).

Nothing is saved here but through the services the register's own pages and commands use, so the
admin runs the same checks, takes the same locks and writes the same history, with the
administrator as its user and the reason they give. Only superusers open it at all: staff who are
not superusers are sent to its sign-in page. Nothing is deleted, no historical version
is restored over a record, and absences are recorded on the register's own page (A2), which tells
the Deputy Chief Executive; the admin only lists them.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin, sensitive_post_parameters_m
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.forms.models import construct_instance
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from register.errors import DomainError
from register.models import Absence, Membership, Notification, Organization, Person, Post
from register.services import people
from register.services.delivery import notice_retry
from register.services.people.accounts import INVITATION
from register.services.people.password_resets import PASSWORD_RESET


def may_change(request) -> bool:
    """The admin changes records for superusers alone: it is their emergency tool, and auditors change nothing."""
    return request.user.is_active and request.user.is_superuser


# The admin is the superusers' emergency tool and nobody else's (issue 17, point 7): staff who are not
# superusers (an auditor given staff access, say) cannot even open it; Django sends them to its sign-in
# page. Democratic Services keep the register in its own pages (/people/), auditors read the history there.
admin.site.has_permission = may_change

# Two-factor devices are changed only by their holder's set-up and Democratic Services' reset, which keep
# the old devices and write the sign-in history (register/services/sign_in/two_factor.py): django-otp's
# own admin pages would show an authenticator's secret and delete devices, so they are not offered.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


class ReasonForm(forms.ModelForm):
    """A form whose save needs the administrator's reason, and which runs the service's own check.

    ``check`` is the read-only check the service runs again under its lock; it is given the record
    as it would be after the change, so the administrator sees the service's words on the form.
    """

    reason = forms.CharField(
        label="Reason for the change",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the record's history with your name.",
    )

    def check(self, candidate) -> None:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if set(self.errors) <= {"reason"}:  # the record's fields are valid: say what the service would say of them
            candidate = construct_instance(self, copy.copy(self.instance))
            try:
                self.check(candidate)
            except DomainError as refusal:
                self.add_error(refusal.field if refusal.field in self.fields else None, refusal.message)
        return cleaned

    def changes(self) -> dict:
        """The changed fields of the record, by name, with their new values (for the service)."""
        model_fields = {field.name for field in self._meta.model._meta.fields}
        return {name: self.cleaned_data[name] for name in self.changed_data if name in model_fields}


class RegisterAdmin(SimpleHistoryAdmin):
    """History views on; deletion and reverting off; only superusers add or change, through a service."""

    def has_add_permission(self, request):
        return may_change(request)

    def has_change_permission(self, request, obj=None):
        return may_change(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a posted old version with save_model, asking only for the
        # permission to *view* history: a change made around the service and its checks.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refusal:
            # The form ran the service's check, but the service checks again under its lock and
            # someone may have changed the register in between: nothing was saved.
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Each admin that changes records saves them through the register's services."""
        raise PermissionDenied

    def save_related(self, request, form, formsets, change):
        """Nothing else is saved beside the record: the register's records have no many-to-many fields to save."""


class ReadOnlyRegisterAdmin(RegisterAdmin):
    """Listed with their history; changed only by the register's own pages and services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _saved_as(obj, saved) -> None:
    """Give the admin's unsaved ``obj`` the identity of the record the service ``saved``, for the redirect and the log."""
    obj.pk = saved.pk
    obj._state.adding = False


# --- People ----------------------------------------------------------------------------------------


class PersonChangeForm(ReasonForm, UserChangeForm):
    def check(self, candidate):
        people.check_person(candidate)


class PersonAddForm(ReasonForm, AdminUserCreationForm):
    def check(self, candidate):
        people.check_person(candidate)


class PersonPasswordForm(AdminPasswordChangeForm):
    """Django's password form with a reason for the history; the admin saves through ``person_set_password``."""

    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=500,
        help_text='Kept in the history with your name; if left empty, "Password changed in the admin by" you.',
    )

    def save(self, commit=True):
        raise NotImplementedError("A password is set through people.person_set_password, with the actor and a reason.")


@admin.register(Person)
class PersonAdmin(RegisterAdmin, UserAdmin):
    form = PersonChangeForm
    add_form = PersonAddForm
    change_password_form = PersonPasswordForm
    change_user_password_template = "admin/register/person/change_password.html"
    list_display = ["username", "first_name", "last_name", "kind", "member_type", "is_active"]
    list_filter = ["kind", "member_type", "is_active"]
    readonly_fields = ["last_login", "date_joined"]
    # No groups or permissions: only superusers change anything here, and the register's pages
    # follow the posts people hold, not Django's permissions.
    fieldsets = (
        (None, {"fields": ["username", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "email"]}),
        ("In the register", {"fields": ["kind", "member_type", "left_on"]}),
        ("Access to the admin", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
        ("Why", {"fields": ["reason"]}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("In the register", {"fields": ["first_name", "last_name", "email", "kind", "member_type"]}),
        ("Why", {"fields": ["reason"]}),
    )

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data["reason"]
        if change:
            people.person_update(actor=request.user, reason=reason, person=obj, changes=form.changes())
            return
        saved = people.person_create(
            actor=request.user,
            reason=reason,
            username=obj.username,
            first_name=obj.first_name,
            last_name=obj.last_name,
            email=obj.email,
            kind=obj.kind,
            member_type=obj.member_type,
            password_hash=obj.password,  # hashed (or made unusable) by the form
        )
        _saved_as(obj, saved)

    @sensitive_post_parameters_m
    def user_change_password(self, request, id, form_url=""):
        """Django's page for setting a password, saving through ``person_set_password`` (C1)."""
        person = self.get_object(request, unquote(id))
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        if person is None:
            raise Http404(f"There is no person numbered {id}.")
        if request.method != "POST":
            return self._password_page(request, person, self.change_password_form(person), form_url)
        form = self.change_password_form(person, request.POST)
        if not form.is_valid():
            return self._password_page(request, person, form, form_url)
        sets_a_password = form.cleaned_data["set_usable_password"]
        if not sets_a_password and "unset-password" not in request.POST:
            messages.error(request, "Conflicting form data submitted. Please try again.")
            return HttpResponseRedirect(request.get_full_path())
        what = "Password changed" if sets_a_password else "Password sign-in turned off"
        try:
            person = people.person_set_password(
                actor=request.user,
                reason=form.cleaned_data["reason"] or f"{what} in the admin by {request.user}",
                person=person,
                raw_password=form.cleaned_data["password1"] if sets_a_password else None,
            )
        except DomainError as refusal:
            form.add_error("password2" if refusal.field == "password" else None, refusal.message)
            return self._password_page(request, person, form, form_url)
        self.log_change(request, person, self.construct_change_message(request, form, None))
        messages.success(request, f"{what}.")
        update_session_auth_hash(request, person)
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:register_person_change", args=(person.pk,)))

    def _password_page(self, request, person, form, form_url):
        """The page Django's UserAdmin draws, with the reason field."""
        fieldsets = [(None, {"fields": list(form.base_fields)})]
        title = "Change password: %s" if person.has_usable_password() else "Set password: %s"
        context = {
            **self.admin_site.each_context(request),
            "title": title % person.get_username(),
            "adminForm": admin.helpers.AdminForm(form, fieldsets, {}),
            "form_url": form_url,
            "form": form,
            "is_popup": False,
            "add": True,
            "change": False,
            "has_delete_permission": False,
            "has_change_permission": True,
            "has_absolute_url": False,
            "opts": self.opts,
            "original": person,
            "save_as": False,
            "show_save": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.change_user_password_template, context)


# --- Groups, directorates and posts ------------------------------------------------------------------


class OrganizationForm(ReasonForm):
    class Meta:
        model = Organization
        fields = ["name", "classification", "is_administration"]

    def check(self, candidate):
        people.check_organization(candidate)


@admin.register(Organization)
class OrganizationAdmin(RegisterAdmin):
    form = OrganizationForm
    list_display = ["name", "classification", "is_administration"]
    list_filter = ["classification"]

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data["reason"]
        if change:
            people.organization_update(actor=request.user, reason=reason, organization=obj, changes=form.changes())
            return
        saved = people.organization_create(
            actor=request.user,
            reason=reason,
            name=obj.name,
            classification=obj.classification,
            is_administration=obj.is_administration,
        )
        _saved_as(obj, saved)


class PostForm(ReasonForm):
    class Meta:
        model = Post
        fields = ["label", "role", "organization", "single_holder", "politically_restricted"]

    def check(self, candidate):
        people.check_post(candidate)


@admin.register(Post)
class PostAdmin(RegisterAdmin):
    form = PostForm
    list_display = ["label", "role", "organization", "single_holder", "politically_restricted"]
    list_filter = ["role", "politically_restricted"]

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data["reason"]
        if change:
            people.post_update(actor=request.user, reason=reason, post=obj, changes=form.changes())
            return
        saved = people.post_create(
            actor=request.user,
            reason=reason,
            organization=obj.organization,
            role=obj.role,
            label=obj.label,
            single_holder=obj.single_holder,
            politically_restricted=obj.politically_restricted,
        )
        _saved_as(obj, saved)


class MembershipForm(ReasonForm):
    class Meta:
        model = Membership
        fields = ["person", "organization", "post", "start_date", "end_date"]

    def check(self, candidate):
        if candidate.post is not None:
            candidate.organization = candidate.post.organization  # as the services record a holding
        people.check_membership(candidate)


@admin.register(Membership)
class MembershipAdmin(RegisterAdmin):
    form = MembershipForm
    list_display = ["person", "organization", "post", "start_date", "end_date"]
    list_filter = ["organization", "post__role"]
    list_select_related = ["person", "organization", "post"]
    search_fields = ["person__username", "person__first_name", "person__last_name"]

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data["reason"]
        if change:
            people.membership_update(actor=request.user, reason=reason, membership=obj, changes=form.changes())
            return
        dates = {"start_date": obj.start_date, "end_date": obj.end_date}
        if obj.post is not None:
            saved = people.post_appoint(actor=request.user, reason=reason, person=obj.person, post=obj.post, **dates)
        else:
            saved = people.membership_start(
                actor=request.user, reason=reason, person=obj.person, organization=obj.organization, **dates
            )
        obj.organization = saved.organization
        _saved_as(obj, saved)


@admin.register(Absence)
class AbsenceAdmin(ReadOnlyRegisterAdmin):
    """Recorded and cancelled on the register's page, which tells the Deputy Chief Executive (A2)."""

    list_display = ["person", "start_date", "end_date", "state", "recorded_by"]
    list_filter = ["state"]
    list_select_related = ["person", "recorded_by"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyRegisterAdmin):
    """The outbox, read-only: filter on "failed" to see what could not be delivered, and retry it.

    Notices change only through the delivery services, so nothing here edits one by hand.
    """

    list_display = ["created_at", "recipient", "kind", "channel", "status", "attempts", "last_error"]
    list_filter = ["status", "channel", "kind"]
    # Which service took an e-mail and GOV.UK Notify's delivery receipt for it (issue 22).
    list_display += ["sent_via", "receipt", "receipt_at"]
    list_filter += ["sent_via", "receipt"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__first_name", "recipient__last_name", "cause"]
    actions = ["retry_failed_notices"]

    def has_retry_permission(self, request):
        return may_change(request)

    def get_fields(self, request, obj=None):
        """An invitation to set a password, and a password reset, carry the link that sets it: only
        their recipient reads them (register/services/people/accounts.py, password_resets.py), so
        their body and link are not shown, even here."""
        fields = super().get_fields(request, obj)
        if obj is not None and obj.kind in (INVITATION, PASSWORD_RESET):
            return [name for name in fields if name not in ("body_text", "body_html", "link_path")]
        return fields

    @admin.action(description="Send the selected failed notices again", permissions=["retry"])
    def retry_failed_notices(self, request, queryset):
        retried = 0
        for notice in queryset.order_by("pk"):
            try:
                notice_retry(notice=notice, actor=request.user, reason="Retried by hand in the admin")
            except DomainError as refusal:
                self.message_user(request, f"Notice {notice.pk}: {refusal.message}", messages.WARNING)
            else:
                retried += 1
        if retried:
            self.message_user(request, f"{retried} notice(s) queued to be sent again.", messages.SUCCESS)
