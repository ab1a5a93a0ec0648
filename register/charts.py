"""Horizontal bar charts drawn by the server as SVG, for the pages and the PDF (the Standards Committee
report, D5). Simple bars need no charting library: a label, a bar and its value per row.

The chart is an image with a title (role="img", aria-labelledby its <title>) and is described by the
data table beside it (``described_by``), which is what a screen reader reads. Every text is escaped.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW_HEIGHT = 28
BAR_HEIGHT = 18
# Room for the longest label the register draws ("A councillor's difficulty obtaining information").
LABEL_WIDTH = 340
BAR_WIDTH = 260
VALUE_WIDTH = 120
# GOV.UK Frontend's blue and black, as the pages draw bars.
BAR_COLOUR = "#1d70b8"
TEXT_COLOUR = "#0b0c0c"


def _number(value: float) -> str:
    return f"{value:g}"


def bar_chart(
    pairs: list[tuple[str, float]],
    *,
    title: str,
    chart_id: str,
    described_by: str = "",
    units: tuple[str, str] = ("", ""),
) -> SafeString:
    """An SVG of one bar per (label, value) pair, longest value the full width. ``chart_id`` names the
    SVG's title element; ``described_by`` the id of the table that holds the same figures; ``units``
    the unit after a value of one and after any other ("working day", "working days")."""
    most = max([value for _, value in pairs] + [0])
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = max(len(pairs), 1) * ROW_HEIGHT + 8
    described = f' aria-describedby="{escape(described_by)}"' if described_by else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="register-svg-chart" role="img" '
        f'aria-labelledby="{escape(chart_id)}"{described} viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="Liberation Sans, Arial, DejaVu Sans, sans-serif" '
        f'font-size="13">',
        f'<title id="{escape(chart_id)}">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(pairs):
        top = 4 + index * ROW_HEIGHT
        length = round(BAR_WIDTH * value / most) if most else 0
        middle = top + BAR_HEIGHT / 2 + 5
        unit = units[0] if value == 1 else units[1]
        shown = f"{_number(value)} {unit}".strip()
        parts += [
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" fill="{TEXT_COLOUR}">{escape(label)}</text>',
            f'<rect x="{LABEL_WIDTH}" y="{top}" width="{length}" height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>',
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" fill="{TEXT_COLOUR}">{escape(shown)}</text>',
        ]
    if not pairs:
        parts.append(f'<text x="0" y="20" fill="{TEXT_COLOUR}">Nothing to show</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped
