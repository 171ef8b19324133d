"""URLs of the dossier API, under /api/: /api/dossiers/ and the counter reception /api/reception/."""

from django.urls import path

from cchc.dossiers.api import views

app_name = "dossiers_api"
urlpatterns = [
    path("dossiers/", views.DossierListView.as_view(), name="dossier-list"),
    path("dossiers/<str:code>/", views.DossierDetailView.as_view(), name="dossier-detail"),
    path("dossiers/<str:code>/actions/<str:action>/", views.DossierActionView.as_view(), name="dossier-action"),
    path(
        "dossiers/<str:code>/documents/<str:order>/reject/",
        views.DocumentRejectView.as_view(),
        name="dossier-document-reject",
    ),
    path("reception/", views.CounterReceptionView.as_view(), name="reception"),
    path("reception/offers/", views.ReceptionOffersView.as_view(), name="reception-offers"),
]
