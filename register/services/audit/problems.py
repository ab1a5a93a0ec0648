"""What a verification of the audit history (C4) finds: the problems, each located, and the totals."""

from dataclasses import dataclass, field

from register.services.audit.hashing import GENESIS

PROBLEMS_KEPT = 100


@dataclass(frozen=True)
class Problem:
    """One thing found wrong, located by chain position and/or table and row."""

    kind: str  # edited, removed, inserted, link, rewritten, export, record, checkpoint
    message: str
    position: int | None = None
    table: str = ""
    row_id: str = ""

    def __str__(self):
        return self.message


@dataclass
class Verification:
    rows: int = 0
    head_position: int = 0
    head_hash: str = GENESIS
    records: int = 0  # live records compared with their history's latest row
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)  # what was checked beyond the chain, in words

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)
