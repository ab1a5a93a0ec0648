"""API serializers: the shape of what comes in and goes out. Validation of rules stays in the services."""
from rest_framework import serializers

from register.models import Absence


class AbsenceInSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reason = serializers.CharField(max_length=500, help_text="Why; kept in the record and its history.")


class AbsenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Absence
        fields = ["id", "start_date", "end_date", "reason", "state"]
