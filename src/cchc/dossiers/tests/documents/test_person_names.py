"""Staff names are one field, shown as written (issue 12, item 19): form 01 signs the reception
officer of ``cchc demo_staff`` as "Nguyễn Thị Lan", never "Lan Nguyễn Thị"."""

from __future__ import annotations

import dataclasses

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from cchc.dossiers import services as s
from cchc.dossiers.documents.selectors import dossier_form_pdf
from cchc.dossiers.tests.conftest import AT, CITIZEN, World
from cchc.dossiers.tests.documents.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_form_01_signs_the_demo_reception_officer_in_vietnamese_order(world: World, settings, capsys):
    # given: the demo's provincial reception officer, named by `cchc demo_staff`
    settings.DEBUG = True
    call_command("demo_staff")
    capsys.readouterr()
    demo = User.objects.get(username="tiepnhan.tinh")
    officer = world.reception
    officer.first_name, officer.last_name = demo.first_name, demo.last_name
    officer.save()
    dossier = s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=dataclasses.replace(CITIZEN, name="Phạm Văn Đức"),
        receiving_agency=world.centre,
        competent_agency=world.justice,
        actor=officer,
        at=AT,
    )

    text = pdf_text(dossier_form_pdf(dossier=dossier, form=1))

    assert "Nguyễn Thị Lan" in text
    assert "Lan Nguyễn Thị" not in text
