"""The retention schedule in force (issue 21): the schedule's kinds (``register/retention.py``) with the
period the Monitoring Officer set for each, where one was set, else the default. One query."""

from dataclasses import dataclass

from register import retention
from register.models import RetentionRule


@dataclass(frozen=True)
class PeriodInForce:
    kind: retention.RecordKind
    months: int
    rule: RetentionRule | None  # None while the schedule's default applies

    @property
    def text(self) -> str:
        return retention.period_text(self.months)

    @property
    def is_default(self) -> bool:
        return self.rule is None


def periods_in_force() -> list[PeriodInForce]:
    """Every kind of record in the schedule's order, with its period in force."""
    rules = {rule.record_kind: rule for rule in RetentionRule.objects.select_related("set_by")}
    return [
        PeriodInForce(kind, rules[kind.key].months if kind.key in rules else kind.default_months, rules.get(kind.key))
        for kind in retention.KINDS
    ]


def period_in_force(key: str) -> PeriodInForce:
    """One kind's period in force (ValueError for a kind the schedule does not have)."""
    record_kind = retention.kind(key)
    rule = RetentionRule.objects.select_related("set_by").filter(record_kind=key).first()
    return PeriodInForce(record_kind, rule.months if rule else record_kind.default_months, rule)
