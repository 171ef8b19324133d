"""URLs of the citizen portal (Cổng dịch vụ công), mounted at /dich-vu-cong/."""

from django.urls import path

from cchc.dossiers.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.search, name="search"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", views.apply, name="apply"),
    path("da-nop/<id:pk>/", views.submitted, name="submitted"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("dia-chi/", views.address, name="address"),
    path("ho-so/<id:pk>/", views.dossier_status, name="status"),
    path("ho-so/<id:pk>/danh-gia/", views.rate, name="rate"),
    path("ho-so/<id:pk>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so/<id:pk>/ket-qua.pdf", views.result_download, name="result"),
]
