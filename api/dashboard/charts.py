"""Inline SVG bar charts, hand-written: no JavaScript, no image files, readable by screen readers.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>`` (the desc
lists every value), each bar carries its own ``<title>`` (a tooltip), and the page shows the
same numbers in a table beside it, so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

#: Layout of the drawing, in SVG user units (the SVG scales to the width of its container).
WIDTH = 440
LABEL_WIDTH = 190
COUNT_WIDTH = 34
ROW = 22
BAR = 15
PAD = 6
#: Bar colour: 7.4:1 against white, so the bars read for low-vision users too.
BAR_COLOUR = "#1d4e89"
TEXT_COLOUR = "#1a1a1a"
MAX_LABEL = 28


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(chart_id: str, title: str, data: Sequence[tuple[str, int]]) -> Markup:
    """A horizontal bar chart of ``data`` (label, count), in the given order.

    ``chart_id`` must be unique in the page (it names the title and desc elements). An empty
    ``data`` gives a short SVG that says there is nothing to draw.
    """
    t_id, d_id = f"{chart_id}-title", f"{chart_id}-desc"
    desc = "; ".join(f"{label}: {count}" for label, count in data) if data else "no data"
    rows = max(len(data), 1)
    height = rows * ROW + 2 * PAD
    top = max((count for _, count in data), default=0)
    span = WIDTH - LABEL_WIDTH - COUNT_WIDTH - 2 * PAD
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{escape(t_id)} {escape(d_id)}" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(t_id)}">{escape(title)}</title>',
        f'<desc id="{escape(d_id)}">{escape(desc)}</desc>',
    ]
    if not data:
        parts.append(
            f'<text x="{PAD}" y="{PAD + ROW / 2 + 5:g}" fill="{TEXT_COLOUR}" '
            f'font-size="13">Nothing to show</text>'
        )
    for i, (label, count) in enumerate(data):
        y = PAD + i * ROW
        length = 0.0 if top == 0 else span * count / top
        if count > 0:
            length = max(length, 2.0)
        mid = y + ROW / 2 + 5
        parts.append(
            f"<g><title>{escape(label)}: {count}</title>"
            f'<text x="{LABEL_WIDTH - PAD}" y="{mid:g}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}" font-size="12">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + (ROW - BAR) / 2:g}" width="{length:.1f}" '
            f'height="{BAR}" fill="{BAR_COLOUR}" rx="2"></rect>'
            f'<text x="{LABEL_WIDTH + length + PAD:.1f}" y="{mid:g}" fill="{TEXT_COLOUR}" '
            f'font-size="12">{count}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
