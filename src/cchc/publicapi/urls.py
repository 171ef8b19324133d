"""URLs of the public API, under /api/public/ (issue 17 item 8, docs/api-public.md).

The version is in the path (``v1``): a change that would break a partner's client is a new path (``v2``),
served beside the old one while partners move. Every other address under /api/public/ answers a JSON 404
(``publicapi.unsupported_version`` for a version that does not exist). The OpenAPI document of v1, and its
Swagger UI and ReDoc pages (served by the platform itself, no CDN: drf-spectacular-sidecar), need no token.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from cchc.publicapi import schema, views

app_name = "publicapi"

operations = [
    path("oauth/token/", views.TokenView.as_view(), name="token"),
    path("catalogue/procedures/", views.ProcedureListView.as_view(), name="procedure-list"),
    path("catalogue/procedures/<str:code>/", views.ProcedureDetailView.as_view(), name="procedure-detail"),
    path("dossiers/status/", views.DossierStatusView.as_view(), name="dossier-status"),
    path("opendata/datasets/", views.DatasetListView.as_view(), name="dataset-list"),
    path("opendata/datasets/<str:name>/", views.DatasetDetailView.as_view(), name="dataset-detail"),
    path("opendata/resources/<str:resource_id>/records/", views.RecordListView.as_view(), name="resource-records"),
]

# the schema generator sees the operations at their full address
_schema_patterns = [path("api/public/v1/", include(operations))]

urlpatterns = [
    path(
        "v1/schema/",
        SpectacularAPIView.as_view(patterns=_schema_patterns, custom_settings=schema.SETTINGS),
        name="schema",
    ),
    path("v1/docs/", SpectacularSwaggerView.as_view(url_name="publicapi:schema"), name="docs"),
    path("v1/redoc/", SpectacularRedocView.as_view(url_name="publicapi:schema"), name="redoc"),
    path("v1/", include(operations)),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not-found"),
]
