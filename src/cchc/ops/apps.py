from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations of a deployment (issue 17): backup and restore."""

    name = "cchc.ops"
    verbose_name = "Vận hành"
