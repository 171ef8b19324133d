from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "cchc.common"
    label = "common"
    verbose_name = "Dùng chung"

    def ready(self) -> None:
        from cchc.common import checks  # noqa: F401 (registers the system checks)
