"""The Django admin, for administrators: every record with its history; nothing can be deleted (C3)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from register import policies, selectors
from register.errors import DomainError
from register.models import Absence, Membership, Notification, Organization, Person, Post
from register.services.delivery import notice_retry
from register.services.history import save_with_history
from register.services.people import check_membership


class RegisterAdmin(SimpleHistoryAdmin):
    """History views on; deletion off; every save names the administrator and a reason."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        reason = "Changed in the admin" if change else "Added in the admin"
        changed = ", ".join(form.changed_data)
        if changed:
            reason = f"{reason}: {changed}"
        save_with_history(obj, actor=request.user, reason=reason)


@admin.register(Person)
class PersonAdmin(RegisterAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "kind", "member_type", "is_active"]
    list_filter = ["kind", "member_type", "is_active"]
    fieldsets = UserAdmin.fieldsets + (("In the register", {"fields": ["kind", "member_type", "left_on"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("In the register", {"fields": ["first_name", "last_name", "email", "kind", "member_type"]}),
    )


@admin.register(Organization)
class OrganizationAdmin(RegisterAdmin):
    list_display = ["name", "classification", "is_administration"]
    list_filter = ["classification"]


@admin.register(Post)
class PostAdmin(RegisterAdmin):
    list_display = ["label", "role", "organization", "single_holder", "politically_restricted"]
    list_filter = ["role", "politically_restricted"]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["person", "organization", "post", "start_date", "end_date"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = Membership(pk=self.instance.pk, **{f: cleaned.get(f) for f in self.Meta.fields})
        if candidate.post is not None:
            candidate.organization = candidate.post.organization
        try:
            check_membership(candidate)
        except DomainError as error:
            raise forms.ValidationError(
                {error.field: error.message} if error.field in self.fields else error.message
            ) from None
        return cleaned


@admin.register(Membership)
class MembershipAdmin(RegisterAdmin):
    form = MembershipForm
    list_display = ["person", "organization", "post", "start_date", "end_date"]
    list_filter = ["organization", "post__role"]
    list_select_related = ["person", "organization", "post"]
    search_fields = ["person__username", "person__first_name", "person__last_name"]

    def save_model(self, request, obj, form, change):
        if obj.post_id:
            obj.organization = obj.post.organization
        super().save_model(request, obj, form, change)


@admin.register(Absence)
class AbsenceAdmin(RegisterAdmin):
    list_display = ["person", "start_date", "end_date", "state", "recorded_by"]
    list_filter = ["state"]


@admin.register(Notification)
class NotificationAdmin(RegisterAdmin):
    """The outbox, read-only: filter on "failed" to see what could not be delivered, and retry it.

    Notices change only through the delivery services, so nothing here edits one by hand.
    """

    list_display = ["created_at", "recipient", "kind", "channel", "status", "attempts", "last_error"]
    list_filter = ["status", "channel", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__first_name", "recipient__last_name", "cause"]
    actions = ["retry_failed_notices"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return policies.manages_notices(selectors.standing_for_request(request))

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
