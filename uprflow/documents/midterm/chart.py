"""The mid-term report's chart: status counts per theme as a stacked bar chart (matplotlib,
Agg backend: no display needed)."""

from __future__ import annotations

import io
from collections import Counter

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from uprflow.documents.matrix_rows import STATUS_LABELS, STATUSES, shorten

#: Colour-blind-safe colours per status (Okabe-Ito), in :data:`STATUSES` order.
STATUS_COLOURS = {
    "implemented": "#009E73",
    "partially_implemented": "#56B4E9",
    "in_progress": "#E69F00",
    "not_started": "#999999",
}


def status_chart(themes: tuple[tuple[str, Counter[str]], ...] | list, fmt: str = "png") -> bytes:
    """A horizontal stacked bar chart: status counts per theme (top theme on top)."""
    height = 1.2 + 0.42 * max(len(themes), 1)
    fig = Figure(figsize=(8, height), dpi=150)
    ax = fig.add_subplot()
    if not themes:
        ax.text(0.5, 0.5, "No supported recommendations yet", ha="center", va="center")
        ax.set_axis_off()
    else:
        names = [shorten(t, 40) for t, _ in themes][::-1]
        left = [0] * len(themes)
        for status in STATUSES:
            values = [c[status] for _, c in themes][::-1]
            ax.barh(
                names,
                values,
                left=left,
                color=STATUS_COLOURS[status],
                label=STATUS_LABELS[status],
                edgecolor="white",
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_xlabel("Supported recommendations")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        ax.set_title("Implementation status by theme", fontsize=11)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format=fmt, metadata={"Software": None} if fmt == "png" else {"Date": None})
    return out.getvalue()
