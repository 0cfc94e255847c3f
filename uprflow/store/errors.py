"""Typed ledger errors: the domain's ledger contract (:mod:`uprflow.domain.ledger_errors`)."""

from uprflow.domain.ledger_errors import (
    EventIdConflict,
    LedgerClosed,
    LedgerError,
    WrongExpectedVersion,
)

__all__ = ["EventIdConflict", "LedgerClosed", "LedgerError", "WrongExpectedVersion"]
