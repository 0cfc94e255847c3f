"""The dashboard's inline SVG charts: well-formed, labelled for screen readers, escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from uprflow.api.dashboard.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_chart_is_labelled_svg_with_one_bar_per_value() -> None:
    svg = bar_chart("c1", "Recommendations by theme", [("Justice", 6), ("Labour", 2)])
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Recommendations by theme"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Justice: 6; Labour: 2"  # type: ignore[union-attr]
    bars = root.findall(f"{SVG}g")
    assert [g.find(f"{SVG}title").text for g in bars] == ["Justice: 6", "Labour: 2"]  # type: ignore[union-attr]
    widths = [float(g.find(f"{SVG}rect").get("width", "0")) for g in bars]  # type: ignore[union-attr]
    assert widths[0] > widths[1] > 0
    assert abs(widths[0] / widths[1] - 3.0) < 0.05


def test_labels_are_escaped_and_long_ones_shortened() -> None:
    label = '<script>alert("x")</script> & a very long theme name that goes on and on'
    svg = str(bar_chart("c2", "T & <b>", [(label, 1)]))
    assert "<script>" not in svg and "<b>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}g/{SVG}title").text == f"{label}: 1"  # type: ignore[union-attr]
    shown = root.findall(f"{SVG}g/{SVG}text")[0].text or ""
    assert shown.endswith("…") and len(shown) < len(label)


def test_empty_and_zero_data() -> None:
    root = ET.fromstring(str(bar_chart("c3", "Empty", [])))
    assert root.find(f"{SVG}desc").text == "no data"  # type: ignore[union-attr]
    assert "Nothing to show" in ET.tostring(root, encoding="unicode")
    root = ET.fromstring(str(bar_chart("c4", "Zeros", [("a", 0)])))
    assert root.find(f"{SVG}g/{SVG}rect").get("width") == "0.0"  # type: ignore[union-attr]
