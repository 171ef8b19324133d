"""The one parsing layer of URL, query and form numbers: ASCII digits, bounded ranges, 1900-2100."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import Resolver404, resolve

from cchc.common.params import (
    BIGINT_MAX,
    BoundedIntegerField,
    DayField,
    ParamError,
    id_or_none,
    parse_date,
    parse_decimal,
    parse_id,
    parse_int,
    year_or_none,
)


@pytest.mark.parametrize("raw", ["²", "²³", "١٢", "1.5", "", " ", "1e3", None, ["1"], "2147483648"])
def test_parse_int_takes_ascii_digits_within_the_column(raw):
    with pytest.raises(ParamError):
        parse_int(raw)


def test_parse_int_and_ids():
    assert parse_int(" 42 ") == 42
    assert parse_id(str(BIGINT_MAX)) == BIGINT_MAX
    assert id_or_none(str(BIGINT_MAX + 1)) is None
    assert id_or_none("9" * 20) is None
    assert id_or_none("+5") is None
    assert id_or_none("0") is None
    assert year_or_none("²") is None
    assert year_or_none("2026") == 2026


@pytest.mark.parametrize(
    "raw", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "2026-02-30", "２０２６-01-01"]
)
def test_parse_date_refuses_days_outside_1900_2100(raw):
    with pytest.raises(ParamError, match="Ngày"):
        parse_date(raw)


def test_parse_date_accepts_iso_days():
    assert parse_date("2026-01-31") == date(2026, 1, 31)


@pytest.mark.parametrize("raw", ["1E+999999999", "NaN", "Infinity", "-inf", "10^30", "²", "1,234.5", "1.005"])
def test_parse_decimal_refuses_exponents_non_finite_and_too_precise(raw):
    with pytest.raises(ParamError):
        parse_decimal(raw, low=Decimal(-100), high=Decimal(100), places=2)


def test_parse_decimal_accepts_a_decimal_comma():
    assert parse_decimal("2,25", low=Decimal(0), high=Decimal(10)) == Decimal("2.25")


def test_form_fields_are_bounded_with_vietnamese_messages():
    with pytest.raises(Exception, match="Số quá lớn"):
        BoundedIntegerField().clean("2147483648")
    assert BoundedIntegerField().clean("2147483647") == 2147483647
    with pytest.raises(Exception, match="Ngày phải"):
        DayField().clean("9999-12-31")


@pytest.mark.parametrize(
    "path",
    [
        "/ke-hoach/nhiem-vu/" + "9" * 20 + "/",
        "/nhiem-vu/" + "9" * 20 + "/1/",
        "/ke-hoach/2026/" + "9" * 20 + "/",
        "/par-index/dot/" + "9" * 20 + "/",
        "/dich-vu-cong/ho-so/" + "9" * 20 + "/",
        "/ho-so/id/" + "9" * 20 + "/mau-01.pdf",
        "/ke-hoach/nhiem-vu/²/",
    ],
)
def test_path_ids_are_at_most_18_ascii_digits(path):
    with pytest.raises(Resolver404):
        resolve(path)


def test_path_ids_resolve_to_int():
    assert resolve("/ke-hoach/nhiem-vu/" + "9" * 18 + "/").kwargs == {"pk": int("9" * 18)}
