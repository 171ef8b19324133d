"""EMAIL_URL: Django's SMTP settings from one variable (cchc.config.env.email_url_settings)."""

from __future__ import annotations

import pytest

from cchc.config.env import email_url_settings


def test_smtp_with_starttls_and_an_encoded_password() -> None:
    assert email_url_settings("smtp://cchc%40tinh.vn:m%C3%A2t%2Fkhau@mail.khanhhoa.gov.vn:587?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.khanhhoa.gov.vn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "cchc@tinh.vn",
        "EMAIL_HOST_PASSWORD": "mât/khau",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


def test_smtps_defaults_to_port_465() -> None:
    values = email_url_settings("smtps://u:p@mail.example.vn")
    assert (values["EMAIL_PORT"], values["EMAIL_USE_SSL"], values["EMAIL_USE_TLS"]) == (465, True, False)


def test_development_backends() -> None:
    assert email_url_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert email_url_settings("file:///tmp/thu")["EMAIL_FILE_PATH"] == "/tmp/thu"


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="không hỗ trợ giao thức «http»"):
        email_url_settings("http://mail.example.vn")
