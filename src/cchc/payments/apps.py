from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "cchc.payments"
    label = "payments"
    verbose_name = "Thanh toán trực tuyến"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.checks import register as register_check

        from cchc.payments.checks import development_secret_in_production

        register_check(development_secret_in_production)
        from cchc.outbox.registry import register
        from cchc.payments.constants import REFUND_SUBSCRIBER, REFUND_TOPIC
        from cchc.payments.services import REFUND_DOSSIER_TOPICS, refunds_handle_event

        register(REFUND_SUBSCRIBER, topics={*REFUND_DOSSIER_TOPICS, REFUND_TOPIC})(refunds_handle_event)
