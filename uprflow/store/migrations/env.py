"""Alembic environment: always driven programmatically by :func:`store.migrate.migrate`.

The caller passes an open connection (already inside a locked transaction) through
``config.attributes["connection"]``; nothing here reads an ini file or the working directory.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded by store.migrate
    raise RuntimeError("run migrations through store.migrate.migrate(url)")

context.configure(connection=connection, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
