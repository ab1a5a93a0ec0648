"""Reading the retention schedule's legal holds and disposal runs (issue 21), for the Monitoring Officer,
the deputy, the Data Protection Officer and auditors. Each list costs a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Q

from register import retention
from register.errors import NotFound
from register.models import DisposalItem, DisposalRun, LegalHold
from register.policies.retention import reads_retention
from register.policies.standing import Standing


def _require_reader(viewer: Standing) -> None:
    if not reads_retention(viewer):
        raise NotFound("There is no such page.")


def legal_holds(*, viewer: Standing):
    """Every legal hold, newest first, with who placed and released it. One query."""
    _require_reader(viewer)
    return LegalHold.objects.select_related("placed_by", "released_by").order_by("-placed_at", "-id")


def legal_hold(*, viewer: Standing, hold_id: int) -> LegalHold:
    _require_reader(viewer)
    try:
        return LegalHold.objects.select_related("placed_by", "released_by").get(pk=hold_id)
    except LegalHold.DoesNotExist:
        raise NotFound("There is no such legal hold.") from None


def disposal_runs(*, viewer: Standing):
    """Every disposal run, newest first, with its items counted by outcome. One query."""
    _require_reader(viewer)
    return (
        DisposalRun.objects.select_related("proposed_by", "decided_by")
        .annotate(
            due_count=Count("items", filter=Q(items__outcome=DisposalItem.Outcome.DUE)),
            held_count=Count("items", filter=Q(items__outcome=DisposalItem.Outcome.HELD)),
            erased_count=Count("items", filter=Q(items__outcome=DisposalItem.Outcome.ERASED)),
        )
        .order_by("-proposed_at", "-id")
    )


@dataclass(frozen=True)
class KindItems:
    kind: retention.RecordKind
    items: list[DisposalItem]

    @property
    def due(self) -> int:
        return sum(item.outcome == DisposalItem.Outcome.DUE for item in self.items)

    @property
    def held(self) -> int:
        return sum(item.outcome == DisposalItem.Outcome.HELD for item in self.items)

    @property
    def erased(self) -> int:
        return sum(item.outcome == DisposalItem.Outcome.ERASED for item in self.items)


def disposal_run(*, viewer: Standing, run_id: int) -> tuple[DisposalRun, list[KindItems]]:
    """One run and its items by kind of record, in the schedule's order. Two queries."""
    _require_reader(viewer)
    try:
        run = DisposalRun.objects.select_related("proposed_by", "decided_by").get(pk=run_id)
    except DisposalRun.DoesNotExist:
        raise NotFound("There is no such disposal run.") from None
    by_kind: dict[str, list[DisposalItem]] = {kind.key: [] for kind in retention.KINDS}
    for item in run.items.order_by("record_kind", "due_on", "id"):
        by_kind.setdefault(item.record_kind, []).append(item)
    return run, [KindItems(retention.kind(key), items) for key, items in by_kind.items() if items]
