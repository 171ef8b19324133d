from django.contrib.auth.hashers import PBKDF2PasswordHasher


class LightPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The development provider's hasher: its accounts' passwords are published (citizens.py)."""

    algorithm = "pbkdf2_sha256_light"
    iterations = 1000
