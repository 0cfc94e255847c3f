"""The ledger and its read models (SQLAlchemy 2; SQLite by default, PostgreSQL in production).

One concept per module, imported directly (this package imports nothing itself):

- ``db``: engine factory (SQLite WAL + synchronous=FULL), the writer lock
- ``migrate``: ``migrate(url)`` (Alembic, programmatic, safe to run concurrently)
- ``ledger``: ``Ledger.append`` / ``append_async`` / ``append_many`` (group commit)
- ``reading``: ``read_stream``, ``read_cycle``, ``read_all``, ``head``
- ``projections``: live projection in the append transaction, ``rebuild``
- ``checkpoints``: ``record_checkpoint``
- ``verify``, ``export``, ``replay``: the auditor's tools; ``chainwalk`` is stdlib-only
- ``canonical``, ``hashing``, ``timefmt``, ``schema``, ``errors``: building blocks
"""
