from django.apps import AppConfig


class ParConfig(AppConfig):
    name = "cchc.par"
    label = "par"
    verbose_name = "Chỉ số cải cách hành chính (PAR Index)"
