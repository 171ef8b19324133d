from django.urls import path

from cchc.dossiers.results import views

app_name = "results"

urlpatterns = [
    path("<str:token>/", views.verify, name="verify"),
]
