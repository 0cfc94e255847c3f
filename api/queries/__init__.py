"""The read side of the API: what the routes read and how it is shaped for the answer.

Reads come from the read models (updated in the same transaction as each ledger append), the
ledger itself (audit), and the workflows' live queries when Temporal answers in time. Nothing
here writes. Synchronous functions take an engine and are run in a thread by the routes.
"""
