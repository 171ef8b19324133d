"""The connections' monitoring page (staff), mounted at /lien-thong/."""

from django.urls import path

from cchc.integrations.web import views

app_name = "integrations_web"
urlpatterns = [
    path("", views.status, name="status"),
    path("gui-lai/", views.replay, name="replay"),
]
