"""URLs of the open data, mounted at /du-lieu-mo/: the pages and the CKAN-compatible API."""

from django.urls import path, re_path

from cchc.opendata import api
from cchc.opendata.web import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    # CKAN serves its Action API at /api/3/action/ and /api/action/ (what the ckanapi client calls)
    re_path(r"^api/(?:3/)?action/(?P<name>[a-z_]+)$", api.action, name="api"),
    path("<slug:name>/", views.dataset, name="dataset"),
    path("<slug:name>/dcat.jsonld", views.dataset_jsonld, name="dcat"),
    path("<slug:name>/tep/<str:resource_id>/", views.download, name="download"),
]
