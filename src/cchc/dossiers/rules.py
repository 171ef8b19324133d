"""The lifecycle's legal rules on a dossier's state, written once.

The transition executor's mutations (``cchc.dossiers.lifecycle.mutations``) and the simulator's bulk
path (``cchc.dossiers.simulation.runner``) both change a dossier through these functions; the
indicators' set-based SQL keeps its own expression of :func:`late_at_end` and
:func:`supplement_requested` (a ``supplement_count <= 1`` filter) and names them.

Legal basis: QĐ 766/QĐ-TTg as the national portal applies it (domain-vn §1.5, §2.5); NĐ 61/2018/NĐ-CP
Điều 19 as amended by NĐ 107/2021/NĐ-CP (apology and new appointment); form 06 of TT 03/2025/TT-VPCP
(the process-control sheet).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings

from cchc.dossiers.codes import reception_day
from cchc.dossiers.constants import DossierStatus, HandoverOutcome, StepStatus

if TYPE_CHECKING:
    from cchc.calendars.selectors import WorkingCalendar
    from cchc.dossiers.models import Dossier, DossierStep

SUPPLEMENTS_ON_TIME = 1
"""legal (QĐ 766 as the national portal applies it): supplements may be requested once; a second
request during processing makes the dossier late, whatever the dates (:func:`supplement_requested`)."""

# legal: how many days before the deadline's day the apology letter must be sent at the latest:
# NĐ 61/2018/NĐ-CP Điều 19 khoản 1 điểm c as amended by NĐ 107/2021/NĐ-CP ("chậm nhất 01 ngày trước
# ngày hết hạn"), a rule NĐ 118/2025/NĐ-CP keeps for form 04 of TT 03/2025/TT-VPCP. Counted in calendar
# days, Vietnam time (the article says "ngày", not "ngày làm việc"): a deadline of 08:00 on the 10th
# takes an apology dated the 9th at the latest. The article text is not in our notes (domain-vn §7):
# a province reading it differently sets ``CCHC_EXTENSION_LEAD_DAYS`` (0: any time before the deadline).
EXTENSION_LEAD_DAYS = 1


def extension_lead_days() -> int:
    """:data:`EXTENSION_LEAD_DAYS`, or the province's ``CCHC_EXTENSION_LEAD_DAYS``."""
    return max(0, int(getattr(settings, "CCHC_EXTENSION_LEAD_DAYS", EXTENSION_LEAD_DAYS)))


def late_at_end(dossier: Dossier, end: datetime) -> bool:
    """legal (QĐ 766, as the national portal applies it): late when the end is after the statutory
    appointment (already moved by the applicant's supplement time, never by an apology: NĐ 61/2018
    Điều 19 as amended), or when more than :data:`SUPPLEMENTS_ON_TIME` supplement was requested."""
    due = dossier.statutory_due_at
    return dossier.is_late or dossier.supplement_count > SUPPLEMENTS_ON_TIME or (due is not None and end > due)


def end_of_processing(ended_at: datetime, *, waiting_since: datetime | None) -> datetime:
    """The end of processing of a dossier stopped or withdrawn at ``ended_at``.

    legal (QĐ 766 as the national portal applies it, domain-vn §1.5 / §2.5): if the applicant never
    answered the supplement request open since ``waiting_since``, processing ended at that request
    (the clock was paused from then on), not when the dossier was later closed. The indicators apply
    the same rule (``cchc.indicators.selectors.dossier_facts``, the rollups' set-based facts).
    """
    return waiting_since if waiting_since is not None and waiting_since < ended_at else ended_at


def handover_outcome(at: datetime, deadline: datetime) -> HandoverOutcome:
    """Early / on time / late on the process-control sheet (form 06).

    Late: after the step's deadline. On time: on the deadline's own day (Vietnam time), not after it.
    Early: on an earlier day (the practice of the printed sheets: trước hạn, đúng hạn, quá hạn).
    """
    if at > deadline:
        return HandoverOutcome.LATE
    if reception_day(at) == reception_day(deadline):
        return HandoverOutcome.ON_TIME
    return HandoverOutcome.EARLY


def supplement_requested(dossier: Dossier, *, before_reception: bool) -> None:
    """The dossier waits for the applicant's supplement (form 02): it keeps the status to return to.

    legal (QĐ 766 as applied by the national portal): a request during processing is counted, and a
    request beyond :data:`SUPPLEMENTS_ON_TIME` makes the dossier late whatever the dates. Before
    reception (NĐ 118/2025 Điều 16: the desk asks for missing documents) no clock runs: the request
    is not one of processing and is not counted.
    """
    if not before_reception:
        dossier.supplement_count += 1
        if dossier.supplement_count > SUPPLEMENTS_ON_TIME:
            dossier.is_late = True
    dossier.resume_status = dossier.status
    dossier.status = DossierStatus.SUPPLEMENT_REQUESTED


def supplement_resumed(
    dossier: Dossier, *, paused: int, calendar: WorkingCalendar, open_steps: Iterable[DossierStep]
) -> None:
    """The applicant handed in the supplement: the clock resumes and every open deadline moves by the
    paused working time (``paused`` seconds, office hours only; 0 before reception), the appointment
    and the statutory one included (QĐ 766: the supplement time does not count against the agency)."""
    dossier.paused_seconds += paused
    if paused and dossier.due_at is not None:
        hours = Decimal(paused) / Decimal(3600)
        dossier.due_at = calendar.add_working_hours(dossier.due_at, hours)
        if dossier.statutory_due_at is not None:
            dossier.statutory_due_at = calendar.add_working_hours(dossier.statutory_due_at, hours)
        for step in open_steps:
            if step.status in (StepStatus.ACTIVE, StepStatus.PENDING):
                step.deadline = calendar.add_working_hours(step.deadline, hours)
    dossier.status = dossier.resume_status or DossierStatus.IN_PROCESS
    dossier.resume_status = ""


def obligation_requested(dossier: Dossier) -> None:
    """ "Yêu cầu thực hiện nghĩa vụ tài chính" (sync code 6): the dossier keeps the status to return to."""
    dossier.resume_status = dossier.status
    dossier.status = DossierStatus.FINANCIAL_OBLIGATION_REQUESTED


def payment_recorded(dossier: Dossier, *, due: Decimal, paid: Decimal) -> bool:
    """Paying in full ends a financial-obligation request: the dossier returns to the status it left.
    True when the status changed."""
    if dossier.status == DossierStatus.FINANCIAL_OBLIGATION_REQUESTED and paid >= due:
        dossier.status = dossier.resume_status or DossierStatus.IN_PROCESS
        dossier.resume_status = ""
        return True
    return False
