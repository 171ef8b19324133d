from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "cchc.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ thủ tục hành chính (một cửa)"

    def ready(self) -> None:
        from cchc.dossiers.results.services import SUBSCRIBER, TOPICS, result_handle_event
        from cchc.outbox.registry import register

        # a signing service down for hours keeps the result waiting, retried (issue 16)
        register(SUBSCRIBER, topics=TOPICS, max_attempts=50)(result_handle_event)
