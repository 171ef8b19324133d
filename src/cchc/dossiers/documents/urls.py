from django.urls import re_path

from cchc.dossiers.documents import views

app_name = "dossier_documents"
urlpatterns = [
    re_path(r"^ho-so/id/(?P<pk>[0-9]{1,18})/mau-(?P<form>0[1-7])\.pdf$", views.dossier_form_by_pk, name="form_by_pk"),
    re_path(r"^ho-so/(?P<code>[^/]+)/mau-(?P<form>0[1-7])\.pdf$", views.dossier_form, name="form"),
    re_path(r"^so-theo-doi/(?P<agency_id>[0-9]{1,18})\.(?P<ext>xlsx|pdf)$", views.dossier_register, name="register"),
]
