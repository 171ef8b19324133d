from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "cchc.identity"
    verbose_name = "Định danh điện tử của người dân, tổ chức"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cchc.identity import checks  # noqa: F401 (registers the system check)
