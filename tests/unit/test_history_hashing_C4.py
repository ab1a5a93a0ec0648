"""What the history's hashes are made of, pinned where the register makes them faster to compute (C4)."""

import json

from hypothesis import given
from hypothesis import strategies as st

from register import transparency

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_the_hashed_serialisation_is_json_dumps_with_sorted_keys_no_spaces_and_ascii_only_C4(value):
    """canonical_json keeps one encoder rather than building one per call: its output must stay exactly
    the stand-alone checker's documented serialisation, or every leaf would change."""
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert transparency.canonical_json(value) == expected
