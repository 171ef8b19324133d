from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cchc.audit"
    label = "audit"
    verbose_name = "Nhật ký kiểm toán"

    def ready(self) -> None:
        from cchc.audit import lockouts

        lockouts.connect()
