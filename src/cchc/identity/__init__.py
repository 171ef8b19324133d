"""Electronic identity sign-in of citizens and organisations (issue 15 items 1–3; docs/identity.md).

The platform is an OpenID Connect relying party (mozilla-django-oidc) of a VNeID-style provider:
authorization code + PKCE, state and nonce, RS256 ID tokens verified against the provider's JWKS.
A signed-in citizen is NOT a Django user: the session holds the citizen account's id (``Citizen``), read
by :class:`cchc.identity.middleware.CitizenMiddleware` into ``request.citizen``; ``request.user`` stays
anonymous, so no staff page, no admin and no staff permission is ever reachable through a citizen
sign-in, and the staff login (django-axes) is untouched.
"""
