"""Choices and stable error codes of the satisfaction surveys (khảo sát sự hài lòng)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Likert(models.IntegerChoices):
    """The 5-level answer scale of every shipped questionnaire (a questionnaire file may relabel it).

    Our method counts 4 and 5 as "satisfied" (see ``docs/surveys.md``).
    """

    VERY_DISSATISFIED = 1, "Rất không hài lòng"
    DISSATISFIED = 2, "Không hài lòng"
    NEUTRAL = 3, "Bình thường"
    SATISFIED = 4, "Hài lòng"
    VERY_SATISFIED = 5, "Rất hài lòng"


#: Answers at or above this value count as "hài lòng" (satisfied) in the survey shares.
SATISFIED_FROM = Likert.SATISFIED.value


class Wording(models.TextChoices):
    """Where the wording of a factor or criterion comes from, so nobody mistakes ours for the official text."""

    OFFICIAL = "official", "Nguyên văn văn bản"
    PARAPHRASE = "paraphrase", "Diễn đạt lại theo văn bản, cần đối chiếu nguyên văn"
    OURS = "ours", "Cách diễn đạt của CCHC, chưa có nguyên văn"


class CampaignStatus(models.TextChoices):
    """A campaign collects answers only while open and inside its period."""

    OPEN = "open", "Đang khảo sát"
    CLOSED = "closed", "Đã kết thúc"


class ResponseChannel(models.TextChoices):
    """How the answers reached us."""

    PAPER = "paper", "Phiếu giấy (cán bộ nhập)"
    ONLINE = "online", "Trực tuyến (người dân tự trả lời)"


class RespondentKind(models.TextChoices):
    CITIZEN = "citizen", "Người dân"
    ORGANISATION = "organisation", "Tổ chức, doanh nghiệp"


class GroupBy(models.TextChoices):
    """The breakdowns of ``satisfaction_summary``."""

    AGENCY = "agency", "Theo cơ quan"
    FIELD = "field", "Theo lĩnh vực"
    LEVEL = "level", "Theo cấp"


class SurveyErrorCode(StrEnum):
    """Stable error codes (they reach API clients and the command line)."""

    INVALID_QUESTIONNAIRE = "surveys.invalid_questionnaire"
    VERSION_CONFLICT = "surveys.version_conflict"
    INVALID_CAMPAIGN = "surveys.invalid_campaign"
    CAMPAIGN_CLOSED = "surveys.campaign_closed"
    INVALID_RESPONSE = "surveys.invalid_response"
    OUT_OF_SCOPE = "surveys.out_of_scope"
    INVALID_PERIOD = "surveys.invalid_period"


#: URL words a campaign code may not take (they are pages of /khao-sat/).
RESERVED_CODES = frozenset({"dot", "ket-qua", "nhap-phieu", "cam-on", "tao"})
