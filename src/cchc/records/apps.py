from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "cchc.records"
    label = "records"
    verbose_name = "Kho quản lý dữ liệu điện tử của tổ chức, cá nhân"
    default_auto_field = "django.db.models.BigAutoField"
