"""The claims of the development provider's tokens, and the faults applied to its ID tokens."""

from __future__ import annotations

import json
import time
from typing import Any

from jwcrypto import jwk, jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

from cchc.identity.provider import faults
from cchc.identity.provider.citizens import ACCOUNTS

CLAIMS = ("loai_tai_khoan", "so_dinh_danh", "name", "birthdate", "muc_do_dinh_danh", "ma_so_thue", "ten_to_chuc")


class CitizenValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, **{claim: "profile" for claim in CLAIMS}}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        account = ACCOUNTS.get(request.user.username, {})
        return {claim: account[claim] for claim in CLAIMS if claim in account}

    def finalize_id_token(self, id_token: Any, token: Any, token_handler: Any, request: Any) -> str:
        signed = str(super().finalize_id_token(id_token, token, token_handler, request))
        for mode in ("forge", "expire", "nonce"):
            if faults.take(mode):
                return _tampered(signed, mode, request.client.jwk_key)
        return signed


def _tampered(signed: str, mode: str, key: jwk.JWK) -> str:
    token = jwt.JWT(jwt=signed, key=key)
    header = json.loads(token.header)
    claims = json.loads(token.claims)
    if mode == "expire":
        now = int(time.time())
        claims.update(iat=now - 7200, exp=now - 3600, auth_time=now - 7200)
    elif mode == "nonce":
        claims["nonce"] = "khong-phai-nonce-cua-yeu-cau"
    else:  # forge: another key, the real key's identifier
        key = jwk.JWK.generate(kty="RSA", size=2048)
    forged = jwt.JWT(header=json.dumps(header), claims=json.dumps(claims))
    forged.make_signed_token(key)
    return str(forged.serialize())
