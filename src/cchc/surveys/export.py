"""The satisfaction summary as table rows (CSV download and ``cchc surveys summary``)."""

from __future__ import annotations

from cchc.dossiers.constants import RatingLevel
from cchc.surveys.selectors import SatisfactionSummary, SummaryRow


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}"


def summary_rows(summary: SatisfactionSummary) -> list[list[str]]:
    """Header, one row per group, then the province total. Shares are percentages with two decimals
    (a dot as decimal mark); an empty cell means no data."""
    header = [
        "Mã",
        "Tên",
        "Số đánh giá hồ sơ",
        *[f"Đánh giá: {level.label}" for level in RatingLevel],
        "Tỷ lệ đánh giá không «Không hài lòng» (%)",
        "Tỷ lệ đánh giá «Rất hài lòng + Hài lòng» (%)",
        "Số phiếu khảo sát",
        *[f"Khảo sát — {name} (%)" for _, name in summary.factors],
        "Chỉ số khảo sát (%)",
        "Chỉ số chung (%)",
    ]

    def line(row: SummaryRow) -> list[str]:
        return [
            row.key,
            row.label,
            str(row.ratings.total),
            *[str(row.ratings.count(level.value)) for level in RatingLevel],
            _pct(row.ratings.not_dissatisfied_share),
            _pct(row.ratings.satisfied_share),
            str(row.survey.respondents),
            *[_pct(share) for share in row.factor_shares],
            _pct(row.survey.index),
            _pct(row.combined),
        ]

    return [header, *[line(row) for row in summary.rows], line(summary.total)]
