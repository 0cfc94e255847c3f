"""The one fold: ``state = reduce(apply, envelopes, CycleState(cycle_id=...))``.

:mod:`~.reducer` holds :func:`apply` and :func:`fold`; each concern's handlers live in their
own module (:mod:`~.cycle`, :mod:`~.counters`, :mod:`~.documents`, :mod:`~.recommendations`,
:mod:`~.tasks`), declared with :class:`~.handlers.Handlers` and written with the
copy-on-write helpers of :mod:`~.updates`.
"""

from uprflow.domain.fold.reducer import Stamped, apply, fold

__all__ = ["Stamped", "apply", "fold"]
