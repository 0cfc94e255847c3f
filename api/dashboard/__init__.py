"""The public dashboard: server-rendered HTML pages of the published data (no JavaScript).

``templates`` is the jinja2 environment over the template files in ``api/templates/``,
``view`` the labels, filters, chart data and CSV of a page, ``charts`` draws inline SVG bar
charts with a text alternative. The routes are in :mod:`uprflow.api.routes.dashboard`; what
is published is decided by :mod:`uprflow.api.queries.public`, which the JSON routes use too.
"""
