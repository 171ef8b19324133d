from django.apps import AppConfig


class ProviderConfig(AppConfig):
    name = "cchc.identity.provider"
    label = "identity_provider"
    verbose_name = "Nhà cung cấp định danh (mô phỏng)"
