from django.apps import AppConfig


class PublicApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cchc.publicapi"
    label = "publicapi"
    verbose_name = "API công khai cho đối tác"
