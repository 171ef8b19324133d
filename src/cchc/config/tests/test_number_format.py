"""Every app formats numbers one way, the ``vi`` locale's (1.234,5): the helpers of the apps that print
money and percentages go through ``cchc.common.numbers`` (issue 12 item 20)."""

from __future__ import annotations

from decimal import Decimal

from cchc.dossiers.web.presenters import money
from cchc.par.templatetags.par_tags import percent
from cchc.surveys.templatetags.surveys_tags import pct


def test_the_apps_print_money_and_percentages_in_the_vi_format() -> None:
    assert money(1200000) == "1.200.000"
    assert percent(Decimal("52.25")) == "52,25 %"
    assert pct(0.8125) == "81,3 %"


def test_the_command_line_and_the_reports_use_the_same_format() -> None:
    from fractions import Fraction

    from cchc.indicators.management.commands.indicators import _number
    from cchc.indicators.web.presenters import vn_decimal
    from cchc.reporting.documents.content import vn_number

    # the indicators command printed "1 234,50" (a space for thousands) beside "2.657"
    assert (_number(1234.5), _number(2657), _number(None)) == ("1.234,50", "2.657", "—")
    assert vn_decimal(Fraction(12345, 4)) == "3.086,25"
    assert vn_number(1234.5, 2) == "1.234,50"
