"""Who may see survey results and enter paper forms.

Sở Nội vụ (``so-noi-vu``) runs the satisfaction measurement for the province, so its staff and superusers see
every campaign and may enter forms for any agency in scope; staff of another agency see the results and
enter forms only for their own agencies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cchc.accounts.constants import Area
from cchc.accounts.selectors import user_agencies

HOME_AFFAIRS = "so-noi-vu"


@dataclass(frozen=True)
class SurveyAccess:
    everything: bool
    agency_ids: frozenset[int]

    @property
    def any(self) -> bool:
        return self.everything or bool(self.agency_ids)


def survey_access(user: Any, on: date) -> SurveyAccess:
    if not user.is_authenticated:
        return SurveyAccess(everything=False, agency_ids=frozenset())
    agencies = list(user_agencies(user=user, on=on, area=Area.SURVEYS).values_list("pk", "code"))
    everything = bool(user.is_superuser) or any(code == HOME_AFFAIRS for _, code in agencies)
    return SurveyAccess(everything=everything, agency_ids=frozenset(pk for pk, _ in agencies))
