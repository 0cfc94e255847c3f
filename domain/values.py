"""Value types shared by events and state (pure, no I/O)."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Stages of one national UPR cycle (DESIGN §2); a profile chooses which ones run."""

    CONSULTATION = "consultation"
    STAKEHOLDER_SUBMISSIONS = "stakeholder_submissions"
    DRAFTING = "drafting"
    DRAFT_CIRCULATION = "draft_circulation"
    VALIDATION = "validation"
    REVIEW = "review"
    DECISIONS = "decisions"
    ADOPTION = "adoption"
    FOLLOW_UP = "follow_up"
    MIDTERM = "midterm"
    PARLIAMENTARY_REVIEW = "parliamentary_review"


class Position(StrEnum):
    """A State's response to a recommendation (HRC resolution 5/1 has no "rejected")."""

    SUPPORTED = "supported"
    NOTED = "noted"
    SUPPORTED_IN_PART = "supported_in_part"


class ImplementationStatus(StrEnum):
    """Status reported for a recommendation during follow-up."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PARTIALLY_IMPLEMENTED = "partially_implemented"
    IMPLEMENTED = "implemented"
    NOT_IMPLEMENTED = "not_implemented"


class Document(StrEnum):
    """Documents that go through approval, parliamentary review and submission."""

    NATIONAL_REPORT = "national_report"
    ADDENDUM = "addendum"
    MIDTERM_REPORT = "midterm_report"


#: The UN word limit for a national report (DESIGN §2, step 3).
NATIONAL_REPORT_MAX_WORDS = 10_700
