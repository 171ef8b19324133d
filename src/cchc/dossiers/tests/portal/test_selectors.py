"""The public status lookup: a code (or submission reference) plus the phone or ID number."""

from __future__ import annotations

import pytest

from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.selectors import (
    dossier_lookup_public,
    dossier_lookup_public_id,
    dossier_submission_reference,
    portal_desks,
)
from cchc.dossiers.tests.conftest import AT, CITIZEN, submit, to_status


@pytest.mark.parametrize(
    "factor",
    ["0905123456", " 0905 123 456 ", "0905.123.456", "+84905123456", "056190001234", "0561 9000 1234"],
)
def test_a_received_dossier_is_found_by_code_and_phone_or_id_number(world, factor):
    dossier = to_status(world, DossierStatus.IN_PROCESS)

    assert dossier_lookup_public(reference=dossier.code, factor=factor) == dossier
    assert dossier_lookup_public(reference=f"  {dossier.code} ", factor=factor) == dossier
    # the portal form's light look-up: the same rules, the id only
    assert dossier_lookup_public_id(reference=dossier.code, factor=factor) == dossier.pk
    assert dossier_lookup_public_id(reference=f"  {dossier.code} ", factor=factor) == dossier.pk


def test_an_online_dossier_is_found_by_its_submission_reference_before_and_after_reception(world):
    dossier = submit(world)
    reference = dossier_submission_reference(dossier)
    assert reference == f"TT-{dossier.pk:06d}"

    assert dossier_lookup_public(reference=reference, factor=CITIZEN.phone) == dossier
    assert dossier_lookup_public(reference=reference.lower(), factor=CITIZEN.phone) == dossier
    assert dossier_lookup_public_id(reference=reference.lower(), factor=CITIZEN.phone) == dossier.pk


@pytest.mark.parametrize(
    ("reference", "factor"),
    [
        ("CODE", "0905123457"),  # right code, wrong phone
        ("CODE", "056190001235"),  # right code, wrong ID number
        ("CODE", "123456"),  # a part of the phone
        ("CODE", ""),
        ("56-260105-9999", "0905123456"),  # unknown code, a real phone
        ("", "0905123456"),
        ("TT-99999999999999999999999", "0905123456"),
    ],
)
def test_wrong_factor_and_unknown_code_give_the_same_answer(world, reference, factor):
    dossier = to_status(world, DossierStatus.RECEIVED)
    reference = reference.replace("CODE", dossier.code)

    assert dossier_lookup_public(reference=reference, factor=factor) is None
    assert dossier_lookup_public_id(reference=reference, factor=factor) is None


def test_a_counter_dossier_has_no_submission_reference(world):
    dossier = to_status(world, DossierStatus.RECEIVED)  # received at the counter
    assert dossier_lookup_public(reference=dossier_submission_reference(dossier), factor=CITIZEN.phone) is None
    assert dossier_lookup_public_id(reference=dossier_submission_reference(dossier), factor=CITIZEN.phone) is None


def test_lookup_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    dossier = to_status(world, DossierStatus.RETURNED, at=AT)
    # the dossier, then steps, fee lines, payments, supplements, extensions, documents, rating
    with django_assert_num_queries(8):
        found = dossier_lookup_public(reference=dossier.code, factor=CITIZEN.phone)
        assert found is not None
        list(found.steps.all())
        list(found.fee_lines.all())
        [s.agency.name for s in found.steps.all()]


def test_the_portal_forms_lookup_reads_one_row_of_three_columns(world, django_assert_num_queries):
    # issue 17 item 4: the look-up form only needs the id (the status page reads the dossier itself)
    dossier = to_status(world, DossierStatus.RETURNED, at=AT)
    with django_assert_num_queries(1) as captured:
        assert dossier_lookup_public_id(reference=dossier.code, factor=CITIZEN.phone) == dossier.pk
    sql = captured.captured_queries[0]["sql"]
    assert "JOIN" not in sql
    assert sql.split(" FROM ")[0].count(",") == 2  # id, applicant_phone, applicant_id_number


def test_portal_desks_put_the_centre_first(world):
    desks = list(portal_desks(on=AT.date()))
    assert desks[0] == world.centre
    assert world.nha_trang in desks
    assert world.justice not in desks
