"""The write side of the API: commands that go through the workflows (and the import, which
goes straight to the ledger writer), each once per ``Idempotency-Key``.

Every write a workflow owns is a Temporal update whose validator refuses bad, unauthorised or
stale input before anything is written (:func:`uprflow.api.commands.updates.run_update` maps the
refusals to problems); when the update returns, the ledger and the read models already show
its effect.
"""
