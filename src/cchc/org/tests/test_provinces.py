"""``province_setup``: any province's units before and after 1/7/2025, their succession and its standard
agencies marked for review (issue 18 item 2). Three shapes: Khánh Hòa (56, a province merged with Ninh
Thuận), Lai Châu (12, not merged), Đà Nẵng (48, a centrally-run city merged with Quảng Nam, with an island
district without communes, Hoàng Sa)."""

from datetime import date

import pytest

from cchc.org.constants import Confidence, Level, UnitsDataError, UnitsDataErrorCode
from cchc.org.models import AdministrativeUnit, Agency, UnitSuccession
from cchc.org.provinces import STANDARD_AGENCIES, province_setup
from cchc.org.selectors import one_stop_desk_on
from cchc.org.tests.conftest import MERGER_DAY
from cchc.org.units_data import province_units


def _counts():
    return (
        AdministrativeUnit.objects.count(),
        UnitSuccession.objects.count(),
        Agency.objects.count(),
        AdministrativeUnit.history.count(),
        Agency.history.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "old_provinces"),
    [
        ("56", ["Tỉnh Khánh Hòa", "Tỉnh Ninh Thuận"]),
        ("12", ["Tỉnh Lai Châu"]),
        ("48", ["Thành phố Đà Nẵng", "Tỉnh Quảng Nam"]),
    ],
)
def test_a_province_is_set_up_from_the_packages_and_a_second_run_changes_nothing(code, old_provinces):
    # given
    data = province_units(code)
    progress = []

    # when
    summary = province_setup(code, progress=lambda step, done, total: progress.append((step, done, total)))

    # then: the units after 1/7/2025 are the packages' (published codes), under the province
    province = AdministrativeUnit.objects.get(code=code, level=Level.PROVINCE, valid_to__isnull=True)
    new = AdministrativeUnit.objects.filter(parent=province, valid_from=MERGER_DAY, level=Level.COMMUNE)
    assert sorted(new.values_list("code", flat=True)) == sorted(data.units)
    assert summary.units_after == len(data.units)
    # the units before: every old unit the packages give, ended on 1/7/2025, under its old province
    old = AdministrativeUnit.objects.filter(code__in=data.old_units, valid_from__isnull=True)
    assert old.count() == len(data.old_units) == summary.units_before
    assert set(old.values_list("valid_to", flat=True)) == {MERGER_DAY}
    merged = len(old_provinces) > 1
    assert (province.valid_from == MERGER_DAY) is merged
    if merged:
        assert (
            sorted(
                AdministrativeUnit.objects.filter(level=Level.PROVINCE, valid_to=MERGER_DAY).values_list(
                    "name", flat=True
                )
            )
            == old_provinces
        )
    # every old unit has its successors, partial ones flagged, as the packages (and overlay) say
    edges = UnitSuccession.objects.filter(predecessor__in=old, effective_date=MERGER_DAY).select_related(
        "predecessor", "successor"
    )
    stored = sorted((e.predecessor.code, e.successor.code, e.partial) for e in edges)
    expected = sorted((o, s.code, s.partial) for o, succ in data.successors.items() for s in succ)
    assert stored == expected
    assert len(summary.partial_without_share) == sum(1 for *_, partial in expected if partial)
    # districts end without successor
    assert UnitSuccession.objects.filter(predecessor__level=Level.DISTRICT, successor__isnull=True).count() == len(
        {o.district_code for o in data.old_units.values()} - set(data.old_units)
    )
    # agencies: the province's UBND, the standard departments, the centre, each commune's UBND, all for review
    made = Agency.objects.filter(confidence=Confidence.UNCONFIRMED).exclude(review_note="")
    assert made.count() == 1 + len(STANDARD_AGENCIES) + len(data.units) == len(summary.to_review)
    assert made.filter(unit__in=new, kind="ubnd").count() == len(data.units)
    assert made.filter(code=f"trung-tam-phuc-vu-hanh-chinh-cong-p{code}", unit=province).exists()
    assert Agency.objects.get(code=summary.agency_codes["so-tu-phap"]).parent.unit == province
    assert progress[-1][1] == progress[-1][2]
    # each commune's one-stop desk is read from its UBND (NĐ 118/2025/NĐ-CP), as for Khánh Hòa
    commune = new.order_by("code").first()
    desk = one_stop_desk_on(made.get(unit=commune, kind="ubnd"), on=date(2026, 1, 1))
    assert desk.full_name == f"Trung tâm Phục vụ hành chính công {commune.name[:1].lower()}{commune.name[1:]}"

    # when: run again
    before = _counts()
    again = province_setup(code)

    # then: nothing created, nothing changed (no history rows either)
    assert not again.changed
    assert _counts() == before
    assert again.agency_codes == summary.agency_codes


@pytest.mark.django_db
def test_an_unknown_province_is_refused_in_vietnamese_and_nothing_is_written():
    with pytest.raises(UnitsDataError) as caught:
        province_setup("99")

    assert caught.value.code == UnitsDataErrorCode.UNKNOWN_PROVINCE
    assert "Mã tỉnh «99» không phải mã của một trong 34 tỉnh" in caught.value.message
    assert _counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_another_province_beside_khanh_hoa_leaves_its_registry_alone(registry):
    # given: Khánh Hòa's shipped registry (cchc org load), with the draft codes of 7 new units
    def snapshot():
        return (
            sorted(
                AdministrativeUnit.objects.values_list("code", "valid_from", "valid_to", "name", "parent_id"), key=str
            ),
            sorted(
                Agency.objects.values_list("code", "valid_from", "valid_to", "name", "confidence", "unit_id"), key=str
            ),
            UnitSuccession.objects.count(),
        )

    khanh_hoa = snapshot()

    # when: Khánh Hòa itself is set up over its registry
    summary = province_setup("56")

    # then: nothing is added or changed; the draft codes are reported for a human check
    assert not summary.changed
    assert snapshot() == khanh_hoa
    assert any("22411" in line and "22408" in line for line in summary.differences)
    assert summary.agency_codes["so-tu-phap"] == "so-tu-phap"  # the shipped registry's own agency

    # when: another province is set up beside it
    other = province_setup("12")

    # then: its records are new, with codes of their own; Khánh Hòa's are untouched
    assert other.changed
    units, agencies, edges = snapshot()
    assert set(khanh_hoa[0]) <= set(units)
    assert set(khanh_hoa[1]) <= set(agencies)
    assert Agency.objects.get(code="so-tu-phap-p12").name == "Sở Tư pháp"
    assert Agency.objects.filter(code="so-tu-phap").count() == 2  # Khánh Hòa's two periods only
