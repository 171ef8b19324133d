from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save


class CatalogueConfig(AppConfig):
    name = "cchc.catalogue"
    label = "catalogue"
    verbose_name = "Danh mục thủ tục hành chính"

    def ready(self) -> None:
        from cchc.catalogue.selectors import catalogue_changed

        # the public pages' copy of the versions in force (cchc.catalogue.selectors): every change of what
        # they show (the catalogue's rows, the agencies' names) starts a new generation
        for label in (
            "catalogue.Field",
            "catalogue.Procedure",
            "catalogue.ProcedureVersion",
            "catalogue.CompetentAgency",
            "catalogue.ProcedureStep",
            "catalogue.RequiredDocument",
            "catalogue.FeeItem",
            "org.Agency",
        ):
            model = apps.get_model(label)
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-changed-save-{label}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-changed-delete-{label}")
