"""Staff names as Vietnamese write them: one field, shown exactly as written.

A Vietnamese full name (họ và tên) is written family name first ("Nguyễn Thị Lan"); splitting it into
"first" and "last" name and joining them back (Django's ``get_full_name`` gives "Lan Nguyễn Thị") is
how names end up reordered. So the platform keeps a staff member's whole name in one field, the
user's ``first_name`` (labelled "Họ và tên" in the admin; ``last_name`` stays empty, and the
migration ``accounts.0003`` merged the names recorded before into it, family name first), and every
page, PDF, DOCX, e-mail and API answer shows it through :func:`person_name` (the template filter
``person_name`` of ``{% load people %}``). Naming rules of Nghị định 30/2020/NĐ-CP (Điều 8: the
signer's full name under the signature) are met by printing that field as written.
"""

from __future__ import annotations

from typing import Any

FULL_NAME_FIELD = "first_name"
FULL_NAME_LABEL = "Họ và tên"


def person_name(user: Any) -> str:
    """A staff member's full name as written (``first_name``), or the login when none is recorded;
    empty for None."""
    if user is None:
        return ""
    return (str(getattr(user, FULL_NAME_FIELD, "") or "").strip() or user.get_username()).strip()
