"""``cchc catalogue import`` / ``export`` as an administrator runs them."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.catalogue.models import Procedure, ProcedureVersion
from cchc.catalogue.tests.conftest import catalogue_data, procedure_data


def _run(*args: str) -> str:
    out = StringIO()
    call_command("catalogue", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_without_file_loads_the_demo_catalogue_once(registry):
    first = _run("import")
    second = _run("import")

    assert "Đã cập nhật danh mục thủ tục." in first
    assert "không có thay đổi" in second
    assert Procedure.objects.count() >= 40
    assert ProcedureVersion.objects.count() == Procedure.objects.count()


def test_export_prints_json_that_imports_back_unchanged(registry, tmp_path):
    _run("import")
    path = tmp_path / "export.json"
    path.write_text(_run("export"), encoding="utf-8")

    output = _run("import", str(path))

    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "cchc-catalogue"
    assert "không có thay đổi" in output


def test_invalid_file_is_refused_with_location_and_nothing_changes(registry, tmp_path):
    data = catalogue_data(procedure_data(processing_time={"value": 1, "unit": "weeks"}))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CommandError) as caught:
        _run("import", str(path))

    message = str(caught.value)
    assert "không có thay đổi nào" in message
    assert str(path) in message
    assert "thủ tục 1.001193" in message
    assert "procedures[0].processing_time.unit" in message
    assert not Procedure.objects.exists()


def test_import_at_a_given_moment(registry, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(catalogue_data(), ensure_ascii=False), encoding="utf-8")

    _run("import", str(path), "--at", "2026-01-05T08:00:00+07:00")

    version = ProcedureVersion.objects.get()
    assert version.published_at.isoformat() == "2026-01-05T01:00:00+00:00"


def test_bad_moment_is_refused(db):
    with pytest.raises(CommandError, match="ISO 8601"):
        _run("import", "--at", "hôm qua")
