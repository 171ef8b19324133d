from django.apps import AppConfig
from django.urls import register_converter


class CommonConfig(AppConfig):
    name = "cchc.common"
    label = "common"
    verbose_name = "Dùng chung"

    def ready(self) -> None:
        from cchc.common import checks  # noqa: F401 (registers the system checks)
        from cchc.common.params import IdConverter

        # <id:pk> in every urls.py: the bounded id of the URL (Django's <int:…> matches any length)
        register_converter(IdConverter, "id")
