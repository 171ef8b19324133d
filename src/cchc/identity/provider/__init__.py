"""The development identity provider (issue 15 item 2): a VNeID-style OpenID Connect provider built on
django-oauth-toolkit in OIDC mode, run as its own process with its own SQLite database
(``cchc identity dev-provider``). Authorization code flow with PKCE required, RS256-signed ID tokens,
discovery (/o/.well-known/openid-configuration), JWKS (/o/.well-known/jwks.json), userinfo, a login page
with the test citizens, and a control endpoint (POST /_control) that makes it fail on command: forged,
expired or wrong-nonce ID tokens, or "down" (503 on every protocol endpoint).

Never part of the platform's own process: nothing here is imported by cchc.config.settings.
"""
