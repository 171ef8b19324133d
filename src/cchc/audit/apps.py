from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cchc.audit"
    label = "audit"
    verbose_name = "Nhật ký kiểm toán"

    def ready(self) -> None:
        from cchc.audit import lockouts
        from cchc.audit.services import audit_seal_round
        from cchc.common import rounds

        lockouts.connect()
        rounds.register(
            "audit.seal", audit_seal_round
        )  # the background loop seals committed events (docs/architecture.md)
