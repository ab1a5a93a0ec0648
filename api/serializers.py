"""Output and input serializers. Output serializers only read what selectors already loaded."""

from rest_framework import serializers

from api import compiled
from api.actions import ActionsField
from register import policies, selectors, workflow
from register.models import Absence, Membership, Notification, Organization, Person, Post
from register.notice_links import absolute_url


class PersonSerializer(compiled.ModelSerializer):
    """A person, wherever the API shows one (the people list, memberships). The username is half of a
    credential: it is shown only to those who keep the people records (``policies.sees_usernames``),
    and left out altogether for everyone else, so that nobody else can list every username (issue 18)."""

    # Not read-only, so that the schema marks it optional: it is absent for most callers.
    username = serializers.CharField(
        required=False,
        help_text="The person's sign-in name: shown only to those who keep the people records "
        "(Democratic Services); absent for everyone else.",
    )
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "username", "name", "kind", "member_type"]

    def to_representation(self, person):
        shown = super().to_representation(person)
        if not self._sees_usernames():
            shown.pop("username", None)
        return shown

    def _sees_usernames(self) -> bool:
        request = self.context.get("request")
        if request is None or not getattr(request.user, "is_authenticated", False):
            return False
        return policies.sees_usernames(selectors.standing_for_request(request))


class OrganizationSerializer(compiled.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "classification", "is_administration"]


class PostSerializer(compiled.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)

    class Meta:
        model = Post
        fields = ["id", "label", "role", "organization", "single_holder", "politically_restricted"]


class MembershipSerializer(compiled.ModelSerializer):
    person = PersonSerializer(read_only=True)
    organization = OrganizationSerializer(read_only=True)
    post = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["id", "person", "organization", "post", "start_date", "end_date"]

    def get_post(self, membership) -> dict | None:
        if membership.post is None:
            return None
        return {"id": membership.post.id, "label": membership.post.label, "role": membership.post.role}


class MeSerializer(compiled.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())


class TokenRequestSerializer(compiled.Serializer):
    # Not trimmed: a username of spaces is simply a wrong username (401), like any other.
    username = serializers.CharField(trim_whitespace=False)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    client = serializers.CharField(
        required=False,
        max_length=100,
        help_text="What the token is for, in your words (default 'API client'). "
        "Issuing again for the same client revokes the token issued before.",
    )
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        write_only=True,
        help_text="For those who sign in with two-factor sign-in: the 6-digit code from the authenticator "
        "app, or a recovery code. A password alone gives them no token.",
    )


class TokenSerializer(compiled.Serializer):
    token = serializers.CharField(
        help_text="Shown once: the register keeps only its hash. Send it as 'Bearer <token>'."
    )
    client = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ProblemSerializer(compiled.Serializer):
    """RFC 9457 problem details, as every error is answered."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    rule = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class AbsenceInSerializer(compiled.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField(help_text="The last day of the absence, inclusive.")
    reason = serializers.CharField(max_length=500, help_text="Why; kept in the record and its history.")


class AbsenceCancelSerializer(compiled.Serializer):
    reason = serializers.CharField(
        max_length=500, required=False, default="", allow_blank=True, help_text="Optional: kept in the history."
    )


class AbsenceEndSerializer(compiled.Serializer):
    end_date = serializers.DateField(
        help_text="The new last day of the absence: from its first day to the day before its last."
    )
    reason = serializers.CharField(max_length=500, help_text="Why it ends early; kept in the history.")


class AbsenceSerializer(compiled.ModelSerializer):
    person = PersonSerializer(read_only=True)
    actions = ActionsField(workflow.ABSENCE)

    class Meta:
        model = Absence
        fields = ["id", "person", "start_date", "end_date", "reason", "state", "actions"]


class NoticeActorSerializer(compiled.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NoticeSerializer(compiled.ModelSerializer):
    """An in-app notice in the caller's inbox."""

    body = serializers.CharField(source="body_text")
    actor = NoticeActorSerializer(allow_null=True, help_text="Whose action caused it; null when the register did.")
    read = serializers.SerializerMethodField()
    link = serializers.SerializerMethodField(
        help_text="The page where you act on it, as an absolute address; null for a notice written before notices had links."
    )

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "created_at", "actor", "read", "read_at", "link"]

    def get_read(self, notice) -> bool:
        return notice.read_at is not None

    def get_link(self, notice) -> str | None:
        return absolute_url(notice.link_path) if notice.link_path else None


class UnreadCountSerializer(compiled.Serializer):
    unread = serializers.IntegerField()
