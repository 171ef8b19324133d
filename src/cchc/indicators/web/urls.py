"""The indicator dashboards, under /chi-so/."""

from django.urls import path

from cchc.indicators.web import views

app_name = "indicators_web"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("co-quan/<str:code>/", views.agency, name="agency"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("ho-so/", views.dossiers, name="dossiers"),
]
