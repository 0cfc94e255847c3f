"""uprflow: the UPR cycle as Temporal workflows over a hash-chained ledger."""

__version__ = "0.1.0"
