"""Whether a feedback is handled on time, as of a moment: the rule of QĐ 766/QĐ-TTg indicator 5.2.

Pure functions over a feedback's timestamps and stage deadlines (no database), shared by the staff
pages and the indicator selector, so both say the same thing.

The stages and their deadlines (working days, computed by the services with the agency's working
calendar, ``cchc.calendars``; legal basis Nghị định 20/2008/NĐ-CP and the 766 rule, domain-vn §1.5):

- reject (không tiếp nhận xử lý): within 2 working days of reception (of the resubmission, if more
  information was asked for);
- ask for more information: within 5 working days of reception;
- answer: within 15 working days of reception, or of the resubmission when information was asked
  for (the citizen's time does not count: no answer deadline runs while the feedback waits for them);
- publish the answer: within 2 working days of the answer.

As of ``at``, a stage whose time is after ``at`` has not happened yet. A feedback is on time when
every stage done by ``at`` was done by its deadline and the stage still running at ``at`` (the answer
while staff hold it, the publication once answered) has not passed its deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class Timed(Protocol):
    """What the rule reads: a ``Feedback`` or a :class:`Row`."""

    @property
    def submitted_at(self) -> datetime: ...

    @property
    def reject_due_at(self) -> datetime | None: ...

    @property
    def info_due_at(self) -> datetime | None: ...

    @property
    def answer_due_at(self) -> datetime | None: ...

    @property
    def publish_due_at(self) -> datetime | None: ...

    @property
    def rejected_at(self) -> datetime | None: ...

    @property
    def info_requested_at(self) -> datetime | None: ...

    @property
    def resubmitted_at(self) -> datetime | None: ...

    @property
    def answered_at(self) -> datetime | None: ...

    @property
    def published_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Row:
    """The fields :func:`is_on_time` reads, from a ``values()`` row."""

    submitted_at: datetime
    reject_due_at: datetime | None
    info_due_at: datetime | None
    answer_due_at: datetime | None
    publish_due_at: datetime | None
    rejected_at: datetime | None
    info_requested_at: datetime | None
    resubmitted_at: datetime | None
    answered_at: datetime | None
    published_at: datetime | None

    @classmethod
    def of(cls, values: dict[str, Any]) -> Row:
        return cls(**{name: values[name] for name in FIELDS})


FIELDS = [
    "submitted_at",
    "reject_due_at",
    "info_due_at",
    "answer_due_at",
    "publish_due_at",
    "rejected_at",
    "info_requested_at",
    "resubmitted_at",
    "answered_at",
    "published_at",
]


def _done(moment: datetime | None, at: datetime) -> bool:
    return moment is not None and moment <= at


def _late(done: datetime | None, due: datetime | None, at: datetime) -> bool:
    return _done(done, at) and due is not None and done is not None and done > due


def running_due(fb: Timed, *, at: datetime) -> datetime | None:
    """The deadline of the stage staff must complete next, as of ``at`` (None: nothing runs: closed,
    or waiting for the citizen's information)."""
    if _done(fb.rejected_at, at) or _done(fb.published_at, at):
        return None
    if _done(fb.answered_at, at):
        return fb.publish_due_at
    if _done(fb.info_requested_at, at) and not _done(fb.resubmitted_at, at):
        return None
    return fb.answer_due_at


def is_on_time(fb: Timed, *, at: datetime) -> bool:
    """True when every stage done by ``at`` met its deadline and the running one has not passed it."""
    if (
        _late(fb.rejected_at, fb.reject_due_at, at)
        or _late(fb.info_requested_at, fb.info_due_at, at)
        or _late(fb.answered_at, fb.answer_due_at, at)
        or _late(fb.published_at, fb.publish_due_at, at)
    ):
        return False
    due = running_due(fb, at=at)
    return due is None or due >= at
