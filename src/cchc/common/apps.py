from django.apps import AppConfig
from django.urls import register_converter


class CommonConfig(AppConfig):
    name = "cchc.common"
    label = "common"
    verbose_name = "Dùng chung"

    def ready(self) -> None:
        from django.core.signals import request_started

        from cchc.common import checks  # noqa: F401 (registers the system checks)
        from cchc.common.params import IdConverter
        from cchc.common.replica import request_started as replica_request_started

        # each request starts with nothing written: the replica's reads are allowed again (cchc.common.replica)
        request_started.connect(replica_request_started, dispatch_uid="cchc.common.replica")

        # <id:pk> in every urls.py: the bounded id of the URL (Django's <int:…> matches any length)
        register_converter(IdConverter, "id")
