from cchc.common.tests.files import media_root  # noqa: F401
