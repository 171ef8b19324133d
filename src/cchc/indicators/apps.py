from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "cchc.indicators"
    label = "indicators"
    verbose_name = "Chỉ số, chỉ tiêu (Bộ chỉ số 766)"

    def ready(self) -> None:
        from cchc.indicators.subscribers import subscriber_register

        subscriber_register()
