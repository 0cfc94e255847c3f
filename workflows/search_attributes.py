"""The custom search attributes the workflows upsert (visibility: list, filter, find overdue).

Why they are defined here, beside the workflows that set them: a key is part of what a workflow
writes. The infrastructure (:mod:`uprflow.temporal`) registers :data:`SEARCH_ATTRIBUTES` with
the namespace before any workflow runs, since upserting an unknown attribute fails the workflow
task forever.
"""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

COUNTRY = SearchAttributeKey.for_keyword("Country")
CYCLE = SearchAttributeKey.for_int("Cycle")
STAGE = SearchAttributeKey.for_keyword("Stage")
ASSIGNEE = SearchAttributeKey.for_keyword("Assignee")
DUE_AT = SearchAttributeKey.for_datetime("DueAt")

#: Every custom search attribute the workflows upsert.
SEARCH_ATTRIBUTES: tuple[SearchAttributeKey, ...] = (COUNTRY, CYCLE, STAGE, ASSIGNEE, DUE_AT)
