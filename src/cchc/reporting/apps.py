from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cchc.reporting"
    label = "reporting"
    verbose_name = "Báo cáo cải cách hành chính định kỳ"
