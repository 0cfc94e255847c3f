"""The mid-term report as one self-contained, accessible HTML page (jinja2): the chart as a
PNG data URI with alt text, and its figures as a table too."""

from __future__ import annotations

import base64

from jinja2 import Environment, select_autoescape

from uprflow.documents.matrix_rows import STATUS_LABELS, STATUSES
from uprflow.documents.midterm.content import MidtermReport

HTML_MEDIA_TYPE = "text/html; charset=utf-8"

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ r.title }}: {{ r.subtitle }}</title>
<style>
body { font-family: system-ui, sans-serif; line-height: 1.45; margin: 2rem auto;
       max-width: 80rem; padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .4rem 0; }
th, td { border: 1px solid #999; padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #1f4e79; color: #fff; }
tbody th { font-weight: 600; }
table.facts, table.summary { width: auto; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
.status { font-weight: 600; display: block; }
ul.plain { margin: 0; padding-left: 1rem; }
</style>
</head>
<body>
<header>
<h1>{{ r.title }}</h1>
<p>{{ r.subtitle }}</p>
</header>
<main>
<section aria-labelledby="cycle">
<h2 id="cycle">The cycle</h2>
<table class="facts">
<caption>Cycle and dates</caption>
<tbody>
{% for label, value in r.facts %}<tr><th scope="row">{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}</tbody>
</table>
</section>
<section aria-labelledby="summary">
<h2 id="summary">Summary</h2>
<table class="summary">
<caption>Recommendations, positions, follow-up and status as of {{ as_of }}</caption>
<thead><tr><th scope="col">What</th><th scope="col">Count</th></tr></thead>
<tbody>
{% for label, count in r.summary %}<tr><th scope="row">{{ label }}</th>
<td class="num">{{ count }}</td></tr>
{% endfor %}</tbody>
</table>
</section>
<section aria-labelledby="themes">
<h2 id="themes">Implementation status by theme</h2>
<figure>
<img src="data:image/png;base64,{{ chart }}" alt="{{ r.chart_alt }}">
<figcaption>Supported recommendations in the {{ r.themes|length }} most frequent themes,
by the government's latest status.</figcaption>
</figure>
<table>
<caption>Status by theme (the figures of the chart)</caption>
<thead><tr><th scope="col">Theme</th>
{% for s in statuses %}<th scope="col">{{ labels[s] }}</th>{% endfor %}
<th scope="col">Total</th></tr></thead>
<tbody>
{% for theme, c in r.themes %}<tr><th scope="row">{{ theme }}</th>
{% for s in statuses %}<td class="num">{{ c[s] }}</td>{% endfor %}
<td class="num">{{ c.values()|sum }}</td></tr>
{% endfor %}</tbody>
</table>
</section>
<section aria-labelledby="progress">
<h2 id="progress">Progress by recommendation</h2>
<table id="progress-table">
<caption>Supported recommendations: the government's status and last progress
beside the NHRI's and the CSOs' assessments</caption>
<thead><tr>
<th scope="col">ID</th><th scope="col">Recommendation</th><th scope="col">Lead ministry</th>
<th scope="col">Government status and last progress</th><th scope="col">NHRI assessment</th>
<th scope="col">CSO assessments</th>
</tr></thead>
<tbody>
{% for l in r.lines %}<tr>
<th scope="row">{{ l.recommendation_id }}</th><td>{{ l.text }}</td><td>{{ l.lead_ministry }}</td>
<td><span class="status">{{ l.government_status }}</span>{{ l.last_progress }}</td>
<td>{{ l.nhri }}</td>
<td><ul class="plain">{% for c in l.cso %}<li>{{ c }}</li>{% endfor %}</ul></td>
</tr>
{% endfor %}</tbody>
</table>
</section>
<section aria-labelledby="independent">
<h2 id="independent">Independent assessments</h2>
{% if r.divergent %}<p>On {{ r.divergent|length }} of {{ r.lines|length }} supported recommendations
the NHRI or a CSO sees less progress than the government reports:
{{ r.divergent|join(", ") }}.</p>
{% else %}<p>No independent assessment sees less progress than the government.</p>
{% endif %}</section>
</main>
</body>
</html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def midterm_html(report: MidtermReport) -> str:
    """The report as one self-contained, accessible HTML page."""
    return _ENV.from_string(_TEMPLATE).render(
        r=report,
        as_of=report.as_of.date().isoformat(),
        chart=base64.b64encode(report.chart_png).decode("ascii"),
        statuses=STATUSES,
        labels=STATUS_LABELS,
    )
