"""The public dashboard: server-rendered HTML pages of the published data (no JavaScript).

``templates`` holds the jinja2 templates (as Python strings, so a wheel install carries them
without package-data), ``charts`` draws inline SVG bar charts with a text alternative. The
routes are in :mod:`api.routes.dashboard`; what is published is decided by
:mod:`api.routes.public`, whose query functions the dashboard reuses.
"""
