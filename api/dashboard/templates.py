# ruff: noqa: E501  (HTML templates: lines follow the markup, not the Python style)
"""The dashboard's jinja2 templates and its stylesheet.

Kept as Python strings (a ``DictLoader``) so that ``pip install .`` ships them with the code
(the project's package-data lists no HTML). Autoescaping is on for every template.
"""

from __future__ import annotations

from jinja2 import DictLoader, Environment, StrictUndefined, select_autoescape
from markupsafe import Markup

CSS = """
:root { --ink: #1a1a1a; --muted: #4a4a4a; --link: #0b4f8a; --line: #c8ccd2;
  --band: #f3f5f8; --accent: #1d4e89; --focus: #b35c00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #fff; }
a { color: var(--link); }
a:focus, button:focus, select:focus, input:focus, summary:focus {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: 1rem; z-index: 10; }
header.site { background: var(--accent); color: #fff; padding: .75rem 1.5rem; }
header.site a { color: #fff; font-weight: 600; text-decoration: none; }
header.site nav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: 1.5rem;
  flex-wrap: wrap; align-items: baseline; }
header.site nav a:hover, header.site nav a:focus { text-decoration: underline; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.8rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .75rem; border-bottom: 2px solid var(--line);
  padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 0 0 .5rem; }
.lead { color: var(--muted); max-width: 48rem; }
.notice { background: #fff7e0; border-left: 4px solid #8a5a00; padding: .5rem 1rem; }
.error { background: #fdecea; border-left: 4px solid #a4161a; padding: .5rem 1rem; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
  gap: .75rem; margin: 0; }
dl.facts div { background: var(--band); padding: .5rem .75rem; border-radius: 4px; }
dl.facts dt { color: var(--muted); font-size: .9rem; }
dl.facts dd { margin: 0; font-size: 1.3rem; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(26rem, 1fr));
  gap: 1.5rem; }
.chart-box { border: 1px solid var(--line); border-radius: 4px; padding: .75rem; }
svg.chart { display: block; max-width: 100%; height: auto; }
details { margin-top: .5rem; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr));
  gap: .75rem 1rem; align-items: end; background: var(--band); padding: 1rem;
  border-radius: 4px; }
form.filters label { display: block; font-weight: 600; font-size: .95rem; }
form.filters input, form.filters select { width: 100%; padding: .35rem; font: inherit;
  border: 1px solid #6b6f75; border-radius: 3px; background: #fff; color: var(--ink); }
.actions { display: flex; gap: .75rem; align-items: center; }
button { font: inherit; padding: .4rem 1rem; background: var(--accent); color: #fff;
  border: 0; border-radius: 3px; cursor: pointer; }
table { border-collapse: collapse; width: 100%; margin-top: .5rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0 .5rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem;
  border-bottom: 1px solid var(--line); }
thead th { background: var(--band); border-bottom: 2px solid #6b6f75; }
td.num, th.num { text-align: right; }
td.id { white-space: nowrap; }
ul.inline { list-style: none; margin: 0; padding: 0; }
.count { font-weight: 600; }
.downloads { margin: 1rem 0; }
footer { color: var(--muted); font-size: .9rem; max-width: 72rem; margin: 0 auto;
  padding: 0 1.5rem 2rem; }
"""

BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · uprflow public dashboard</title>
<style>{{ css }}</style>
</head>
<body>
<a class="skip" href="#content">Skip to main content</a>
<header class="site">
<nav aria-label="Site">
<ul>
<li><a href="/">UPR progress dashboard</a></li>
<li><a href="/public/cycles">Open data (JSON)</a></li>
</ul>
</nav>
</header>
<main id="content" tabindex="-1">
{% block main %}{% endblock %}
</main>
<footer>
<p>Published data only: recommendations, recommending States, themes, SDGs, implementation
status, and the State's decided positions once the Human Rights Council has adopted the outcome.
Served by uprflow from its verifiable event ledger.</p>
</footer>
</body>
</html>
"""

INDEX = """{% extends "base.html" %}
{% block title %}UPR cycles{% endblock %}
{% block main %}
<h1>Universal Periodic Review: implementation progress</h1>
<p class="lead">Every review cycle, the recommendations the State received, the positions it
took once the outcome was adopted, and how far their implementation has come.</p>
{% if cycles %}
<table>
<caption>UPR cycles ({{ cycles|length }})</caption>
<thead>
<tr>
<th scope="col">Country</th>
<th scope="col">Cycle</th>
<th scope="col">Review date</th>
<th scope="col">Outcome adopted</th>
<th scope="col" class="num">Recommendations</th>
<th scope="col" class="num">Supported</th>
<th scope="col" class="num">Supported in part</th>
<th scope="col" class="num">Noted</th>
<th scope="col" class="num">Implemented</th>
</tr>
</thead>
<tbody>
{% for c in cycles %}
<tr>
<td><a href="/dashboard/{{ c.cycle_id }}" aria-label="{{ c.country_name }}, cycle {{ c.cycle_number if c.cycle_number is not none else c.cycle_id }}">{{ c.country_name }}</a></td>
<td>{{ c.cycle_number if c.cycle_number is not none else c.cycle_id }}</td>
<td>{{ c.review_date or "not set" }}</td>
<td>{% if c.outcome_adopted_on %}Yes, {{ c.outcome_adopted_on }}{% else %}Not yet{% endif %}</td>
<td class="num">{{ c.recommendations }}</td>
{% if c.positions_published %}
<td class="num">{{ c.by_position.get("supported", 0) }}</td>
<td class="num">{{ c.by_position.get("supported_in_part", 0) }}</td>
<td class="num">{{ c.by_position.get("noted", 0) }}</td>
{% else %}
<td class="num" colspan="3">published once the outcome is adopted</td>
{% endif %}
<td class="num">{{ c.by_implementation_status.get("implemented", 0) }}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>No cycle has been started yet.</p>
{% endif %}
{% endblock %}
"""

CYCLE = """{% extends "base.html" %}
{% block title %}{{ country_name }}, cycle {{ cycle.cycle_number }}{% endblock %}
{% block main %}
<p><a href="/">All cycles</a></p>
<h1>{{ country_name }}: UPR cycle {{ cycle.cycle_number }}</h1>
<dl class="facts">
<div><dt>Review date</dt><dd>{{ cycle.review_date or "not set" }}</dd></div>
<div><dt>Outcome adopted</dt>
<dd>{{ cycle.outcome_adopted_on if cycle.outcome_adopted_on else "Not yet" }}</dd></div>
<div><dt>Recommendations</dt><dd>{{ cycle.recommendations }}</dd></div>
<div><dt>Cycle status</dt><dd>{{ cycle.status|replace("_", " ") }}</dd></div>
</dl>
{% if not published %}
<p class="notice" id="positions-notice">The State's positions are published once the outcome is
adopted by the Human Rights Council.</p>
{% endif %}

<h2 id="search-heading">Search and filter</h2>
{% if errors %}
<div class="error" role="alert"><ul>
{% for e in errors %}<li>{{ e }}</li>{% endfor %}
</ul></div>
{% endif %}
<form class="filters" method="get" action="/dashboard/{{ cycle.cycle_id }}"
 aria-labelledby="search-heading" role="search">
<div>
<label for="f-q">Words in the recommendation</label>
<input type="search" id="f-q" name="q" value="{{ f.q or '' }}" maxlength="200">
</div>
<div>
<label for="f-theme">Theme</label>
<select id="f-theme" name="theme">
<option value="">All themes</option>
{% for t in options.themes %}<option value="{{ t }}"{% if f.theme == t %} selected{% endif %}>{{ t }}</option>
{% endfor %}
</select>
</div>
<div>
<label for="f-sdg">Sustainable Development Goal</label>
<select id="f-sdg" name="sdg">
<option value="">All SDGs</option>
{% for s in options.sdgs %}<option value="{{ s }}"{% if f.sdg == s %} selected{% endif %}>SDG {{ s }}</option>
{% endfor %}
</select>
</div>
{% if published %}
<div>
<label for="f-position">Position</label>
<select id="f-position" name="position">
<option value="">All positions</option>
{% for value, label in options.positions %}<option value="{{ value }}"{% if f.position == value %} selected{% endif %}>{{ label }}</option>
{% endfor %}
</select>
</div>
{% endif %}
<div>
<label for="f-status">Implementation status</label>
<select id="f-status" name="status">
<option value="">All statuses</option>
{% for value, label in options.statuses %}<option value="{{ value }}"{% if f.status == value %} selected{% endif %}>{{ label }}</option>
{% endfor %}
</select>
</div>
<div class="actions">
<button type="submit">Apply filters</button>
<a href="/dashboard/{{ cycle.cycle_id }}">Clear</a>
</div>
</form>

<h2 id="charts-heading">Overview of the {{ total }} {{ "recommendation" if total == 1 else "recommendations" }}{% if filtered %} matching the filters{% endif %}</h2>
<div class="charts">
{% for chart in charts %}
<section class="chart-box" aria-labelledby="{{ chart.id }}-h">
<h3 id="{{ chart.id }}-h">{{ chart.heading }}</h3>
{% if chart.note %}<p class="notice">{{ chart.note }}</p>{% else %}
{{ chart.svg }}
<details>
<summary>{{ chart.heading }}: the numbers</summary>
<table>
<caption>{{ chart.heading }}</caption>
<thead><tr><th scope="col">{{ chart.label }}</th><th scope="col" class="num">Recommendations</th></tr></thead>
<tbody>
{% for label, count in chart.data %}<tr><td>{{ label }}</td><td class="num">{{ count }}</td></tr>
{% endfor %}
</tbody>
</table>
</details>
{% endif %}
</section>
{% endfor %}
</div>

<h2 id="results-heading">Recommendations</h2>
<p class="downloads">
<a href="{{ csv_all }}" download>Download the matrix of all {{ cycle.recommendations }} recommendations (CSV)</a>
{% if filtered %} · <a href="{{ csv_filtered }}" download>Download the {{ total }} shown (CSV)</a>{% endif %}
</p>
<p id="result-count" class="count" role="status">{{ total }} of {{ cycle.recommendations }} recommendations shown{% if pages > 1 %} (page {{ page }} of {{ pages }}){% endif %}</p>
{% if items %}
<table id="results">
<caption>Recommendations{% if filtered %} matching the filters{% endif %}{% if pages > 1 %}, page {{ page }} of {{ pages }}{% endif %}</caption>
<thead>
<tr>
<th scope="col">Id</th>
<th scope="col">Recommendation</th>
<th scope="col">Recommending States</th>
<th scope="col">Themes</th>
<th scope="col">SDGs</th>
<th scope="col">Position</th>
<th scope="col">Implementation status</th>
</tr>
</thead>
<tbody>
{% for r in items %}
<tr data-id="{{ r.recommendation_id }}">
<td class="id">{{ r.recommendation_id }}</td>
<td>{{ r.text }}</td>
<td>{{ r.recommending_states|join(", ") }}</td>
<td><ul class="inline">{% for t in r.themes %}<li>{{ t }}</li>{% endfor %}</ul></td>
<td>{{ r.sdgs|join(", ") if r.sdgs else "—" }}</td>
<td class="position">{% if published %}{{ labels.position(r.position) }}{% else %}not yet published{% endif %}</td>
<td class="status">{{ labels.status(r.implementation_status) }}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>No recommendation matches these filters.</p>
{% endif %}
{% if pages > 1 %}
<nav aria-label="Result pages"><ul class="inline">
{% if prev_url %}<li><a href="{{ prev_url }}" rel="prev">Previous page</a></li>{% endif %}
{% if next_url %}<li><a href="{{ next_url }}" rel="next">Next page</a></li>{% endif %}
</ul></nav>
{% endif %}
{% endblock %}
"""

ERROR = """{% extends "base.html" %}
{% block title %}{{ heading }}{% endblock %}
{% block main %}
<h1>{{ heading }}</h1>
<p>{{ message }}</p>
<p><a href="/">All cycles</a></p>
{% endblock %}
"""

env = Environment(
    loader=DictLoader(
        {"base.html": BASE, "index.html": INDEX, "cycle.html": CYCLE, "error.html": ERROR}
    ),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals["css"] = Markup(CSS)
