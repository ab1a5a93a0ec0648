"""No routine task in the README needs the Django admin (issue 17, point 7). The README names the admin
as the superusers' emergency tool in one paragraph; anywhere else it mentions the admin is listed here,
with why that place is not a task someone does in it, so that a new mention must be looked at."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
MENTION = re.compile(r"\badmin\b|/admin/", re.IGNORECASE)  # not "administration", "administrator"

EMERGENCY = "The Django admin (`/admin/`) is the superusers' emergency tool"
# Places that mention the admin without a task in it, by a phrase of their paragraph: why each is one.
NOT_A_TASK = {
    "pages, admin, commands, API and tasks": "the layers of the code that import-linter keeps apart",
    "| `admin` | Superuser": "the demo superuser's row, which says the admin is for emergencies only",
}


def paragraphs_mentioning_the_admin() -> list[str]:
    return [block for block in re.split(r"\n\s*\n", README.read_text()) if MENTION.search(block)]


def test_the_readme_says_the_admin_is_the_superusers_emergency_tool_and_no_routine_task_needs_it():
    emergency = [block for block in paragraphs_mentioning_the_admin() if EMERGENCY in block]
    assert len(emergency) == 1, "one paragraph says what the admin is for"
    words = " ".join(emergency[0].split())
    assert "no routine task needs it" in words and "nobody else can open it" in words


def test_the_readme_mentions_the_admin_nowhere_else_but_where_it_says_what_the_admin_is():
    """Every other paragraph that mentions the admin is one of NOT_A_TASK's, and each of those is still there."""
    others = [block for block in paragraphs_mentioning_the_admin() if EMERGENCY not in block]
    unexplained = [block for block in others if not any(phrase in block for phrase in NOT_A_TASK)]
    assert not unexplained, "the README mentions the admin in a paragraph not listed here:\n\n" + "\n\n".join(
        unexplained
    )
    stale = [phrase for phrase in NOT_A_TASK if not any(phrase in block for block in others)]
    assert not stale, f"listed here but no longer in the README: {stale}"
