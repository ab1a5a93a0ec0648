"""The README's "GOV.UK Notify" section lists a template for every kind of notice the register sends, each
with its environment variable, and the personalisation fields every template is given (issue 22)."""

import re
from pathlib import Path

from register.services.notify import PERSONALISATION, TEMPLATE_MESSAGE, notice_kinds, template_setting

README = Path(__file__).resolve().parents[2] / "README.md"


def notify_section() -> str:
    text = README.read_text()
    start = text.index("\n## GOV.UK Notify\n")
    return text[start : text.index("\n## ", start + 1)]


def test_the_readme_lists_a_template_for_every_kind_of_notice_and_no_other():
    listed = dict(re.findall(r"^\| `([a-z-]+)` \| `(NOTIFY_TEMPLATE_[A-Z_]+)` \|$", notify_section(), re.MULTILINE))
    expected = {kind: template_setting(kind) for kind in notice_kinds()}
    rows = "\n".join(f"| `{kind}` | `{name}` |" for kind, name in expected.items())
    assert listed == expected, f"the README's table of Notify templates should read:\n{rows}"


def test_the_readme_gives_each_personalisation_field_and_the_text_to_paste_in():
    section = notify_section()
    for field in PERSONALISATION:
        assert f"`(({field}))`" in section
        assert f"(({field}))" in TEMPLATE_MESSAGE or field == "subject"
    assert all(line.strip() in section for line in TEMPLATE_MESSAGE.splitlines() if line.strip())
    assert "/notify/receipts/" in section and "NOTIFY_CALLBACK_BEARER_TOKEN" in section
