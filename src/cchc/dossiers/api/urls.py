"""URLs of the dossier API, under /api/dossiers/."""

from django.urls import path

from cchc.dossiers.api import views

app_name = "dossiers_api"
urlpatterns = [
    path("dossiers/", views.DossierListView.as_view(), name="dossier-list"),
    path("dossiers/<str:code>/", views.DossierDetailView.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/actions/<str:action>/", views.DossierActionView.as_view(), name="dossier-action"),
]
