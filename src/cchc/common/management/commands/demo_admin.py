"""Create (or reset) the demo administrator and print its password.

Only for a local demo (``make run``); refuses to run when DEBUG is off.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from cchc.common.demo import demo_only


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị demo (chỉ dùng khi DEBUG bật) và in mật khẩu."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, **options: Any) -> None:
        demo_only("cchc demo_admin")
        user_model = get_user_model()
        password = secrets.token_urlsafe(9)
        user, _ = user_model.objects.get_or_create(username=options["username"])
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(f"Tài khoản quản trị demo: {user.username} / {password}  (http://127.0.0.1:8000/admin/)")
        )
