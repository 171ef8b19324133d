"""The QR code printed at the top left of every form.

legal: Thông tư 01/2023/TT-VPCP asks that documents of the one-stop-shop carry a QR code from which the
dossier and the document can be identified: at least the dossier code, the procedure code, the
applicant's identifier and the document's name. The payload is compact JSON (UTF-8, keys in
Vietnamese without diacritics), readable by any QR reader and easy to parse by a checking app.
"""

from __future__ import annotations

import json

QR_FORMAT = "cchc-qr/1"


def qr_payload(
    *,
    document_name: str,
    dossier_code: str = "",
    procedure_code: str = "",
    applicant_id: str = "",
    form: int | None = None,
    extra: dict[str, str] | None = None,
) -> str:
    """The text encoded in the QR code (keys: ``ma_ho_so``, ``ma_tthc``, ``ma_dinh_danh``, ``ten_giay_to``)."""
    data: dict[str, str] = {"dinh_dang": QR_FORMAT}
    if form is not None:
        data["mau"] = f"{form:02d}"
    data.update(
        {
            "ma_ho_so": dossier_code,
            "ma_tthc": procedure_code,
            "ma_dinh_danh": applicant_id,
            "ten_giay_to": document_name,
        }
    )
    data.update(extra or {})
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def qr_png_data_uri(payload: str) -> str:
    """A ``data:image/png`` URI of the QR code of ``payload`` (error correction M, 1-module border)."""
    import segno

    code = segno.make(payload, error="m", micro=False, boost_error=False)
    return code.png_data_uri(scale=4, border=1)
