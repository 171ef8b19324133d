from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    name = "cchc.receipts"
    label = "receipts"
    verbose_name = "Biên lai thu phí, lệ phí điện tử"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cchc.outbox.registry import register
        from cchc.receipts.constants import PAYMENT_TOPIC, REFUND_DONE_TOPIC, SUBSCRIBER
        from cchc.receipts.services import receipt_handle_event

        register(SUBSCRIBER, topics={PAYMENT_TOPIC, REFUND_DONE_TOPIC})(receipt_handle_event)
