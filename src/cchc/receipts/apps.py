from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    name = "cchc.receipts"
    label = "receipts"
    verbose_name = "Biên lai thu phí, lệ phí điện tử"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cchc.outbox.registry import register
        from cchc.receipts.constants import (
            ISSUED_TOPIC,
            PAYMENT_TOPIC,
            REFUND_DONE_TOPIC,
            SIGN_MAX_ATTEMPTS,
            SIGN_SUBSCRIBER,
            SUBSCRIBER,
        )
        from cchc.receipts.services import receipt_handle_event
        from cchc.receipts.signatures import receipt_sign_handle_event

        register(SUBSCRIBER, topics={PAYMENT_TOPIC, REFUND_DONE_TOPIC})(receipt_handle_event)
        # issue 16 item 2: the receipt issued is signed by the collecting agency (retried while the signer is down)
        register(SIGN_SUBSCRIBER, topics={ISSUED_TOPIC}, max_attempts=SIGN_MAX_ATTEMPTS)(receipt_sign_handle_event)
