from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "cchc.program"
    label = "program"
    verbose_name = "Chương trình cải cách hành chính"
