from django.urls import path

from cchc.org.web import views

app_name = "org_web"
urlpatterns = [
    path("co-quan/", views.agency_list, name="agency_list"),
]
