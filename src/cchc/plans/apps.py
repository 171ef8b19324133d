from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "cchc.plans"
    label = "plans"
    verbose_name = "Kế hoạch cải cách hành chính hằng năm"
