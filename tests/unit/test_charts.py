"""Server-drawn bar charts (register/charts.py), as the Standards Committee report uses them (D5)."""

import re

from register.charts import BAR_WIDTH, bar_chart


def test_a_chart_is_an_image_with_a_title_described_by_its_table_D5():
    svg = bar_chart([("Red Group", 2)], title="Requests by group", chart_id="c-title", described_by="c-table")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="c-title"' in svg and '<title id="c-title">Requests by group</title>' in svg
    assert 'aria-describedby="c-table"' in svg


def test_the_longest_value_takes_the_full_width_and_the_others_their_share_D5():
    svg = bar_chart([("A", 4), ("B", 1), ("C", 0)], title="t", chart_id="t")
    widths = [int(width) for width in re.findall(r'<rect [^>]*width="(\d+)"', svg)]
    assert widths == [BAR_WIDTH, round(BAR_WIDTH / 4), 0]


def test_labels_and_titles_are_escaped_D5():
    svg = bar_chart([("<script>alert(1)</script>", 1)], title="<b>&", chart_id='"x"')
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&lt;b&gt;&amp;" in svg and 'id="&quot;x&quot;"' in svg


def test_values_carry_their_unit_singular_or_plural_D5():
    svg = bar_chart([("A", 1), ("B", 2.5)], title="t", chart_id="t", units=("working day", "working days"))
    assert ">1 working day<" in svg and ">2.5 working days<" in svg


def test_a_chart_of_nothing_says_so_D5():
    assert "Nothing to show" in bar_chart([], title="t", chart_id="t")
