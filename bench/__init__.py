"""Benchmarks: run each module as a script (`python bench/ledger.py`, `python bench/api.py`)."""
