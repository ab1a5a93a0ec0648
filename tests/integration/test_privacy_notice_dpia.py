"""The template DPIA (docs/dpia.md, issue 21 item 4) cites the code it was filled in from: every file,
folder and setting it names exists, so a rename cannot leave it pointing at nothing."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DPIA = (ROOT / "docs" / "dpia.md").read_text()


def test_every_file_the_dpia_cites_exists():
    cited = set(re.findall(r"`((?:register|docs|tests|scripts)/[\w./-]*)`", DPIA))
    assert len(cited) >= 10
    missing = sorted(path for path in cited if not (ROOT / path).exists())
    assert missing == []


def test_every_setting_the_dpia_names_is_a_setting_of_the_register():
    named = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})(?: = [^`]*)?`", DPIA)) - {"KINDS"}
    assert {"TWO_FACTOR_REQUIRED", "AXES_FAILURE_LIMIT", "EMAIL_HOST"} <= named
    assert sorted(name for name in named if not hasattr(settings, name)) == []


def test_the_parts_a_council_must_complete_are_marked():
    assert DPIA.count("**[Council to complete]**") >= 15
