from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "cchc.common"
    label = "common"
    verbose_name = "Dùng chung"
