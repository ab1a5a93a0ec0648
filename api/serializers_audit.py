"""Output serializers of the audit history (C2): the timeline's entries and a record's versions.
They read only what ``register.selectors.audit`` loaded."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api import compiled

CHANGES = {"+": "created", "~": "changed", "-": "deleted"}


class HistoryUserSerializer(compiled.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class ChangeField(serializers.Field):
    def to_representation(self, value):
        return CHANGES.get(value, "changed")


ChangeField = extend_schema_field({"type": "string", "enum": sorted(set(CHANGES.values()))})(ChangeField)


class TimelineEntrySerializer(compiled.Serializer):
    position = serializers.IntegerField(
        help_text="The change's place in the history chain: 1, 2, 3 ... in write order."
    )
    when = serializers.DateTimeField(allow_null=True)
    who = HistoryUserSerializer(
        allow_null=True, help_text="Who made the change; null for the system before it had a user."
    )
    record_type = serializers.SerializerMethodField()
    record_id = serializers.CharField(help_text="The changed record's id, for /api/history/{record_type}/{record_id}/.")
    change = ChangeField(help_text="created, changed or deleted")
    reason = serializers.CharField(help_text="Why, as recorded with the change.")
    history_id = serializers.CharField(help_text="The history row's id in its table.")
    subject = serializers.CharField(
        help_text="What the record is about, in words, as it stood at the change: a request's subject, a "
        "declaration's parties, a notice's subject and reader. Empty for kinds of record with none."
    )
    request_id = serializers.IntegerField(
        allow_null=True, help_text="The attendance request the record belongs to (its whole story), if any."
    )

    def get_record_type(self, entry) -> str | None:
        return entry.record_type.slug if entry.record_type else None


class FieldChangeSerializer(compiled.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.JSONField(allow_null=True, help_text="The value before (null when the record was created).")
    new = serializers.JSONField(allow_null=True)
    old_text = serializers.CharField(
        help_text="The value before, in words: names for ids (with the capacity recorded), UK times to the "
        "minute, Yes or No, choices' labels, 'none' for nothing."
    )
    new_text = serializers.CharField(help_text="The value after, in words, as old_text.")


class HistoryVersionSerializer(compiled.Serializer):
    history_id = serializers.IntegerField()
    when = serializers.DateTimeField()
    who = HistoryUserSerializer(allow_null=True)
    change = ChangeField(help_text="created, changed or deleted")
    reason = serializers.CharField(allow_blank=True)
    changes = FieldChangeSerializer(many=True, help_text="Field by field: on creation, the values it was created with.")


class RecordHistorySerializer(compiled.Serializer):
    record_type = serializers.CharField(source="record_type.slug")
    record_type_label = serializers.CharField(source="record_type.label")
    record_id = serializers.IntegerField()
    versions = HistoryVersionSerializer(many=True, help_text="Newest first.")


class AccessLogReaderSerializer(compiled.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AccessLogEntrySerializer(compiled.Serializer):
    """One read of a sensitive record (issue 20), in words and in values."""

    id = serializers.UUIDField(help_text="The entry's id, which its leaf hash commits to.")
    position = serializers.IntegerField(help_text="The entry's place in the access log: 1, 2, 3 ... with no gaps.")
    read_at = serializers.DateTimeField()
    read_at_text = serializers.CharField(help_text="When, in words: Europe/London, to the minute.")
    reader = AccessLogReaderSerializer(allow_null=True, help_text="Who opened the record.")
    record_kind = serializers.ChoiceField(choices=["declaration", "concern", "complaint"])
    record_id = serializers.CharField(help_text="The record's id, as in /api/declarations/{id}/ and the like.")
    record_text = serializers.CharField(help_text="The record in words: 'Declaration 12', 'Complaint 1325a'.")
    via = serializers.CharField(help_text="The page or endpoint: 'page declarations:detail', 'api GET ...'.")
    via_text = serializers.CharField(help_text="The page or endpoint, in words.")
    leaf_hash = serializers.CharField(help_text="The entry's Merkle leaf hash (RFC 6962), hexadecimal.")


class ProofFieldSerializer(compiled.Serializer):
    value = serializers.JSONField(required=False, help_text="The field's canonical value (absent when erased).")
    salt = serializers.CharField(required=False, help_text="The field's random salt, hexadecimal.")
    digest = serializers.CharField(
        required=False, help_text="For a value erased under a retention rule: the digest kept in its place."
    )


class ProofEntrySerializer(compiled.Serializer):
    table = serializers.CharField(help_text="The history table.")
    id = serializers.CharField(help_text="The history row's id.")
    fields = serializers.DictField(child=ProofFieldSerializer(), help_text="Every field the row's leaf commits to.")


class InclusionProofSerializer(compiled.Serializer):
    """register/transparency.py's inclusion proof file (register-inclusion-proof/1)."""

    format = serializers.CharField(help_text="register-inclusion-proof/1")
    checkpoint = serializers.CharField(help_text="The signed checkpoint (C2SP signed note) the proof leads to.")
    leaf_index = serializers.IntegerField(help_text="The row's leaf in the history's Merkle tree.")
    tree_size = serializers.IntegerField(help_text="The checkpoint's number of entries.")
    path = serializers.ListField(child=serializers.CharField(), help_text="The audit path (RFC 6962), hexadecimal.")
    position = serializers.IntegerField(help_text="The row's place in the history chain.")
    entry = ProofEntrySerializer()
