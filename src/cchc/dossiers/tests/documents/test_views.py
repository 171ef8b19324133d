"""Downloads: staff of the dossier's agencies only; Content-Disposition; refusals as clear messages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from cchc.accounts.otp.testing import login_verified
from cchc.dossiers import services as s
from cchc.dossiers.constants import DossierStatus
from cchc.dossiers.lookups import LOOKUP_LIMIT
from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.conftest import AT, CITIZEN, World, to_status
from cchc.dossiers.tests.documents.conftest import pdf_text


def _url(dossier: Dossier, form: int) -> str:
    return reverse("dossier_documents:form", kwargs={"code": dossier.code, "form": f"{form:02d}"})


def test_url_shapes(returned: Dossier, world: World) -> None:
    assert _url(returned, 1) == f"/ho-so/{returned.code}/mau-01.pdf"
    assert reverse("dossier_documents:register", kwargs={"agency_id": world.centre.pk, "ext": "xlsx"}) == (
        f"/so-theo-doi/{world.centre.pk}.xlsx"
    )


def test_member_of_a_dossier_agency_downloads_the_form(client: Client, world: World, returned: Dossier) -> None:
    login_verified(client, world.specialist)  # Sở Tư pháp: the competent agency
    response = client.get(_url(returned, 1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # opens in the browser's PDF viewer for printing (inline); "?tai-ve=1" is the download link beside it
    assert response["Content-Disposition"] == f'inline; filename="mau-01-{returned.code}.pdf"'
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in pdf_text(response.content)
    download = client.get(_url(returned, 1), {"tai-ve": "1"})
    assert download["Content-Disposition"] == f'attachment; filename="mau-01-{returned.code}.pdf"'
    assert download.content.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["anonymous", "outsider", "commune_officer"])
def test_others_get_the_answer_of_an_unknown_dossier(client: Client, world: World, returned: Dossier, who: str) -> None:
    if who != "anonymous":
        login_verified(client, getattr(world, who))
    unknown = client.get("/ho-so/56-260105-9999/mau-01.pdf")
    response = client.get(_url(returned, 1))
    by_pk = client.get(f"/ho-so/id/{returned.pk}/mau-01.pdf")
    unknown_pk = client.get(f"/ho-so/id/{returned.pk + 1000}/mau-01.pdf")

    for answer in (response, by_pk, unknown_pk):  # exists-but-not-yours = does not exist
        assert (answer.status_code, answer.content) == (unknown.status_code, unknown.content) == (404, unknown.content)
    assert "không có quyền" in response.content.decode()


def test_the_agency_that_only_helped_the_applicant_gets_no_form_nor_page(client: Client, world: World) -> None:
    # given a dossier filed with help at UBND phường Nha Trang (assisted_at), received at the centre and
    # decided by Sở Tư pháp: the commune is none of its receiving, competent or step agencies
    dossier = s.dossier_receive_counter(
        procedure=world.province_procedure,
        applicant=CITIZEN,
        receiving_agency=world.centre,
        competent_agency=world.justice,
        assisted_at=world.nha_trang,
        actor=world.reception,
        at=AT,
    )
    login_verified(client, world.commune_officer)
    # when its officer opens the dossier's page and its receipt (form 01)
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/")
    form = client.get(_url(dossier, 1))
    # then both answer "not found" (the one policy, cchc.dossiers.policies.may_see)
    assert page.status_code == 404
    assert form.status_code == 404


def test_a_superuser_gets_the_forms_and_the_page_alike(client: Client, world: World, returned: Dossier) -> None:
    root = User.objects.create_superuser(username="quantri", password="x-Secret-123")
    login_verified(client, root)
    assert client.get(f"/mot-cua/ho-so/{returned.code}/").status_code == 200
    assert client.get(_url(returned, 1)).status_code == 200


def test_guessing_dossier_codes_is_throttled(client: Client, world: World, returned: Dossier) -> None:
    login_verified(client, world.outsider)
    for number in range(LOOKUP_LIMIT):
        assert client.get(f"/ho-so/56-260105-{number:04d}/mau-01.pdf").status_code == 404

    assert client.get(_url(returned, 1)).status_code == 429
    login_verified(client, world.specialist)  # the same address: blocked too, even for a dossier it may see
    assert client.get(_url(returned, 1)).status_code == 429


def test_unknown_dossier_is_404(client: Client, world: World) -> None:
    login_verified(client, world.reception)
    assert client.get("/ho-so/56-260105-9999/mau-01.pdf").status_code == 404
    assert client.get("/ho-so/56-260105-9999/mau-09.pdf").status_code == 404


def test_form_not_applicable_is_409_with_message(client: Client, world: World, returned: Dossier) -> None:
    login_verified(client, world.reception)
    response = client.get(_url(returned, 3))
    assert response.status_code == 409
    assert "không bị từ chối" in response.content.decode()


def test_refused_dossier_without_code_by_id(client: Client, world: World) -> None:
    refused = to_status(world, DossierStatus.REFUSED)
    login_verified(client, world.reception)
    url = reverse("dossier_documents:form_by_pk", kwargs={"pk": refused.pk, "form": "03"})
    response = client.get(url)
    assert response.status_code == 200
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in pdf_text(response.content)


def test_register_downloads(client: Client, world: World, returned: Dossier) -> None:
    login_verified(client, world.reception)
    base = f"/so-theo-doi/{world.centre.pk}"
    xlsx = client.get(f"{base}.xlsx", {"tu": "2026-01-01", "den": "2026-01-31"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx["Content-Disposition"] == (
        f'attachment; filename="so-theo-doi-ho-so-{world.centre.code}-20260101-20260131.xlsx"'
    )
    assert xlsx.content.startswith(b"PK")
    pdf = client.get(f"{base}.pdf", {"tu": "2026-01-01", "den": "2026-01-31"})
    assert pdf.status_code == 200
    assert returned.code in pdf_text(pdf.content)


def test_register_refusals(client: Client, world: World) -> None:
    base = f"/so-theo-doi/{world.centre.pk}.xlsx"
    assert client.get(base).status_code == 403  # anonymous
    login_verified(client, world.specialist)  # not a member of the centre
    assert client.get(base).status_code == 403
    login_verified(client, world.reception)
    bad = client.get(base, {"tu": "01/01/2026"})
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.content.decode()
    reversed_period = client.get(base, {"tu": "2026-02-01", "den": "2026-01-01"})
    assert reversed_period.status_code == 400
    assert "Ngày bắt đầu" in reversed_period.content.decode()
    assert client.get("/so-theo-doi/999999.xlsx").status_code == 404


def test_dossier_page_opens_forms_for_printing_with_a_download_link_beside(
    client: Client, world: World, returned: Dossier
) -> None:
    login_verified(client, world.reception)

    html = client.get(reverse("dossiers_web:dossier", kwargs={"code": returned.code})).content.decode()

    form_url = _url(returned, 1)
    assert f'<a href="{form_url}" data-form="01" target="_blank"' in html
    assert f'<a href="{form_url}?tai-ve=1" data-download="01">tải về</a>' in html
