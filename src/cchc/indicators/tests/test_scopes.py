"""The organisation kept per process, and the reference stamp it is kept under: every write to the
registry or the catalogue tables changes the stamp (database triggers, indicators migration 0003), so
an edit is seen by the next computation, and a rolled-back edit never is."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection, models, transaction

from cchc.catalogue.models import (
    CompetentAgency,
    FeeItem,
    Field,
    Procedure,
    ProcedureStep,
    ProcedureVersion,
    RequiredDocument,
)
from cchc.dossiers.tests.conftest import World
from cchc.indicators.constants import Structure
from cchc.indicators.scopes import organisation_load, reference_cache_clear, reference_memo, reference_stamp
from cchc.org.models import AdministrativeUnit, Agency, AgencySuccession

DAY = date(2026, 1, 5)
WATCHED: list[type[models.Model]] = [
    Agency,
    AdministrativeUnit,
    AgencySuccession,
    Field,
    Procedure,
    ProcedureVersion,
    CompetentAgency,
    ProcedureStep,
    RequiredDocument,
    FeeItem,
]


def _current() -> Any:
    return organisation_load(structure=Structure.CURRENT, day=DAY)


def test_the_organisation_is_read_once_while_the_stamp_stays(world: World, django_assert_num_queries: Any) -> None:
    reference_cache_clear()
    # the first time: the stamp, the agencies, the succession edges
    with django_assert_num_queries(3):
        first = _current()
    # then the stamp alone says it is current
    with django_assert_num_queries(1):
        again = _current()
    assert again is first
    assert reference_memo(first.stamp) is not None
    # another structure (or day) is another organisation, kept as well
    historical = organisation_load(structure=Structure.HISTORICAL, day=DAY)
    assert historical is not first
    assert organisation_load(structure=Structure.HISTORICAL, day=DAY) is historical
    assert historical.reporting == {pk: pk for pk in historical.agencies}


@pytest.mark.parametrize("model", WATCHED, ids=lambda model: model.__name__)
def test_any_write_to_a_watched_table_changes_the_stamp(world: World, model: type[models.Model]) -> None:
    # given a row of the table (the world holds one of each) and the organisation kept
    row = model.objects.order_by("pk").first()
    assert row is not None
    kept = _current()
    before = reference_stamp()
    # when it is written by raw SQL, without Django's save() or any signal (a no-op update even)
    table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = {column} WHERE {column} = %s", [row.pk])
    # then the stamp is another, and the organisation is read again
    assert reference_stamp() != before
    assert _current() is not kept


def test_an_edit_through_the_models_is_seen_by_the_next_computation(world: World) -> None:
    kept = _current()
    justice = Agency.objects.get(pk=world.justice.pk)
    # saved as the admin's change form saves it
    justice.name = "Sở Tư pháp (tên mới)"
    justice.save()
    renamed = _current()
    assert renamed is not kept
    assert renamed.agencies[justice.pk].name == "Sở Tư pháp (tên mới)"
    # updated in bulk, created, deleted
    Agency.objects.filter(pk=justice.pk).update(short_name="STP")
    assert _current().agencies[justice.pk].short_name == "STP"
    extra = Agency.objects.create(code="co-quan-thu", name="Cơ quan thử", kind=justice.kind, level=justice.level)
    assert extra.pk in _current().agencies
    extra.delete()
    assert extra.pk not in _current().agencies


def test_a_rolled_back_edit_is_never_seen_again(world: World) -> None:
    justice = Agency.objects.get(pk=world.justice.pk)
    name = justice.name
    # when an edit is seen inside its transaction, then rolled back
    with transaction.atomic():
        Agency.objects.filter(pk=justice.pk).update(name="Tên tạm")
        assert _current().agencies[justice.pk].name == "Tên tạm"
        uncommitted = reference_stamp()
        transaction.set_rollback(True)
    # then the next computation reads the name the database holds
    assert reference_stamp() != uncommitted
    assert _current().agencies[justice.pk].name == name
    # and a later write takes a stamp of its own, not the one rolled back
    Agency.objects.filter(pk=justice.pk).update(short_name="STP")
    assert reference_stamp() != uncommitted
    assert _current().agencies[justice.pk].short_name == "STP"
