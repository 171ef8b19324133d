"""Staff names: one field, shown as written (issue 12, item 19)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.template import Context, Template

from cchc.accounts.names import person_name

pytestmark = pytest.mark.django_db


def test_person_name_is_the_name_as_written_or_the_login():
    assert person_name(User(username="lan", first_name="Nguyễn Thị Lan")) == "Nguyễn Thị Lan"
    assert person_name(User(username="lan")) == "lan"
    assert person_name(None) == ""
    rendered = Template("{% load people %}{{ u|person_name }}").render(
        Context({"u": User(username="x", first_name="Trần Thị Thu")})
    )
    assert rendered == "Trần Thị Thu"


def test_the_migration_merges_split_names_family_name_first():
    split = User.objects.create_user(username="split", first_name="Lan", last_name="Nguyễn Thị")
    whole = User.objects.create_user(username="whole", first_name="Lê Quốc Hùng")
    migration = importlib.import_module("cchc.accounts.migrations.0003_staff_full_name_in_one_field")

    migration.merge_names(apps, None)

    split.refresh_from_db()
    whole.refresh_from_db()
    assert (split.first_name, split.last_name) == ("Nguyễn Thị Lan", "")
    assert (whole.first_name, whole.last_name) == ("Lê Quốc Hùng", "")
    assert person_name(split) == "Nguyễn Thị Lan"


def test_the_admin_user_form_has_one_full_name_field(admin_client):
    user = User.objects.create_user(username="canbo")

    body = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()

    assert "Họ và tên" in body
    assert 'name="last_name"' not in body
