"""``python -m cchc.identity.provider --port 8070``: run the development identity provider (started by
``cchc identity dev-provider`` and by ``make run``). Prints one line with its issuer once it listens."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_CLIENT_ID = "cchc-dich-vu-cong"
DEFAULT_CLIENT_SECRET = "cchc-mo-phong-bi-mat"  # noqa: S105 - the development client's published secret
# loopback redirect URIs: any port is allowed (RFC 8252 §7.3), so `make run` and the tests' live server fit
DEFAULT_REDIRECTS = [
    "http://127.0.0.1/dich-vu-cong/dinh-danh/xac-thuc/",
    "http://localhost/dich-vu-cong/dinh-danh/xac-thuc/",
]


def _signing_key(directory: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    path = directory / "signing-key.pem"
    if path.exists():
        return
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(pem)
    path.chmod(0o600)


def _seed(client_id: str, client_secret: str, redirects: list[str]) -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    from cchc.identity.provider.citizens import ACCOUNTS, PASSWORD

    call_command("migrate", verbosity=0, interactive=False)
    for username, claims in ACCOUNTS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.first_name = claims.get("ten_to_chuc", claims["name"])[:150]
        if not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
        user.save()
    Application = get_application_model()
    application, _ = Application.objects.get_or_create(client_id=client_id)
    application.name = "Cổng dịch vụ công CCHC Khánh Hòa"
    application.client_secret = client_secret
    application.client_type = Application.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    application.redirect_uris = " ".join(redirects)
    application.algorithm = Application.RS256_ALGORITHM
    application.skip_authorization = True
    application.save()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="cchc identity dev-provider")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--dir", default=os.environ.get("CCHC_IDP_DIR", "var/identity-provider"))
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--redirect-uri", action="append", default=None)
    args = parser.parse_args(argv)

    directory = Path(args.dir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    _signing_key(directory)

    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            if os.environ.get("CCHC_IDP_VERBOSE"):
                super().log_message(format, *args)

    server = ThreadedWSGIServer((args.host, args.port), QuietHandler, allow_reuse_address=True)
    base = f"http://{args.host}:{server.server_address[1]}"
    os.environ["CCHC_IDP_DIR"] = str(directory)
    os.environ["CCHC_IDP_ISSUER"] = base + "/o"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cchc.identity.provider.settings"
    import django

    django.setup()
    _seed(args.client_id, args.client_secret, args.redirect_uri or DEFAULT_REDIRECTS)
    from django.core.wsgi import get_wsgi_application

    server.set_app(get_wsgi_application())
    sys.stdout.write(f"Nhà cung cấp định danh điện tử (mô phỏng) đang chạy, issuer {base}/o\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
